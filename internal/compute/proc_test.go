package compute

import (
	"errors"
	"testing"
)

// TestParseStat reads names with spaces and parentheses, and refuses
// short or malformed lines.
func TestParseStat(t *testing.T) {
	tail := " R 1 1 1 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0 98765 1000 100 5 6 7"
	tests := []struct {
		in          string
		comm        string
		ticks, strt uint64
		bad         bool
	}{
		{in: "42 (xmrig)" + tail, comm: "xmrig", ticks: 300, strt: 98765},
		{in: "42 (my (odd) name)" + tail, comm: "my (odd) name", ticks: 300, strt: 98765},
		{in: "42 (a) b)" + tail, comm: "a) b", ticks: 300, strt: 98765},
		{in: "42 ()" + tail, comm: "", ticks: 300, strt: 98765},
		{in: "42 (x) R 1 1 1 0 -1 0 0 0 0 0 250 50", bad: true},
		{in: "42 (x) R 1 1 1 0 -1 0 0 0 0 0 2x0 50 0 0 20 0 1 0 98765", bad: true},
		{in: "42 x R 1", bad: true},
		{in: "", bad: true},
	}
	for _, tc := range tests {
		st, err := parseStat([]byte(tc.in))
		if tc.bad {
			if !errors.Is(err, errStat) {
				t.Errorf("parseStat(%q): err %v, want errStat", tc.in, err)
			}
			continue
		}
		if err != nil || string(st.comm) != tc.comm || st.ticks != tc.ticks || st.start != tc.strt {
			t.Errorf("parseStat(%q) = %q %d %d, %v; want %q %d %d", tc.in, st.comm, st.ticks, st.start, err, tc.comm, tc.ticks, tc.strt)
		}
	}
}

// TestParseUint takes decimal numbers and refuses the rest.
func TestParseUint(t *testing.T) {
	for in, want := range map[string]uint64{"0": 0, "7": 7, "18446744073709551615": 1<<64 - 1} {
		if n, err := parseUint([]byte(in)); err != nil || n != want {
			t.Errorf("parseUint(%q) = %d, %v", in, n, err)
		}
	}
	for _, in := range []string{"", "-1", "1a", "18446744073709551616", "123456789012345678901"} {
		if _, err := parseUint([]byte(in)); err == nil {
			t.Errorf("parseUint(%q): no error", in)
		}
	}
}

// TestAppendString escapes what JSON needs escaped.
func TestAppendString(t *testing.T) {
	tests := map[string]string{
		`plain`:          `"plain"`,
		`a "q" \ b`:      `"a \"q\" \\ b"`,
		"tab\there\n":    `"tab\u0009here\u000a"`,
		"héllo":          `"héllo"`,
		"bad\xffbyte":    `"bad\ufffdbyte"`,
		"\x00\x1f\x7f":   `"\u0000\u001f` + "\x7f" + `"`,
		"stratum+tcp://": `"stratum+tcp://"`,
	}
	for in, want := range tests {
		if got := string(appendString(nil, in)); got != want {
			t.Errorf("appendString(%q) = %s, want %s", in, got, want)
		}
	}
}
