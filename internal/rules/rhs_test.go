package rules

import (
	"math"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

func TestScanDecimal(t *testing.T) {
	cases := []struct {
		text   string
		signed bool
		want   uint64
		ok     bool
	}{
		{"0", true, 0, true},
		{"42", true, 42, true},
		{"+42", true, 42, true},
		{"-42", true, uint64(math.MaxUint64 - 41), true},
		{" \t7", true, 7, true}, // sscanf skips leading blanks
		{"7 ", true, 0, false},  // but nothing may follow
		{"", true, 0, false},
		{"-", true, 0, false},
		{"0x10", true, 0, false},
		{"1.5", true, 0, false},
		{"1e3", true, 0, false},
		{"9223372036854775807", true, math.MaxInt64, true},
		{"9223372036854775808", true, math.MaxInt64, true},
		{"-9223372036854775808", true, 1 << 63, true},
		{"-99999999999999999999", true, 1 << 63, true},
		{"18446744073709551615", false, math.MaxUint64, true},
		{"18446744073709551616", false, math.MaxUint64, true},
		{"-1", false, math.MaxUint64, true},
		{"-18446744073709551616", false, math.MaxUint64, true},
	}
	for _, tc := range cases {
		got, ok := scanDecimal(tc.text, tc.signed)
		if got != tc.want || ok != tc.ok {
			t.Errorf("scanDecimal(%q, %v) = %d, %v; want %d, %v", tc.text, tc.signed, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRHSValue(t *testing.T) {
	net := func(s string) field.Value { return field.Value{Kind: field.KindNet, Net: netip.MustParsePrefix(s)} }
	cases := []struct {
		t    event.ParamType
		op   cmpOp
		text string
		want field.Value
	}{
		{event.PTCharbuf, opEq, "abc", str("abc")},
		{event.PTBytebuf, opEq, "abc", bin("abc")},
		{event.PTBytebuf, opBContains, "00ff", bin("\x00\xff")},
		{event.PTBytebuf, opBContains, "", bin("")},
		{event.PTInt8, opEq, "200", i64(-56)},
		{event.PTInt16, opEq, "-32769", i64(32767)},
		{event.PTInt32, opEq, "4294967295", i64(-1)},
		{event.PTInt64, opEq, "-5", i64(-5)},
		{event.PTUint8, opEq, "257", u64(1)},
		{event.PTUint16, opEq, "-1", u64(65535)},
		{event.PTUint32, opEq, "4294967297", u64(1)},
		{event.PTRelTime, opEq, "1000", ns(1000)},
		{event.PTAbsTime, opEq, "1", ns(1)},
		{event.PTDouble, opEq, "0.5", f64(0.5)},
		{event.PTDouble, opEq, "-1e3", f64(-1000)},
		{event.PTBool, opEq, "true", boolean(true)},
		{event.PTPort, opEq, "22", u64(22)},
		{event.PTPort, opEq, "65537", u64(1)},
		{event.PTPort, opEq, "https", u64(443)},
		{event.PTIPAddr, opEq, "10.1.2.3", ip("10.1.2.3")},
		{event.PTIPAddr, opEq, "::1", ip("::1")},
		{event.PTIPv6Addr, opEq, "::ffff:1.2.3.4", ip("::ffff:1.2.3.4")},
		{event.PTIPNet, opEq, "10.1.2.3/8", net("10.0.0.0/8")},
		{event.PTIPNet, opEq, "10.0.0.0/264", net("10.0.0.0/8")}, // the bits are cut to 8 bits
		{event.PTIPNet, opEq, "0.0.0.0/0", net("0.0.0.0/0")},
		{event.PTIPNet, opEq, "2001:db8::1/32", net("2001:db8::/32")},
		{event.PTIPv4Net, opEq, "192.168.0.0/16", net("192.168.0.0/16")},
	}
	cmpValue := cmp.Comparer(func(a, b field.Value) bool {
		return a.Kind == b.Kind && string(a.B) == string(b.B) && a.N == b.N && a.IP == b.IP && a.Net == b.Net
	})
	for _, tc := range cases {
		got, why := rhsValue(tc.t, tc.op, tc.text)
		if why != "" {
			t.Errorf("rhsValue(%s, %q): %s", tc.t, tc.text, why)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmpValue); diff != "" {
			t.Errorf("rhsValue(%s, %q): (-want +got)\n%s", tc.t, tc.text, diff)
		}
	}
}
