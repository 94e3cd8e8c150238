package config

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/yamlnode"
)

// setOption is one parsed --set key=value.
type setOption struct {
	label string // `--set "key=value"`, the position of what it sets
	key   string
	steps []step
	value *yaml.Node
}

// step is one element of a --set key: a mapping key, a list index, or []
// (append to the list).
type step struct {
	name   string // mapping key; empty for an index
	index  int
	append bool
}

// parseSet parses a --set argument. The key is a dotted path whose
// elements may be followed by list indexes: a.b, a[0].b, a[0][1], a[]
// (a new item at the end). The value is a YAML flow list or mapping when
// it starts with [ or {, a quoted YAML scalar when it starts with " or ',
// and the text as it is otherwise.
func parseSet(arg string) (setOption, error) {
	o := setOption{label: "--set " + strconv.Quote(arg)}
	key, raw, ok := strings.Cut(arg, "=")
	if !ok {
		return o, fmt.Errorf("want key=value")
	}
	o.key = key
	steps, err := parseKey(key)
	if err != nil {
		return o, err
	}
	o.steps = steps
	o.value, err = setValue(raw)
	return o, err
}

// parseKey parses the key of a --set option.
func parseKey(key string) ([]step, error) {
	if key == "" {
		return nil, fmt.Errorf("empty key")
	}
	var steps []step
	for i := 0; i < len(key); {
		// A name, up to the next '.' or '['.
		j := i
		for j < len(key) && key[j] != '.' && key[j] != '[' && key[j] != ']' {
			j++
		}
		if j == i {
			return nil, fmt.Errorf("key %q: a name is missing at offset %d", key, i)
		}
		steps = append(steps, step{name: key[i:j]})
		i = j
		for i < len(key) && key[i] == '[' {
			end := strings.IndexByte(key[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("key %q: [ without ]", key)
			}
			idx := key[i+1 : i+end]
			switch {
			case idx == "":
				steps = append(steps, step{append: true})
			case strings.Trim(idx, "0123456789") != "" || len(idx) > 9:
				return nil, fmt.Errorf("key %q: index %q is not a number", key, idx)
			default:
				n, _ := strconv.Atoi(idx)
				steps = append(steps, step{index: n})
			}
			i += end + 1
		}
		if i == len(key) {
			break
		}
		if key[i] != '.' || i == len(key)-1 {
			return nil, fmt.Errorf("key %q: unexpected %q at offset %d", key, key[i:i+1], i)
		}
		i++
	}
	return steps, nil
}

// setValue turns the value of a --set option into a node.
func setValue(raw string) (*yaml.Node, error) {
	if raw == "" || !strings.ContainsRune("[{\"'", rune(raw[0])) {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: raw}, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(raw), &doc); err != nil {
		return nil, fmt.Errorf("value %s: %s", raw, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) != 1 {
		return nil, fmt.Errorf("value %s: not one YAML value", raw)
	}
	return doc.Content[0], nil
}

// apply sets o's value in the mapping root, creating the mappings and
// list items on its path that do not exist yet. Every node it adds has
// o.label as its origin and no line.
func (o setOption) apply(root *yaml.Node, orig origins) error {
	unplace(o.value)
	orig.mark(o.value, o.label)
	cur := root
	path := ""
	for i, st := range o.steps {
		last := i == len(o.steps)-1
		var slot **yaml.Node
		if st.name != "" {
			if yamlnode.IsNull(cur) {
				*cur = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: cur.Line, Column: cur.Column}
			}
			if cur.Kind != yaml.MappingNode {
				return fmt.Errorf("%s is %s, not a mapping", path, kindName(cur))
			}
			idx := lookupKey(cur, st.name)
			if idx < 0 {
				k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: st.name}
				v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
				orig[k], orig[v] = o.label, o.label
				cur.Content = append(cur.Content, k, v)
				idx = len(cur.Content) - 1
			}
			slot = &cur.Content[idx]
			path = joinPath(path, st.name)
		} else {
			if yamlnode.IsNull(cur) {
				*cur = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: cur.Line, Column: cur.Column}
			}
			if cur.Kind != yaml.SequenceNode {
				return fmt.Errorf("%s is %s, not a list", path, kindName(cur))
			}
			idx := st.index
			if st.append {
				idx = len(cur.Content)
			}
			if idx > len(cur.Content) {
				return fmt.Errorf("%s[%d]: %s has %d items (use %s[] to add one)", path, idx, path, len(cur.Content), path)
			}
			if idx == len(cur.Content) {
				v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
				orig[v] = o.label
				cur.Content = append(cur.Content, v)
			}
			slot = &cur.Content[idx]
			path = fmt.Sprintf("%s[%d]", path, idx)
		}
		if last {
			*slot = o.value
			break
		}
		if cur = yamlnode.Resolve(*slot); cur == nil {
			return fmt.Errorf("%s is an alias that names nothing", path)
		}
	}
	return nil
}

// unplace clears the line and column of n and below: a --set value has
// no position but its option.
func unplace(n *yaml.Node) {
	n.Line, n.Column = 0, 0
	for _, c := range n.Content {
		unplace(c)
	}
}

// joinPath joins a dotted key path and a name.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
