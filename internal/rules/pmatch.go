package rules

import "bytes"

// pathSet is the right-hand side of pmatch: a set of search paths, and a
// path matches when one of them is a prefix of it component by component
// (libsinsp prefix_search.h). Paths split at '/' with empty components
// dropped, so /var/run matches /var/run and /var/run/docker.sock but not
// /var/runx nor /var; "/" (and "") match every path. A search path
// component holding one of "?*[" is a glob pattern for one component
// (fnmatch, case-sensitive).
//
// A search path that another one is a prefix of adds nothing and is
// dropped, as libsinsp does. Matching does not allocate.
type pathSet struct {
	root *pathNode // nil when the set is empty
}

// pathNode is the node of one component. A node where a search path ends
// (end) has no children: everything below it matches.
type pathNode struct {
	end   bool
	dirs  map[string]*pathNode
	globs []pathGlob
}

type pathGlob struct {
	pattern []byte
	node    *pathNode
}

// add adds a search path.
func (s *pathSet) add(path []byte) {
	if s.root == nil {
		s.root = &pathNode{}
	}
	n := s.root
	for comp, rest := nextComponent(path); comp != nil; comp, rest = nextComponent(rest) {
		if n.end {
			return
		}
		n = n.child(comp)
	}
	*n = pathNode{end: true}
}

// child returns the child of n for component comp, adding it if needed.
func (n *pathNode) child(comp []byte) *pathNode {
	if bytes.ContainsAny(comp, "?*[") {
		for _, g := range n.globs {
			if bytes.Equal(g.pattern, comp) {
				return g.node
			}
		}
		c := &pathNode{}
		n.globs = append(n.globs, pathGlob{pattern: bytes.Clone(comp), node: c})
		return c
	}
	if c := n.dirs[string(comp)]; c != nil {
		return c
	}
	if n.dirs == nil {
		n.dirs = map[string]*pathNode{}
	}
	c := &pathNode{}
	n.dirs[string(comp)] = c
	return c
}

// match reports whether a search path of s is a prefix of path.
func (s *pathSet) match(path []byte) bool {
	return s.root != nil && s.root.match(path)
}

func (n *pathNode) match(path []byte) bool {
	comp, rest := nextComponent(path)
	if comp == nil || n.end {
		// A path that ends here matches only a search path that ends
		// here too: /var is not under /var/run.
		return n.end
	}
	if c := n.dirs[string(comp)]; c != nil && c.match(rest) {
		return true
	}
	for i := range n.globs {
		if globMatch(n.globs[i].pattern, comp, false) && n.globs[i].node.match(rest) {
			return true
		}
	}
	return false
}

// nextComponent returns the first non-empty component of path and what
// follows it, or nil when path has none.
func nextComponent(path []byte) (comp, rest []byte) {
	for len(path) > 0 {
		i := bytes.IndexByte(path, '/')
		if i < 0 {
			return path, nil
		}
		if i > 0 {
			return path[:i], path[i+1:]
		}
		path = path[1:]
	}
	return nil, nil
}
