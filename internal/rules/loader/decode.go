package loader

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/rules"
	"peregrine/internal/yamlnode"
)

// item is the reading of one item (or sub-item) of a rule file. Its
// messages start with what the item is ("rule 'name': "). Any error marks
// it failed; a failed item changes nothing in the spec.
type item struct {
	l      *load
	file   string
	kind   string // "rule", "macro", "list", "exception", ...
	name   string
	node   *yaml.Node
	failed bool
}

// prefix returns "kind 'name': " or "kind: ".
func (it *item) prefix() string {
	if it.name == "" {
		return it.kind + ": "
	}
	return fmt.Sprintf("%s %q: ", it.kind, it.name)
}

// errorf reports an error at n (the item itself when n is nil).
func (it *item) errorf(n *yaml.Node, format string, args ...any) {
	it.failed = true
	it.report(n, rules.SeverityError, format, args...)
}

// warnf reports a warning at n (the item itself when n is nil).
func (it *item) warnf(n *yaml.Node, format string, args ...any) {
	it.report(n, rules.SeverityWarning, format, args...)
}

func (it *item) report(n *yaml.Node, sev rules.Severity, format string, args ...any) {
	if n == nil {
		n = it.node
	}
	it.l.add(pos(it.file, n), sev, it.prefix()+fmt.Sprintf(format, args...))
}

// mapping reads n as a mapping with string keys and reports its problems:
// duplicate keys (the first one is used) and keys that are not strings.
func (it *item) mapping(n *yaml.Node) *mapping {
	m := readMapping(n)
	it.reportKeyProblems(m)
	return m
}

// readMapping reads n as a mapping with string keys; problems with its
// keys are kept for [item.reportKeyProblems], so that a top-level item can
// report them once its kind and name are known.
func readMapping(n *yaml.Node) *mapping {
	m := &mapping{node: n}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := yamlnode.Resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			m.badKeys = append(m.badKeys, n.Content[i])
			continue
		}
		if seen[k.Value] {
			m.dupKeys = append(m.dupKeys, n.Content[i])
			continue
		}
		seen[k.Value] = true
		m.entries = append(m.entries, entry{key: k.Value, keyN: n.Content[i], value: yamlnode.Resolve(n.Content[i+1])})
	}
	return m
}

// reportKeyProblems reports the bad and duplicate keys of m.
func (it *item) reportKeyProblems(m *mapping) {
	for _, k := range m.badKeys {
		it.errorf(k, "keys must be strings, found %s", kindName(k))
	}
	for _, k := range m.dupKeys {
		it.errorf(k, "duplicate key %q", yamlnode.Resolve(k).Value)
	}
}

// checkKeys warns about each key of m that is not in known.
func (it *item) checkKeys(m *mapping, known map[string]bool) {
	for _, e := range m.entries {
		if !known[e.key] {
			it.warnf(e.keyN, "unknown key %q", e.key)
		}
	}
}

// valueNode returns the node to report a problem with the value of e at.
func valueNode(e *entry) *yaml.Node {
	if e.value != nil {
		return e.value
	}
	return e.keyN
}

// scalar returns the non-empty scalar value of key. Absent: ok is false
// and, if required, an error is reported.
func (it *item) scalar(m *mapping, key string, required bool) (string, *entry, bool) {
	e := m.get(key)
	if e == nil {
		if required {
			it.errorf(m.node, "missing required key %q", key)
		}
		return "", nil, false
	}
	s, ok := it.scalarValue(e, "a string")
	return s, e, ok
}

// scalarValue checks that the value of e is a non-empty scalar; what says
// what it should be, for the message.
func (it *item) scalarValue(e *entry, what string) (string, bool) {
	switch {
	case yamlnode.IsNull(e.value):
		it.errorf(valueNode(e), "key %q has no value", e.key)
	case e.value.Kind != yaml.ScalarNode:
		it.errorf(e.value, "key %q must be %s, found %s", e.key, what, kindName(e.value))
	case e.value.Value == "":
		it.errorf(e.value, "key %q must not be empty", e.key)
	default:
		return e.value.Value, true
	}
	return "", false
}

// boolean returns the boolean value of key when present.
func (it *item) boolean(m *mapping, key string, required bool) (v, present bool) {
	e := m.get(key)
	if e == nil {
		if required {
			it.errorf(m.node, "missing required key %q", key)
		}
		return false, false
	}
	s, ok := it.scalarValue(e, "a boolean (true or false)")
	if !ok {
		return false, true
	}
	b, ok := parseBool(s)
	if !ok {
		it.errorf(e.value, "key %q must be a boolean (true or false), found %q", key, s)
	}
	return b, true
}

// unsigned returns the value of key, an unsigned integer, when present.
func (it *item) unsigned(m *mapping, key string) (v uint64, present bool) {
	e := m.get(key)
	if e == nil {
		return 0, false
	}
	s, ok := it.scalarValue(e, "a non-negative integer")
	if !ok {
		return 0, true
	}
	n, ok := parseUint(s, 64)
	if !ok {
		it.errorf(e.value, "key %q must be a non-negative integer, found %q", key, s)
	}
	return n, true
}

// strings returns the value of key, a sequence of scalars.
func (it *item) strings(m *mapping, key string, required bool) ([]string, *entry) {
	e := m.get(key)
	if e == nil {
		if required {
			it.errorf(m.node, "missing required key %q", key)
		}
		return nil, nil
	}
	if yamlnode.IsNull(e.value) || e.value.Kind != yaml.SequenceNode {
		it.errorf(valueNode(e), "key %q must be a sequence, found %s", key, kindName(e.value))
		return nil, e
	}
	out := make([]string, 0, len(e.value.Content))
	for _, c := range e.value.Content {
		v := yamlnode.Resolve(c)
		if yamlnode.IsNull(v) || v.Kind != yaml.ScalarNode {
			it.errorf(c, "each entry of %q must be a string, found %s", key, kindName(c))
			continue
		}
		out = append(out, v.Value)
	}
	return out, e
}
