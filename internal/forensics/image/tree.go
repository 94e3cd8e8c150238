package image

import (
	"archive/tar"
	"fmt"
	"slices"
	"strings"
)

// node is one entry of the effective file tree: metadata only, never
// content.
type node struct {
	typ      byte // a tar type flag
	mode     int64
	uid, gid int
	size     int64
	link     string
	layer    int // the layer that last wrote the entry
	children map[string]*node
}

// removal is an entry of one layer that a later layer deleted (whiteout)
// or replaced: its bytes remain in the earlier layer.
type removal struct {
	path      string
	typ       byte
	size      int64
	layer     int // where the entry is still stored
	removedIn int
	replaced  bool // overwritten rather than deleted
}

// tree is the file system that applying the layers in order gives.
type tree struct {
	root     *node
	entries  int
	max      int // bounds entries and removals alike
	removals []removal
	err      error // set when removals pass max; later ones are not kept
}

func newTree(maxEntries int) *tree {
	return &tree{root: &node{typ: tar.TypeDir, mode: 0o755, layer: -1}, max: maxEntries}
}

// split cuts a clean relative path into its components.
func split(p string) []string { return strings.Split(p, "/") }

// add puts entry n at path p (clean, relative, not ".") for layer n.layer.
func (t *tree) add(p string, n *node) error {
	parts := split(p)
	dir := t.root
	for i, part := range parts[:len(parts)-1] {
		c := dir.children[part]
		if c == nil || c.typ != tar.TypeDir {
			if c != nil {
				t.remove(strings.Join(parts[:i+1], "/"), c, n.layer, true)
			}
			if err := t.count(); err != nil {
				return err
			}
			c = &node{typ: tar.TypeDir, mode: 0o755, layer: n.layer}
			dir.setChild(part, c)
		}
		dir = c
	}
	name := parts[len(parts)-1]
	old := dir.children[name]
	switch {
	case old == nil:
		if err := t.count(); err != nil {
			return err
		}
	case old.typ == tar.TypeDir && n.typ == tar.TypeDir:
		n.children = old.children // a directory entry updates its metadata only
	default:
		t.remove(p, old, n.layer, true)
		if err := t.count(); err != nil {
			return err
		}
	}
	dir.setChild(name, n)
	return nil
}

func (t *tree) count() error {
	if t.entries >= t.max {
		return fmt.Errorf("more than %d file system entries", t.max)
	}
	t.entries++
	return nil
}

func (n *node) setChild(name string, c *node) {
	if n.children == nil {
		n.children = map[string]*node{}
	}
	n.children[name] = c
}

// lookup returns the entry at p, or nil.
func (t *tree) lookup(p string) *node {
	n := t.root
	for _, part := range split(p) {
		if n = n.children[part]; n == nil {
			return nil
		}
	}
	return n
}

// whiteout deletes the entry at p that lower layers than layer made.
func (t *tree) whiteout(p string, layer int) {
	parts := split(p)
	parent := t.root
	if len(parts) > 1 {
		parent = t.lookup(strings.Join(parts[:len(parts)-1], "/"))
	}
	if parent == nil {
		return
	}
	name := parts[len(parts)-1]
	n := parent.children[name]
	switch {
	case n == nil:
	case n.layer < layer:
		t.remove(p, n, layer, false)
		delete(parent.children, name)
	default:
		// the same layer wrote the path again: hide only what lies below it
		t.prune(p, n, layer)
	}
}

// opaque hides everything lower layers put below directory p.
func (t *tree) opaque(p string, layer int) {
	n := t.root
	if p != "." {
		n = t.lookup(p)
	}
	if n != nil {
		t.prune(p, n, layer)
	}
}

// prune deletes the descendants of n (at p) that lower layers made,
// keeping the ones layer made and the directories leading to them.
func (t *tree) prune(p string, n *node, layer int) {
	for name, c := range n.children {
		cp := join(p, name)
		if c.layer < layer && c.typ != tar.TypeDir {
			t.remove(cp, c, layer, false)
			delete(n.children, name)
			continue
		}
		t.prune(cp, c, layer)
		if c.layer < layer && len(c.children) == 0 {
			t.entries--
			delete(n.children, name)
		}
	}
}

// remove records that n at p and everything below it left the tree in
// layer removedIn.
func (t *tree) remove(p string, n *node, removedIn int, replaced bool) {
	t.entries--
	if n.typ != tar.TypeDir {
		if len(t.removals) >= t.max {
			t.err = fmt.Errorf("more than %d file system entries deleted or replaced", t.max)
			return
		}
		t.removals = append(t.removals, removal{path: p, typ: n.typ, size: n.size, layer: n.layer, removedIn: removedIn, replaced: replaced})
		return
	}
	for name, c := range n.children {
		t.remove(join(p, name), c, removedIn, replaced)
	}
}

func join(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// walk calls fn for every entry of the tree, parents first, in path
// order.
func (t *tree) walk(fn func(p string, n *node)) {
	var visit func(p string, n *node)
	visit = func(p string, n *node) {
		names := make([]string, 0, len(n.children))
		for name := range n.children {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			c := n.children[name]
			cp := join(p, name)
			fn(cp, c)
			visit(cp, c)
		}
	}
	visit(".", t.root)
}
