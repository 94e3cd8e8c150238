package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	out, _, code := peregrine(t, "version")
	if code != 0 || !strings.HasPrefix(out, "peregrine "+version+" (") {
		t.Fatalf("exit %d: %q", code, out)
	}
	out, _, code = peregrine(t, "version", "-o", "json")
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %q", code, err, out)
	}
	if v["version"] != version || v["event_types"] != float64(454) {
		t.Fatalf("got %v", v)
	}
	if _, stderr, code := peregrine(t, "version", "-o", "xml"); code != exitUsage || !strings.Contains(stderr, "xml") {
		t.Fatalf("exit %d: %q", code, stderr)
	}
}
