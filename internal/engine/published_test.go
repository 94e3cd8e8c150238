package engine_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/engine"
	"peregrine/internal/rules"
)

// reader calls Published in a loop on its own goroutine, as a metrics
// scrape would, and checks every copy against the one before.
type reader struct {
	t     *testing.T
	eng   *engine.Engine
	names map[string]bool // the rule names a copy may have

	reads    atomic.Uint64 // copies read
	middle   atomic.Uint64 // copies with some events, read while the engine ran
	reloads  atomic.Uint64 // the highest Reloads read
	stop     chan struct{}
	finished sync.WaitGroup
}

func startReader(t *testing.T, eng *engine.Engine, names map[string]bool) *reader {
	r := &reader{t: t, eng: eng, names: names, stop: make(chan struct{})}
	r.finished.Add(1)
	go r.loop()
	return r
}

func (r *reader) loop() {
	defer r.finished.Done()
	var prev engine.Counters
	for {
		select {
		case <-r.stop:
			return
		default:
		}
		c := r.eng.Published(context.Background())
		if !r.check(prev, c) {
			return
		}
		r.reads.Add(1)
		if c.Events > prev.Events && prev.Events > 0 {
			r.middle.Add(1)
		}
		r.reloads.Store(c.Reloads)
		prev = c
	}
}

// check reports problems with c, read after prev: every copy is taken
// between two events, so its parts agree, and counters never go back.
func (r *reader) check(prev, c engine.Counters) bool {
	t := r.t
	ok := true
	fail := func(format string, args ...any) {
		t.Errorf("copy %d (%d events): "+format, append([]any{r.reads.Load(), c.Events}, args...)...)
		ok = false
	}
	if n := sumOf(c.EventsByType); n != c.Events || c.State.Events != c.Events {
		fail("%d events by type and %d in the state", n, c.State.Events)
	}
	var byName uint64
	for name, n := range c.AlertsByName {
		byName += n
		if !r.names[name] {
			fail("alerts of unknown rule %q", name)
		}
		if n < prev.AlertsByName[name] {
			fail("rule %q: %d alerts, %d before", name, n, prev.AlertsByName[name])
		}
	}
	if byName != c.Alerts-c.DropAlerts {
		fail("%d alerts by name, %d alerts", byName, c.Alerts-c.DropAlerts)
	}
	for name := range prev.AlertsByName {
		if _, kept := c.AlertsByName[name]; !kept && prev.AlertsByName[name] > 0 {
			fail("rule %q with %d alerts gone", name, prev.AlertsByName[name])
		}
	}
	if c.Events < prev.Events || c.Alerts < prev.Alerts || c.Reloads < prev.Reloads ||
		c.State.ThreadsAdded < prev.State.ThreadsAdded || c.State.FDsAdded < prev.State.FDsAdded {
		fail("counters went back from %+v", prev)
	}
	for i := range prev.EventsByType {
		if c.EventsByType[i] < prev.EventsByType[i] {
			fail("type %d: %d events, %d before", i, c.EventsByType[i], prev.EventsByType[i])
		}
	}
	return ok
}

// end stops the reader and waits for it.
func (r *reader) end() {
	close(r.stop)
	r.finished.Wait()
}

func sumOf(s []uint64) uint64 {
	var n uint64
	for _, x := range s {
		n += x
	}
	return n
}

// inModes runs f with the capture pipeline and without it.
func inModes(t *testing.T, f func(t *testing.T)) {
	for _, mode := range []string{"pipelined", "serial"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "serial" {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			}
			f(t)
		})
	}
}

// A reader on another goroutine while the shared captures replay in a
// loop: every copy it gets is consistent and no counter goes back; the
// replay goes on until it has read 50 copies taken in the middle of the
// run; once the run is over, Published equals Counters.
func TestPublishedDuringReplay(t *testing.T) {
	inModes(t, func(t *testing.T) {
		eng, _, err := engine.New(spec(t, rulesA), engine.Options{Matching: rules.MatchAll})
		if err != nil {
			t.Fatal(err)
		}
		src := newLoopSource(t, sharedCaptures(t), 0)
		r := startReader(t, eng, rulesOf(rulesA))
		done := make(chan error, 1)
		go func() { done <- eng.RunCapture(context.Background(), src, func(*alert.Alert) {}) }()
		for r.middle.Load() < 50 {
			if err := src.waitDelivered(context.Background(), src.delivered.Load()+tickEvery); err != nil {
				t.Fatal(err)
			}
		}
		src.Finish()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		r.end()
		final := eng.Counters()
		if final.Events != src.delivered.Load() || final.Alerts == 0 {
			t.Fatalf("%d events of %d delivered, %d alerts", final.Events, src.delivered.Load(), final.Alerts)
		}
		if diff := cmp.Diff(final, eng.Published(context.Background())); diff != "" {
			t.Errorf("after the run (-Counters +Published):\n%s", diff)
		}
	})
}

// A reader while the rules are reloaded 10 times under a looping replay
// (A, B, A, ..., then C): each reload waits until the reader has seen it,
// so the reader's copies cross every reload; alert counts follow rule
// names (none goes back, none vanishes), the names are those of the sets,
// and the final copy equals Counters.
func TestPublishedDuringReloads(t *testing.T) {
	inModes(t, func(t *testing.T) {
		all := map[string]bool{}
		for _, text := range []string{rulesA, rulesB, rulesC} {
			for name := range rulesOf(text) {
				all[name] = true
			}
		}
		eng, _, err := engine.New(spec(t, rulesA), engine.Options{Matching: rules.MatchAll})
		if err != nil {
			t.Fatal(err)
		}
		src := newLoopSource(t, sharedCaptures(t), 0)
		r := startReader(t, eng, all)
		done := make(chan error, 1)
		go func() { done <- eng.RunCapture(context.Background(), src, func(*alert.Alert) {}) }()
		ctx := context.Background()
		sets := []string{rulesB, rulesA, rulesB, rulesA, rulesB, rulesA, rulesB, rulesA, rulesB, rulesC}
		for k, text := range sets {
			if err := src.waitDelivered(ctx, src.delivered.Load()+3000); err != nil {
				t.Fatal(err)
			}
			p, _, err := eng.Prepare(spec(t, text))
			if err != nil {
				t.Fatal(err)
			}
			if err := eng.Swap(p); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			for r.reloads.Load() < uint64(k+1) {
				if err := src.waitDelivered(ctx, src.delivered.Load()+tickEvery); err != nil {
					t.Fatal(err)
				}
			}
		}
		src.Finish()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		r.end()
		final := eng.Counters()
		if final.Reloads != uint64(len(sets)) {
			t.Errorf("final: %d reloads, want %d", final.Reloads, len(sets))
		}
		for name := range rulesOf(rulesC) {
			if _, ok := final.AlertsByName[name]; !ok {
				t.Errorf("final: no count for %q, a rule in effect", name)
			}
		}
		if diff := cmp.Diff(final, eng.Published(ctx)); diff != "" {
			t.Errorf("after the run (-Counters +Published):\n%s", diff)
		}
	})
}
