package event

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// openExit builds an open exit (type 3) of thread 17498 on cpu 1.
func openExit(t *testing.T, name string) *Event {
	t.Helper()
	var b Builder
	b.Reset(3, uint64(time.Date(2018, 8, 17, 17, 35, 48, 519031604, time.UTC).UnixNano()), 17498)
	b.Int(PTFD, 4)
	b.String(name)
	b.Uint(PTFlags32, 4097)
	b.Uint(PTUint32, 0)
	b.Uint(PTUint32, 2049)
	b.Uint(PTUint64, 1234)
	var e Event
	if err := b.Build(&e); err != nil {
		t.Fatal(err)
	}
	var c Event
	e.Clone(&c)
	c.CPU = 1
	return &c
}

func TestAppendTextLine(t *testing.T) {
	p := &Printer{BufLimit: DefaultBufLimit}
	e := openExit(t, "/etc/ld.so.cache")
	tests := []struct {
		name string
		comm string
		want string
	}{
		{"known thread", "curl", "7 17:35:48.519031604 1 curl (17498) < open fd=4 name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=801 ino=1234\n"},
		{"unknown thread", "", "7 17:35:48.519031604 1 <NA> (17498) < open fd=4 name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=801 ino=1234\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(AppendTextLine(nil, 7, e, tt.comm, time.UTC, p))
			if got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestAppendTextLineNoParams(t *testing.T) {
	var b Builder
	b.Reset(183-1, 0, 5) // fork enter: no params
	var e Event
	if err := b.Build(&e); err != nil {
		t.Fatal(err)
	}
	got := string(AppendTextLine(nil, 1, &e, "sh", time.UTC, &Printer{}))
	if want := "1 00:00:00.000000000 0 sh (5) > fork\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestAppendJSONLine(t *testing.T) {
	p := &Printer{}
	e := openExit(t, "/tmp/a \"quoted\"\\ \x01\xff")
	line := AppendJSONLine(nil, 9, e, "", p)
	if line[len(line)-1] != '\n' {
		t.Fatal("no trailing newline")
	}
	var got map[string]any
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatalf("invalid JSON %q: %v", line, err)
	}
	want := map[string]any{
		"evt.num":    float64(9),
		"evt.time":   float64(e.Timestamp()),
		"evt.cpu":    float64(1),
		"evt.dir":    "<",
		"evt.type":   "open",
		"thread.tid": float64(17498),
		"proc.name":  nil,
		"evt.args":   string(p.AppendArgs(nil, e)),
		"evt.params": map[string]any{
			"fd":    "4",
			"name":  string(p.AppendValue(nil, e, 1)),
			"flags": "4097(O_RDONLY|O_CLOEXEC)",
			"mode":  "0",
			"dev":   "801",
			"ino":   "1234",
		},
	}
	// The invalid byte 0xff is replaced as encoding/json would; compare
	// through a JSON round trip of the expected strings.
	norm := func(v any) any {
		b, _ := json.Marshal(v)
		var out any
		_ = json.Unmarshal(b, &out)
		return out
	}
	if diff := cmp.Diff(norm(want), got); diff != "" {
		t.Fatalf("(-want +got):\n%s\nline: %s", diff, line)
	}
	if got["evt.time"].(float64) != float64(e.Timestamp()) {
		t.Fatal("evt.time")
	}
}

func TestLinesDoNotAllocate(t *testing.T) {
	e := openExit(t, "/etc/passwd")
	p := &Printer{BufLimit: DefaultBufLimit}
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		buf = AppendTextLine(buf[:0], 1, e, "cat", time.UTC, p)
		buf = AppendJSONLine(buf[:0], 1, e, "cat", p)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per text+JSON line", allocs)
	}
}

func TestTextLineIsOneLine(t *testing.T) {
	var b Builder
	b.Reset(324, 0, -1) // container JSON with a newline inside and after
	b.String("{\"a\":\"x\ny\"}\n")
	var e Event
	if err := b.Build(&e); err != nil {
		t.Fatal(err)
	}
	got := string(AppendTextLine(nil, 1, &e, "", time.UTC, &Printer{}))
	if want := "1 00:00:00.000000000 0 <NA> (-1) > container json={\"a\":\"x.y\"}.\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
