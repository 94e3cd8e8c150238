package container

import (
	"context"
	"fmt"
	"time"
)

// EventSource streams container events; [*Docker] is one.
type EventSource interface {
	// Events streams events until ctx ends or the stream breaks: then the
	// event channel closes, and the error channel gives why and closes.
	Events(ctx context.Context) (<-chan Event, <-chan error)
}

// Prefetch requests every running container of the runtime and waits
// until they are fetched or ctx ends. It returns how many are ready.
// At start-up it spares the first events of each container the wait.
func (c *Cache) Prefetch(ctx context.Context) (int, error) {
	ids, err := c.rt.List(ctx)
	if err != nil {
		return 0, fmt.Errorf("prefetch containers: %w", err)
	}
	for _, id := range ids {
		c.Request(id)
	}
	ready := 0
	for _, id := range ids {
		if _, ok := c.Wait(ctx, id); ok {
			ready++
		}
	}
	return ready, nil
}

// Follow applies container events until the channel closes or ctx ends:
// a container that starts is fetched at once (again if it was fetched
// before it started, as a restart may give it a new address), and a
// container destroyed is forgotten.
func (c *Cache) Follow(ctx context.Context, events <-chan Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			c.apply(ev)
		}
	}
}

// apply applies one event.
func (c *Cache) apply(ev Event) {
	switch ev.Action {
	case ActionStart:
		c.refresh(ev.ID, ev.Time)
	case ActionDestroy:
		c.Forget(ev.ID)
	}
}

// refresh fetches container id unless a fetch is in flight or the last one
// started after since.
func (c *Cache) refresh(id string, since time.Time) {
	key, ok := ShortID(id)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		c.requestLocked(key)
		return
	}
	if c.closed || e.done != nil || e.fetched.After(since) {
		return
	}
	c.startLocked(e)
}

// Watch follows the source's events until ctx ends, reopening the stream
// retry after it breaks (the runtime restarted, say). Each time the
// stream opens, the running containers are requested again, so that none
// that started while no stream was open is missed. It returns ctx's
// error.
func (c *Cache) Watch(ctx context.Context, src EventSource, retry time.Duration) error {
	for {
		events, errc := src.Events(ctx)
		c.mu.Lock()
		c.st.Streams++
		c.mu.Unlock()
		if ids, err := c.rt.List(ctx); err == nil {
			for _, id := range ids {
				c.Request(id)
			}
		}
		c.Follow(ctx, events)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		<-errc // the events closed: the stream broke
		c.mu.Lock()
		c.st.StreamBreaks++
		c.mu.Unlock()
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
