package guardduty

import (
	"strings"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
)

// path is a field's path in both spellings of a finding, compiled once:
// camelCase as written, PascalCase derived from it.
type path struct {
	camel, pascal docsrc.Path
}

// compile compiles a camelCase gjson path (plain keys and array indexes
// between dots) and its PascalCase twin.
func compile(p string) path {
	return path{camel: docsrc.CompilePath(p), pascal: docsrc.CompilePath(pascalCase(p))}
}

// get returns the value at p in the cursor's finding, whichever its
// spelling. A finding uses one spelling throughout, so the wrong one fails
// at its first key, which the cursor finds in its index of top-level
// members.
func (p path) get(c *docsrc.Cursor) gjson.Result {
	if r := c.Lookup(p.camel); r.Exists() {
		return r
	}
	return c.Lookup(p.pascal)
}

// key is a path relative to an element of an array (a container, a tag)
// in both spellings.
type key struct {
	camel, pascal string
}

// newKey makes the key of a camelCase relative path.
func newKey(p string) key { return key{camel: p, pascal: pascalCase(p)} }

// in returns the value at k in v, whichever its spelling.
func (k key) in(v gjson.Result) gjson.Result {
	if r := v.Get(k.camel); r.Exists() {
		return r
	}
	return v.Get(k.pascal)
}

// pick returns the value at k in v, in the spelling given.
func (k key) pick(v gjson.Result, pascal bool) gjson.Result {
	if pascal {
		return v.Get(k.pascal)
	}
	return v.Get(k.camel)
}

// pascalCase upper-cases the first letter of every component of a dotted
// path: resource.instanceDetails.instanceId gives
// Resource.InstanceDetails.InstanceId. Array indexes are left alone.
func pascalCase(p string) string {
	parts := strings.Split(p, ".")
	for i, s := range parts {
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			parts[i] = string(s[0]-'a'+'A') + s[1:]
		}
	}
	return strings.Join(parts, ".")
}
