package container

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCacheRefreshKeepsInfoOnFailure(t *testing.T) {
	rt := newFake(idA)
	clock := &fakeClock{now: time.Unix(1000, 0)}
	c := NewCache(rt, Config{Now: clock.Now})
	defer c.Close()
	first := wait(t, c, idA)
	// The container restarts after the fetch: it is fetched again; the
	// runtime fails and the old Info stays.
	clock.add(time.Second)
	rt.set(idA, nil, errors.New("runtime restarting"))
	c.apply(Event{ID: idA, Action: ActionStart, Time: clock.Now()})
	settle(t, c)
	if in, st := c.Get(idA); in != first || st != StatusReady {
		t.Errorf("after failed refresh: %v, %v", in, st)
	}
	// A start the last fetch already saw fetches nothing.
	c.apply(Event{ID: idA, Action: ActionStart, Time: clock.Now().Add(-time.Second)})
	settle(t, c)
	if n := rt.count(idA); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
	// A successful refresh replaces the Info.
	clock.add(time.Second)
	rt.set(idA, &Info{ID: idA, IP: "10.0.0.2"}, nil)
	c.apply(Event{ID: idA, Action: ActionStart, Time: clock.Now()})
	settle(t, c)
	if in, _ := c.Get(idA); in.IP != "10.0.0.2" {
		t.Errorf("after refresh: %+v", in)
	}
	c.apply(Event{ID: idA, Action: ActionDestroy})
	if _, st := c.Get(idA); st != StatusUnknown {
		t.Errorf("after destroy: %v, want unknown", st)
	}
}

func TestCachePrefetch(t *testing.T) {
	rt := newFake(idA, idB)
	rt.running = []string{idA + strings.Repeat("1", 52), idB, idC} // C vanished before its fetch
	c := NewCache(rt, Config{})
	defer c.Close()
	n, err := c.Prefetch(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("Prefetch = %d, %v; want 2", n, err)
	}
	for id, want := range map[string]Status{idA: StatusReady, idB: StatusReady, idC: StatusNotFound} {
		if _, st := c.Get(id); st != want {
			t.Errorf("%s: %v, want %v", id, st, want)
		}
	}
}

// fakeEvents is an event source whose streams the test feeds and breaks.
type fakeEvents struct {
	streams chan chan Event // each Events call takes the next
}

func (f *fakeEvents) Events(ctx context.Context) (<-chan Event, <-chan error) {
	errc := make(chan error, 1)
	var ch chan Event
	select {
	case ch = <-f.streams:
	case <-ctx.Done():
		ch = make(chan Event)
		close(ch)
	}
	out := make(chan Event)
	go func() {
		defer close(errc)
		defer close(out)
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					errc <- errors.New("stream broke")
					return
				}
				out <- ev
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
	}()
	return out, errc
}

func TestCacheWatchReconnects(t *testing.T) {
	rt := newFake(idA, idB)
	src := &fakeEvents{streams: make(chan chan Event)}
	c := NewCache(rt, Config{})
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Watch(ctx, src, time.Millisecond) }()

	first := make(chan Event)
	src.streams <- first
	first <- Event{ID: idA, Action: ActionStart, Time: time.Now()}
	waitStatus(t, c, idA, StatusReady)
	close(first) // the runtime restarts; B starts while no stream is open
	rt.mu.Lock()
	rt.running = []string{idA, idB}
	rt.mu.Unlock()
	second := make(chan Event)
	src.streams <- second
	waitStatus(t, c, idB, StatusReady) // listed on reconnection
	second <- Event{ID: idA, Action: ActionDestroy}
	waitStatus(t, c, idA, StatusUnknown)
	cancel()
	within(t, "Watch after cancel", func() {
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch = %v", err)
		}
	})
	if s := c.Stats(); s.StreamBreaks != 1 {
		t.Errorf("stream breaks = %d, want 1", s.StreamBreaks)
	}
}

// waitStatus polls (bounded) until id has status want: events are applied
// by another goroutine.
func waitStatus(t *testing.T, c *Cache, id string, want Status) {
	t.Helper()
	var st Status
	for range 2000 {
		if _, st = c.Get(id); st == want {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s: status %v after 10 s, want %v", id, st, want)
}
