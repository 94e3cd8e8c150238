package main

import (
	"errors"
	"fmt"
	"io"

	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/scap"
)

// eventSelection is the FILTER and -p FORMAT of `peregrine events`,
// compiled against the event state.
type eventSelection struct {
	filter *rules.Filter
	format *rules.Format
}

func newEventSelection(es *eventState, o eventsOptions) (*eventSelection, error) {
	sel := &eventSelection{}
	if es == nil {
		return sel, nil
	}
	opt := rules.Options{Binder: es.binder}
	if o.filter != "" {
		f, err := rules.CompileFilter(o.filter, opt)
		if err != nil {
			return nil, usageError{fmt.Errorf("events: filter: %w", err)}
		}
		sel.filter = f
	}
	if o.format != "" {
		f, err := rules.CompileFormat(o.format, opt)
		if err != nil {
			return nil, usageError{fmt.Errorf("events: -p: %w", err)}
		}
		sel.format = f
	}
	return sel, nil
}

// match reports whether e passes the filter (every event without one).
func (sel *eventSelection) match(e *event.Event) bool {
	return sel.filter == nil || sel.filter.Match(e.Type())
}

// writeSelected writes the events that match the filter to o.write, as
// they are after normalisation, with the capture's metadata, and the
// events that change the state, flagged state-only.
func writeSelected(stderr io.Writer, src *scap.Source, meta *scap.Meta, es *eventState, sel *eventSelection, o eventsOptions) error {
	f, w, err := createCapture(o.write, meta, scap.WriterOptions{Gzip: o.compress})
	if err != nil {
		return err
	}
	var num, written uint64
	var werr error
	section := meta
	for o.count == 0 || written < o.count {
		e, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			werr = fmt.Errorf("%s: %w (after %d events)", o.read, err, num)
			break
		}
		num++
		es.update(src.Meta(), num, e)
		stateOnly := false
		if !sel.match(e) {
			// An event the filter leaves out but that changes the state
			// (a clone, an execve, an open ...) is kept, flagged
			// state-only: readers apply it and never show it, so the
			// events that are shown keep their process and file names.
			if i := e.Info(); i == nil || i.Flags&event.ModifiesState == 0 {
				continue
			}
			stateOnly = true
		}
		if m := src.Meta(); m != section {
			section = m
			if werr = w.WriteSection(m); werr != nil {
				break
			}
		}
		flags := e.BlockFlags
		if stateOnly {
			e.BlockFlags |= event.StateOnly
		}
		err = w.Write(e)
		e.BlockFlags = flags
		if err != nil {
			werr = err
			break
		}
		if !stateOnly {
			written++
		}
	}
	if err := w.Close(); werr == nil {
		werr = err
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("write %s: %w", o.write, werr)
	}
	fmt.Fprintf(stderr, "peregrine: wrote %d of %d events to %s\n", written, num, o.write)
	reportSkipped(stderr, o.read, src.Stats())
	return nil
}
