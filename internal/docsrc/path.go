package docsrc

import (
	"strings"

	"github.com/tidwall/gjson"
)

// Path is a gjson path compiled for [Cursor.Lookup]: when its first
// component is a plain key, the lookup starts from the document's
// top-level member of that name, which the cursor indexes once per
// document, instead of scanning the whole document for every field.
type Path struct {
	full string // the whole path
	head string // its first component, "" when it is not a plain key
	rest string // the rest, "" when the path is the head alone
}

// CompilePath compiles a gjson path (dots between keys, \. for a dot in
// a key, numbers for array elements).
func CompilePath(p string) Path {
	cp := Path{full: p}
	head, rest, _ := strings.Cut(p, ".")
	for i := 0; i < len(head); i++ {
		c := head[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return cp
		}
	}
	cp.head, cp.rest = head, rest
	return cp
}

// String returns the path as written.
func (p Path) String() string { return p.full }

// member is one top-level member of a document.
type member struct {
	key string
	val gjson.Result
}

// Lookup returns the value at p in the current document (a result that
// does not exist when there is none).
func (c *Cursor) Lookup(p Path) gjson.Result {
	if !c.valid {
		return gjson.Result{}
	}
	if p.head == "" {
		return gjson.Get(c.Text(), p.full)
	}
	if c.indexed != c.num {
		c.index()
	}
	for i := range c.members {
		if m := &c.members[i]; m.key == p.head {
			if p.rest == "" {
				return m.val
			}
			return m.val.Get(p.rest)
		}
	}
	return gjson.Result{}
}

// index records the top-level members of the current document.
func (c *Cursor) index() {
	c.members = c.members[:0]
	gjson.Parse(c.Text()).ForEach(func(k, v gjson.Result) bool {
		c.members = append(c.members, member{key: k.Str, val: v})
		return true
	})
	c.indexed = c.num
}
