package event

import (
	"encoding/binary"
	"errors"
	"math"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Encoders for hand-built parameters. A nil parameter is empty.
func p8(v uint8) []byte   { return []byte{v} }
func p16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func p32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func p64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func pi64(v int64) []byte { return p64(uint64(v)) }
func ps(s string) []byte  { return append([]byte(s), 0) }

// mkEvent builds an event of type typ for thread tid with raw parameters.
func mkEvent(t testing.TB, typ Type, tid int64, params ...[]byte) *Event {
	t.Helper()
	var b Builder
	b.Reset(typ, 1700000000000000000, tid)
	for _, p := range params {
		if p == nil {
			b.Empty()
		} else {
			b.Raw(p)
		}
	}
	var e Event
	if err := b.Build(&e); err != nil {
		t.Fatal(err)
	}
	var kept Event
	e.Clone(&kept)
	return &kept
}

// Event types used by the tests (numbers of the libs enum).
const (
	tOpenE      Type = 2
	tOpenX      Type = 3
	tCloseX     Type = 5
	tReadX      Type = 7
	tSocketE    Type = 18
	tSocketX    Type = 19
	tBindX      Type = 21
	tConnectX   Type = 23
	tSetsockX   Type = 45
	tPollE      Type = 80
	tKillE      Type = 128
	tNanosleepE Type = 134
	tMmapX      Type = 161
	tPtraceX    Type = 169
	tExecve19X  Type = 293
	tChmodX     Type = 315
	tIterInet   Type = 440
)

func TestValueAbsent(t *testing.T) {
	tests := []struct {
		name string
		e    *Event
		i    int
	}{
		{"not carried", mkEvent(t, tCloseX, 1, pi64(0)), 1},
		{"beyond the table", mkEvent(t, tCloseX, 1, pi64(0), pi64(3), pi64(9)), 2},
		{"negative index", mkEvent(t, tCloseX, 1, pi64(0)), -1},
		{"unknown type", mkEvent(t, Type(NumTypes()+5), 1, pi64(0)), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if v, ok := tc.e.Value(tc.i); ok {
				t.Errorf("Value(%d) = %+v, want absent", tc.i, v)
			}
		})
	}
}

func TestValueIntegers(t *testing.T) {
	e := mkEvent(t, tPollE, 1, nil, pi64(-5))
	v, ok := e.Value(1)
	if !ok || v.Type != PTInt64 || v.Name() != "timeout" {
		t.Fatalf("Value(1) = %+v, %v", v, ok)
	}
	tests := []struct {
		name   string
		typ    ParamType
		raw    []byte
		wantU  uint64
		wantI  int64
		wantOK bool
	}{
		{"int8 negative", PTInt8, p8(0xff), 0xff, -1, true},
		{"uint8", PTUint8, p8(0xff), 0xff, 255, true},
		{"int16", PTInt16, p16(0x8000), 0x8000, -32768, true},
		{"flags16", PTFlags16, p16(0x8000), 0x8000, 32768, true},
		{"int32", PTInt32, p32(0xfffffffe), 0xfffffffe, -2, true},
		{"uid", PTUID, p32(0xffffffff), 0xffffffff, 0xffffffff, true},
		{"fd32", PTFD32, p32(0xffffff9c), 0xffffff9c, -100, true},
		{"errno", PTErrno, pi64(-2), 0xfffffffffffffffe, -2, true},
		{"uint64 top bit", PTUint64, p64(1 << 63), 1 << 63, math.MinInt64, true},
		{"short", PTUint32, p16(1), 0, 0, false},
		{"long", PTUint8, p16(1), 0, 0, false},
		{"empty", PTFD, nil, 0, 0, false},
		{"string", PTCharbuf, ps("x"), 0, 0, false},
		{"double is not an integer", PTDouble, p64(1), 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Value{Type: tc.typ, Raw: tc.raw}
			u, okU := v.Uint()
			i, okI := v.Int()
			if okU != tc.wantOK || okI != tc.wantOK || u != tc.wantU || i != tc.wantI {
				t.Errorf("Uint() = %#x, %v; Int() = %d, %v; want %#x, %d, %v", u, okU, i, okI, tc.wantU, tc.wantI, tc.wantOK)
			}
		})
	}
}

func TestValueStrings(t *testing.T) {
	tests := []struct {
		name      string
		v         Value
		wantStr   string
		wantEmpty bool
	}{
		{"path", Value{Type: PTFSPath, Raw: ps("/etc/hosts")}, "/etc/hosts", false},
		{"no NUL", Value{Type: PTCharbuf, Raw: []byte("abc")}, "abc", false},
		{"stops at the first NUL", Value{Type: PTCharbuf, Raw: []byte("ab\x00cd\x00")}, "ab", false},
		{"old drivers' NULL", Value{Type: PTFSRelPath, Raw: ps("(NULL)")}, "", true},
		{"empty string", Value{Type: PTCharbuf, Raw: ps("")}, "", false},
		{"empty parameter", Value{Type: PTCharbuf}, "", true},
		{"not a string", Value{Type: PTBytebuf, Raw: []byte("abc")}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(tc.v.Str()); got != tc.wantStr {
				t.Errorf("Str() = %q, want %q", got, tc.wantStr)
			}
			if got := tc.v.IsEmpty(); got != tc.wantEmpty {
				t.Errorf("IsEmpty() = %v, want %v", got, tc.wantEmpty)
			}
		})
	}
	if got := (Value{Type: PTBytebuf, Raw: []byte{1, 0, 2}}).Bytes(); !cmp.Equal(got, []byte{1, 0, 2}) {
		t.Errorf("Bytes() = %v", got)
	}
}

func TestValueOtherScalars(t *testing.T) {
	if f, ok := (Value{Type: PTDouble, Raw: p64(math.Float64bits(2.5))}).Float(); !ok || f != 2.5 {
		t.Errorf("Float() = %v, %v", f, ok)
	}
	if _, ok := (Value{Type: PTDouble, Raw: p32(1)}).Float(); ok {
		t.Error("Float() of 4 bytes succeeded")
	}
	if b, ok := (Value{Type: PTBool, Raw: p32(7)}).Bool(); !ok || !b {
		t.Errorf("Bool() = %v, %v", b, ok)
	}
	if _, ok := (Value{Type: PTBool, Raw: p8(1)}).Bool(); ok {
		t.Error("Bool() of 1 byte succeeded")
	}
	addrs := []struct {
		v    Value
		want string
		ok   bool
	}{
		{Value{Type: PTIPv4Addr, Raw: []byte{10, 0, 0, 1}}, "10.0.0.1", true},
		{Value{Type: PTIPAddr, Raw: []byte{10, 0, 0, 1}}, "10.0.0.1", true},
		{Value{Type: PTIPv6Addr, Raw: netip.MustParseAddr("2001:db8::1").AsSlice()}, "2001:db8::1", true},
		{Value{Type: PTIPv4Addr, Raw: make([]byte, 16)}, "invalid IP", false},
		{Value{Type: PTUint32, Raw: p32(1)}, "invalid IP", false},
	}
	for _, tc := range addrs {
		a, ok := tc.v.Addr()
		if ok != tc.ok || a.String() != tc.want {
			t.Errorf("Addr() of %v = %v, %v; want %s, %v", tc.v.Type, a, ok, tc.want, tc.ok)
		}
	}
}

func TestValueDyn(t *testing.T) {
	// ptrace exit: addr and data are DYN (0 = UINT64, 1 = SIGTYPE).
	e := mkEvent(t, tPtraceX, 1, pi64(0), append([]byte{0}, p64(0x1000)...), []byte{1, 9})
	addr, _ := e.Value(1)
	d, err := addr.Dyn()
	if err != nil || d.Type != PTUint64 || d.Name() != "addr" {
		t.Fatalf("Dyn() = %+v, %v", d, err)
	}
	if u, _ := d.Uint(); u != 0x1000 {
		t.Errorf("addr = %#x", u)
	}
	data, _ := e.Value(2)
	if d, err := data.Dyn(); err != nil || d.Type != PTSigType || d.Raw[0] != 9 {
		t.Errorf("data Dyn() = %+v, %v", d, err)
	}
	bad := []struct {
		name string
		v    Value
		want error
	}{
		{"index beyond the table", Value{Type: PTDyn, Info: addr.Info, Raw: []byte{2, 0}}, ErrParamSize},
		{"empty", Value{Type: PTDyn, Info: addr.Info}, ErrParamSize},
		{"no table", Value{Type: PTDyn, Info: &ParamInfo{Name: "x"}, Raw: []byte{0}}, ErrParamSize},
		{"not dynamic", Value{Type: PTUint64, Raw: p64(1)}, ErrParamType},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.v.Dyn(); !errors.Is(err, tc.want) {
				t.Errorf("Dyn() error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestFDList(t *testing.T) {
	raw := p16(2)
	raw = append(raw, pi64(3)...)
	raw = append(raw, p16(1)...)
	raw = append(raw, pi64(-1)...)
	raw = append(raw, p16(0x41)...)
	l, err := Value{Type: PTFDList, Raw: raw}.FDList()
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		FD    int64
		Flags uint16
	}
	var got []entry
	for i := range l.Len() {
		fd, fl := l.At(i)
		got = append(got, entry{fd, fl})
	}
	if diff := cmp.Diff([]entry{{3, 1}, {-1, 0x41}}, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	bad := [][]byte{nil, {1}, raw[:len(raw)-1], append(append([]byte{}, raw...), 0)}
	for _, b := range bad {
		if _, err := (Value{Type: PTFDList, Raw: b}).FDList(); !errors.Is(err, ErrParamSize) {
			t.Errorf("FDList(%d bytes) error = %v, want ErrParamSize", len(b), err)
		}
	}
	if _, err := (Value{Type: PTBytebuf, Raw: raw}).FDList(); !errors.Is(err, ErrParamType) {
		t.Errorf("FDList of a bytebuf: error = %v", err)
	}
}
