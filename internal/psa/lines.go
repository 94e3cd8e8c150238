package psa

import (
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// nodeFunc returns the YAML node of an object and the number to add to its
// line numbers to get the file's; nil when the text cannot be parsed.
type nodeFunc func() (*yaml.Node, int)

// documentNode parses a document's text once, when first asked.
func documentNode(d document) nodeFunc {
	return sync.OnceValues(func() (*yaml.Node, int) {
		var root yaml.Node
		if yaml.Unmarshal(d.data, &root) != nil || len(root.Content) == 0 {
			return nil, 0
		}
		return root.Content[0], lineOffset(d)
	})
}

// lineOffset is what to add to a line of the document's text.
func lineOffset(d document) int {
	if d.yaml {
		return chunkStart(d)
	}
	return d.src.Line - 1
}

// Line returns the line of the file where the field at path is, or where
// its closest present parent is when the field is missing (a field that
// must be added); 0 when unknown.
func (p *PodTemplate) Line(path string) int {
	if p.node == nil {
		return 0
	}
	n, offset := p.node()
	if n == nil {
		return 0
	}
	line := n.Line
	for _, seg := range splitPath(path) {
		next, at := child(n, seg)
		if next == nil {
			break
		}
		n, line = next, at
	}
	return line + offset
}

// child finds a mapping key or a sequence index below n, with the line
// where it starts (the key's line for a mapping entry).
func child(n *yaml.Node, seg string) (*yaml.Node, int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == seg {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}

// splitPath cuts a field path such as
// spec.containers[1].securityContext or metadata.annotations[a.b/c] into
// its keys and indexes; a bracket holds an index or a map key that may
// contain dots.
func splitPath(path string) []string {
	var segs []string
	for path != "" {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(segs, path[1:])
			}
			segs = append(segs, path[1:end])
			path = path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				return append(segs, path)
			}
			segs = append(segs, path[:end])
			path = path[end:]
		}
	}
	return segs
}
