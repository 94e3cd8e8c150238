package config

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"

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
		return "a list"
	case n.Kind == yaml.DocumentNode:
		return "a document"
	}
	return strconv.Quote(n.Value)
}

// origins remembers which file (or --set option) each node comes from, so
// that a merged tree still reports positions in the right file.
type origins map[*yaml.Node]string

// pos returns where n comes from.
func (o origins) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return Pos{File: o[n], Line: n.Line, Column: n.Column}
}

// mark records file as the origin of n and everything below it. Nodes
// marked already (aliased ones) are not walked again.
func (o origins) mark(n *yaml.Node, file string) {
	if n == nil {
		return
	}
	if _, ok := o[n]; ok {
		return
	}
	o[n] = file
	for _, c := range n.Content {
		o.mark(c, file)
	}
}

// yamlLine finds the line in yaml.v3's syntax error messages.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFile parses one configuration file into its top-level mapping
// (empty for an empty file), recording origins and reporting syntax
// errors, a second document, a top level that is not a mapping and
// duplicate keys. It returns nil when the file cannot be used.
func parseFile(file string, data []byte, o origins, p *problems) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	if err != nil {
		syntaxError(file, err, p)
		return nil
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		p.errorf(Pos{File: file, Line: next.Line}, "a configuration file holds one YAML document; this is a second one")
		return nil
	} else if !errors.Is(err, io.EOF) {
		syntaxError(file, err, p)
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if yamlnode.IsNull(root) || root.Kind == yaml.DocumentNode {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	o.mark(root, file)
	if root = yamlnode.Resolve(root); root.Kind != yaml.MappingNode {
		p.errorf(o.pos(root), "the configuration must be a mapping of keys, not %s", kindName(root))
		return nil
	}
	duplicates(root, o, p, map[*yaml.Node]bool{})
	return root
}

// syntaxError reports a YAML parse error with its line.
func syntaxError(file string, err error, p *problems) {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for _, e := range te.Errors {
			reportYAML(file, e, p)
		}
		return
	}
	reportYAML(file, err.Error(), p)
}

func reportYAML(file, msg string, p *problems) {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.errorf(Pos{File: file, Line: line}, "%s", m[2])
		return
	}
	if len(msg) > 6 && msg[:6] == "yaml: " {
		msg = msg[6:]
	}
	p.errorf(Pos{File: file}, "%s", msg)
}

// duplicates reports keys that appear twice in one mapping, anywhere
// below n: YAML leaves the meaning open, and so would we.
func duplicates(n *yaml.Node, o origins, p *problems, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	if n.Kind == yaml.MappingNode {
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			if f, ok := first[k.Value]; ok {
				p.errorf(o.pos(k), "duplicate key %q (first at line %d)", k.Value, f.Line)
				continue
			}
			first[k.Value] = k
		}
	}
	for _, c := range n.Content {
		duplicates(c, o, p, seen)
	}
}

// lookupKey returns the index in m.Content of the value of key, or -1.
func lookupKey(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := yamlnode.Resolve(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			return i + 1
		}
	}
	return -1
}
