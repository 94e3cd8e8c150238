package main

import (
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/scap"
	"peregrine/internal/state"
)

// eventState follows the machine state along the events `peregrine
// events` prints, one state per capture section, so that the lines carry
// sysdig's annotations (thread names, what descriptors are, user names).
type eventState struct {
	meta *scap.Meta
	st   *state.State
}

// update applies e, starting a new state at each section, points p at
// the state, and returns the name of e's thread ("" when unknown).
func (es *eventState) update(meta *scap.Meta, e *event.Event, p *event.Printer) string {
	if meta != es.meta || es.st == nil {
		es.meta = meta
		es.st = state.New(state.Options{})
		es.st.Bootstrap(engine.CaptureBootstrap(meta))
		p.Resolver = es.st.Resolver()
	}
	es.st.Update(e)
	if _, t, _ := es.st.Current(); t != nil {
		return t.Comm
	}
	return ""
}
