package event

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderLen is the size of the event header: ts, tid, len, type, nparams.
const HeaderLen = 26

// MaxParams is the number of parameters an [Event] indexes. The longest
// event in the table (execve exit) has 31; parameters past MaxParams are
// validated but not addressable.
const MaxParams = 32

// Block flags carried by EVF capture blocks (SCAP_DF_*).
const (
	// StateOnly marks an event that updates state but is never shown.
	StateOnly uint32 = 1
)

// ErrMalformed is returned (wrapped) when event bytes do not hold a
// well-formed event.
var ErrMalformed = errors.New("malformed event")

// Event is a zero-copy view of one event in the scap v2 layout. Load points
// it at a byte slice; the accessors decode from those bytes on demand. An
// Event does not own its bytes: they stay valid only as long as whoever
// handed them over (a capture reader reuses its buffer on the next read).
// Use [Event.Clone] to keep an event.
//
// The zero Event holds no event. An Event is not safe for concurrent use
// while it is being loaded.
type Event struct {
	// CPU is the processor the event happened on (it travels in the
	// capture block, not in the event bytes).
	CPU uint16
	// BlockFlags are the flags of the capture block that carried the
	// event, such as [StateOnly]; 0 for most events.
	BlockFlags uint32

	buf   []byte
	own   []byte                // storage owned by e (Clone, Builder); buf may point into it
	n     uint8                 // indexed params: min(nparams, MaxParams)
	off   [MaxParams + 1]uint32 // param i is buf[off[i]:off[i+1]]
	total uint32                // nparams as stored
}

// Load points e at the event in b and checks its framing: the header, the
// length array and every parameter must lie within the length the header
// gives, which must lie within b. Bytes of b past that length are ignored.
// On error e is left empty.
func (e *Event) Load(b []byte) error {
	e.buf, e.n, e.total = nil, 0, 0
	if len(b) < HeaderLen {
		return fmt.Errorf("%w: %d bytes, shorter than the %d-byte header", ErrMalformed, len(b), HeaderLen)
	}
	l := binary.LittleEndian.Uint32(b[16:])
	if l < HeaderLen || uint64(l) > uint64(len(b)) {
		return fmt.Errorf("%w: header length %d outside [%d, %d]", ErrMalformed, l, HeaderLen, len(b))
	}
	b = b[:l]
	typ := Type(binary.LittleEndian.Uint16(b[20:]))
	np := binary.LittleEndian.Uint32(b[22:])
	width := uint64(2)
	if i := typ.Info(); i != nil && i.Flags&LargePayload != 0 {
		width = 4
	}
	data := uint64(HeaderLen) + uint64(np)*width
	if data > uint64(l) {
		return fmt.Errorf("%w: %d params of type %d need %d bytes of lengths, event has %d", ErrMalformed, np, typ, data-HeaderLen, l-HeaderLen)
	}
	pos := data
	for i := uint64(0); i < uint64(np); i++ {
		at := HeaderLen + i*width
		var pl uint64
		if width == 2 {
			pl = uint64(binary.LittleEndian.Uint16(b[at:]))
		} else {
			pl = uint64(binary.LittleEndian.Uint32(b[at:]))
		}
		if i < MaxParams {
			e.off[i] = uint32(pos)
		}
		pos += pl
		if pos > uint64(l) {
			return fmt.Errorf("%w: param %d of type %d ends at byte %d, past the event length %d", ErrMalformed, i, typ, pos, l)
		}
	}
	n := np
	if n > MaxParams {
		n = MaxParams
		e.off[n] = e.off[n-1] + uint32(e.paramLenAt(b, n-1, width))
	} else {
		e.off[n] = uint32(pos)
	}
	e.buf, e.n, e.total = b, uint8(n), np
	return nil
}

func (e *Event) paramLenAt(b []byte, i uint32, width uint64) uint64 {
	at := HeaderLen + uint64(i)*width
	if width == 2 {
		return uint64(binary.LittleEndian.Uint16(b[at:]))
	}
	return uint64(binary.LittleEndian.Uint32(b[at:]))
}

// Bytes returns the event's bytes (header, lengths and params).
func (e *Event) Bytes() []byte { return e.buf }

// Loaded reports whether e holds an event.
func (e *Event) Loaded() bool { return e.buf != nil }

// Timestamp returns the event time in nanoseconds since the epoch.
func (e *Event) Timestamp() uint64 { return binary.LittleEndian.Uint64(e.buf[0:]) }

// TID returns the id of the thread that produced the event.
func (e *Event) TID() int64 { return int64(binary.LittleEndian.Uint64(e.buf[8:])) }

// Len returns the event length the header gives (all of [Event.Bytes]).
func (e *Event) Len() uint32 { return binary.LittleEndian.Uint32(e.buf[16:]) }

// Type returns the event type.
func (e *Event) Type() Type { return Type(binary.LittleEndian.Uint16(e.buf[20:])) }

// Dir returns the event direction.
func (e *Event) Dir() Dir { return e.Type().Dir() }

// Info returns the table entry of the event type, or nil for an unknown type.
func (e *Event) Info() *Info { return e.Type().Info() }

// StoredParams returns the number of parameters the event carries, as its
// header says; it may differ from the table (older or newer layouts).
func (e *Event) StoredParams() int { return int(e.total) }

// NumParams returns the number of addressable parameters: the stored
// count, capped at [MaxParams]. Consumers that follow the table should
// also cap it at len(Info().Params).
func (e *Event) NumParams() int { return int(e.n) }

// Param returns the bytes of parameter i, or nil when the event does not
// carry it. A carried parameter may be empty (length 0), which libs uses
// for "no value".
func (e *Event) Param(i int) []byte {
	if uint(i) >= uint(e.n) {
		return nil
	}
	return e.buf[e.off[i]:e.off[i+1]:e.off[i+1]]
}

// Has reports whether the event carries parameter i.
func (e *Event) Has(i int) bool { return uint(i) < uint(e.n) }

// Clone copies e into dst, giving dst its own bytes. Storage that dst owns
// from an earlier Clone is reused; bytes dst merely viewed are never
// written.
func (e *Event) Clone(dst *Event) {
	own := append(dst.own[:0], e.buf...)
	*dst = *e
	dst.own = own
	dst.buf = own
}

// TypeName returns what evt.type shows for e: the name of the event type,
// except for the generic events of system calls that have no event type of
// their own ("syscall", types 0 and 1), which show the system call's name
// from their ID parameter, as libs does ("mprotect"). A generic event
// without a known ID shows "syscall".
func (e *Event) TypeName() string {
	t := e.Type()
	if t > 1 {
		return t.Name()
	}
	if id := e.Param(0); len(id) == 2 {
		if name := SyscallName(binary.LittleEndian.Uint16(id)); name != "" && name != "<unknown>" {
			return name
		}
	}
	return t.Name()
}

// CopyInto appends the bytes of e to buf and points dst at that copy,
// with e's layout (no re-parsing), CPU and block flags; it returns the
// extended buf. dst stays valid as long as the bytes appended to buf are
// left alone (an append that reallocates buf leaves them in the old
// array, still valid). It is how a batch of events is read ahead.
func (e *Event) CopyInto(dst *Event, buf []byte) []byte {
	start := len(buf)
	buf = append(buf, e.buf...)
	*dst = *e
	dst.own = nil
	dst.buf = buf[start:len(buf):len(buf)]
	return buf
}
