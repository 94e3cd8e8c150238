package field

import (
	"fmt"
	"sort"
	"strings"
)

// Catalog is a set of fields, looked up by name. It is read-only once
// built and safe for concurrent use.
type Catalog struct {
	byName map[string]*Field
	all    []*Field // sorted by source, then name
}

// NewCatalog builds a catalog of the given fields. It fails on a duplicate
// name within one source.
func NewCatalog(tables ...[]Field) (*Catalog, error) {
	c := &Catalog{byName: map[string]*Field{}}
	for _, t := range tables {
		for i := range t {
			f := &t[i]
			key := f.Source + "\x00" + f.Name
			if _, dup := c.byName[key]; dup {
				return nil, fmt.Errorf("field %s of source %s defined twice", f.Name, f.Source)
			}
			c.byName[key] = f
			c.all = append(c.all, f)
		}
	}
	sort.Slice(c.all, func(i, j int) bool {
		if c.all[i].Source != c.all[j].Source {
			return c.all[i].Source < c.all[j].Source
		}
		return c.all[i].Name < c.all[j].Name
	})
	return c, nil
}

// Lookup finds the field a name refers to in a source. The name may carry
// a dotted argument (evt.arg.name, k8s.pod.label.app): the longest field
// name that is a prefix of name at a dot boundary and is flagged DotArg
// wins, and the rest is returned as the argument.
func (c *Catalog) Lookup(source, name string) (*Field, Arg, bool) {
	if f, ok := c.byName[source+"\x00"+name]; ok {
		return f, Arg{}, true
	}
	for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
		f, ok := c.byName[source+"\x00"+name[:i]]
		if ok && f.Flags&DotArg != 0 {
			return f, Arg{Text: name[i+1:], Dotted: true}, true
		}
	}
	return nil, Arg{}, false
}

// Fields returns the fields of a source ("" for all), sorted by name.
func (c *Catalog) Fields(source string) []*Field {
	var out []*Field
	for _, f := range c.all {
		if source == "" || f.Source == source {
			out = append(out, f)
		}
	}
	return out
}

// Sources returns the sources that have fields, sorted.
func (c *Catalog) Sources() []string {
	var out []string
	for _, f := range c.all {
		if len(out) == 0 || out[len(out)-1] != f.Source {
			out = append(out, f.Source)
		}
	}
	return out
}
