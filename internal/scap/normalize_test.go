package scap

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// sharedPlain returns the uncompressed bytes of a shared capture.
func sharedPlain(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.Shared(t, "captures/"+name))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func drainSource(t *testing.T, s *Source) (n int, types map[event.Type]int) {
	t.Helper()
	types = map[event.Type]int{}
	for {
		e, err := s.Next()
		if errors.Is(err, io.EOF) {
			return n, types
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		types[e.Type()]++
	}
}

func TestSourceRawAndNormalised(t *testing.T) {
	tests := []struct {
		raw        bool
		want       int
		closeEnter int // close enter events (type 4) delivered
	}{
		{raw: true, want: 1536, closeEnter: 54},
		{raw: false, want: 991, closeEnter: 0},
	}
	for _, tt := range tests {
		r := openShared(t, "libs_curl_google.scap")
		s := NewSource(r, tt.raw)
		n, types := drainSource(t, s)
		if n != tt.want || types[4] != tt.closeEnter {
			t.Errorf("raw=%v: %d events, %d close enters; want %d, %d", tt.raw, n, types[4], tt.want, tt.closeEnter)
		}
		st := s.Stats()
		if st.Unconverted != 0 || st.LastError != nil {
			t.Errorf("raw=%v: %d unconverted (%v)", tt.raw, st.Unconverted, st.LastError)
		}
		if !tt.raw && st.Converter.Passed+st.Converter.Converted != uint64(n) {
			t.Errorf("converter passed %d + converted %d != %d delivered", st.Converter.Passed, st.Converter.Converted, n)
		}
	}
}

func TestSourceComm(t *testing.T) {
	s := NewSource(openShared(t, "libs_curl_google.scap"), true)
	if got := s.Comm(3200); got != "bash" {
		t.Errorf("Comm(3200) = %q, want bash (from the process list)", got)
	}
	if got := s.Comm(17498); got != "" {
		t.Errorf("Comm(17498) = %q, want empty: curl is not in the process list", got)
	}
}

// A read exit with 3 params matches no rule of the converter (it has 2 in
// old captures and 4 in current ones): libs stops there, the Source
// delivers it as stored and counts it.
func TestSourceDeliversWhatItCannotConvert(t *testing.T) {
	var b event.Builder
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Meta{}, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var e event.Event
	b.Reset(7, 1, 42)
	b.Int(event.PTErrno, 1)
	b.Raw([]byte("a"))
	b.Int(event.PTFD, 3)
	must(t, b.Build(&e))
	must(t, w.Write(&e))
	must(t, w.Close())

	r, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSource(r, false)
	n, types := drainSource(t, s)
	if n != 1 || types[7] != 1 {
		t.Fatalf("delivered %d events %v; want the read exit alone", n, types)
	}
	if st := s.Stats(); st.Unconverted != 1 || st.LastError == nil {
		t.Fatalf("stats %+v: want 1 unconverted with its error", st)
	}
}

// Two captures concatenated make two sections; Copy writes both, each with
// its metadata, and the copy reads back the same.
func TestCopySections(t *testing.T) {
	a := sharedPlain(t, "falco_psp_write_tmp_test.scap")
	bb := sharedPlain(t, "libs_single_ipv6_conn.scap")
	in := append(append([]byte(nil), a...), bb...)

	r, err := NewReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, err := NewWriter(&out, r.Meta(), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := Copy(w, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	must(t, w.Close())
	if n != 229+1728 {
		t.Fatalf("copied %d events, want %d", n, 229+1728)
	}
	if st := r.Stats(); st.Sections != 2 {
		t.Fatalf("input has %d sections, want 2", st.Sections)
	}
	// The copy is the two files rewritten back to back: byte for byte,
	// since both are in the layout the writer writes.
	if !bytes.Equal(out.Bytes(), in) {
		t.Fatalf("copy of %d bytes differs from the %d-byte input", out.Len(), len(in))
	}

	// -n stops early and keeps the first section only.
	r2, err := NewReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var part bytes.Buffer
	w2, err := NewWriter(&part, r2.Meta(), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := Copy(w2, r2, 10); err != nil || n != 10 {
		t.Fatalf("Copy(10) = %d, %v", n, err)
	}
	must(t, w2.Close())
	got := readBytes(t, part.Bytes())
	if len(got.events) != 10 {
		t.Fatalf("partial copy holds %d events", len(got.events))
	}
	want := readBytes(t, a)
	if diff := cmp.Diff(want.meta, got.meta, metaOpts()); diff != "" {
		t.Fatalf("partial copy metadata (-want +got):\n%s", diff)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
