package container

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Runtime is what a [Cache] asks for container metadata. [*Docker] is
// one; tests use fakes.
type Runtime interface {
	// Inspect describes container id (its short id); an unknown container
	// gives an error wrapping [ErrNotFound].
	Inspect(ctx context.Context, id string) (*Info, error)
	// List gives the ids of the running containers.
	List(ctx context.Context) ([]string, error)
}

// Status is what a [Cache] knows of a container.
type Status uint8

// The statuses of a container in a [Cache].
const (
	StatusUnknown  Status = iota // never requested, evicted, forgotten, or not an id
	StatusPending                // a fetch is queued or running and nothing is known yet
	StatusReady                  // the Info is there (a refresh may be running)
	StatusFailed                 // the last fetch failed (time-out, runtime down ...)
	StatusNotFound               // the runtime does not know the container
)

var statusNames = [...]string{"unknown", "pending", "ready", "failed", "not found"}

// String returns the status in words.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// Config tunes a [Cache]. Zero fields take the defaults.
type Config struct {
	MaxEntries int           // containers kept (default 4096); the least recently used go first
	Workers    int           // fetches running at once (default 4)
	Timeout    time.Duration // bound of one fetch (default 5 s)
	RetryAfter time.Duration // how long a failure is remembered before a new Request fetches again (default 30 s)
	Now        func() time.Time
}

// Defaults of [Config].
const (
	DefaultMaxEntries = 4096
	DefaultWorkers    = 4
	DefaultTimeout    = 5 * time.Second
	DefaultRetryAfter = 30 * time.Second
)

// Cache holds container metadata fetched from a [Runtime] in the
// background. [Cache.Request] and [Cache.Get] never wait for the runtime:
// they take a mutex that no one holds during a fetch. Only [Cache.Wait]
// and [Cache.Prefetch] wait, for as long as their context allows. A Cache
// is safe for concurrent use; [Cache.Close] stops its workers.
type Cache struct {
	rt     Runtime
	cfg    Config
	ctx    context.Context // cancelled by Close: ends running fetches
	cancel context.CancelFunc
	jobs   chan *entry
	wg     sync.WaitGroup

	mu      sync.Mutex
	entries map[string]*entry // by short id
	lru     list.List         // settled entries (no fetch in flight), most recently used first
	closed  bool
	st      Stats
}

// entry is one container of the cache. Its fields are guarded by the
// cache's mutex.
type entry struct {
	id      string
	info    *Info // the last Info fetched; nil until one is
	status  Status
	err     error
	fetched time.Time     // when the last fetch started
	retryAt time.Time     // when a failure may be fetched again
	done    chan struct{} // while a fetch is queued or running; closed when it ends
	elem    *list.Element // in lru while no fetch is in flight
	gone    bool          // evicted or forgotten
}

// NewCache returns a cache that asks rt, and starts its workers.
func NewCache(rt Runtime, cfg Config) *Cache {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultMaxEntries
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = DefaultRetryAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Cache{
		rt: rt, cfg: cfg, ctx: ctx, cancel: cancel,
		// Each entry is queued at most once at a time, so a queue as
		// long as the cache is big never fills.
		jobs:    make(chan *entry, cfg.MaxEntries),
		entries: make(map[string]*entry),
	}
	c.wg.Add(cfg.Workers)
	for range cfg.Workers {
		go c.work()
	}
	return c
}

// Request starts fetching container id (12 to 64 hex digits) in the
// background, unless it is known, being fetched, or failed less than
// RetryAfter ago. It never waits. When the cache is full of containers
// being fetched, the request is dropped and counted (Stats.Rejected).
func (c *Cache) Request(id string) {
	key, ok := ShortID(id)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requestLocked(key)
}

// requestLocked is Request with the mutex held; it returns the entry.
func (c *Cache) requestLocked(key string) *entry {
	if c.closed {
		return nil
	}
	e := c.entries[key]
	if e != nil {
		if e.done == nil && e.info == nil && !c.cfg.Now().Before(e.retryAt) {
			c.startLocked(e)
		}
		return e
	}
	if len(c.entries) >= c.cfg.MaxEntries && !c.evictLocked() {
		c.st.Rejected++
		return nil
	}
	e = &entry{id: key, status: StatusPending}
	c.entries[key] = e
	c.startLocked(e)
	return e
}

// startLocked queues a fetch of e.
func (c *Cache) startLocked(e *entry) {
	if e.elem != nil {
		c.lru.Remove(e.elem)
		e.elem = nil
	}
	if e.info == nil {
		e.status = StatusPending
	}
	e.done = make(chan struct{})
	select {
	case c.jobs <- e:
	default:
		// Only forgotten entries still queued can fill the queue.
		c.st.Rejected++
		c.settleLocked(e)
		if e.info == nil {
			e.status, e.err = StatusFailed, errors.New("fetch queue full")
			e.retryAt = c.cfg.Now()
		}
	}
}

// settleLocked ends e's fetch: e becomes evictable and waiters wake.
func (c *Cache) settleLocked(e *entry) {
	if !e.gone {
		e.elem = c.lru.PushFront(e)
	}
	close(e.done)
	e.done = nil
}

// evictLocked removes the least recently used settled entry; false when
// every entry has a fetch in flight.
func (c *Cache) evictLocked() bool {
	back := c.lru.Back()
	if back == nil {
		return false
	}
	e := back.Value.(*entry)
	c.lru.Remove(back)
	e.elem = nil
	e.gone = true
	delete(c.entries, e.id)
	c.st.Evictions++
	return true
}

// Get returns what the cache knows of container id, without waiting: the
// Info when the status is [StatusReady], else nil. It starts no fetch.
func (c *Cache) Get(id string) (*Info, Status) {
	key, ok := ShortID(id)
	if !ok {
		return nil, StatusUnknown
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	switch {
	case e == nil:
		c.st.Misses++
		return nil, StatusUnknown
	case e.info != nil:
		c.st.Hits++
		if e.elem != nil {
			c.lru.MoveToFront(e.elem)
		}
		return e.info, StatusReady
	}
	c.st.Misses++
	return nil, e.status
}

// Err returns the error of the last failed fetch of container id, or nil.
func (c *Cache) Err(id string) error {
	key, _ := ShortID(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[key]; e != nil && e.info == nil {
		return e.err
	}
	return nil
}

// Wait returns the Info of container id, requesting it as [Cache.Request]
// does and waiting for the fetch until ctx ends: give it a deadline. It
// returns false at once for a container that failed less than RetryAfter
// ago, and when ctx ends first (counted in Stats.WaitTimeouts).
func (c *Cache) Wait(ctx context.Context, id string) (*Info, bool) {
	key, ok := ShortID(id)
	if !ok {
		return nil, false
	}
	c.mu.Lock()
	e := c.requestLocked(key)
	switch {
	case e == nil:
		c.st.Misses++
		c.mu.Unlock()
		return nil, false
	case e.info != nil:
		c.st.Hits++
		info := e.info
		c.mu.Unlock()
		return info, true
	case e.done == nil:
		c.st.Misses++
		c.mu.Unlock()
		return nil, false
	}
	c.st.Misses++
	c.st.Waits++
	done := e.done
	c.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		c.mu.Lock()
		c.st.WaitTimeouts++
		c.mu.Unlock()
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.info, e.info != nil
}

// Forget drops container id from the cache (a fetch in flight completes
// unseen).
func (c *Cache) Forget(id string) {
	key, ok := ShortID(id)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		return
	}
	delete(c.entries, key)
	if e.elem != nil {
		c.lru.Remove(e.elem)
		e.elem = nil
	}
	e.gone = true
}

// work runs fetches until Close.
func (c *Cache) work() {
	defer c.wg.Done()
	for e := range c.jobs {
		c.fetch(e)
	}
}

// fetch asks the runtime about e and records the answer. A failed
// refresh keeps the Info already known.
func (c *Cache) fetch(e *entry) {
	c.mu.Lock()
	e.fetched = c.cfg.Now()
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(c.ctx, c.cfg.Timeout)
	start := time.Now()
	info, err := c.rt.Inspect(ctx, e.id)
	took := time.Since(start)
	cancel()
	if err == nil && info == nil {
		err = fmt.Errorf("runtime gave no description of %s", e.id)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.record(took, err)
	switch {
	case err == nil:
		e.info, e.status, e.err = info, StatusReady, nil
	case e.info != nil:
	case errors.Is(err, ErrNotFound):
		e.status, e.err = StatusNotFound, err
		e.retryAt = c.cfg.Now().Add(c.cfg.RetryAfter)
	default:
		e.status, e.err = StatusFailed, err
		e.retryAt = c.cfg.Now().Add(c.cfg.RetryAfter)
	}
	c.settleLocked(e)
}

// Close stops the workers, cancelling running fetches, and wakes every
// waiter. Requests after Close do nothing; Get still answers.
func (c *Cache) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	close(c.jobs)
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
}
