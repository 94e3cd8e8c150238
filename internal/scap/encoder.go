package scap

import (
	"fmt"
	"net/netip"
)

// encoder appends little-endian fields to a buffer and frames blocks and
// entries, computing every length from what it wrote. The first failure
// sticks in err.
type encoder struct {
	b        []byte
	err      error
	legacyFD bool // see WriterOptions.LegacyFDTypes
}

func (e *encoder) u8(v uint8)   { e.b = append(e.b, v) }
func (e *encoder) u16(v uint16) { e.b = le.AppendUint16(e.b, v) }
func (e *encoder) u32(v uint32) { e.b = le.AppendUint32(e.b, v) }
func (e *encoder) u64(v uint64) { e.b = le.AppendUint64(e.b, v) }
func (e *encoder) i64(v int64)  { e.u64(uint64(v)) }

func (e *encoder) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf(format, args...)
	}
}

// str appends a u16 length and s. It fails, like a reader would, when s is
// longer than max (or max-1 when below is set).
func (e *encoder) str(s string, max int, below bool, what string) {
	if len(s) > max || (below && len(s) == max) {
		e.fail("%s is %d bytes, over the limit of %s", what, len(s), limitText(max, below))
		return
	}
	e.u16(uint16(len(s)))
	e.b = append(e.b, s...)
}

// addr4 appends an IPv4 address as in_addr bytes; the zero Addr writes
// 0.0.0.0.
func (e *encoder) addr4(a netip.Addr, what string) {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		e.b = append(e.b, 0, 0, 0, 0)
	case a.Is4():
		v := a.As4()
		e.b = append(e.b, v[:]...)
	default:
		e.fail("%s %v is not an IPv4 address", what, a)
	}
}

// addr16 appends an IPv6 address (an IPv4 one mapped); the zero Addr
// writes ::.
func (e *encoder) addr16(a netip.Addr) {
	var v [16]byte
	if a.IsValid() {
		v = a.As16()
	}
	e.b = append(e.b, v[:]...)
}

// beginBlock starts a block and returns where it starts.
func (e *encoder) beginBlock() int {
	at := len(e.b)
	e.b = append(e.b, make([]byte, blockHeaderLen)...)
	return at
}

// endBlock pads the metadata block started at at, appends its trailer and
// fills in its header. It fails for a block the reader would refuse.
func (e *encoder) endBlock(at int, typ uint32) {
	e.b = append(e.b, make([]byte, padLen(len(e.b)-at))...)
	n := len(e.b) - at + 4
	if n > MaxMetaBlock {
		e.fail("block %s of %d bytes over the %d limit", lookupBlock(typ).name, n, MaxMetaBlock)
	}
	total := uint32(n)
	e.u32(total)
	le.PutUint32(e.b[at:], typ)
	le.PutUint32(e.b[at+4:], total)
}

// beginEntry reserves the u32 length of a list entry.
func (e *encoder) beginEntry() int {
	at := len(e.b)
	e.u32(0)
	return at
}

// endEntry fills in the length of the entry started at at; inclusive says
// whether the length counts its own 4 bytes.
func (e *encoder) endEntry(at int, inclusive bool) {
	n := len(e.b) - at
	if !inclusive {
		n -= 4
	}
	le.PutUint32(e.b[at:], uint32(n))
}
