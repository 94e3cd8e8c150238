package event

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Builder assembles one event at a time in the scap v2 layout: start with
// [Builder.Reset], append the parameters in table order, then take the
// bytes with [Builder.Bytes] or a view with [Builder.Build]. A Builder
// reuses its memory across events; it is not safe for concurrent use.
type Builder struct {
	typ  Type
	ts   uint64
	tid  int64
	lens []uint32
	data []byte
	out  []byte
}

// Reset starts a new event of type t at time ts (ns since the epoch) for
// thread tid.
func (b *Builder) Reset(t Type, ts uint64, tid int64) {
	b.typ, b.ts, b.tid = t, ts, tid
	b.lens = b.lens[:0]
	b.data = b.data[:0]
}

// Raw appends a parameter given as its encoded bytes.
func (b *Builder) Raw(p []byte) {
	b.lens = append(b.lens, uint32(len(p)))
	b.data = append(b.data, p...)
}

// Empty appends a zero-length parameter (libs' "no value").
func (b *Builder) Empty() { b.lens = append(b.lens, 0) }

// Uint appends v encoded with the fixed size of t (see [ParamType.FixedSize]).
// It panics if t has no fixed size: that is a programming error.
func (b *Builder) Uint(t ParamType, v uint64) {
	n := t.FixedSize()
	if n == 0 || n > 8 {
		panic(fmt.Sprintf("event: Builder.Uint with variable-size type %v", t))
	}
	var tmp [8]byte
	binary.LittleEndian.PutUint64(tmp[:], v)
	b.Raw(tmp[:n])
}

// Int appends v encoded with the fixed size of t, two's complement.
func (b *Builder) Int(t ParamType, v int64) { b.Uint(t, uint64(v)) }

// String appends s as a NUL-terminated string (CHARBUF, FSPATH, FSRELPATH).
func (b *Builder) String(s string) {
	b.lens = append(b.lens, uint32(len(s)+1))
	b.data = append(b.data, s...)
	b.data = append(b.data, 0)
}

// NumParams returns the number of parameters appended so far.
func (b *Builder) NumParams() int { return len(b.lens) }

// Bytes assembles the event and returns its bytes. They belong to the
// Builder and stay valid until the next Reset. It fails when a parameter
// does not fit the length width of the type or the event exceeds 4 GiB.
func (b *Builder) Bytes() ([]byte, error) {
	width := 2
	if i := b.typ.Info(); i != nil {
		width = i.LenWidth()
	}
	total := HeaderLen + width*len(b.lens) + len(b.data)
	if uint64(total) > math.MaxUint32 {
		return nil, fmt.Errorf("event type %d: %d bytes exceed the 32-bit event length", b.typ, total)
	}
	out := b.out[:0]
	out = binary.LittleEndian.AppendUint64(out, b.ts)
	out = binary.LittleEndian.AppendUint64(out, uint64(b.tid))
	out = binary.LittleEndian.AppendUint32(out, uint32(total))
	out = binary.LittleEndian.AppendUint16(out, uint16(b.typ))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(b.lens)))
	for k, l := range b.lens {
		if width == 2 {
			if l > math.MaxUint16 {
				return nil, fmt.Errorf("event type %d: param %d is %d bytes, over the 16-bit length limit", b.typ, k, l)
			}
			out = binary.LittleEndian.AppendUint16(out, uint16(l))
		} else {
			out = binary.LittleEndian.AppendUint32(out, l)
		}
	}
	out = append(out, b.data...)
	b.out = out
	return out, nil
}

// Build assembles the event and points dst at it (see [Builder.Bytes] for
// how long the bytes stay valid).
func (b *Builder) Build(dst *Event) error {
	out, err := b.Bytes()
	if err != nil {
		return err
	}
	return dst.Load(out)
}
