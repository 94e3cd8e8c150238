package container

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	idA = "aaaaaaaaaaaa"
	idB = "bbbbbbbbbbbb"
	idC = "cccccccccccc"
	idD = "dddddddddddd"
)

func TestCacheFetchesOnceAndKeysByShortID(t *testing.T) {
	rt := newFake(idA)
	c := NewCache(rt, Config{})
	defer c.Close()
	if in, st := c.Get(idA); in != nil || st != StatusUnknown {
		t.Fatalf("Get before Request = %v, %v; want nil, unknown", in, st)
	}
	full := idA + strings.Repeat("0", 52)
	for range 50 {
		c.Request(idA)
		c.Request(full)
	}
	in := wait(t, c, full)
	if in.Name != "c-"+idA {
		t.Errorf("Wait gave %+v", in)
	}
	if in2, st := c.Get(idA); in2 != in || st != StatusReady {
		t.Errorf("Get = %v, %v; want the waited Info, ready", in2, st)
	}
	settle(t, c)
	if n := rt.count(idA); n != 1 {
		t.Errorf("%d fetches of one container requested 100 times, want 1", n)
	}
	s := c.Stats()
	if s.Fetches != 1 || s.Hits < 1 || s.Misses < 1 || s.Entries != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestCacheIgnoresWhatIsNotAnID(t *testing.T) {
	rt := newFake()
	c := NewCache(rt, Config{})
	defer c.Close()
	for _, id := range []string{"", "abc", "ABCDEFABCDEF", "zzzzzzzzzzzz", strings.Repeat("a", 65), "/docker/" + idA} {
		c.Request(id)
		if _, st := c.Get(id); st != StatusUnknown {
			t.Errorf("Get(%q) status %v, want unknown", id, st)
		}
		if _, ok := c.Wait(context.Background(), id); ok {
			t.Errorf("Wait(%q) succeeded", id)
		}
	}
	if s := c.Stats(); s.Entries != 0 || s.Fetches != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestCacheNeverBlocksGetWhileAFetchIsSlow(t *testing.T) {
	rt := newFake(idA, idB)
	rt.hold = make(chan struct{})
	rt.started = make(chan string, 2)
	c := NewCache(rt, Config{Workers: 1})
	defer c.Close()
	c.Request(idA)
	<-rt.started // the only worker is stuck in the runtime
	within(t, "Get, Request and Stats during a slow fetch", func() {
		for range 1000 {
			c.Request(idA)
			c.Request(idB) // queued behind the stuck fetch
			if in, st := c.Get(idA); in != nil || st != StatusPending {
				t.Errorf("Get during fetch = %v, %v; want nil, pending", in, st)
				return
			}
		}
		if s := c.Stats(); s.InFlight != 2 {
			t.Errorf("in flight = %d, want 2", s.InFlight)
		}
	})
	close(rt.hold)
	if in := wait(t, c, idB); in.ID != idB {
		t.Errorf("Wait(B) = %+v", in)
	}
}

func TestCacheWaitHonoursItsContext(t *testing.T) {
	rt := newFake(idA)
	rt.hold = make(chan struct{})
	c := NewCache(rt, Config{})
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan bool)
	go func() {
		_, ok := c.Wait(ctx, idA)
		res <- ok
	}()
	for c.Stats().Waits == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	within(t, "Wait after its context ended", func() {
		if <-res {
			t.Error("Wait succeeded while the fetch is held")
		}
	})
	if s := c.Stats(); s.WaitTimeouts != 1 {
		t.Errorf("wait time-outs = %d, want 1", s.WaitTimeouts)
	}
	if _, st := c.Get(idA); st != StatusPending {
		t.Errorf("status after the waiter gave up = %v, want pending (the fetch goes on)", st)
	}
	close(rt.hold)
	wait(t, c, idA)
}

func TestCacheFetchTimeout(t *testing.T) {
	rt := newFake(idA)
	rt.hold = make(chan struct{}) // never released: only the time-out ends the fetch
	defer close(rt.hold)
	c := NewCache(rt, Config{Timeout: time.Millisecond})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, ok := c.Wait(ctx, idA); ok {
		t.Fatal("Wait succeeded")
	}
	if _, st := c.Get(idA); st != StatusFailed {
		t.Errorf("status = %v, want failed", st)
	}
	if err := c.Err(idA); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err = %v, want the fetch's deadline", err)
	}
}

func TestCacheRemembersFailuresThenRetries(t *testing.T) {
	down := errors.New("connection refused")
	tests := []struct {
		name   string
		err    error // what the runtime says first
		status Status
	}{
		{"not found", nil, StatusNotFound},
		{"runtime down", down, StatusFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := newFake()
			rt.set(idA, nil, tc.err)
			clock := &fakeClock{now: time.Unix(1000, 0)}
			c := NewCache(rt, Config{RetryAfter: time.Minute, Now: clock.Now})
			defer c.Close()
			if _, ok := c.Wait(context.Background(), idA); ok {
				t.Fatal("Wait succeeded")
			}
			if _, st := c.Get(idA); st != tc.status {
				t.Errorf("status = %v, want %v", st, tc.status)
			}
			// Within RetryAfter the failure is the answer.
			clock.add(59 * time.Second)
			c.Request(idA)
			if _, ok := c.Wait(context.Background(), idA); ok {
				t.Fatal("Wait succeeded within RetryAfter")
			}
			settle(t, c)
			if n := rt.count(idA); n != 1 {
				t.Errorf("%d fetches within RetryAfter, want 1", n)
			}
			// After it, the runtime is asked again, and now knows.
			rt.set(idA, &Info{ID: idA, Name: "late"}, nil)
			clock.add(time.Second)
			c.Request(idA)
			if in := wait(t, c, idA); in.Name != "late" {
				t.Errorf("after retry: %+v", in)
			}
			if n := rt.count(idA); n != 2 {
				t.Errorf("%d fetches, want 2", n)
			}
			s := c.Stats()
			if s.Fetches != 2 || s.NotFound+s.Failures != 1 {
				t.Errorf("stats = %+v", s)
			}
		})
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	rt := newFake(idA, idB, idC, idD)
	c := NewCache(rt, Config{MaxEntries: 3})
	defer c.Close()
	for _, id := range []string{idA, idB, idC} {
		wait(t, c, id)
	}
	c.Get(idA) // A is now more recent than B
	wait(t, c, idD)
	got := map[string]Status{}
	for _, id := range []string{idA, idB, idC, idD} {
		_, got[id] = c.Get(id)
	}
	want := map[string]Status{idA: StatusReady, idB: StatusUnknown, idC: StatusReady, idD: StatusReady}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("%s: %v, want %v", id, got[id], st)
		}
	}
	if s := c.Stats(); s.Evictions != 1 || s.Entries != 3 {
		t.Errorf("stats = %+v", s)
	}
	// An evicted container is fetched again on request.
	if in := wait(t, c, idB); in.ID != idB {
		t.Errorf("B again: %+v", in)
	}
	if n := rt.count(idB); n != 2 {
		t.Errorf("%d fetches of B, want 2", n)
	}
}

func TestCacheRejectsWhenFullOfFetches(t *testing.T) {
	rt := newFake(idA, idB, idC)
	rt.hold = make(chan struct{})
	c := NewCache(rt, Config{MaxEntries: 2})
	defer c.Close()
	c.Request(idA)
	c.Request(idB)
	c.Request(idC) // nothing can be evicted: A and B are being fetched
	if _, st := c.Get(idC); st != StatusUnknown {
		t.Errorf("C: %v, want unknown", st)
	}
	if s := c.Stats(); s.Rejected != 1 || s.Entries != 2 {
		t.Errorf("stats = %+v", s)
	}
	close(rt.hold)
	settle(t, c)
	if in := wait(t, c, idC); in.ID != idC { // room again: B or A goes
		t.Errorf("C: %+v", in)
	}
}

func TestCacheBoundsConcurrentFetches(t *testing.T) {
	rt := newFake()
	var ids []string
	for i := range 20 {
		id := fmt.Sprintf("%012x", 0xa00+i)
		ids = append(ids, id)
		rt.set(id, &Info{ID: id}, nil)
	}
	rt.hold = make(chan struct{})
	rt.started = make(chan string, len(ids))
	c := NewCache(rt, Config{Workers: 3})
	defer c.Close()
	for _, id := range ids {
		c.Request(id)
	}
	for range 3 {
		<-rt.started
	}
	close(rt.hold)
	for _, id := range ids {
		wait(t, c, id)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.maxIn != 3 {
		t.Errorf("at most %d fetches at once, want 3", rt.maxIn)
	}
}

func TestCacheForgetDuringFetch(t *testing.T) {
	rt := newFake(idA)
	rt.hold = make(chan struct{})
	c := NewCache(rt, Config{})
	defer c.Close()
	c.Request(idA)
	c.Forget(idA)
	close(rt.hold)
	settle(t, c)
	if _, st := c.Get(idA); st != StatusUnknown {
		t.Errorf("forgotten container: %v, want unknown", st)
	}
}

func TestCacheCloseWakesWaiters(t *testing.T) {
	rt := newFake(idA)
	rt.hold = make(chan struct{})
	defer close(rt.hold)
	c := NewCache(rt, Config{})
	res := make(chan bool)
	go func() {
		_, ok := c.Wait(context.Background(), idA)
		res <- ok
	}()
	for c.Stats().Waits == 0 {
		time.Sleep(time.Millisecond)
	}
	within(t, "Close with a fetch held", c.Close)
	within(t, "Wait after Close", func() {
		if <-res {
			t.Error("Wait succeeded")
		}
	})
	c.Request(idB) // does nothing after Close
	if _, st := c.Get(idB); st != StatusUnknown {
		t.Errorf("request after Close: %v", st)
	}
}

func TestCacheConcurrentUse(t *testing.T) {
	rt := newFake()
	var ids []string
	for i := range 40 {
		id := fmt.Sprintf("%012x", 0xbeef00+i)
		ids = append(ids, id)
		if i%5 != 0 {
			rt.set(id, &Info{ID: id}, nil)
		}
	}
	c := NewCache(rt, Config{MaxEntries: 16, Workers: 3, RetryAfter: time.Millisecond})
	defer c.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 2000 {
				id := ids[r.IntN(len(ids))]
				switch r.IntN(6) {
				case 0:
					c.Request(id)
				case 1:
					ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
					if in, ok := c.Wait(ctx, id); ok && in.ID != id {
						t.Errorf("Wait(%s) gave %s", id, in.ID)
					}
					cancel()
				case 2:
					c.Forget(id)
				case 3:
					c.apply(Event{ID: id, Action: ActionStart, Time: time.Now()})
				default:
					if in, st := c.Get(id); (in != nil) != (st == StatusReady) || in != nil && in.ID != id {
						t.Errorf("Get(%s) = %v, %v", id, in, st)
					}
				}
			}
		}()
	}
	wg.Wait()
	settle(t, c)
	s := c.Stats()
	if s.Entries > 16 {
		t.Errorf("%d entries, bound 16", s.Entries)
	}
	if s.Hits+s.Misses == 0 || s.Fetches == 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestStatsLatencyBuckets(t *testing.T) {
	var s Stats
	for _, d := range []time.Duration{500 * time.Microsecond, time.Millisecond, 3 * time.Millisecond, time.Minute} {
		s.record(d, nil)
	}
	s.record(time.Millisecond, ErrNotFound)
	s.record(time.Millisecond, errors.New("down"))
	bounds := LatencyBounds()
	if len(s.LatencyBuckets) != len(bounds)+1 {
		t.Fatalf("%d buckets for %d bounds", len(s.LatencyBuckets), len(bounds))
	}
	want := map[int]uint64{0: 4, 2: 1, len(bounds): 1}
	for i, n := range s.LatencyBuckets {
		if n != want[i] {
			t.Errorf("bucket %d (<= %v): %d, want %d", i, bounds[min(i, len(bounds)-1)], n, want[i])
		}
	}
	if s.Fetches != 6 || s.NotFound != 1 || s.Failures != 1 || s.LatencyMax != time.Minute {
		t.Errorf("stats = %+v", s)
	}
}
