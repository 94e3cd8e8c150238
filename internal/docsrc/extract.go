package docsrc

import (
	"fmt"

	"github.com/tidwall/gjson"

	"peregrine/internal/field"
)

// Member returns the extractor of the value at p in the document, when
// there is one (see [Value]: a string's text, the JSON text of anything
// else, null included).
func Member(c *Cursor, p Path) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		if r := c.Lookup(p); r.Exists() {
			dst = append(dst, Value(r))
		}
		return dst
	}
}

// IndexArg returns the element a list field with an optional index
// argument picks (ka.user.groups[0], ec2.imageids[1]), or -1 for every
// element when the field takes no argument or none is given. An argument
// that is not an index is an error naming the field use.
func IndexArg(f *field.Field, arg field.Arg) (int, error) {
	if f.Arg != field.ArgOptional || !arg.Present() {
		return -1, nil
	}
	n, err := arg.Index()
	if err != nil {
		return 0, fmt.Errorf("%s[%s]: %w", f.Name, arg.Text, err)
	}
	return n, nil
}

// Elements calls fn with each element of the JSON array v and its index,
// counting from 0, for a source's Records: the records of a batch that
// is an array, or of a wrapper's array member ({"Records": [...]},
// {"items": [...]}), each named by its index in error messages. Nothing
// is called when v is not an array.
func Elements(v gjson.Result, fn func(i int, item gjson.Result)) {
	if !v.IsArray() {
		return
	}
	i := 0
	v.ForEach(func(_, item gjson.Result) bool {
		fn(i, item)
		i++
		return true
	})
}
