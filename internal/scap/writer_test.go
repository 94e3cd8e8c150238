package scap

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// capture is a whole capture in memory.
type capture struct {
	meta   *Meta
	events []recorded
}

func readCapture(t *testing.T, r *Reader) capture {
	t.Helper()
	ev := readEvents(t, r)
	return capture{meta: r.Meta(), events: ev}
}

// writeCapture writes c with a Writer and returns the file bytes.
func writeCapture(t *testing.T, c capture, opt WriterOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, c.meta, opt)
	if err != nil {
		t.Fatal(err)
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
	return buf.Bytes()
}

func readBytes(t *testing.T, b []byte) capture {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return readCapture(t, r)
}

// uncompressed returns the uncompressed bytes of a shared capture.
func uncompressed(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Reading, writing and reading again gives the same events (bytes, cpu,
// flags) and the same metadata, except the section version: the writer
// always writes 1.2.
func TestRoundTrip(t *testing.T) {
	for _, tc := range captureTable {
		for _, gz := range []bool{false, true} {
			name := tc.file
			if gz {
				name += "/gzip"
			}
			t.Run(name, func(t *testing.T) {
				orig := readCapture(t, openShared(t, tc.file))
				out := writeCapture(t, orig, WriterOptions{Gzip: gz})
				if isGzip := len(out) > 2 && out[0] == 0x1f && out[1] == 0x8b; isGzip != gz {
					t.Fatalf("gzip output: %v, want %v", isGzip, gz)
				}
				back := readBytes(t, out)
				if diff := cmp.Diff(orig.events, back.events); diff != "" {
					t.Errorf("events (-orig +rewritten):\n%s", diff)
				}
				want := *orig.meta
				want.Version = Version{1, 2}
				if diff := cmp.Diff(&want, back.meta, metaOpts()); diff != "" {
					t.Errorf("metadata (-orig +rewritten):\n%s", diff)
				}
			})
		}
	}
}

// Captures whose metadata already has the layout the writer produces come
// out byte for byte as they went in (uncompressed).
func TestRewriteIdentical(t *testing.T) {
	tests := []struct {
		file      string
		identical bool
	}{
		{"falco_empty.scap", true},
		{"falco_ping_sendto.scap", true},
		{"falco_psp_privileged.scap", true},
		{"falco_psp_write_tmp_test.scap", true},
		{"libs_sample.scap", true},
		{"libs_single_ipv6_conn.scap", true},
		// SHB 1.0 and v1 blocks (IL, UL, PL_V5, FDL, EV): rewritten in the
		// current layout.
		{"libs_curl_google.scap", false},
		// The same, plus pcapng options in the SHB and in three event
		// blocks, which the writer does not keep.
		{"libs_curl_google_comments.scap", false},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := testenv.Shared(t, "captures/"+tc.file)
			in := uncompressed(t, path)
			out := writeCapture(t, readCapture(t, openShared(t, tc.file)), WriterOptions{})
			same := bytes.Equal(in, out)
			if same != tc.identical {
				i := 0
				for i < min(len(in), len(out)) && in[i] == out[i] {
					i++
				}
				t.Errorf("identical: %v, want %v (%d and %d bytes, first difference at %d)", same, tc.identical, len(in), len(out), i)
			}
		})
	}
}

// LegacyFDTypes writes the descriptor types old readers refuse as
// unsupported, names kept; the others, and every type without it, as
// they are.
func TestLegacyFDTypes(t *testing.T) {
	fds := []event.FD{
		{Num: 3, Type: event.FDBPF, Name: "anon_inode:bpf-map"},
		{Num: 4, Type: event.FDMemFD, Name: "/memfd:x (deleted)"},
		{Num: 5, Type: event.FDPidFD, Name: "anon_inode:[pidfd]"},
		{Num: 6, Type: event.FDFileV2, Name: "/etc/passwd", OpenFlags: 1, Dev: 0x803},
		{Num: 7, Type: event.FDEventPoll, Name: "anon_inode:[eventpoll]"},
	}
	c := capture{meta: &Meta{FDLists: []FDList{{TID: 42, FDs: fds}}}}
	for _, legacy := range []bool{false, true} {
		got := readBytes(t, writeCapture(t, c, WriterOptions{LegacyFDTypes: legacy})).meta.FDLists[0].FDs
		for i, fd := range got {
			want := fds[i].Type
			if legacy && want > event.FDFileV2 {
				want = event.FDUnsupported
			}
			if fd.Type != want || fd.Name != fds[i].Name || fd.Num != fds[i].Num {
				t.Errorf("legacy %v: fd %d = %+v, want type %v and name %q", legacy, fds[i].Num, fd, want, fds[i].Name)
			}
		}
	}
}
