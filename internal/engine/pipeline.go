package engine

import (
	"context"
	"errors"
	"io"
	"runtime"

	"peregrine/internal/alert"
	"peregrine/internal/event"
	"peregrine/internal/scap"
)

// The capture pipeline runs in two goroutines: one reads and normalises
// events into batches, the other applies them to the state and the rules.
// Reading a capture costs about as much as evaluating it, so with two
// cores a replay runs nearly twice as fast. Batches are recycled, so the
// steady state does not allocate.

// batchEvents and batchBytes bound a batch: a channel send costs more
// than an event, so many events travel together.
const (
	batchEvents = 1024
	batchBytes  = 256 << 10
	batchesLive = 4 // batches in flight: read ahead, not run away
)

// batch is a run of events of one capture section, copied out of the
// reader's buffer.
type batch struct {
	meta   *scap.Meta
	events []event.Event
	data   []byte
	err    error // what ended the stream after these events (io.EOF at its end)
}

// readAhead fills batches from src until its end, an error, or done.
func readAhead(src CaptureSource, full chan<- *batch, free <-chan *batch, done <-chan struct{}) {
	defer close(full)
	var pending *event.Event // an event of a new section, for the next batch
	for {
		var b *batch
		select {
		case b = <-free:
		case <-done:
			return
		}
		b.meta, b.events, b.data, b.err = src.Meta(), b.events[:0], b.data[:0], nil
		if pending != nil {
			b.meta = src.Meta()
			b.add(pending)
			pending = nil
		}
		for len(b.events) < batchEvents && len(b.data) < batchBytes {
			ev, err := src.Next()
			if err != nil {
				b.err = err
				break
			}
			if src.Meta() != b.meta {
				if len(b.events) == 0 {
					b.meta = src.Meta()
				} else {
					pending = ev
					break
				}
			}
			b.add(ev)
		}
		select {
		case full <- b:
		case <-done:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// add copies ev into b.
func (b *batch) add(ev *event.Event) {
	b.events = append(b.events, event.Event{})
	b.data = ev.CopyInto(&b.events[len(b.events)-1], b.data)
}

// runPipelined is RunCapture on two goroutines (see above).
func (e *Engine) runPipelined(ctx context.Context, src CaptureSource, emit func(*alert.Alert)) error {
	e.startPublishing()
	defer e.stopPublishing()
	full := make(chan *batch, batchesLive)
	free := make(chan *batch, batchesLive)
	for range batchesLive {
		free <- &batch{events: make([]event.Event, 0, batchEvents), data: make([]byte, 0, batchBytes+64<<10)}
	}
	done := make(chan struct{})
	defer close(done)
	go readAhead(src, full, free, done)
	var meta *scap.Meta
	for b := range full {
		if err := ctx.Err(); err != nil {
			return err
		}
		if b.meta != meta {
			meta = b.meta
			e.Bootstrap(CaptureBootstrap(meta))
		}
		for i := range b.events {
			e.Process(&b.events[i], emit)
		}
		if b.err != nil {
			if errors.Is(b.err, io.EOF) {
				return nil
			}
			return b.err
		}
		free <- b
	}
	return ctx.Err()
}

// pipelined reports whether captures run on two goroutines.
func pipelined() bool { return runtime.GOMAXPROCS(0) > 1 }
