package config

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// expandEnv expands environment variables in every scalar value below n
// (mapping values and list items; keys are left alone), as Falco's
// yaml_helper does when it loads a file:
//
//   - ${NAME} becomes the value of NAME, or nothing when NAME is unset
//     (reported through unset);
//   - $${ becomes a literal ${ (so $${NAME} is the text ${NAME});
//   - a $ followed by anything else stays, and so does the rest of the
//     value after a ${ or $${ that is never closed by a }.
//
// Unlike Falco's loop, the value of a variable is not scanned again.
func expandEnv(n *yaml.Node, lookup func(string) (string, bool), unset func(n *yaml.Node, name string)) {
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.MappingNode:
			for i := 1; i < len(n.Content); i += 2 {
				walk(n.Content[i])
			}
		case yaml.ScalarNode:
			if strings.Contains(n.Value, "$") {
				n.Value = expandValue(n.Value, lookup, func(name string) { unset(n, name) })
			}
		}
	}
	walk(n)
}

// expandValue expands one scalar (see [expandEnv]).
func expandValue(s string, lookup func(string) (string, bool), unset func(name string)) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '$')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		j += i
		b.WriteString(s[i:j])
		rest := s[j:]
		end := strings.IndexByte(rest, '}')
		switch {
		case strings.HasPrefix(rest, "${") && end >= 0:
			name := rest[2:end]
			v, ok := lookup(name)
			if !ok {
				unset(name)
			}
			b.WriteString(v)
			i = j + end + 1
		case strings.HasPrefix(rest, "$${") && end >= 0:
			b.WriteString("${")
			i = j + 3
		case strings.HasPrefix(rest, "${"), strings.HasPrefix(rest, "$${"):
			b.WriteString(rest) // never closed: left as it is
			i = len(s)
		default:
			b.WriteByte('$')
			i = j + 1
		}
	}
	return b.String()
}
