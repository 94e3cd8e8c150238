package loader

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/rules"
	"peregrine/internal/yamlnode"
)

var exceptionKeys = map[string]bool{"name": true, "fields": true, "comps": true, "values": true}

// fieldsEntry is the "fields" or "comps" of an exception as written: one
// string or a list of strings. Falco treats an empty list or a null like
// an absent key.
type fieldsEntry struct {
	given bool
	list  bool
	items []string
}

// rawException is an exception as read, before defaults and checks.
type rawException struct {
	it     *item
	ex     rules.Exception
	fields fieldsEntry
	comps  fieldsEntry
}

// readExceptions reads the "exceptions" key of a rule item. When
// appending, "fields" may be left out (to add values to an existing
// exception) and an exception without values is warned about.
func (st *load) readExceptions(it *item, m *mapping, appending bool) (exs []*rawException, present bool) {
	e := m.get("exceptions")
	if e == nil {
		return nil, false
	}
	if yamlnode.IsNull(e.value) {
		return nil, true
	}
	if e.value.Kind != yaml.SequenceNode {
		it.errorf(e.value, "key \"exceptions\" must be a sequence, found %s", kindName(e.value))
		return nil, true
	}
	names := map[string]bool{}
	for _, c := range e.value.Content {
		v := yamlnode.Resolve(c)
		eit := &item{l: st, file: it.file, kind: it.prefix() + "exception", node: c}
		if yamlnode.IsNull(v) || v.Kind != yaml.MappingNode {
			eit.errorf(c, "each exception must be a mapping, found %s", kindName(v))
			it.failed = true
			continue
		}
		em := eit.mapping(v)
		name, _, ok := eit.scalar(em, "name", true)
		eit.name = name
		eit.checkKeys(em, exceptionKeys)
		if !ok {
			it.failed = true
			continue
		}
		if names[name] {
			eit.warnf(nil, "defined more than once in the same rule")
		}
		names[name] = true
		raw := &rawException{it: eit, ex: rules.Exception{Name: name, Pos: pos(it.file, v)}}
		raw.fields = eit.fieldsEntry(em, "fields")
		raw.comps = eit.fieldsEntry(em, "comps")
		if !appending && !raw.fields.given && !eit.failed {
			eit.errorf(nil, "missing required key \"fields\" (a field or a list of fields)")
		}
		if ve := em.get("values"); ve != nil {
			if yamlnode.IsNull(ve.value) || ve.value.Kind != yaml.SequenceNode {
				eit.errorf(valueNode(ve), "key \"values\" must be a sequence, found %s", kindName(ve.value))
			} else {
				for _, vn := range ve.value.Content {
					if val, ok := eit.exceptionValue(vn, 0); ok {
						raw.ex.Values = append(raw.ex.Values, val)
					}
				}
			}
		} else if appending {
			eit.warnf(nil, "appended or overriding exception has no values")
		}
		if eit.failed {
			it.failed = true
			continue
		}
		exs = append(exs, raw)
	}
	return exs, true
}

// fieldsEntry reads "fields" or "comps": a non-empty string or a list of
// them.
func (it *item) fieldsEntry(m *mapping, key string) fieldsEntry {
	e := m.get(key)
	if e == nil || yamlnode.IsNull(e.value) {
		return fieldsEntry{}
	}
	switch e.value.Kind {
	case yaml.ScalarNode:
		if e.value.Value == "" {
			it.errorf(e.value, "key %q must not be empty", key)
			return fieldsEntry{}
		}
		return fieldsEntry{given: true, items: []string{e.value.Value}}
	case yaml.SequenceNode:
		out := fieldsEntry{list: true}
		for _, c := range e.value.Content {
			v := yamlnode.Resolve(c)
			if yamlnode.IsNull(v) || v.Kind != yaml.ScalarNode || v.Value == "" {
				it.errorf(c, "each entry of %q must be a non-empty string, found %s", key, kindName(c))
				continue
			}
			out.items = append(out.items, v.Value)
		}
		out.given = len(out.items) > 0
		return out
	}
	it.errorf(e.value, "key %q must be a string or a list of strings, found %s", key, kindName(e.value))
	return fieldsEntry{}
}

// exceptionValue reads one value of an exception: a string, or a list
// (a tuple, one entry per field) whose entries are strings or lists of
// strings. A null counts as an empty string, as in Falco.
func (it *item) exceptionValue(n *yaml.Node, depth int) (rules.ExceptionValue, bool) {
	v := yamlnode.Resolve(n)
	switch {
	case yamlnode.IsNull(v):
		return rules.ExceptionValue{}, true
	case v.Kind == yaml.ScalarNode:
		if v.Value == "" {
			it.errorf(n, "exception values must not be empty strings")
			return rules.ExceptionValue{}, false
		}
		return rules.ExceptionValue{Text: v.Value}, true
	case v.Kind == yaml.SequenceNode:
		if depth >= 2 {
			it.errorf(n, "exception values nest too deep: a value is a string, a list (one entry per field), or a list of lists of strings")
			return rules.ExceptionValue{}, false
		}
		out := rules.ExceptionValue{IsList: true, List: make([]rules.ExceptionValue, 0, len(v.Content))}
		ok := true
		for _, c := range v.Content {
			ev, good := it.exceptionValue(c, depth+1)
			ok = ok && good
			out.List = append(out.List, ev)
		}
		return out, ok
	}
	it.errorf(n, "exception values must be strings or lists, found %s", kindName(v))
	return rules.ExceptionValue{}, false
}

// complete applies the defaults of comps and checks the exception, as
// Falco's collector does for a new exception; it returns false after
// reporting an error.
func (raw *rawException) complete() bool {
	it, e := raw.it, &raw.ex
	if !raw.fields.given {
		it.errorf(nil, "missing required key \"fields\" (a field or a list of fields)")
		return false
	}
	e.Fields = raw.fields.items
	if raw.fields.list {
		e.Single = false
		e.Comps = raw.comps.items
		if !raw.comps.given {
			e.Comps = make([]string, len(e.Fields))
			for i := range e.Comps {
				e.Comps[i] = "="
			}
		}
		if raw.comps.given && !raw.comps.list || len(e.Comps) != len(e.Fields) {
			it.errorf(nil, "fields and comps must be lists of the same length")
			return false
		}
		for _, c := range e.Comps {
			if !isOperator(c) {
				it.errorf(nil, "%q is not a supported comparison operator", c)
				return false
			}
		}
	} else {
		e.Single = true
		e.Comps = []string{"in"}
		if raw.comps.given {
			if raw.comps.list {
				it.errorf(nil, "fields is a single field, so comps must be a single operator too")
				return false
			}
			e.Comps = raw.comps.items
		}
		if c := e.Comps[0]; !rules.IsListOperator(c) && !isModifiedOperator(c) {
			it.errorf(nil, "fields is a single field, so comps must be in, pmatch or intersects (or an operator with oneof, anyof or allof), found %q", c)
			return false
		}
	}
	return checkValues(it, e, e.Values)
}

// checkValues checks that vals fit the fields of e (Falco checks this when
// it builds the condition).
func checkValues(it *item, e *rules.Exception, vals []rules.ExceptionValue) bool {
	for _, v := range vals {
		if e.Single {
			if v.IsList {
				it.errorf(nil, "fields is a single field, so each value must be a string")
				return false
			}
			continue
		}
		if !v.IsList || len(v.List) != len(e.Fields) {
			it.errorf(nil, "each value must be a list of %d entries, one per field", len(e.Fields))
			return false
		}
		for _, entry := range v.List {
			for _, inner := range entry.List {
				if inner.IsList {
					it.errorf(nil, "a value entry may be a list of strings, not of lists")
					return false
				}
			}
		}
	}
	return true
}

// operators are the comparison operators of the condition language
// (libsinsp filter parser, supported_operators).
var operators = map[string]bool{
	"=": true, "==": true, "!=": true, "<=": true, ">=": true, "<": true, ">": true,
	"contains": true, "icontains": true, "bcontains": true, "glob": true, "iglob": true,
	"bstartswith": true, "startswith": true, "endswith": true, "in": true, "intersects": true,
	"pmatch": true, "exists": true, "regex": true,
}

// stringOperators may take a oneof/anyof/allof modifier (Falco 0.44).
var stringOperators = map[string]bool{
	"=": true, "==": true, "!=": true, "glob": true, "iglob": true, "contains": true,
	"icontains": true, "bcontains": true, "startswith": true, "bstartswith": true,
	"endswith": true, "regex": true,
}

func isOperator(op string) bool { return operators[op] || isModifiedOperator(op) }

// isModifiedOperator reports whether op is a string operator followed by
// one of the modifiers oneof, anyof, allof ("startswith anyof").
func isModifiedOperator(op string) bool {
	f := strings.Fields(op)
	if len(f) != 2 || !stringOperators[f[0]] {
		return false
	}
	return f[1] == "oneof" || f[1] == "anyof" || f[1] == "allof"
}
