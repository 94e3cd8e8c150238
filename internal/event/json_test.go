package event

import (
	"encoding/json"
	"testing"
)

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\", "\b\f\n\r\t\x01\x1f", "é€😀", "bad\xff\xfe", "cut\xe2\x82", "\x7f"} {
		got := AppendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q -> %s: %v", s, got, err)
		}
		want, _ := json.Marshal(s) // encoding/json replaces invalid UTF-8 the same way
		var wantBack string
		json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q: decodes to %q, want %q", s, back, wantBack)
		}
		if b := AppendJSONString(nil, []byte(s)); string(b) != string(got) {
			t.Errorf("%q: bytes and string forms differ: %s vs %s", s, b, got)
		}
	}
	buf := make([]byte, 0, 256)
	in := []byte("€ and \xff and \"quotes\"")
	if n := testing.AllocsPerRun(100, func() { buf = AppendJSONString(buf[:0], in) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}
