package scap

import (
	"fmt"
	"net/netip"
)

// cursor decodes little-endian fields from a block body. The first failure
// sticks: later reads return zero values and err keeps the first cause, so
// a parser can read a whole entry and check once.
type cursor struct {
	b   []byte
	p   int
	err error
}

func (c *cursor) left() int { return len(c.b) - c.p }

// need reports whether n more bytes are present, recording an error if not.
func (c *cursor) need(n int, what string) bool {
	if c.err != nil {
		return false
	}
	if n > c.left() {
		c.err = corruptf("%s at body byte %d needs %d bytes, %d left", what, c.p, n, c.left())
		return false
	}
	return true
}

func (c *cursor) u8(what string) uint8 {
	if !c.need(1, what) {
		return 0
	}
	v := c.b[c.p]
	c.p++
	return v
}

func (c *cursor) u16(what string) uint16 {
	if !c.need(2, what) {
		return 0
	}
	v := le.Uint16(c.b[c.p:])
	c.p += 2
	return v
}

func (c *cursor) u32(what string) uint32 {
	if !c.need(4, what) {
		return 0
	}
	v := le.Uint32(c.b[c.p:])
	c.p += 4
	return v
}

func (c *cursor) u64(what string) uint64 {
	if !c.need(8, what) {
		return 0
	}
	v := le.Uint64(c.b[c.p:])
	c.p += 8
	return v
}

func (c *cursor) i64(what string) int64 { return int64(c.u64(what)) }

func (c *cursor) bytes(n int, what string) []byte {
	if !c.need(n, what) {
		return nil
	}
	v := c.b[c.p : c.p+n]
	c.p += n
	return v
}

// addr4 reads an IPv4 address stored as raw in_addr bytes.
func (c *cursor) addr4(what string) netip.Addr {
	b := c.bytes(4, what)
	if b == nil {
		return netip.Addr{}
	}
	return netip.AddrFrom4([4]byte(b))
}

// addr16 reads an IPv6 address.
func (c *cursor) addr16(what string) netip.Addr {
	b := c.bytes(16, what)
	if b == nil {
		return netip.Addr{}
	}
	return netip.AddrFrom16([16]byte(b))
}

// str reads a u16 length and that many bytes. A length of max or more is
// an error when below is set, a length over max otherwise (libs' limits
// differ in that way from one field to the next).
func (c *cursor) str(max int, below bool, what string) string {
	n := int(c.u16(what + " length"))
	if c.err != nil {
		return ""
	}
	if n > max || (below && n == max) {
		c.err = corruptf("%s length %d at body byte %d over the limit of %s", what, n, c.p-2, limitText(max, below))
		return ""
	}
	return string(c.bytes(n, what))
}

func limitText(max int, below bool) string {
	if below {
		return fmt.Sprintf("%d", max-1)
	}
	return fmt.Sprintf("%d", max)
}

// entry returns a cursor over the n bytes at c's position (positions stay
// relative to the body, so errors name body bytes); c does not move.
func (c *cursor) entry(n int, what string) cursor {
	if !c.need(n, what) {
		return cursor{err: c.err}
	}
	return cursor{b: c.b[:c.p+n], p: c.p}
}
