package alert

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sample() *Alert {
	return &Alert{
		Time:     time.Date(2026, 11, 25, 12, 3, 4, 123456789, time.FixedZone("X", 3600)),
		Rule:     "Terminal shell in container",
		Priority: PriorityNotice,
		Source:   "syscall",
		Hostname: "node-1",
		Output:   "11:03:04.123456789: Notice A shell was spawned (user=root \"q\" \xff)",
		Message:  "A shell was spawned (user=root)",
		Tags:     []string{"container", "shell", "T1059"},
		Fields: []Field{
			{Name: "user.name", JSON: `"root"`},
			{Name: "proc.pid", JSON: "4242"},
			{Name: "proc.tty", JSON: "true"},
			{Name: "container.name"},
		},
	}
}

func TestAppendJSONShape(t *testing.T) {
	got := string(sample().AppendJSON(nil, DefaultJSON()))
	want := `{"hostname":"node-1","output":"11:03:04.123456789: Notice A shell was spawned (user=root \"q\" \ufffd)",` +
		`"output_fields":{"user.name":"root","proc.pid":4242,"proc.tty":true,"container.name":null},` +
		`"priority":"Notice","rule":"Terminal shell in container","source":"syscall",` +
		`"tags":["container","shell","T1059"],"time":"2026-11-25T11:03:04.123456789Z"}`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Fatal(err)
	}
}

func TestAppendJSONOptions(t *testing.T) {
	tests := []struct {
		o    JSONOptions
		keys []string
	}{
		{JSONOptions{}, []string{"hostname", "priority", "rule", "source", "time"}},
		{DefaultJSON(), []string{"hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"}},
		{JSONOptions{Message: true}, []string{"hostname", "message", "priority", "rule", "source", "time"}},
	}
	for _, tt := range tests {
		var v map[string]any
		if err := json.Unmarshal(sample().AppendJSON(nil, tt.o), &v); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range v {
			keys = append(keys, k)
		}
		if diff := cmp.Diff(tt.keys, keys, cmp.Transformer("sort", sorted)); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.o, diff)
		}
	}
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
