package engine

import (
	"peregrine/internal/event"
	"peregrine/internal/state"
)

// Recorder takes the events an engine processes (a *scap.Writer does).
type Recorder interface {
	Write(*event.Event) error
}

// recorder writes what the engine processes to Options.Record: each event
// after the state has taken it, and before it a container event for any
// runtime metadata that went into the state while handling it, so that a
// replay of the recording sees the metadata where the live run did. After
// the first write error it records nothing more; the engine goes on (a
// failing disk must not stop detection) and RecordErr reports it.
type recorder struct {
	w   Recorder
	err error
	n   uint64
	ts  uint64 // time of the event being handled
	b   event.Builder
	buf []byte
	ev  event.Event
}

// at notes the time of the event being handled, for container events.
func (r *recorder) at(ts uint64) {
	if r != nil {
		r.ts = ts
	}
}

// event records ev.
func (r *recorder) event(ev *event.Event) {
	if r == nil || r.err != nil {
		return
	}
	if r.err = r.w.Write(ev); r.err == nil {
		r.n++
	}
}

// container records a container event describing c.
func (r *recorder) container(c *state.Container) {
	if r.err != nil {
		return
	}
	r.buf = state.AppendContainerJSON(r.buf[:0], c)
	r.b.Reset(state.ContainerEventType, r.ts, -1)
	r.b.String(string(r.buf))
	if r.err = r.b.Build(&r.ev); r.err != nil {
		return
	}
	r.event(&r.ev)
}

// Recorded returns how many events went to Options.Record (container
// events included) and the write error that stopped the recording, if
// any.
func (e *Engine) Recorded() (uint64, error) {
	if e.rec == nil {
		return 0, nil
	}
	return e.rec.n, e.rec.err
}
