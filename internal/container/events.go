package container

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
)

// Action is what happened to a container in an [Event].
type Action uint8

// The actions a cache follows.
const (
	// ActionStart: the container started (or restarted); its address may
	// be new.
	ActionStart Action = iota + 1
	// ActionDestroy: the container was removed; the runtime no longer
	// knows it.
	ActionDestroy
)

// String returns the runtime's name of the action.
func (a Action) String() string {
	switch a {
	case ActionStart:
		return "start"
	case ActionDestroy:
		return "destroy"
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// Event is a change in a container's life that a runtime reports.
type Event struct {
	ID     string // the full id
	Action Action
	Time   time.Time
}

// Events streams the engine's container start and destroy events from now
// on. The event channel closes when the stream ends; the error channel
// then gives why (the context's error once it is cancelled) and closes.
// Events missed while no stream is open are lost: [Cache.Watch] lists the
// running containers again after reconnecting.
func (d *Docker) Events(ctx context.Context) (<-chan Event, <-chan error) {
	out := make(chan Event)
	errc := make(chan error, 1)
	f := filters.NewArgs(
		filters.Arg("type", string(events.ContainerEventType)),
		filters.Arg("event", string(events.ActionStart)),
		filters.Arg("event", string(events.ActionDestroy)),
	)
	msgs, errs := d.api.Events(ctx, events.ListOptions{Filters: f})
	go func() {
		defer close(errc)
		defer close(out)
		for {
			select {
			case m := <-msgs:
				ev, ok := eventOf(m)
				if !ok {
					continue
				}
				select {
				case out <- ev:
				case <-ctx.Done():
					errc <- ctx.Err()
					return
				}
			case err := <-errs:
				if err == nil {
					err = errors.New("stream closed")
				}
				errc <- fmt.Errorf("docker events at %s: %w", d.host, err)
				return
			}
		}
	}()
	return out, errc
}

// eventOf converts an engine event message; ok is false for an action the
// cache does not follow.
func eventOf(m events.Message) (Event, bool) {
	ev := Event{ID: m.Actor.ID, Time: time.Unix(0, m.TimeNano)}
	switch m.Action {
	case events.ActionStart:
		ev.Action = ActionStart
	case events.ActionDestroy:
		ev.Action = ActionDestroy
	default:
		return Event{}, false
	}
	if _, ok := ShortID(ev.ID); !ok {
		return Event{}, false
	}
	return ev, true
}
