package scap

import (
	"errors"
	"io"

	"peregrine/internal/event"
)

// Source yields the events of a capture as the rest of Peregrine consumes
// them: normalised by a [Converter] (one exit event per system call, old
// layouts rewritten, as current libs reads captures), or as stored when
// raw. It follows the reader across sections, resetting the converter and
// the process names at each new one.
//
// An event the converter cannot normalise is delivered as stored and
// counted in [SourceStats].Unconverted: nothing is lost, where libs stops
// reading at such an event.
//
// A Source is not safe for concurrent use.
type Source struct {
	r     *Reader
	conv  *Converter // nil when raw
	ev    event.Event
	meta  *Meta
	comms map[int64]string

	unconverted uint64
	lastErr     error
}

// SourceStats counts what a [Source] did beyond its reader's [Stats].
type SourceStats struct {
	Reader      Stats
	Converter   ConverterStats // zero when raw
	Unconverted uint64         // events delivered as stored because conversion failed
	LastError   error          // the last conversion error, nil if none
}

// NewSource returns a Source over r; raw turns normalisation off.
func NewSource(r *Reader, raw bool) *Source {
	s := &Source{r: r}
	if !raw {
		s.conv = NewConverter()
	}
	s.section()
	return s
}

// Next returns the next event, valid until the next call, or io.EOF at the
// end of the capture. Reader errors are returned as they are (a
// *FormatError naming the offset).
func (s *Source) Next() (*event.Event, error) {
	for {
		if err := s.r.Next(&s.ev); err != nil {
			return nil, err
		}
		if s.r.Meta() != s.meta {
			s.section()
		}
		if s.conv == nil {
			return &s.ev, nil
		}
		out, ok, err := s.conv.Convert(&s.ev)
		if err != nil {
			s.unconverted++
			s.lastErr = err
			return &s.ev, nil
		}
		if ok {
			return out, nil
		}
	}
}

// section takes the reader's current metadata.
func (s *Source) section() {
	s.meta = s.r.Meta()
	if s.conv != nil {
		s.conv.Reset()
	}
	s.comms = make(map[int64]string, len(s.meta.Procs))
	for i := range s.meta.Procs {
		p := &s.meta.Procs[i]
		s.comms[p.TID] = p.Comm
	}
}

// Meta returns the metadata of the current section.
func (s *Source) Meta() *Meta { return s.meta }

// Comm returns the command name of thread tid from the current section's
// process list, or "" when the list does not have it. It reflects the
// capture's start, not later exec calls.
func (s *Source) Comm(tid int64) string { return s.comms[tid] }

// Stats returns the counters of the source, its reader and its converter.
func (s *Source) Stats() SourceStats {
	st := SourceStats{Reader: s.r.Stats(), Unconverted: s.unconverted, LastError: s.lastErr}
	if s.conv != nil {
		st.Converter = s.conv.Stats()
	}
	return st
}

// Copy writes the events of src to dst as they are stored, starting a new
// section in dst wherever src has one, until the end of src or n events
// (n = 0: all). It returns the number of events written. This is what
// `sysdig -r IN -w OUT` does.
func Copy(dst *Writer, src *Reader, n uint64) (uint64, error) {
	var (
		e       event.Event
		written uint64
	)
	meta := src.Meta()
	for n == 0 || written < n {
		err := src.Next(&e)
		if errors.Is(err, io.EOF) {
			return written, nil
		}
		if err != nil {
			return written, err
		}
		if m := src.Meta(); m != meta {
			meta = m
			if err := dst.WriteSection(m); err != nil {
				return written, err
			}
		}
		if err := dst.Write(&e); err != nil {
			return written, err
		}
		written++
	}
	return written, nil
}
