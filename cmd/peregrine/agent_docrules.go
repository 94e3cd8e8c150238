package main

import (
	"errors"
	"sync"
	"sync/atomic"

	"peregrine/internal/docsrc"
	"peregrine/internal/engine"
	"peregrine/internal/metrics"
	"peregrine/internal/rules"
)

// docRules are the compiled rules of one document source the agent runs
// (k8s_audit behind its webhook, compute behind its sampler), with their
// hand-over on reload: a reload compiles a new evaluator (prepare) and
// hands it over (swap); the one goroutine that evaluates switches to it
// between two documents or batches (take). Counters add up across
// reloads.
type docRules struct {
	def  *docsrc.Def
	next atomic.Pointer[docsrc.Evaluator]

	mu   sync.Mutex // guards eval, retired and byName against readers of the counters
	eval *docsrc.Evaluator
	// retired are the counts of the evaluators reloads replaced; byName
	// their alerts by rule name.
	retired docsrc.Counters
	byName  map[string]uint64
}

// newDocRules compiles the rules of def's source in spec.
func newDocRules(def *docsrc.Def, spec *rules.Spec, eo engine.Options) (*docRules, []rules.Diagnostic, error) {
	d := &docRules{def: def, byName: map[string]uint64{}}
	ev, diags, err := d.prepare(spec, eo)
	if err != nil {
		return nil, diags, err
	}
	d.eval = ev
	return d, diags, nil
}

// prepare compiles the rules of the source in spec with the agent's rule
// options; append_output entries apply to the rules they select (see
// appendRules: the suggested container output selects syscall rules only).
func (d *docRules) prepare(spec *rules.Spec, eo engine.Options) (*docsrc.Evaluator, []rules.Diagnostic, error) {
	ev, diags, err := docsrc.New(d.def, spec, docsrc.Options{
		Matching: eo.Matching, MinPriority: eo.MinPriority, HasMinPriority: eo.HasMinPriority,
		AppendOutput: eo.AppendOutput, Appends: eo.Appends,
	})
	if err != nil {
		return nil, diags, errors.Join(err, diagnosticsError(diags))
	}
	return ev, diags, nil
}

// swap hands ev over; the evaluation switches to it at its next take.
func (d *docRules) swap(ev *docsrc.Evaluator) { d.next.Store(ev) }

// take switches to the evaluator a reload handed over, if any, keeping
// the counts of the one it replaces; it returns the evaluator to use.
// Only the evaluating goroutine calls it.
func (d *docRules) take() *docsrc.Evaluator {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n := d.next.Swap(nil); n != nil {
		c := d.eval.Counters()
		d.retired.Docs += c.Docs
		d.retired.Alerts += c.Alerts
		d.retired.Bad += c.Bad
		for i, r := range d.eval.Ruleset().Rules() {
			d.byName[r.Name] += c.AlertsByRule[i]
		}
		d.eval = n
	}
	return d.eval
}

// active returns how many rules the evaluator in effect runs.
func (d *docRules) active() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.eval.Ruleset().Active()
}

// counters returns the counts of every evaluator so far, and the rules in
// effect with their matches (counted by name across reloads).
func (d *docRules) counters() (docsrc.Counters, []*rules.CompiledRule, []uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.eval.Counters()
	c.Docs += d.retired.Docs
	c.Alerts += d.retired.Alerts
	c.Bad += d.retired.Bad
	rs := d.eval.Ruleset().Rules()
	for i, r := range rs {
		c.AlertsByRule[i] += d.byName[r.Name]
	}
	return c, rs, c.AlertsByRule
}

// addMetrics adds the rules' alerts and the matches of the enabled ones
// to a metrics snapshot.
func (d *docRules) addMetrics(s *metrics.Snapshot) {
	c, rs, matches := d.counters()
	s.Alerts += c.Alerts
	for i, r := range rs {
		if r.Enabled {
			s.Rules = append(s.Rules, metrics.RuleMatches{Name: r.Name, Priority: r.Priority, Source: r.Source, Tags: r.Tags, Matches: matches[i]})
		}
	}
}
