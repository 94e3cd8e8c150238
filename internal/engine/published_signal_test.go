package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/scap"
	"peregrine/internal/testenv"
)

// pausedSource delivers the events of a capture, over and over, until
// it has delivered end of them. Before event at+1 and again before event
// at+2, it signals on paused and waits for resume: an engine with nothing
// to do.
type pausedSource struct {
	data    []byte
	src     *scap.Source
	n       int
	at, end int
	paused  chan struct{}
	resume  chan struct{}
}

func (s *pausedSource) Next() (*event.Event, error) {
	if s.n == s.at || s.n == s.at+1 {
		s.paused <- struct{}{}
		<-s.resume
	}
	if s.n == s.end {
		return nil, io.EOF
	}
	for {
		if s.src == nil {
			r, err := scap.NewReader(bytes.NewReader(s.data))
			if err != nil {
				return nil, err
			}
			s.src = scap.NewSource(r, false)
		}
		ev, err := s.src.Next()
		if errors.Is(err, io.EOF) {
			s.src = nil
			continue
		}
		if err == nil {
			s.n++
		}
		return ev, err
	}
}

// What a reader gets from a running engine that has processed 1,000
// events and waits for the next one: without events, the copy published
// at event 768 (the last multiple of publishEvery), after the bound or as
// soon as ctx ends; with a reader waiting when the next event comes, the
// counters of exactly 1,000 events (the engine publishes before it
// processes event 1,001, and the source holds event 1,002 back). Before the run the bootstrap is in
// the copy; after it the copy is exact at once.
func TestPublishedIdleAndFresh(t *testing.T) {
	const at = 1000
	data, err := os.ReadFile(testenv.Shared(t, filepath.Join("captures", "libs_sample.scap")))
	if err != nil {
		t.Fatal(err)
	}
	r, err := scap.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var l loader.Loader
	spec, diags, err := l.LoadFiles(loader.File{Name: "rules.yaml", Data: []byte(`
- rule: exits
  desc: system calls returning
  condition: evt.type in (open, openat, close, read, write, mmap, munmap, fstat, stat) and evt.dir = <
  output: "exit %evt.num"
  priority: NOTICE
`)})
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	eng, diags, err := New(spec, Options{Matching: rules.MatchAll})
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	eng.Bootstrap(CaptureBootstrap(r.Meta()))
	ctx := context.Background()

	before := eng.Published(ctx)
	if before.Events != 0 || before.State.Threads == 0 || before.State.Threads != eng.State().Stats().Threads {
		t.Fatalf("before the run: %d events, %d threads; want 0 events and the %d threads of the bootstrap",
			before.Events, before.State.Threads, eng.State().Stats().Threads)
	}

	src := &pausedSource{data: data, at: at, end: 2 * at, paused: make(chan struct{}), resume: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx, src, func(*alert.Alert) {}) }()
	<-src.paused

	if c := eng.Published(ctx); c.Events != 768 {
		t.Errorf("idle engine: %d events, want 768, the last publication", c.Events)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if c := eng.Published(cancelled); c.Events != 768 {
		t.Errorf("idle engine, ctx ended: %d events, want 768", c.Events)
	}

	// A reader that waits as long as it takes gets the next publication:
	// the engine's, before it processes event at+1.
	eng.pub.mu.Lock()
	eng.pub.wait = time.Minute // as long as it takes, but a broken engine fails the test
	eng.pub.mu.Unlock()
	got := make(chan Counters, 1)
	go func() { got <- eng.Published(ctx) }()
	for waiting := false; !waiting; {
		eng.pub.mu.Lock()
		waiting = len(eng.pub.waiters) == 1
		eng.pub.mu.Unlock()
		runtime.Gosched()
	}
	src.resume <- struct{}{}
	<-src.paused
	fresh := <-got
	src.resume <- struct{}{}
	if fresh.Events != at || sum(fresh.EventsByType) != at || fresh.State.Events != at {
		t.Errorf("fresh copy: %d events, %d by type, %d in the state; want %d", fresh.Events, sum(fresh.EventsByType), fresh.State.Events, at)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	final := eng.Counters()
	if final.Events != 2*at || final.Alerts == 0 {
		t.Fatalf("the run ended with %d events, %d alerts; want %d events, some alerts", final.Events, final.Alerts, 2*at)
	}
	if diff := cmp.Diff(final, eng.Published(ctx)); diff != "" {
		t.Errorf("after the run, Published differs from Counters (-Counters +Published):\n%s", diff)
	}
	if n := len(eng.pub.waiters); n != 0 {
		t.Errorf("%d readers left waiting", n)
	}
}

func sum(s []uint64) uint64 {
	var n uint64
	for _, x := range s {
		n += x
	}
	return n
}

// A source that ends at once still leaves exact counters, and readers of
// a stopped engine do not wait. Run with an error from the source too.
func TestPublishedStopped(t *testing.T) {
	var l loader.Loader
	spec, _, err := l.LoadFiles(loader.File{Name: "rules.yaml", Data: []byte("[]\n")})
	if err != nil {
		t.Fatal(err)
	}
	eng, _, err := New(spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bad := errors.New("broken source")
	for _, end := range []error{io.EOF, bad} {
		want := end
		if end == io.EOF {
			want = nil
		}
		if err := eng.Run(context.Background(), sourceFunc(func() (*event.Event, error) { return nil, end }), nil); !errors.Is(err, want) {
			t.Fatalf("Run: %v, want %v", err, want)
		}
		eng.pub.mu.Lock()
		running := eng.pub.running
		eng.pub.mu.Unlock()
		if running {
			t.Fatalf("after Run ended with %v, the engine is still marked running", end)
		}
		c := eng.Published(context.Background())
		if c.Events != 0 || len(c.EventsByType) != event.NumTypes() || !slices.Equal(c.EventsByType, eng.Counters().EventsByType) {
			t.Errorf("after Run ended with %v: %d events, %d types", end, c.Events, len(c.EventsByType))
		}
	}
}
