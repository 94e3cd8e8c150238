package scap

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"peregrine/internal/event"
)

// drain opens data and reads every event; it returns the number of events
// delivered and the error that ended reading (io.EOF for a clean end), from
// NewReader or from Next.
func drain(data []byte) (int, Stats, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return 0, Stats{}, err
	}
	defer r.Close()
	var e event.Event
	n := 0
	for {
		if err := r.Next(&e); err != nil {
			return n, r.Stats(), err
		}
		n++
	}
}

func TestBadInput(t *testing.T) {
	ev1, ev2 := closeX(t, 1, 3), closeX(t, 2, 4)
	head := shb(1, 2)
	hl := int64(len(head))
	good := evV2(0, ev1)
	gl := int64(len(good))
	pl := blk(blockPLV9, plEntryV9(100, "bash", nil))
	unknown := blk(0x7777, []byte("some future block"))

	lenLt26 := bytes.Clone(ev1)
	le.PutUint32(lenLt26[16:], 20)
	lenPastBlock := bytes.Clone(ev1)
	le.PutUint32(lenPastBlock[16:], uint32(len(ev1)+8))
	hugeNParams := bytes.Clone(ev1)
	le.PutUint32(hugeNParams[22:], 0xffffffff)
	paramPast := bytes.Clone(ev1)
	le.PutUint16(paramPast[26+2:], 100) // fd param claims 100 bytes
	unknownType := mkEvent(t, 1000, 3, 100, u64b(7))
	badTrailer := evV2(0, ev2)
	le.PutUint32(badTrailer[len(badTrailer)-4:], 12)
	badMetaTrailer := bytes.Clone(pl)
	le.PutUint32(badMetaTrailer[len(badMetaTrailer)-4:], 16)
	badMagic := shb(1, 2)
	le.PutUint32(badMagic[8:], 0x4D3C2B1A)
	withOptions := blk(blockSHB, cat(u32b(shbMagic), u16b(1), u16b(0), u64b(^uint64(0)), u16b(1), u16b(4), []byte("note"), u32b(0)))
	v1Bad := blk(blockEV, cat(u16b(0), v1Event(5, 1, 100, 0, u64b(0), u64b(3)), []byte{0, 0}))
	le.PutUint16(v1Bad[8+2+22:], 4) // res claims 4 bytes: 26+4+4+8 < len, no count fits exactly
	v1TooLong := blk(blockEV, cat(u16b(0), make([]byte, readerBufSize-8)))
	le.PutUint16(v1TooLong[8+2+20:], 5)

	tests := []struct {
		name   string
		data   []byte
		events int
		err    error // sentinel that ends reading; io.EOF for a clean end
		off    int64 // offset the FormatError names; -1 when not a FormatError
		check  func(t *testing.T, st Stats)
	}{
		{name: "clean", data: cat(head, good, evV2(1, ev2)), events: 2, err: io.EOF, off: -1},
		{name: "only a section header", data: head, err: io.EOF, off: -1},
		{name: "empty stream", data: nil, err: ErrNotScap, off: -1},
		{name: "shorter than a header", data: []byte("scap"), err: ErrNotScap, off: -1},
		{name: "text", data: []byte("this is not a capture, it is a sentence."), err: ErrNotScap, off: 0},
		{name: "byte-swapped magic", data: cat(badMagic, good), err: ErrNotScap, off: 0},
		{name: "first block not a section header", data: cat(good, head), err: ErrNotScap, off: 0},
		{name: "major version 2", data: cat(shb(2, 0), good), err: ErrVersion, off: 0},
		{name: "major version 0", data: cat(shb(0, 9), good), err: ErrVersion, off: 0},
		{name: "minor version 9", data: cat(shb(1, 9), good), events: 1, err: io.EOF, off: -1},
		{name: "section header options skipped", data: cat(withOptions, good), events: 1, err: io.EOF, off: -1},
		{name: "section header too short", data: cat(withTotal(head, 24, true)[:24], good), err: ErrBlockLength, off: 0},
		{name: "section header trailer mismatch", data: cat(withTotal(head, 28, false)[:24], u32b(32), good), err: ErrTrailer, off: 0},
		{name: "block length below 12", data: cat(head, withTotal(good, 8, false)), err: ErrBlockLength, off: hl},
		{name: "block length not a multiple of 4", data: cat(head, good, withTotal(good, uint32(gl+2), false)), events: 1, err: ErrBlockLength, off: hl + gl},
		{name: "event block over 64 KiB", data: cat(head, good, withTotal(good, 0xfffffff0, false)), events: 1, err: ErrBlockLength, off: hl + gl},
		{name: "large event block over the cap", data: cat(head, withTotal(blk(blockEVV2Large, cat(u16b(0), ev1)), 0xfffffff0, false)), err: ErrBlockLength, off: hl},
		{name: "large event block cut short", data: cat(head, withTotal(blk(blockEVV2Large, cat(u16b(0), ev1)), 60<<20, false)), err: ErrTruncated, off: hl},
		{name: "metadata block over the cap", data: cat(head, withTotal(pl, 0xfffffff0, false), good), err: ErrBlockLength, off: hl},
		{name: "metadata block cut short", data: cat(head, withTotal(pl, 200<<20, false)), err: ErrTruncated, off: hl},
		{name: "unknown block claims 3 GiB", data: cat(head, good, withTotal(unknown, 3<<30, false)), events: 1, err: ErrTruncated, off: hl + gl},
		{name: "event trailer mismatch", data: cat(head, good, badTrailer), events: 1, err: ErrTrailer, off: hl + gl},
		{name: "metadata trailer mismatch", data: cat(head, badMetaTrailer, good), err: ErrTrailer, off: hl},
		{name: "event block shorter than a header", data: cat(head, blk(blockEVV2, cat(u16b(0), ev1[:20]))), err: ErrBlockLength, off: hl},
		{name: "event length below 26", data: cat(head, evV2(0, lenLt26)), err: event.ErrMalformed, off: hl},
		{name: "event length past the block", data: cat(head, good, evV2(0, lenPastBlock)), events: 1, err: event.ErrMalformed, off: hl + gl},
		{name: "absurd parameter count", data: cat(head, evV2(0, hugeNParams)), err: event.ErrMalformed, off: hl},
		{name: "parameters past the event", data: cat(head, good, evV2(0, paramPast)), events: 1, err: event.ErrMalformed, off: hl + gl},
		{name: "truncated inside an event", data: cat(head, good, evV2(0, ev2))[:hl+gl+20], events: 1, err: ErrTruncated, off: hl + gl},
		{name: "truncated inside a header", data: cat(head, good, evV2(0, ev2))[:hl+gl+3], events: 1, err: ErrTruncated, off: hl + gl},
		{name: "v1 event with no fitting parameter count", data: cat(head, v1Bad), err: ErrCorrupt, off: hl},
		{name: "v1 event block too long to convert", data: cat(head, v1TooLong), err: ErrBlockLength, off: hl},
		{name: "unknown block between events", data: cat(head, good, unknown, evV2(0, ev2)), events: 2, err: io.EOF, off: -1,
			check: func(t *testing.T, st Stats) {
				if st.UnknownBlocks != 1 || st.Blocks != 4 {
					t.Errorf("unknown blocks %d of %d, want 1 of 4", st.UnknownBlocks, st.Blocks)
				}
			}},
		{name: "unknown block among metadata", data: cat(head, unknown, pl, good), events: 1, err: io.EOF, off: -1,
			check: func(t *testing.T, st Stats) {
				if st.UnknownBlocks != 1 {
					t.Errorf("unknown blocks %d, want 1", st.UnknownBlocks)
				}
			}},
		{name: "unknown event type skipped", data: cat(head, good, evV2(0, unknownType), evV2(0, ev2)), events: 2, err: io.EOF, off: -1,
			check: func(t *testing.T, st Stats) {
				if st.UnknownEvents != 1 || st.EventBlocks != 3 || st.Events != 2 {
					t.Errorf("unknown events %d, event blocks %d, events %d; want 1, 3, 2", st.UnknownEvents, st.EventBlocks, st.Events)
				}
			}},
		{name: "metadata after events starts a section", data: cat(head, good, pl, evV2(0, ev2)), events: 2, err: io.EOF, off: -1,
			check: func(t *testing.T, st Stats) {
				if st.Sections != 2 {
					t.Errorf("sections %d, want 2", st.Sections)
				}
			}},
		{name: "MI too short", data: cat(head, blk(blockMI, make([]byte, 100)), good), err: ErrCorrupt, off: hl},
		{name: "comm over 1024 bytes", data: cat(head, blk(blockPLV9, plEntryV9(1, strings.Repeat("c", 1025), nil)), good), err: ErrCorrupt, off: hl},
		{name: "comm of 1024 bytes", data: cat(head, blk(blockPLV9, plEntryV9(1, strings.Repeat("c", 1024), nil)), good), events: 1, err: io.EOF, off: -1},
		{name: "process entry shorter than its fields", data: cat(head, blk(blockPLV9, withEntryLen(plEntryV9(1, "sh", nil), 60)), good), err: ErrCorrupt, off: hl},
		{name: "process entry length below 4", data: cat(head, blk(blockPLV9, cat(u32b(2), plEntryV9(1, "sh", nil)[4:])), good), err: ErrCorrupt, off: hl},
		{name: "args over 4096 bytes", data: cat(head, blk(blockPLV1, plV1(strings.Repeat("a", 4097))), good), err: ErrCorrupt, off: hl},
		{name: "user name of 256 bytes", data: cat(head, blk(blockUL, cat([]byte{0}, u32b(0), u32b(0), lstr(strings.Repeat("u", 256)), lstr("/"), lstr("/bin/sh"))), good), err: ErrCorrupt, off: hl},
		{name: "fd name of 1024 bytes", data: cat(head, blk(blockFDL, cat(u64b(1), u64b(0), u64b(0), []byte{1}, lstr(strings.Repeat("f", 1024)))), good), err: ErrCorrupt, off: hl},
		{name: "fd entry past its block", data: cat(head, blk(blockFDLV2, cat(u64b(1), u32b(400), u64b(0))), good), err: ErrCorrupt, off: hl},
		{name: "unknown interface type", data: cat(head, blk(blockIL, cat(u16b(9), u16b(2), make([]byte, 12), []byte("lo"))), good), err: ErrCorrupt, off: hl},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, st, err := drain(tc.data)
			if n != tc.events || !errors.Is(err, tc.err) {
				t.Fatalf("got %d events, error %v; want %d, %v", n, err, tc.events, tc.err)
			}
			var fe *FormatError
			switch {
			case tc.off < 0 && errors.As(err, &fe):
				t.Errorf("unexpected FormatError %v", err)
			case tc.off >= 0 && !errors.As(err, &fe):
				t.Errorf("error %v is not a FormatError", err)
			case tc.off >= 0 && fe.Offset != tc.off:
				t.Errorf("error names offset %d, want %d: %v", fe.Offset, tc.off, err)
			}
			if tc.check != nil {
				tc.check(t, st)
			}
		})
	}
}

// withEntryLen rewrites the length prefix of an entry.
func withEntryLen(entry []byte, n uint32) []byte {
	entry = bytes.Clone(entry)
	le.PutUint32(entry, n)
	return entry
}

// plV1 is a PL_V1 entry with the given args.
func plV1(args string) []byte {
	return cat(u64b(1), u64b(1), u64b(0), lstr("init"), lstr("/sbin/init"), lstr(args), lstr("/"),
		u64b(1024), u32b(0), u32b(0), u32b(0))
}

// The first error sticks; Next after Close reports ErrClosed.
func TestErrorsStick(t *testing.T) {
	data := cat(shb(1, 2), evV2(0, closeX(t, 1, 3)))
	r, err := NewReader(bytes.NewReader(data[:len(data)-2]))
	if err != nil {
		t.Fatal(err)
	}
	var e event.Event
	first := r.Next(&e)
	if !errors.Is(first, ErrTruncated) {
		t.Fatalf("Next: %v, want ErrTruncated", first)
	}
	if again := r.Next(&e); again != first {
		t.Errorf("second Next: %v, want the first error again", again)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Next(&e); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close: %v, want ErrClosed", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
