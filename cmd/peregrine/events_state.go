package main

import (
	"time"

	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/scap"
	"peregrine/internal/state"
)

// eventState follows the machine state along the events `peregrine
// events` prints, bootstrapped again at each capture section, so that the
// lines carry sysdig's annotations (thread names, what descriptors are,
// user names) and a filter or -p format can name any syscall field.
type eventState struct {
	meta   *scap.Meta
	st     *state.State
	binder *state.Binder
}

func newEventState(loc *time.Location) *eventState {
	st := state.New(state.Options{})
	return &eventState{st: st, binder: state.NewBinder(st, state.BinderOptions{Location: loc, Resolver: st.Resolver()})}
}

// update applies e, event number num, bootstrapping at a new section, and
// returns the name of e's thread ("" when unknown).
func (es *eventState) update(meta *scap.Meta, num uint64, e *event.Event) string {
	if meta != es.meta {
		es.meta = meta
		es.st.Bootstrap(engine.CaptureBootstrap(meta))
	}
	es.binder.SetNum(num)
	es.st.Update(e)
	if _, t, _ := es.st.Current(); t != nil {
		return t.Comm
	}
	return ""
}
