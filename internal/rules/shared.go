package rules

import "peregrine/internal/rules/syntax"

// sharedChecks lets the rules of a rule set share the checks they have in
// common. Macros are inlined into every rule that uses them, so the same
// check (container.id != host, proc.name in (shells)) stands in many rules;
// a check that appears more than once is compiled once and its result is
// kept for the event being matched, so the rules tested on one event
// evaluate it once. The cache is keyed by the rule set's Match counter.
type sharedChecks struct {
	epoch *uint64
	uses  map[string]int  // how many times each check (as text) appears
	preds map[string]pred // the compiled shared checks
}

// count records the checks of a rule's tree.
func (s *sharedChecks) count(e syntax.Expr) {
	if e == nil {
		return
	}
	syntax.Inspect(e, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.Check); ok {
			s.uses[c.String()]++
			return false
		}
		return true
	})
}

// share returns p itself for a check used once, and for a check used more
// than once a predicate that evaluates p once per Match call.
func (s *sharedChecks) share(key string, p pred) pred {
	if p == nil || s.uses[key] < 2 {
		return p
	}
	var at uint64
	var val bool
	epoch := s.epoch
	q := func() bool {
		if at == *epoch {
			return val
		}
		val = p()
		at = *epoch
		return val
	}
	s.preds[key] = q
	return q
}
