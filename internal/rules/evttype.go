package rules

import (
	"errors"
	"math/bits"

	"peregrine/internal/event"
	"peregrine/internal/rules/syntax"
)

// typeSet is a set of event types.
type typeSet [(maxTypes + 63) / 64]uint64

// maxTypes bounds the event types a set holds (the table has 454).
const maxTypes = 512

func allTypes() typeSet {
	var s typeSet
	for t := 0; t < event.NumTypes(); t++ {
		s.add(event.Type(t))
	}
	return s
}

func (s *typeSet) add(t event.Type) { s[t/64] |= 1 << (t % 64) }

func (s typeSet) and(o typeSet) typeSet {
	for i := range s {
		s[i] &= o[i]
	}
	return s
}

func (s typeSet) or(o typeSet) typeSet {
	for i := range s {
		s[i] |= o[i]
	}
	return s
}

// minus returns s without the types of o.
func (s typeSet) minus(o typeSet) typeSet {
	for i := range s {
		s[i] &^= o[i]
	}
	return s
}

func (s typeSet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// types returns the members in increasing order.
func (s typeSet) types() []event.Type {
	var out []event.Type
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, event.Type(i*64+b))
			w &^= 1 << b
		}
	}
	return out
}

// errEvtTypeField is returned for evt.type checks that the event-type
// search cannot read, as libs refuses them.
var errEvtTypeField = errors.New("evt.type compared with a field or transformer: the event types of the rule cannot be computed")

// eventTypes returns the event types for which condition e can be true:
// the types a rule must be tested on. It follows libs (filter/ppm_codes.cpp):
// an evt.type check with =, ==, != or in and literal values gives the types
// of those names (all others for != or under an odd number of nots); any
// other check is neutral and gives every type, negated or not; "and"
// intersects and "or" unites, with De Morgan's laws pushing negations down to
// the checks ("not (a and b)" is "not a or not b").
func eventTypes(e syntax.Expr, all typeSet) (typeSet, error) {
	return evtTypesOf(e, false, all)
}

func evtTypesOf(e syntax.Expr, neg bool, all typeSet) (typeSet, error) {
	switch n := e.(type) {
	case *syntax.And, *syntax.Or:
		var kids []syntax.Expr
		conj := false
		if a, ok := n.(*syntax.And); ok {
			kids, conj = a.Children, true
		} else {
			kids = n.(*syntax.Or).Children
		}
		if neg {
			conj = !conj
		}
		var acc typeSet
		if conj {
			acc = all
		}
		for _, k := range kids {
			s, err := evtTypesOf(k, neg, all)
			if err != nil {
				return acc, err
			}
			if conj {
				acc = acc.and(s)
			} else {
				acc = acc.or(s)
			}
		}
		return acc, nil
	case *syntax.Not:
		return evtTypesOf(n.X, !neg, all)
	case *syntax.Check:
		return checkTypes(n, neg, all)
	}
	return all, nil // a macro reference left unresolved: neutral
}

// checkTypes gives the types of one check (see eventTypes).
func checkTypes(c *syntax.Check, neg bool, all typeSet) (typeSet, error) {
	if t, ok := c.Field.(*syntax.Transformer); ok {
		if usesEvtType(t) {
			return all, errors.New("evt.type inside a transformer: the event types of the rule cannot be computed")
		}
		return all, nil
	}
	f, ok := c.Field.(*syntax.Field)
	if !ok || f.Name != "evt.type" || f.HasArg {
		return all, nil
	}
	switch c.Op {
	case "=", "==", "!=", "in":
	default:
		return all, nil // evt.type exists, evt.type startswith ...: neutral
	}
	switch {
	case c.Modifier == "":
	case (c.Op == "=" || c.Op == "==") && (c.Modifier == "anyof" || c.Modifier == "oneof"):
		// "= anyof (a, b)" is "in (a, b)", and so is "= oneof" for a
		// single-valued field.
	default:
		return all, nil // "!= anyof" and the like: neutral, to be safe
	}
	var names []string
	switch v := c.Value.(type) {
	case *syntax.Str:
		names = []string{v.Text}
	case *syntax.List:
		for _, it := range v.Items {
			names = append(names, it.Text)
		}
	case *syntax.ListRef:
		return all, nil // an undefined list: the compiler reports it
	default:
		return all, errEvtTypeField
	}
	var s typeSet
	for _, name := range names {
		for _, t := range event.TypesNamed(name) {
			s.add(t)
		}
	}
	if c.Op == "!=" {
		neg = !neg
	}
	if neg {
		// The generic types carry every system call that has no event
		// type of its own: excluding one such call excludes no type.
		// (libs removes them, and then misses "evt.type != clock_gettime"
		// on the other generic calls.)
		out := all.minus(s)
		for _, g := range []event.Type{0, 1} {
			if s[0]&(1<<g) != 0 {
				out.add(g)
			}
		}
		return out, nil
	}
	return s, nil
}

func usesEvtType(t *syntax.Transformer) bool {
	found := false
	syntax.Inspect(t, func(n syntax.Node) bool {
		if f, ok := n.(*syntax.Field); ok && f.Name == "evt.type" && !f.HasArg {
			found = true
		}
		return !found
	})
	return found
}

// dropIndexedChecks returns the tree of a rule whose event types are
// types, without the evt.type checks that the index already decides: a
// rule is only tested on events of its types, and each of its top-level
// evt.type conjuncts holds for every one of them (the rule's types are
// the intersection of its conjuncts'). Nested conjunctions (inlined
// macros) are flattened first. The generic types carry many system calls
// under one type, so when the rule's types include them every check stays.
// The tree must have passed eventTypes; it is not modified. It returns nil
// when no check is left.
func dropIndexedChecks(e syntax.Expr, types typeSet) syntax.Expr {
	var generic typeSet
	generic.add(0)
	generic.add(1)
	if types.and(generic).count() > 0 {
		return e
	}
	var keep []syntax.Expr
	var walk func(x syntax.Expr)
	walk = func(x syntax.Expr) {
		if a, ok := x.(*syntax.And); ok {
			for _, k := range a.Children {
				walk(k)
			}
			return
		}
		if c, ok := x.(*syntax.Check); ok && isEvtTypeCheck(c) {
			return
		}
		keep = append(keep, x)
	}
	walk(e)
	switch len(keep) {
	case 0:
		return nil
	case 1:
		return keep[0]
	}
	return &syntax.And{Pos: e.Position(), Children: keep}
}

// isEvtTypeCheck reports whether c compares evt.type with literal names
// using =, ==, != or in: a check the event-type search reads exactly.
func isEvtTypeCheck(c *syntax.Check) bool {
	f, ok := c.Field.(*syntax.Field)
	if !ok || f.Name != "evt.type" || f.HasArg || c.Modifier != "" {
		return false
	}
	switch c.Op {
	case "=", "==", "!=", "in":
	default:
		return false
	}
	switch c.Value.(type) {
	case *syntax.Str, *syntax.List:
		return true
	}
	return false
}
