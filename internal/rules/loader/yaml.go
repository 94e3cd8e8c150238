package loader

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/rules"
	"peregrine/internal/yamlnode"
)

// kindName describes what n is, for messages.
func kindName(n *yaml.Node) string {
	n = yamlnode.Resolve(n)
	switch {
	case yamlnode.IsNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a sequence"
	case n.Kind == yaml.DocumentNode:
		return "a document"
	}
	return "the scalar " + strconv.Quote(n.Value)
}

// pos returns the position of n in file.
func pos(file string, n *yaml.Node) rules.Position {
	if n == nil {
		return rules.Position{File: file}
	}
	return rules.Position{File: file, Line: n.Line, Column: n.Column}
}

// entry is one key of a mapping with its value.
type entry struct {
	key   string
	keyN  *yaml.Node
	value *yaml.Node // alias already resolved; nil if it names nothing
}

// mapping is a YAML mapping with string keys, in document order.
type mapping struct {
	node    *yaml.Node
	entries []entry
	badKeys []*yaml.Node // keys that are not strings
	dupKeys []*yaml.Node // repeated keys
}

// get returns the entry for key, or nil.
func (m *mapping) get(key string) *entry {
	for i := range m.entries {
		if m.entries[i].key == key {
			return &m.entries[i]
		}
	}
	return nil
}

// has reports whether key is present (with any value, null included).
func (m *mapping) has(key string) bool { return m.get(key) != nil }

// isFlexibleCase reports whether s is all lower case, all upper case, or
// capitalised: the spellings yaml-cpp accepts for booleans.
func isFlexibleCase(s string) bool {
	if s == "" {
		return true
	}
	if s == strings.ToLower(s) || s == strings.ToUpper(s) {
		return true
	}
	return s[:1] == strings.ToUpper(s[:1]) && s[1:] == strings.ToLower(s[1:])
}

// parseBool reads a boolean as Falco does (yaml-cpp): true/false, yes/no,
// y/n, on/off, in lower case, upper case or capitalised.
func parseBool(s string) (bool, bool) {
	if !isFlexibleCase(s) {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "y", "on":
		return true, true
	case "false", "no", "n", "off":
		return false, true
	}
	return false, false
}

// parseUint reads an unsigned decimal number (an optional '+' and digits).
func parseUint(s string, bits int) (uint64, bool) {
	t := strings.TrimPrefix(s, "+")
	if t == "" || strings.TrimLeft(t, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.ParseUint(t, 10, bits)
	return v, err == nil
}

// isBareString reports whether s matches Falco's rule for list names
// ([^()"'[:space:]=,]+), the shape of a bare string in a condition.
func isBareString(s string) bool {
	return s != "" && !strings.ContainsAny(s, "()\"' \t\n\v\f\r=,")
}

// isIdentifier reports whether s matches Falco's rule for macro names
// ([a-zA-Z]+[a-zA-Z0-9_]*).
func isIdentifier(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !letter || !letter && !(c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}
