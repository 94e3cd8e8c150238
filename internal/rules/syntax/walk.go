package syntax

// Inspect walks the tree rooted at n in depth-first order, calling f for
// each node; it stops descending below a node for which f returns false.
// The children of a node are visited in source order: the operand of a
// check before its value, arguments left to right. Nil nodes are skipped.
func Inspect(n Node, f func(Node) bool) {
	if isNil(n) || !f(n) {
		return
	}
	switch n := n.(type) {
	case *And:
		for _, c := range n.Children {
			Inspect(c, f)
		}
	case *Or:
		for _, c := range n.Children {
			Inspect(c, f)
		}
	case *Not:
		Inspect(n.X, f)
	case *Check:
		Inspect(n.Field, f)
		Inspect(n.Value, f)
	case *Transformer:
		for _, a := range n.Args {
			Inspect(a, f)
		}
	case *TransformerList:
		for _, a := range n.Items {
			Inspect(a, f)
		}
	case *List:
		for _, it := range n.Items {
			Inspect(it, f)
		}
	case *Val:
		Inspect(n.Field, f)
	}
}

// isNil reports a nil interface or a typed nil pointer.
func isNil(n Node) bool {
	switch n := n.(type) {
	case nil:
		return true
	case *And:
		return n == nil
	case *Or:
		return n == nil
	case *Not:
		return n == nil
	case *MacroRef:
		return n == nil
	case *Check:
		return n == nil
	case *Field:
		return n == nil
	case *Transformer:
		return n == nil
	case *TransformerList:
		return n == nil
	case *Str:
		return n == nil
	case *List:
		return n == nil
	case *ListRef:
		return n == nil
	case *Val:
		return n == nil
	}
	return false
}

// Clone returns a deep copy of n: no node or slice of the copy is shared
// with n. It keeps the static type: Clone of an [Expr] is an Expr.
func Clone[N Node](n N) N {
	c, _ := clone(n).(N)
	return c
}

func clone(n Node) Node {
	if isNil(n) {
		return nil
	}
	switch n := n.(type) {
	case *And:
		return &And{Pos: n.Pos, Children: cloneExprs(n.Children)}
	case *Or:
		return &Or{Pos: n.Pos, Children: cloneExprs(n.Children)}
	case *Not:
		return &Not{Pos: n.Pos, X: Clone(n.X)}
	case *MacroRef:
		c := *n
		return &c
	case *Check:
		return &Check{Pos: n.Pos, Field: Clone(n.Field), Op: n.Op, Modifier: n.Modifier, Value: Clone(n.Value)}
	case *Field:
		c := *n
		return &c
	case *Transformer:
		c := *n
		c.Args = cloneArgs(n.Args)
		return &c
	case *TransformerList:
		return &TransformerList{Pos: n.Pos, Items: cloneArgs(n.Items)}
	case *Str:
		c := *n
		return &c
	case *List:
		l := &List{Pos: n.Pos}
		if n.Items != nil {
			l.Items = make([]*Str, len(n.Items))
			for i, it := range n.Items {
				l.Items[i] = Clone(it)
			}
		}
		return l
	case *ListRef:
		c := *n
		return &c
	case *Val:
		return &Val{Pos: n.Pos, Field: Clone(n.Field)}
	}
	return nil
}

func cloneExprs(es []Expr) []Expr {
	if es == nil {
		return nil
	}
	c := make([]Expr, len(es))
	for i, e := range es {
		c[i] = Clone(e)
	}
	return c
}

func cloneArgs(as []TransformerArg) []TransformerArg {
	if as == nil {
		return nil
	}
	c := make([]TransformerArg, len(as))
	for i, a := range as {
		c[i] = Clone(a)
	}
	return c
}

// Rewrite rebuilds the expression tree e bottom-up: it rewrites the
// children of each *[And], *[Or] and *[Not] first, then passes a new node
// holding the rewritten children to f and puts what f returns in its place.
// Checks and macro references are passed to f as they are, not copied. e
// itself is not modified, but the result shares the checks of e unless f
// replaces them: [Clone] first for a fully separate tree.
//
// This is how a rule compiler inlines macros: f returns a clone of the
// macro's tree for each *[MacroRef] and any other node unchanged.
func Rewrite(e Expr, f func(Expr) Expr) Expr {
	switch n := e.(type) {
	case nil:
		return nil
	case *And:
		return f(&And{Pos: n.Pos, Children: rewriteAll(n.Children, f)})
	case *Or:
		return f(&Or{Pos: n.Pos, Children: rewriteAll(n.Children, f)})
	case *Not:
		return f(&Not{Pos: n.Pos, X: Rewrite(n.X, f)})
	}
	return f(e)
}

func rewriteAll(es []Expr, f func(Expr) Expr) []Expr {
	out := make([]Expr, len(es))
	for i, c := range es {
		out[i] = Rewrite(c, f)
	}
	return out
}
