package event

import (
	"encoding/json"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris without system zoneinfo

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
	l := &Lines{Printer: Printer{BufLimit: DefaultBufLimit}}
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
			got := string(l.AppendText(nil, 7, e, tt.comm))
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
	got := string((&Lines{}).AppendText(nil, 1, &e, "sh"))
	if want := "1 00:00:00.000000000 0 sh (5) > fork\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestAppendJSONLine(t *testing.T) {
	l := &Lines{}
	p := &l.Printer
	e := openExit(t, "/tmp/a \"quoted\"\\ \x01\xff")
	line := l.AppendJSON(nil, 9, e, "")
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
	l := &Lines{Printer: Printer{BufLimit: DefaultBufLimit}, Location: time.Local}
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		buf = l.AppendText(buf[:0], 1, e, "cat")
		buf = l.AppendJSON(buf[:0], 1, e, "cat")
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
	got := string((&Lines{}).AppendText(nil, 1, &e, ""))
	if want := "1 00:00:00.000000000 0 <NA> (-1) > container json={\"a\":\"x.y\"}.\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// The time of day is cached per second: consecutive events in one second,
// the next second and a time zone all print as time.Format would.
func TestLinesTime(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	l := &Lines{Location: paris}
	base := time.Date(2026, 3, 29, 0, 59, 59, 999999998, time.UTC) // DST starts at 01:00 UTC
	for _, d := range []time.Duration{0, 1, 2, 3, time.Second, time.Hour} {
		ts := base.Add(d)
		var b Builder
		b.Reset(183-1, uint64(ts.UnixNano()), 1)
		var e Event
		if err := b.Build(&e); err != nil {
			t.Fatal(err)
		}
		got := string(l.appendTime(nil, e.Timestamp()))
		if want := ts.In(paris).Format("15:04:05.000000000"); got != want {
			t.Errorf("%v: got %s, want %s", ts, got, want)
		}
	}
}
