package event

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// closeExit is the worked example of scap-format.md §4: close exit, res=0,
// fd=3, tid 100.
func closeExit(t *testing.T) []byte {
	t.Helper()
	var b Builder
	b.Reset(5, 1700000001000000000, 100)
	b.Int(PTErrno, 0)
	b.Int(PTFD, 3)
	out, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), out...)
}

func TestBuilderLayout(t *testing.T) {
	got := closeExit(t)
	var want []byte
	want = binary.LittleEndian.AppendUint64(want, 1700000001000000000)
	want = binary.LittleEndian.AppendUint64(want, 100)
	want = binary.LittleEndian.AppendUint32(want, 46)
	want = binary.LittleEndian.AppendUint16(want, 5)
	want = binary.LittleEndian.AppendUint32(want, 2)
	want = append(want, 8, 0, 8, 0)
	want = append(want, 0, 0, 0, 0, 0, 0, 0, 0)
	want = append(want, 3, 0, 0, 0, 0, 0, 0, 0)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("close exit bytes (-want +got):\n%s", diff)
	}
}

func TestLoad(t *testing.T) {
	var e Event
	if err := e.Load(closeExit(t)); err != nil {
		t.Fatal(err)
	}
	type view struct {
		TS       uint64
		TID      int64
		Len      uint32
		Type     Type
		Dir      Dir
		Name     string
		N        int
		P0, P1   []byte
		P2       []byte
		HasP2    bool
		Category string
	}
	got := view{e.Timestamp(), e.TID(), e.Len(), e.Type(), e.Dir(), e.Type().Name(), e.NumParams(),
		e.Param(0), e.Param(1), e.Param(2), e.Has(2), e.Info().Category.String()}
	want := view{1700000001000000000, 100, 46, 5, Exit, "close", 2,
		make([]byte, 8), []byte{3, 0, 0, 0, 0, 0, 0, 0}, nil, false, "IO_OTHER"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestLoadLargePayload(t *testing.T) {
	// container JSON_2 (324) has 32-bit param lengths.
	var b Builder
	b.Reset(324, 1, 2)
	json := `{"container":{"id":"abc"}}`
	b.String(json)
	var e Event
	if err := b.Build(&e); err != nil {
		t.Fatal(err)
	}
	if got := string(e.Param(0)); got != json+"\x00" {
		t.Fatalf("param = %q", got)
	}
	if e.Len() != HeaderLen+4+uint32(len(json)+1) {
		t.Fatalf("len = %d", e.Len())
	}
}

func TestLoadMalformed(t *testing.T) {
	good := closeExit(t)
	mut := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "shorter than the 26-byte header"},
		{"short header", good[:25], "shorter than the 26-byte header"},
		{"len below header", mut(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[16:], 10); return b }), "header length 10"},
		{"len past buffer", mut(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[16:], 1000); return b }), "header length 1000"},
		{"absurd nparams", mut(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[22:], 0xffffffff); return b }), "params of type 5"},
		{"param past end", mut(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[28:], 9); return b }), "param 1 of type 5 ends at byte 47"},
		{"huge param", mut(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[26:], 0xffff); return b }), "param 0 of type 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Event
			err := e.Load(tt.in)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrMalformed containing %q", err, tt.want)
			}
			if e.Loaded() || e.Param(0) != nil {
				t.Fatal("event not left empty after error")
			}
		})
	}
}

func TestLoadIgnoresTrailingBytes(t *testing.T) {
	b := append(closeExit(t), 0, 0, 0) // block padding after the event
	var e Event
	if err := e.Load(b); err != nil {
		t.Fatal(err)
	}
	if len(e.Bytes()) != 46 {
		t.Fatalf("Bytes() is %d bytes, want 46", len(e.Bytes()))
	}
}

func TestManyParams(t *testing.T) {
	// More params than MaxParams: all validated, the first MaxParams indexed.
	var b Builder
	b.Reset(1, 0, 0)
	for i := 0; i < MaxParams+3; i++ {
		b.Raw([]byte{byte(i)})
	}
	var e Event
	if err := b.Build(&e); err != nil {
		t.Fatal(err)
	}
	if e.StoredParams() != MaxParams+3 || e.NumParams() != MaxParams {
		t.Fatalf("stored %d, indexed %d", e.StoredParams(), e.NumParams())
	}
	for i := 0; i < MaxParams; i++ {
		if p := e.Param(i); len(p) != 1 || p[0] != byte(i) {
			t.Fatalf("param %d = %v", i, p)
		}
	}
	if e.Param(MaxParams) != nil {
		t.Fatal("param past MaxParams is addressable")
	}
}

func TestClone(t *testing.T) {
	src := closeExit(t)
	var e, c Event
	if err := e.Load(src); err != nil {
		t.Fatal(err)
	}
	e.CPU = 3
	e.Clone(&c)
	src[8] = 0xff // the viewed bytes change; the clone must not
	if c.TID() != 100 || c.CPU != 3 {
		t.Fatalf("clone tid %d cpu %d", c.TID(), c.CPU)
	}
	// A clone reuses its own storage, and never writes into bytes it viewed.
	view := closeExit(t)
	var v Event
	if err := v.Load(view); err != nil {
		t.Fatal(err)
	}
	c.Clone(&v)
	if view[8] != 100 {
		t.Fatal("Clone wrote into bytes the destination only viewed")
	}
}

func TestBuilderLimits(t *testing.T) {
	var b Builder
	b.Reset(5, 0, 0)
	b.Raw(make([]byte, 70000))
	if _, err := b.Bytes(); err == nil || !strings.Contains(err.Error(), "16-bit length limit") {
		t.Fatalf("err = %v", err)
	}
}

func TestTable(t *testing.T) {
	if NumTypes() != 454 {
		t.Fatalf("NumTypes() = %d, want 454 (libs PPM_EVENT_MAX)", NumTypes())
	}
	tests := []struct {
		typ    Type
		name   string
		dir    Dir
		params int
		flags  Flags
	}{
		{2, "open", Enter, 3, CreatesFD | ModifiesState | ConverterManaged},
		{293, "execve", Exit, 31, ModifiesState | ConverterManaged},
		{186, "procexit", Enter, 5, ModifiesState},
		{324, "container", Enter, 1, ModifiesState | LargePayload},
		{389, "accept4", Exit, 6, CreatesFD | ModifiesState | ConverterManaged},
	}
	for _, tt := range tests {
		i := tt.typ.Info()
		if i.Name != tt.name || tt.typ.Dir() != tt.dir || len(i.Params) != tt.params || i.Flags != tt.flags {
			t.Errorf("type %d: got %s %v %d params flags %b; want %s %v %d flags %b", tt.typ, i.Name, tt.typ.Dir(), len(i.Params), i.Flags, tt.name, tt.dir, tt.params, tt.flags)
		}
	}
	if Type(454).Info() != nil || Type(454).Name() != "UNKNOWN" {
		t.Error("type 454 is known")
	}
	for n := 0; n < NumTypes(); n++ {
		i := Type(n).Info()
		for k, p := range i.Params {
			if p.Type == PTFSRelPath && (p.DirFD < 0 || i.Params[p.DirFD].Type != PTFD) {
				t.Errorf("%s param %d: FSRELPATH without a dirfd", i.Enum, k)
			}
		}
	}
}

func TestCopyInto(t *testing.T) {
	var e, c1, c2 Event
	if err := e.Load(closeExit(t)); err != nil {
		t.Fatal(err)
	}
	e.CPU, e.BlockFlags = 2, StateOnly
	buf := make([]byte, 0, 8) // too small: the first copy reallocates
	buf = e.CopyInto(&c1, buf)
	buf = e.CopyInto(&c2, buf) // and maybe the second too
	e.buf[8] = 0xee            // the original changes; the copies must not
	for _, c := range []*Event{&c1, &c2} {
		if c.TID() != 100 || c.CPU != 2 || c.BlockFlags != StateOnly || c.NumParams() != 2 || c.Param(1)[0] != 3 {
			t.Fatalf("copy: tid %d cpu %d flags %d params %d", c.TID(), c.CPU, c.BlockFlags, c.NumParams())
		}
	}
	if len(buf) != 2*46 {
		t.Fatalf("buf holds %d bytes", len(buf))
	}
}
