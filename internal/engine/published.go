package engine

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"peregrine/internal/event"
	"peregrine/internal/rules"
)

// Counters for other goroutines (a metrics scrape). The engine's counters
// belong to the goroutine that runs it, so it publishes a copy of them,
// between two events, into buffers that a mutex guards: every
// publishEvery events, whenever a reader asks, after a bootstrap and when
// Run or RunCapture returns. A reader asks by raising signalCounters in
// the word Process loads anyway for hot reloads, so the event path pays
// no more than before for a reader it has not got, and a copy without
// allocation (once the buffers are grown) every publishEvery events.

// publishEvery is how many events go by between two publications that
// nobody asked for: what a reader of an idle engine may miss.
const publishEvery = 256

// PublishWait bounds how long [Engine.Published] waits for the engine's
// goroutine to publish.
const PublishWait = 50 * time.Millisecond

// Bits of Engine.signal.
const (
	signalRules    uint32 = 1 << iota // rules handed over by Swap may wait in next
	signalCounters                    // a reader waits for a publication
)

// published is the copy of the counters other goroutines read.
type published struct {
	mu      sync.Mutex
	running bool            // Run or RunCapture runs: readers ask and wait
	waiters []chan struct{} // closed at the next publication
	c       Counters        // own slices; AlertsByName nil
	rules   []*rules.CompiledRule
	retired map[string]uint64 // a copy, never written once published
	reloads uint64            // c.Reloads when retired was copied
	wait    time.Duration     // PublishWait when 0 (tests set it)
}

// between runs on the engine's goroutine before an event is counted: it
// takes rules a Swap handed over, then publishes the counters if a reader
// asked or publishEvery events went by.
func (e *Engine) between(s uint32, ev *event.Event) {
	if s&signalRules != 0 {
		e.takeNext(ev)
	}
	if s&signalCounters != 0 {
		e.signal.And(^signalCounters) // before the copy: a later ask gets a later one
	} else if e.counts.Events%publishEvery != 0 {
		return
	}
	e.publishCounters()
}

// publishCounters copies the counters for other goroutines and wakes the
// readers waiting for them. It runs on the engine's goroutine.
func (e *Engine) publishCounters() {
	p := &e.pub
	p.mu.Lock()
	e.publishLocked()
	p.mu.Unlock()
}

func (e *Engine) publishLocked() {
	p := &e.pub
	byType, byRule := p.c.EventsByType, p.c.AlertsByRule
	p.c = e.counts
	p.c.EventsByType = append(byType[:0], e.counts.EventsByType...)
	p.c.AlertsByRule = append(byRule[:0], e.counts.AlertsByRule...)
	p.c.AlertsByName = nil
	p.c.State = e.st.Stats()
	if e.conts != nil {
		p.c.ContainerWaits, p.c.ContainerLate = e.conts.waits, e.conts.late
	}
	p.rules = e.rs.Rules()
	if p.reloads != e.counts.Reloads {
		// Only a reload changes e.retired; readers may hold the old copy.
		p.retired, p.reloads = maps.Clone(e.retired), e.counts.Reloads
	}
	for _, w := range p.waiters {
		close(w)
	}
	clear(p.waiters)
	p.waiters = p.waiters[:0]
}

// startPublishing marks the engine as running: from now on readers ask
// the engine's goroutine for a publication.
func (e *Engine) startPublishing() {
	e.pub.mu.Lock()
	e.pub.running = true
	e.pub.mu.Unlock()
}

// stopPublishing publishes the final counters and marks the engine as
// stopped: readers get them without waiting.
func (e *Engine) stopPublishing() {
	e.pub.mu.Lock()
	e.publishLocked()
	e.pub.running = false
	e.pub.mu.Unlock()
}

// Published returns the engine's counters as last published by the
// goroutine that runs it; it may be called from any goroutine at any time.
//
// While Run or RunCapture runs, Published asks the engine for a fresh
// copy, which it makes before the next event it processes, and waits for
// it at most [PublishWait] or until ctx ends. An engine that gets events
// answers within one event; one that gets none (a quiet live source)
// cannot answer, and Published then returns the last copy, which misses
// at most the last 255 events processed (the engine publishes every 256
// events anyway) and the drop alerts Run counted since. When the engine
// does not run, Published returns at once: after Run or RunCapture, and
// after New or Bootstrap, the copy is exact. Process called directly,
// outside Run, publishes only every 256 events.
//
// The counters are a consistent copy taken between two events: for
// instance EventsByType sums to Events, and AlertsByName, filled as by
// [Engine.Counters], sums to Alerts - DropAlerts.
func (e *Engine) Published(ctx context.Context) Counters {
	p := &e.pub
	p.mu.Lock()
	if p.running {
		w := make(chan struct{})
		p.waiters = append(p.waiters, w)
		wait := p.wait
		if wait == 0 {
			wait = PublishWait
		}
		p.mu.Unlock()
		e.signal.Or(signalCounters)
		t := time.NewTimer(wait)
		select {
		case <-w:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
		p.mu.Lock()
		if i := slices.Index(p.waiters, w); i >= 0 {
			p.waiters = slices.Delete(p.waiters, i, i+1) // no publication came
		}
	}
	defer p.mu.Unlock()
	c := p.c
	c.EventsByType = slices.Clone(c.EventsByType)
	c.AlertsByRule = slices.Clone(c.AlertsByRule)
	c.AlertsByName = alertsByName(p.rules, c.AlertsByRule, p.retired)
	return c
}

// alertsByName returns the alert counts by rule name: those of rs, counts
// indexed like it, plus those of rules reloads removed (retired).
func alertsByName(rs []*rules.CompiledRule, counts []uint64, retired map[string]uint64) map[string]uint64 {
	out := make(map[string]uint64, len(retired)+len(rs))
	maps.Copy(out, retired)
	for i, r := range rs {
		out[r.Name] += counts[i]
	}
	return out
}
