package rules

import (
	"math"
	"net/netip"
	"peregrine/internal/event"
	"strings"
	"testing"

	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

func fieldNamed(t *testing.T, source, name string) *field.Field {
	t.Helper()
	f, _, ok := testCatalog.Lookup(source, name)
	if !ok {
		t.Fatalf("no field %s", name)
	}
	return f
}

func TestAppendValueText(t *testing.T) {
	dev := fieldNamed(t, field.SourceSyscall, "fd.dev")
	rawns := fieldNamed(t, field.SourceSyscall, "evt.rawtime.ns")
	cases := []struct {
		v          field.Value
		f          *field.Field
		text, json string
	}{
		{str("bash"), nil, "bash", `"bash"`},
		{str(`a"b\c` + "\n\x01\u00e9"), nil, "a\"b\\c\n\x01\u00e9", `"a\"b\\c\n\u0001é"`},
		{str("bad\xffutf8"), nil, "bad\xffutf8", "\"bad\ufffdutf8\""},
		{str(""), nil, "", `""`},
		{bin("GET /\r\n\x00\x7f\"\\"), nil, `GET /....` + "\"\\", `"GET /....\"\\"`},
		{i64(-42), nil, "-42", "-42"},
		{i64(1234), dev, "4D2", `"4D2"`},
		{i64(-1), dev, "FFFFFFFF", `"FFFFFFFF"`},
		{u64(math.MaxUint64), nil, "18446744073709551615", "18446744073709551615"},
		{ns(1700000000123456789), nil, "1700000000123456789", "1700000000123456789"},
		{ns(5), rawns, "000000005", `"000000005"`},
		{ns(123456789), rawns, "123456789", `"123456789"`},
		{boolean(true), nil, "true", "true"},
		{boolean(false), nil, "false", "false"},
		{f64(0.25), nil, "0.2", "0.25"}, // "%.1f" rounds to even
		{f64(2), nil, "2.0", "2.0"},
		{f64(0.1), nil, "0.1", "0.10000000000000001"},
		{f64(math.NaN()), nil, "nan", "null"},
		{f64(math.Inf(-1)), nil, "-inf", "null"},
		{ip("10.0.0.1"), nil, "10.0.0.1", `"10.0.0.1"`},
		{ip("2001:db8::ff00:42:8329"), nil, "2001:db8::ff00:42:8329", `"2001:db8::ff00:42:8329"`},
		{field.Value{Kind: field.KindNet, Net: netip.MustParsePrefix("10.0.0.0/8")}, nil, "10.0.0.0/8", `"10.0.0.0/8"`},
		{field.Value{}, nil, "", "null"},
	}
	for _, tc := range cases {
		if got := string(appendValueText(nil, tc.v, tc.f)); got != tc.text {
			t.Errorf("text of %+v = %q, want %q", tc.v, got, tc.text)
		}
		if got := string(appendValueJSON(nil, tc.v, tc.f)); got != tc.json {
			t.Errorf("JSON of %+v = %s, want %s", tc.v, got, tc.json)
		}
	}
}

// inet_ntop's choices: the first longest run of two or more zero groups
// becomes "::", and ::a.b.c.d and ::ffff:a.b.c.d end in dotted decimal.
func TestAppendAddr(t *testing.T) {
	cases := map[string]string{
		"::1":              "::1",
		"::":               "::",
		"::ffff:1.2.3.4":   "::ffff:1.2.3.4",
		"::1.2.3.4":        "::1.2.3.4",
		"1::":              "1::",
		"1:0:0:1:0:0:0:1":  "1:0:0:1::1",
		"1:0:0:1:0:0:1:1":  "1::1:0:0:1:1",
		"0:0:0:0:0:1:0:0":  "::1:0:0",
		"0:1:0:0:0:0:0:0":  "0:1::",
		"::ffff:0:1.2.3.4": "::ffff:0:102:304",
		"::2:3:4:5:6:7:8":  "0:2:3:4:5:6:7:8",
		"1:0:2:0:3:0:4:0":  "1:0:2:0:3:0:4:0",
		"FE80::ABCD":       "fe80::abcd",
		"192.168.0.255":    "192.168.0.255",
	}
	for in, want := range cases {
		if got := string(event.AppendAddr(nil, netip.MustParseAddr(in))); got != want {
			t.Errorf("AppendAddr(%s) = %s, want %s", in, got, want)
		}
	}
}

// A long buffer prints as libsinsp's 1024-byte property storage allows.
func TestBufferTextLimit(t *testing.T) {
	for n, want := range map[int]int{1021: 1021, 1022: 1022, 1023: 1021, 5000: 1021} {
		got := appendValueText(nil, bin(strings.Repeat("x", n)), nil)
		if len(got) != want {
			t.Errorf("buffer of %d bytes prints %d, want %d", n, len(got), want)
		}
	}
}

func TestOperandText(t *testing.T) {
	b := newFakeBinder()
	c := &checkCompiler{cat: testCatalog, source: field.SourceK8sAudit, binder: b}
	groups, err := c.fieldOperand(&syntax.Field{Name: "ka.user.groups"}, useOutput, false)
	if err != nil {
		t.Fatal(err)
	}
	b.set("ka.user.groups", strs("a", "b")...)
	vals := groups.extract(nil)
	if got := string(groups.appendText(nil, vals)); got != "(a,b)" {
		t.Errorf("list text = %q", got)
	}
	if got := string(groups.appendJSON(nil, vals)); got != `["a","b"]` {
		t.Errorf("list JSON = %s", got)
	}
	if got := string(groups.appendJSON(nil, nil)); got != "null" {
		t.Errorf("no value JSON = %s", got)
	}
	name, err := c.fieldOperand(&syntax.Field{Name: "ka.user.name"}, useOutput, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(name.appendText(nil, strs("x", "y"))); got != "x" {
		t.Errorf("first value text = %q", got)
	}
}
