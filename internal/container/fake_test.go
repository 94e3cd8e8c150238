package container

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeRuntime answers from a table, counting the fetches of each id, and
// can hold fetches until released to play a slow runtime.
type fakeRuntime struct {
	mu       sync.Mutex
	infos    map[string]*Info // by short id
	errs     map[string]error // a failure to give instead
	fetches  map[string]int
	running  []string
	inFlight int
	maxIn    int           // most fetches in flight at once
	hold     chan struct{} // when set, fetches wait for it to close (or their context)
	started  chan string   // when set, gets the id of each fetch as it starts
}

func newFake(ids ...string) *fakeRuntime {
	f := &fakeRuntime{infos: map[string]*Info{}, errs: map[string]error{}, fetches: map[string]int{}}
	for _, id := range ids {
		f.infos[id] = &Info{ID: id, FullID: id + "0000000000000000000000000000000000000000000000000000", Name: "c-" + id, Type: "docker"}
	}
	return f
}

func (f *fakeRuntime) Inspect(ctx context.Context, id string) (*Info, error) {
	f.mu.Lock()
	f.fetches[id]++
	f.inFlight++
	f.maxIn = max(f.maxIn, f.inFlight)
	hold, started := f.hold, f.started
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	if started != nil {
		started <- id
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, fmt.Errorf("inspect %s: %w", id, ctx.Err())
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.errs[id]; err != nil {
		return nil, err
	}
	if in := f.infos[id]; in != nil {
		return in, nil
	}
	return nil, fmt.Errorf("inspect %s: %w", id, ErrNotFound)
}

func (f *fakeRuntime) List(ctx context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.running...), nil
}

// count returns how many times id was fetched.
func (f *fakeRuntime) count(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetches[id]
}

// set changes what the runtime says of id.
func (f *fakeRuntime) set(id string, in *Info, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.infos[id], f.errs[id] = in, err
}

// fakeClock is a clock that tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// settle waits (bounded) until no fetch of c is queued or running.
func settle(t *testing.T, c *Cache) {
	t.Helper()
	for range 2000 {
		if c.Stats().InFlight == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("fetches still in flight after 10 s: %+v", c.Stats())
}

// wait returns id's Info, failing the test if it takes more than 10 s
// (a bound against hangs, not a measure).
func wait(t *testing.T, c *Cache, id string) *Info {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in, ok := c.Wait(ctx, id)
	if !ok {
		t.Fatalf("Wait(%s) failed: %v", id, c.Err(id))
	}
	return in
}

// within runs fn, failing the test if it has not returned after 10 s: it
// proves that fn does not wait for something that never comes.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s blocked", what)
	}
}
