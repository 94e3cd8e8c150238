package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"peregrine/internal/event"
	"peregrine/internal/rules"
)

// Hot reload of rules. The goroutine that controls the engine (a signal
// handler, a file watcher) compiles the new rules with Prepare, which
// leaves the running engine alone, and hands them over with Swap; the
// goroutine that runs the engine picks them up at the start of an event,
// before the state sees it. So every event is evaluated by exactly one
// rule set, the events before the switch by the old one and the rest by
// the new one, and the state (threads, descriptors, containers) carries
// on as if nothing happened. The only cost on the event path is one atomic
// load per event, of a word that also carries the requests of readers of
// the counters (see published.go).

// ErrSuperseded is returned by [Pending.Wait] when a later Swap replaced
// the rules before the engine took them, or when Reload withdrew them.
var ErrSuperseded = errors.New("rules replaced before they took effect")

// Pending is a rule set compiled for one engine and not yet in effect.
type Pending struct {
	eng   *Engine
	rs    *rules.Ruleset
	types []event.Type // Types(rs) in order: what a live capture must deliver

	// counts becomes the engine's AlertsByRule at the swap, carrying the
	// counts of rules of the same name; index maps names into it.
	counts []uint64
	index  map[string]int

	// notBefore, when set, holds the swap back until an event stamped at
	// or after it (see Reload).
	notBefore uint64

	used atomic.Bool // given to Swap once

	// Written by the goroutine that settles the swap, before done closes.
	at         uint64 // number of the first event the rules evaluated
	superseded bool
	done       chan struct{}
}

// Ruleset returns the compiled rules.
func (p *Pending) Ruleset() *rules.Ruleset { return p.rs }

// Types returns the event types a live capture must deliver for these
// rules and the state (see [Types]).
func (p *Pending) Types() []event.Type { return p.types }

// Done is closed once the rules are in effect, or replaced before they
// took effect.
func (p *Pending) Done() <-chan struct{} { return p.done }

// Wait waits until the rules are in effect and returns the number of the
// first event they evaluated (the engine's evt.num: events before it went
// to the previous rules). It returns ErrSuperseded when the rules were
// replaced first, and ctx.Err() when ctx ends first. Rules only take
// effect while the engine processes events: after a Swap, an engine that
// never sees another event never switches.
func (p *Pending) Wait(ctx context.Context) (uint64, error) {
	select {
	case <-p.done:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	if p.superseded {
		return 0, ErrSuperseded
	}
	return p.at, nil
}

// settle ends the wait of p, as superseded or not.
func (p *Pending) settle(at uint64, superseded bool) {
	p.at, p.superseded = at, superseded
	close(p.done)
}

// Prepare compiles spec as the engine's next rules, exactly as New would
// (same catalog, Matching, minimum priority and appended output), without
// touching the running engine: it may be called from any goroutine while
// the engine runs. Diagnostics are the compiler's; the error is non-nil
// when a rule does not compile, and then nothing changes.
func (e *Engine) Prepare(spec *rules.Spec) (*Pending, []rules.Diagnostic, error) {
	return e.prepare(spec, e.ropt)
}

// PrepareWith is Prepare with the rule options of opt instead of those
// the engine was made with (a reloaded configuration): Matching,
// MinPriority, HasMinPriority, AppendOutput and Appends. Its other fields are
// ignored; the catalog and the state stay the engine's.
func (e *Engine) PrepareWith(spec *rules.Spec, opt Options) (*Pending, []rules.Diagnostic, error) {
	ropt := e.ropt
	ropt.Matching, ropt.MinPriority, ropt.HasMinPriority = opt.Matching, opt.MinPriority, opt.HasMinPriority
	ropt.AppendOutput = opt.AppendOutput
	ropt.Appends = opt.Appends
	return e.prepare(spec, ropt)
}

func (e *Engine) prepare(spec *rules.Spec, ropt rules.Options) (*Pending, []rules.Diagnostic, error) {
	rs, diags, err := rules.Compile(spec, ropt)
	if err != nil {
		return nil, diags, fmt.Errorf("prepare rules: %w", err)
	}
	p := &Pending{
		eng:    e,
		rs:     rs,
		types:  union(Types(rs), nil),
		counts: make([]uint64, len(rs.Rules())),
		index:  make(map[string]int, len(rs.Rules())),
		done:   make(chan struct{}),
	}
	for i, r := range rs.Rules() {
		p.index[r.Name] = i
	}
	return p, diags, nil
}

// Swap hands p to the goroutine running the engine, which puts it in
// effect at the start of the next event it processes (see Pending.Wait
// for which). It returns at once and may be called from any goroutine. A
// Pending that is still waiting when another is swapped in is replaced:
// its Wait returns ErrSuperseded. Each Pending can be swapped once.
func (e *Engine) Swap(p *Pending) error {
	if err := e.claim(p); err != nil {
		return fmt.Errorf("swap rules: %w", err)
	}
	e.publish(p)
	return nil
}

// claim checks that p is e's and marks it used.
func (e *Engine) claim(p *Pending) error {
	if p.eng != e {
		return errors.New("prepared for another engine")
	}
	if p.used.Swap(true) {
		return errors.New("already swapped")
	}
	return nil
}

// publish makes p the rules the engine's goroutine takes next, replacing
// any still waiting.
func (e *Engine) publish(p *Pending) {
	if old := e.next.Swap(p); old != nil {
		old.settle(0, true)
	}
	e.signal.Or(signalRules) // after the store: the engine's goroutine sees p
}

// takeNext takes the rules waiting in e.next, if any, before ev. It runs
// on the engine's goroutine when signalRules is up, and lowers it once
// nothing waits: the flag goes down before e.next is read again, so a
// Swap that slips in between is seen either here or at the next event.
func (e *Engine) takeNext(ev *event.Event) {
	p := e.next.Load()
	if p == nil {
		e.signal.And(^signalRules)
		if p = e.next.Load(); p == nil {
			return
		}
		e.signal.Or(signalRules)
	}
	e.take(p, ev)
}

// take puts p in effect if ev may be its first event. It runs on the
// engine's goroutine, at the start of Process, before ev is counted.
func (e *Engine) take(p *Pending, ev *event.Event) {
	if p.notBefore != 0 && ev.Timestamp() < p.notBefore {
		return
	}
	if !e.next.CompareAndSwap(p, nil) {
		return // replaced or withdrawn meanwhile: the next event sees why
	}
	// Counts follow rule names: a rule the new set keeps keeps its count,
	// a rule it drops is remembered for AlertsByName, and comes back with
	// its count if a later set has it again.
	for i, r := range e.rs.Rules() {
		n := e.counts.AlertsByRule[i]
		if j, ok := p.index[r.Name]; ok {
			p.counts[j] += n
		} else if n > 0 {
			if e.retired == nil {
				e.retired = map[string]uint64{}
			}
			e.retired[r.Name] += n
		}
	}
	for j, r := range p.rs.Rules() {
		if n, ok := e.retired[r.Name]; ok {
			p.counts[j] += n
			delete(e.retired, r.Name)
		}
	}
	e.rs = p.rs
	e.counts.AlertsByRule = p.counts
	e.counts.Reloads++
	e.active.Store(p.rs)
	p.settle(e.counts.Events+1, false) // ev's number, once counted
}

// Filter is the kernel-side event filter of a live source, as a
// *capture.Capture has it: SetTypes changes the event types it lets
// through, and Now reads the clock that stamps its events.
type Filter interface {
	SetTypes(types []event.Type) error
	Now() (uint64, error)
}

// Reload swaps p in and waits until it is in effect, returning the number
// of its first event (see Pending.Wait). With a live source's filter f, no
// event either rule set needs is filtered out around the switch: the
// filter is widened to the types of both sets first, the swap waits for
// the first event stamped after the widening (every later event went
// through the wide filter), and once the new rules are in effect the
// filter is narrowed to their types. With f nil (a capture file), the new
// rules take effect at the next event.
//
// Reloads are serialised; do not mix Reload and Swap on one engine. When
// ctx ends before the switch, p is withdrawn (its Wait returns
// ErrSuperseded), the filter is put back and the old rules stay. When
// narrowing fails, the new rules are in effect, and the error says so.
func (e *Engine) Reload(ctx context.Context, p *Pending, f Filter) (uint64, error) {
	if err := e.claim(p); err != nil {
		return 0, fmt.Errorf("reload rules: %w", err)
	}
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	old := union(Types(e.active.Load()), nil)
	if f != nil {
		if err := f.SetTypes(union(old, p.types)); err != nil {
			f.SetTypes(old)
			p.settle(0, true)
			return 0, fmt.Errorf("reload rules: widen capture filter: %w", err)
		}
		now, err := f.Now()
		if err != nil {
			f.SetTypes(old)
			p.settle(0, true)
			return 0, fmt.Errorf("reload rules: %w", err)
		}
		p.notBefore = now // published with p by the atomic store
	}
	e.publish(p)
	at, err := p.Wait(ctx)
	if err != nil {
		if e.next.CompareAndSwap(p, nil) {
			p.settle(0, true)
			if f != nil {
				f.SetTypes(old)
			}
			return 0, fmt.Errorf("reload rules: rules not in effect: %w", err)
		}
		// The engine took p as ctx ended: it settles at once.
		if at, err = p.Wait(context.Background()); err != nil {
			return 0, fmt.Errorf("reload rules: %w", err)
		}
	}
	if f != nil {
		if err := f.SetTypes(p.types); err != nil {
			return at, fmt.Errorf("reload rules: in effect from event %d, but narrow capture filter: %w", at, err)
		}
	}
	return at, nil
}

// union returns the types in a or b, in increasing order.
func union(a, b []event.Type) []event.Type {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}
