package scap

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// fuzzAllocPerByte and fuzzAllocFixed bound what reading a stream of n
// (uncompressed) bytes may allocate in total: fuzzAllocPerByte*n +
// fuzzAllocFixed. The fixed part covers the two 64 KiB buffers and the
// first 1 MiB step of an incremental read; the per-byte part covers
// metadata records, which are larger in memory than on disk (a 17-byte fd
// entry becomes a 150-byte event.FD) and slice growth.
const (
	fuzzAllocPerByte = 64
	fuzzAllocFixed   = 4 << 20
)

// FuzzReader feeds arbitrary bytes to the reader, starting from the shared
// captures (shrunk) and hand-made files. It must never panic,
// must stay within the allocation bound above, must report every failure
// as a FormatError (or ErrNotScap before the first block), and whatever it
// reads cleanly must survive a round trip through the Writer.
func FuzzReader(f *testing.F) {
	// Every shared capture, shrunk to about 2 KB: the whole files (up to
	// 250 KB) are read by the table tests, and as seeds they make every
	// minimisation of an interesting input run for the full minute.
	for _, path := range testenv.Captures(f) {
		f.Add(shrinkCapture(f, path))
	}
	raw, err := os.ReadFile(filepath.Join(testenv.Shared(f, "captures"), "libs_curl_google.scap"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw[:4096]) // a gzip stream, cut short
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(checkReader)
}

// checkReader is the body of FuzzReader.
func checkReader(t *testing.T, data []byte) {
	{
		limit := int64(len(data))
		if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
			limit = gunzipLen(data)
			if limit < 0 {
				limit = 1 << 62 // a gzip bomb: no memory check
			}
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c, sections, err := fuzzRead(data)
		runtime.ReadMemStats(&after)
		if got, max := int64(after.TotalAlloc-before.TotalAlloc), fuzzAllocPerByte*limit+fuzzAllocFixed; got > max {
			t.Fatalf("allocated %d bytes reading %d bytes (limit %d)", got, limit, max)
		}
		var fe *FormatError
		switch {
		case err == io.EOF:
		case errors.As(err, &fe):
			if fe.Offset < 0 || fe.Offset > limit {
				t.Fatalf("error offset %d outside the %d-byte stream: %v", fe.Offset, limit, err)
			}
		case errors.Is(err, ErrNotScap), c.meta == nil:
			// rejected before the first block (empty, too short, bad gzip header)
		default:
			t.Fatalf("error is not a FormatError: %v", err)
		}
		if err != io.EOF || sections != 1 {
			return
		}
		var buf bytes.Buffer
		w, err := NewWriter(&buf, c.meta, WriterOptions{})
		if err != nil {
			t.Fatalf("metadata read cleanly does not write: %v", err)
		}
		var e event.Event
		for i, rec := range c.events {
			if err := e.Load(rec.Bytes); err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
			e.CPU, e.BlockFlags = rec.CPU, rec.Flags
			if err := w.Write(&e); err != nil {
				t.Fatalf("write event %d: %v", i, err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		back, _, err := fuzzRead(buf.Bytes())
		if err != io.EOF {
			t.Fatalf("reading back: %v", err)
		}
		for i := range c.events {
			c.events[i].Flags &^= dfLarge // the writer drops libs' internal flag
		}
		if !sameEvents(c.events, back.events) {
			t.Fatalf("events after a round trip (-read +rewritten):\n%s", cmp.Diff(c.events, back.events))
		}
		want := *c.meta
		want.Version = Version{1, 2}
		if !reflect.DeepEqual(&want, back.meta) {
			t.Fatalf("metadata after a round trip (-read +rewritten):\n%s", cmp.Diff(&want, back.meta, metaOpts()))
		}
	}
}

func sameEvents(a, b []recorded) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].CPU != b[i].CPU || a[i].Flags != b[i].Flags || !bytes.Equal(a[i].Bytes, b[i].Bytes) {
			return false
		}
	}
	return true
}

// fuzzRead reads all of data; it returns what it read, the number of
// sections and the error that ended reading.
func fuzzRead(data []byte) (capture, int, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return capture{}, 0, err
	}
	defer r.Close()
	c := capture{meta: r.Meta()}
	var e event.Event
	for {
		if err = r.Next(&e); err != nil {
			break
		}
		c.events = append(c.events, recorded{CPU: e.CPU, Flags: e.BlockFlags, Bytes: bytes.Clone(e.Bytes())})
	}
	if again := r.Next(&e); again != err {
		panic("reader error is not sticky")
	}
	c.meta = r.Meta()
	return c, r.Stats().Sections, err
}

// gunzipLen returns the decompressed size of a gzip stream, or -1 past
// 64 MiB.
func gunzipLen(data []byte) int64 {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return int64(len(data))
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, 64<<20+1))
	if n > 64<<20 {
		return -1
	}
	return max(n, int64(len(data)))
}

// shrinkCapture rewrites a shared capture as a seed of about 2 KB: its
// machine info, 2 interfaces, 3 users and groups, 2 processes (with their
// stored tails), 2 fd lists of at most 4 descriptors, and 8 events.
func shrinkCapture(t testing.TB, path string) []byte {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var c capture
	var e event.Event
	for len(c.events) < 8 && r.Next(&e) == nil {
		c.events = append(c.events, recorded{CPU: e.CPU, Flags: e.BlockFlags, Bytes: bytes.Clone(e.Bytes())})
	}
	m := *r.Meta()
	m.Interfaces = m.Interfaces[:min(2, len(m.Interfaces))]
	m.Users = m.Users[:min(3, len(m.Users))]
	m.Groups = m.Groups[:min(3, len(m.Groups))]
	m.Procs = m.Procs[:min(2, len(m.Procs))]
	m.ProcTails = m.ProcTails[:min(2, len(m.ProcTails))]
	m.FDLists = slices.Clone(m.FDLists[:min(2, len(m.FDLists))])
	for i := range m.FDLists {
		m.FDLists[i].FDs = m.FDLists[i].FDs[:min(4, len(m.FDLists[i].FDs))]
	}
	c.meta = &m
	var buf bytes.Buffer
	w, err := NewWriter(&buf, c.meta, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range c.events {
		if err := e.Load(rec.Bytes); err != nil {
			t.Fatal(err)
		}
		e.CPU, e.BlockFlags = rec.CPU, rec.Flags
		if err := w.Write(&e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fuzzSeeds are small hand-made captures that reach the less common paths.
func fuzzSeeds(t testing.TB) [][]byte {
	ev := closeX(t, 1, 3)
	legacy := cat(u32b(1000), []byte{1}, u64b(1), u64b(2), u64b(3))
	return [][]byte{
		cat(shb(1, 2), evV2(0, ev), evfV2(1, 1, ev)),
		cat(shb(1, 0), blk(blockEV, cat(u16b(0), v1Event(5, 1, 100, 0, u64b(0), u64b(3)))),
			blk(blockEV, cat(u16b(0), v1Event(280, 2, 100, 3, []byte("a\x00"), []byte("b\x00"))))),
		cat(shb(1, 2), blk(blockPLV9, cat(plEntryV9(1, "init", legacy), plEntryV9(2, "sh", nil))),
			blk(blockFDLV2, cat(u64b(1), u32b(21+6), u64b(0), u64b(0), []byte{9}, lstr("anon"))), evV2(0, ev),
			blk(blockPLV4, cat(u64b(3), u64b(3), u64b(1), lstr("a"), lstr("b"), lstr(""), lstr("/"),
				u64b(1), u32b(0), u32b(0), u32b(0), make([]byte, 28), lstr(""), u64b(3), u64b(3), lstr(""))), evV2(0, ev)),
		cat(shb(1, 2), blk(blockEVV2Large, cat(u16b(0), mkEvent(t, 324, 1, 1, []byte(`{"container":{}}`)))), blk(0x4242, []byte("xyz"))),
		cat(shb(1, 2), blk(blockIL, cat(u16b(3), u16b(2), make([]byte, 12), []byte("lo"))),
			blk(blockUL, cat([]byte{0}, u32b(0), u32b(0), lstr("root"), lstr("/root"), lstr("/bin/sh"), []byte{1}, u32b(0), lstr("root"))),
			evV2(0, ev)),
	}
}

// The shrunk captures that seed FuzzReader are valid captures.
func TestShrunkSeedsRead(t *testing.T) {
	for _, path := range testenv.Captures(t) {
		seed := shrinkCapture(t, path)
		n, st, err := drain(seed)
		if err != io.EOF || n != 8 || st.Sections != 1 || len(seed) > 4<<10 {
			t.Errorf("%s: %d bytes, %d events, %d sections, %v", filepath.Base(path), len(seed), n, st.Sections, err)
		}
	}
}
