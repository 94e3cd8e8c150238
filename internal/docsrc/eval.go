package docsrc

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/event"
	"peregrine/internal/field"
	"peregrine/internal/rules"
)

// pluginEvent is the event type every plugin event has in libs
// (PPME_PLUGINEVENT_E). Rules of a non-syscall source are not indexed by
// event type, so any type reaches them; this one says what the event is.
const pluginEvent event.Type = 322

// Options configure an [Evaluator].
type Options struct {
	// Catalog gives the fields; nil means field.Default().
	Catalog *field.Catalog
	// Matching, MinPriority and HasMinPriority choose which rules run
	// and which matching ones alert (see rules.Options).
	Matching       rules.Matching
	MinPriority    alert.Priority
	HasMinPriority bool
	// Hostname goes into every alert and evt.hostname; "" means this
	// host's name.
	Hostname string
	// AppendOutput and Appends add output to rules (see rules.Options).
	AppendOutput string
	Appends      []rules.Append
}

// Evaluator tests documents of one source against the compiled rules of
// that source. Eval, Batch and ReadFile are not safe for concurrent use
// (one goroutine evaluates); Counters may be called from any goroutine.
type Evaluator struct {
	def      *Def
	cur      Cursor
	rs       *rules.Ruleset
	hostname string
	matched  []*rules.CompiledRule

	docs, alerts, bad atomic.Uint64
	byRule            []atomic.Uint64
	index             map[*rules.CompiledRule]int // a rule's place in Ruleset().Rules()

	// What Batch gives the source's Records (see Batch): made once, they
	// call the current batch's emit and bad.
	eachDoc   func([]byte, time.Time)
	badDoc    func(error)
	batchEmit func(*alert.Alert)
	batchBad  func(error)
}

// Counters count what an Evaluator did.
type Counters struct {
	Docs   uint64 // documents evaluated
	Alerts uint64 // alerts raised
	// Bad counts records that could not be evaluated (no time, not an
	// object), as the caller reported them with Bad.
	Bad uint64
	// AlertsByRule is indexed like Ruleset().Rules().
	AlertsByRule []uint64
}

// New compiles the rules of def's source in spec. Diagnostics are the
// compiler's, warnings included; the error is non-nil when a rule does
// not compile.
func New(def *Def, spec *rules.Spec, opt Options) (*Evaluator, []rules.Diagnostic, error) {
	e := &Evaluator{def: def, hostname: opt.Hostname}
	if e.hostname == "" {
		e.hostname, _ = os.Hostname()
	}
	rs, diags, err := rules.Compile(spec, rules.Options{
		Catalog:        opt.Catalog,
		Source:         def.Source,
		Binder:         NewBinder(def, &e.cur, e.hostname),
		Matching:       opt.Matching,
		MinPriority:    opt.MinPriority,
		HasMinPriority: opt.HasMinPriority,
		AppendOutput:   opt.AppendOutput,
		Appends:        opt.Appends,
	})
	if err != nil {
		return nil, diags, fmt.Errorf("compile %s rules: %w", def.Source, err)
	}
	e.rs = rs
	e.byRule = make([]atomic.Uint64, len(rs.Rules()))
	e.index = make(map[*rules.CompiledRule]int, len(rs.Rules()))
	for i, r := range rs.Rules() {
		e.index[r] = i
	}
	return e, diags, nil
}

// Ruleset returns the compiled rules.
func (e *Evaluator) Ruleset() *rules.Ruleset { return e.rs }

// Def returns the source the evaluator serves.
func (e *Evaluator) Def() *Def { return e.def }

// Eval tests one document, which happened at t, and calls emit for every
// alert; each alert is new, emit may keep it (outputs read it later). doc
// must not change until Eval returns.
func (e *Evaluator) Eval(doc []byte, t time.Time, emit func(*alert.Alert)) {
	e.cur.Set(doc, t)
	e.docs.Add(1)
	if e.def.Observe != nil {
		e.def.Observe(&e.cur)
	}
	e.matched = e.rs.Match(pluginEvent, e.matched[:0])
	if len(e.matched) == 0 {
		return
	}
	for _, r := range e.matched {
		e.alerts.Add(1)
		e.byRule[e.index[r]].Add(1)
		if emit != nil {
			a := r.Alert(t, e.hostname)
			emit(&a)
		}
	}
}

// Bad counts a record that could not be evaluated.
func (e *Evaluator) Bad() { e.bad.Add(1) }

// Counters returns a copy of the counters.
func (e *Evaluator) Counters() Counters {
	c := Counters{Docs: e.docs.Load(), Alerts: e.alerts.Load(), Bad: e.bad.Load(), AlertsByRule: make([]uint64, len(e.byRule))}
	for i := range e.byRule {
		c.AlertsByRule[i] = e.byRule[i].Load()
	}
	return c
}
