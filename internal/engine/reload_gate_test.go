package engine

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	"peregrine/internal/alert"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/scap"
	"peregrine/internal/testenv"
)

// gateFilter is a live filter whose clock reads a fixed time.
type gateFilter struct {
	now    uint64
	called chan struct{}
	mu     sync.Mutex
	calls  [][]event.Type
	active []*rules.Ruleset // the engine's rules at each SetTypes
	eng    *Engine
}

func (f *gateFilter) SetTypes(types []event.Type) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, slices.Clone(types))
	f.active = append(f.active, f.eng.Ruleset())
	return nil
}

func (f *gateFilter) Now() (uint64, error) {
	f.called <- struct{}{}
	return f.now, nil
}

// With a live filter, the new rules wait for the first event stamped after
// the filter was widened: the events before it may have gone through the
// old, narrower filter. The filter is widened while the old rules are in
// effect and narrowed once the new ones are.
func TestReloadWaitsForWideFilter(t *testing.T) {
	r, err := scap.Open(testenv.Shared(t, filepath.Join("captures", "libs_curl_google.scap")))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	src := scap.NewSource(r, false)
	var events []event.Event
	for {
		ev, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, event.Event{})
		ev.Clone(&events[len(events)-1])
	}
	load := func(text string) *rules.Spec {
		var l loader.Loader
		sp, diags, err := l.LoadFiles(loader.File{Name: "r.yaml", Data: []byte(text)})
		if err != nil {
			t.Fatalf("%v %v", err, diags)
		}
		return sp
	}
	eng, _, err := New(load("- rule: opens\n  desc: d\n  condition: evt.type = openat and evt.dir = <\n  output: o\n  priority: INFO\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng.Bootstrap(CaptureBootstrap(src.Meta()))
	p, _, err := eng.Prepare(load("- rule: protects\n  desc: d\n  condition: evt.type = mprotect\n  output: o\n  priority: INFO\n"))
	if err != nil {
		t.Fatal(err)
	}

	const first = 100 // processed before the reload starts
	gate := events[len(events)/2].Timestamp()
	want := uint64(0)
	for i := first; i < len(events); i++ {
		if events[i].Timestamp() >= gate {
			want = uint64(i + 1)
			break
		}
	}
	if want <= first+1 {
		t.Fatalf("the gate (event %d) is not after the first events", want)
	}
	emit := func(*alert.Alert) {}
	for i := range first {
		eng.Process(&events[i], emit)
	}
	old := eng.Ruleset()
	f := &gateFilter{now: gate, called: make(chan struct{}, 1), eng: eng}
	type result struct {
		at  uint64
		err error
	}
	done := make(chan result, 1)
	go func() {
		at, err := eng.Reload(context.Background(), p, f)
		done <- result{at, err}
	}()
	<-f.called
	for eng.next.Load() == nil { // until Reload has published p
		select {
		case res := <-done:
			t.Fatalf("Reload returned early: %+v", res)
		default:
			runtime.Gosched()
		}
	}
	for i := first; i < len(events); i++ {
		eng.Process(&events[i], emit)
		if uint64(i+1) < want && eng.Ruleset() != old {
			t.Fatalf("new rules in effect at event %d, before the gate (event %d)", i+1, want)
		}
	}
	res := <-done
	if res.err != nil || res.at != want {
		t.Fatalf("Reload: at event %d (%v), want %d", res.at, res.err, want)
	}
	wantCalls := [][]event.Type{union(Types(old), p.types), p.types}
	if !slices.EqualFunc(f.calls, wantCalls, slices.Equal) {
		t.Errorf("filter changes %v, want %v", f.calls, wantCalls)
	}
	if !slices.Equal(f.active, []*rules.Ruleset{old, p.rs}) {
		t.Error("filter widened after the swap or narrowed before it")
	}
}
