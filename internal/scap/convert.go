package scap

import (
	"errors"
	"fmt"

	"peregrine/internal/event"
)

// ErrConvert is returned (wrapped) by [Converter.Convert] for an event it
// cannot normalise. The converter stays usable: the caller may skip the
// event and go on (libs instead stops reading the capture).
var ErrConvert = errors.New("event cannot be normalised")

// ConvertMaxSteps bounds the rewrites of one event; an event that is still
// not current after that many is an error. libs uses the same bound.
const ConvertMaxSteps = 50

// convMaxEventLen is the longest event libs agrees to convert (its staging
// buffers are 64 KiB). Events that need no conversion may be longer.
const convMaxEventLen = 64 * 1024

// ConverterStats counts what a [Converter] did with the events it was
// given. Every input event lands in exactly one of Passed, Converted,
// EnterDropped, OldDropped and Errors.
type ConverterStats struct {
	// Passed counts events delivered unchanged (current events, and the
	// enter events the table passes on).
	Passed uint64
	// Converted counts events delivered after at least one rewrite.
	Converted uint64
	// EnterDropped counts enter events kept for their exit event and not
	// delivered, as current libs does.
	EnterDropped uint64
	// OldDropped counts enter events of an old layout that nothing
	// converts; libs drops them.
	OldDropped uint64
	// Errors counts events that could not be normalised (see [ErrConvert]).
	Errors uint64
	// Evicted counts stored enter events dropped unused to stay within the
	// thread bound (see [ConverterMaxThreads]); their exit events then get
	// empty or zero values instead of the enter parameters.
	Evicted uint64
	// NoEnter counts delivered exit events that needed their enter event
	// and did not find it (it was never stored, evicted, or belongs to a
	// system call cut off by the start of the capture).
	NoEnter uint64
	// StaleEnter counts stored enter events thrown away because the next
	// exit event of their thread belonged to another system call (their own
	// exit never came). libs stops reading the capture there.
	StaleEnter uint64
	// Pending is the number of threads whose enter event is stored and not
	// yet used, at the time of the call to [Converter.Stats].
	Pending int
}

// ConverterOption configures a [Converter].
type ConverterOption func(*Converter)

// ConverterMaxThreads bounds the number of threads whose pending enter
// event the converter keeps (default [DefaultConvertThreads]). Past the
// bound, the thread that stored an event least recently loses it and
// [ConverterStats].Evicted counts the loss. libs keeps one event per thread
// id without bound.
func ConverterMaxThreads(n int) ConverterOption {
	return func(c *Converter) { c.store = newConvStore(n) }
}

// Converter normalises events of captures written by older drivers the
// way the savefile converter of current falcosecurity-libs does, so that
// they look like what a current driver writes: one exit event per system
// call that also carries the enter parameters, and current event types in
// place of their old versions. Most enter events are kept only until their
// exit event takes their parameters; old layouts are rewritten until they
// are current. Events that need none of this pass unchanged.
//
// A Converter keeps per-thread state and reuses its buffers; it is not
// safe for concurrent use.
type Converter struct {
	store convStore
	b     [2]event.Builder
	out   [2]event.Event
	json  []byte
	stats ConverterStats
}

// NewConverter returns a Converter with no stored enter events.
func NewConverter(opts ...ConverterOption) *Converter {
	c := &Converter{store: newConvStore(DefaultConvertThreads)}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Stats returns the counters so far.
func (c *Converter) Stats() ConverterStats {
	s := c.stats
	s.Evicted = c.store.evicted
	s.Pending = c.store.pending()
	return s
}

// Reset forgets every stored enter event, as when a capture is read again
// from its start. The counters are kept.
func (c *Converter) Reset() { c.store.reset() }

// Convert takes one event as a capture reader delivers it and returns the
// event to hand on: in itself when it needs no change, a rewritten event,
// or nothing (ok false) when the event is an enter event that is only kept
// for its exit, or an old enter event that is dropped. A returned event
// other than in stays valid until the next call; it keeps the CPU and
// BlockFlags of in. in is only read, and need not stay valid after the
// call. On error (wrapping [ErrConvert]) nothing is returned.
func (c *Converter) Convert(in *event.Event) (out *event.Event, ok bool, err error) {
	if !in.Loaded() {
		return c.fail(in, errors.New("no event loaded"))
	}
	switch convJudge(in) {
	case convDone:
		c.stats.Passed++
		return in, true, nil
	case convDrop:
		c.stats.OldDropped++
		return nil, false, nil
	case convBad:
		return c.fail(in, errors.New("old exit event not managed by the converter"))
	}
	cur := in
	var usedEnter, missedEnter bool
	for step, slot := 0, 0; step < ConvertMaxSteps; step, slot = step+1, slot^1 {
		if cur.Len() > convMaxEventLen {
			return c.fail(in, fmt.Errorf("%d bytes, longer than the %d the converter takes", cur.Len(), convMaxEventLen))
		}
		r := convLookup(cur.Type(), cur.StoredParams())
		if r == nil {
			return c.fail(in, fmt.Errorf("no rule for type %d (%s) with %d params", cur.Type(), cur.Info().Enum, cur.StoredParams()))
		}
		switch r.act {
		case actPass:
			return c.deliver(in, cur, missedEnter && !usedEnter)
		case actStore:
			c.store.put(cur)
			c.stats.EnterDropped++
			return nil, false, nil
		case actStoreAndPass:
			c.store.put(cur)
			return c.deliver(in, cur, missedEnter && !usedEnter)
		}
		used, missed, err := c.rewrite(cur, r, slot)
		if err != nil {
			return c.fail(in, err)
		}
		usedEnter, missedEnter = usedEnter || used, missedEnter || missed
		cur = &c.out[slot]
		switch convJudge(cur) {
		case convDone:
			return c.deliver(in, cur, missedEnter && !usedEnter)
		case convDrop:
			c.stats.OldDropped++
			return nil, false, nil
		case convBad:
			return c.fail(in, fmt.Errorf("rewritten to type %d (%s), an old exit event not managed by the converter", cur.Type(), cur.Info().Enum))
		}
	}
	return c.fail(in, fmt.Errorf("still not current after %d conversions", ConvertMaxSteps))
}

func (c *Converter) deliver(in, out *event.Event, noEnter bool) (*event.Event, bool, error) {
	if out == in {
		c.stats.Passed++
		return in, true, nil
	}
	out.CPU, out.BlockFlags = in.CPU, in.BlockFlags
	c.stats.Converted++
	if noEnter {
		c.stats.NoEnter++
	}
	return out, true, nil
}

func (c *Converter) fail(in *event.Event, err error) (*event.Event, bool, error) {
	c.stats.Errors++
	if !in.Loaded() {
		return nil, false, fmt.Errorf("%w: %w", ErrConvert, err)
	}
	return nil, false, fmt.Errorf("%w: type %d (%s) with %d params, tid %d: %w",
		ErrConvert, in.Type(), in.Type().Name(), in.StoredParams(), in.TID(), err)
}

// convVerdict is what the eligibility rules of the libs converter say
// about an event.
type convVerdict uint8

const (
	convDone convVerdict = iota // current: deliver as it is
	convDrop                    // an old enter event nothing converts
	convMore                    // needs a (further) conversion
	convBad                     // an old exit event nothing converts (a table bug)
)

// convJudge applies the eligibility rules: events of types the converter
// does not manage pass when current and are dropped when they are old
// enter events; managed enter events always go through the table; managed
// exit events do when their type is old or they carry fewer parameters
// than the table. Two cases differ from libs, which asserts on them: an
// event type this build does not know, and a current exit event with more
// parameters than the table, pass unchanged (readers use the parameters
// they know).
func convJudge(e *event.Event) convVerdict {
	info := e.Info()
	if info == nil {
		return convDone
	}
	old := info.Flags&event.OldVersion != 0
	if info.Flags&event.ConverterManaged == 0 {
		switch {
		case !old:
			return convDone
		case e.Dir() == event.Enter:
			return convDrop
		default:
			return convBad
		}
	}
	if e.Dir() == event.Enter || old || e.StoredParams() < len(info.Params) {
		return convMore
	}
	return convDone
}
