package rules

import (
	"peregrine/internal/event"
)

// CompiledRule is a rule of a [Ruleset]: its spec and what the compiler
// made of it.
type CompiledRule struct {
	*Rule
	cond  pred
	types typeSet
	out   *format
}

// EventTypes returns the event types the rule is tested on, in increasing
// order.
func (r *CompiledRule) EventTypes() []event.Type { return r.types.types() }

// Ruleset is the compiled rules of one event source, indexed by event
// type: an event is only tested against the rules that can match its
// type. A Ruleset reads its source's current event through the extractors
// it was bound to, so it is not safe for concurrent use.
type Ruleset struct {
	source   string
	matching Matching
	runnable bool
	rules    []*CompiledRule   // every rule that compiled, in rule order
	byType   [][]*CompiledRule // the rules that run, by event type
	needed   typeSet
	active   int
	epoch    uint64 // counts Match calls: the shared checks' cache key
}

// index builds the event-type index of the rules that run: enabled, and at
// least as severe as the minimum priority.
func (rs *Ruleset) index(opt Options, all typeSet) {
	rs.byType = make([][]*CompiledRule, event.NumTypes())
	for _, r := range rs.rules {
		if !r.Enabled || (opt.HasMinPriority && !r.Priority.AtLeast(opt.MinPriority)) {
			continue
		}
		rs.active++
		rs.needed = rs.needed.or(r.types)
		for _, t := range r.types.types() {
			rs.byType[t] = append(rs.byType[t], r)
		}
	}
}

// Source returns the event source of the rules.
func (rs *Ruleset) Source() string { return rs.source }

// Rules returns every rule that compiled, enabled or not, in rule order.
func (rs *Ruleset) Rules() []*CompiledRule { return rs.rules }

// Active returns how many rules run (enabled and severe enough).
func (rs *Ruleset) Active() int { return rs.active }

// EventTypes returns the event types some running rule needs: the set to
// push into the kernel filter.
func (rs *Ruleset) EventTypes() []event.Type { return rs.needed.types() }

// Match tests the event the source is at, of type t, and appends to dst
// the rules that match: the first one, or all of them with MatchAll. It
// does not allocate when dst has room. It returns dst unchanged for a rule
// set compiled without a binder (see Runnable).
func (rs *Ruleset) Match(t event.Type, dst []*CompiledRule) []*CompiledRule {
	if int(t) >= len(rs.byType) || !rs.runnable {
		return dst
	}
	rs.epoch++
	for _, r := range rs.byType[t] {
		if r.cond() {
			dst = append(dst, r)
			if rs.matching == MatchFirst {
				break
			}
		}
	}
	return dst
}

// Tests reports whether some running rule is tested on events of type t.
func (rs *Ruleset) Tests(t event.Type) bool { return int(t) < len(rs.byType) && len(rs.byType[t]) > 0 }

// Runnable reports whether the rule set was compiled with a binder.
func (rs *Ruleset) Runnable() bool { return rs.runnable }
