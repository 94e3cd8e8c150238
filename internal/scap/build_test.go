package scap

import (
	"bytes"
	"encoding/binary"
	"testing"

	"peregrine/internal/event"
)

// Helpers that build small captures by hand, independently of the Writer.

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func u16b(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func u32b(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func u64b(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// lstr is a u16 length and the bytes of s.
func lstr(s string) []byte { return cat(u16b(uint16(len(s))), []byte(s)) }

// blk frames body as a block of type typ: header, body, zero padding,
// trailer.
func blk(typ uint32, body []byte) []byte {
	total := (8 + len(body) + 4 + 3) &^ 3
	b := cat(u32b(typ), u32b(uint32(total)), body)
	b = append(b, make([]byte, total-4-len(b))...)
	return append(b, u32b(uint32(total))...)
}

// withTotal rewrites the header length of the block at the start of b
// (and its trailer when trailer is set).
func withTotal(b []byte, total uint32, trailer bool) []byte {
	b = bytes.Clone(b)
	if trailer {
		binary.LittleEndian.PutUint32(b[len(b)-4:], total)
	}
	binary.LittleEndian.PutUint32(b[4:], total)
	return b
}

func shb(major, minor uint16) []byte {
	return blk(blockSHB, cat(u32b(shbMagic), u16b(major), u16b(minor), u64b(^uint64(0))))
}

// mkEvent builds a v2 event of type typ with raw params.
func mkEvent(t testing.TB, typ event.Type, ts uint64, tid int64, params ...[]byte) []byte {
	t.Helper()
	var b event.Builder
	b.Reset(typ, ts, tid)
	for _, p := range params {
		b.Raw(p)
	}
	raw, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(raw)
}

// closeX is a close exit event (type 5: res, fd).
func closeX(t testing.TB, ts uint64, fd uint64) []byte {
	return mkEvent(t, 5, ts, 100, u64b(0), u64b(fd))
}

func evV2(cpu uint16, ev []byte) []byte { return blk(blockEVV2, cat(u16b(cpu), ev)) }

func evfV2(cpu uint16, flags uint32, ev []byte) []byte {
	return blk(blockEVFV2, cat(u16b(cpu), u32b(flags), ev))
}

// v1Event builds the v1 form of an event (22-byte header without nparams)
// with u16 lengths; lenAdjust is added to the stored length.
func v1Event(typ event.Type, ts uint64, tid int64, lenAdjust int, params ...[]byte) []byte {
	var lens, data []byte
	for _, p := range params {
		lens = append(lens, u16b(uint16(len(p)))...)
		data = append(data, p...)
	}
	l := eventV1Header + len(lens) + len(data) + lenAdjust
	return cat(u64b(ts), u64b(uint64(tid)), u32b(uint32(l)), u16b(uint16(typ)), lens, data)
}

// plEntryV9 is a PL_V9 entry for tid with the given tail bytes.
func plEntryV9(tid int64, comm string, tail []byte) []byte {
	body := cat(u64b(uint64(tid)), u64b(uint64(tid)), u64b(1), u64b(uint64(tid)), u64b(uint64(tid)),
		lstr(comm), lstr(comm), lstr("/usr/bin/true"), lstr("-x\x00"), lstr("/"),
		u64b(1024), u32b(0), u32b(0), u32b(0), u32b(100), u32b(10), u32b(0), u64b(0), u64b(0),
		lstr("HOME=/\x00"), u64b(uint64(tid)), u64b(uint64(tid)), lstr("cpu=/\x00"), lstr("/"), tail)
	return cat(u32b(uint32(4+len(body))), body)
}
