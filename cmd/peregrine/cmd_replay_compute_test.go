package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/testenv"
)

// TestReplayCompute replays recorded compute events with the embedded
// rules: the high container and host process events alert, a process in
// a container and a normal event do not, a line that is not JSON is
// reported with its place, the rest is evaluated, and the exit status
// is 1.
func TestReplayCompute(t *testing.T) {
	rec := filepath.Join(testenv.ModuleRoot(t), "internal", "compute", "testdata", "recorded.jsonl")
	out, errOut, code := peregrine(t, "replay", "--source", "compute", "-r", rec, "-o", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a record skipped): %s", code, errOut)
	}
	got := map[string]int{}
	for l := range strings.Lines(out) {
		for _, r := range []string{"Sustained high CPU in container", "Sustained high CPU process"} {
			if strings.Contains(l, `"rule":"`+r+`"`) && strings.Contains(l, `"source":"compute"`) {
				got[r]++
			}
		}
	}
	want := map[string]int{"Sustained high CPU in container": 1, "Sustained high CPU process": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts (-want +got):\n%s\n%s", diff, out)
	}
	if !strings.Contains(out, `"compute.container.id":"3f4e1a9c0b2d"`) || !strings.Contains(out, `"compute.container.image":"nginx:1.25"`) {
		t.Errorf("container keys missing from the output fields:\n%s", out)
	}
	for _, s := range []string{"4 compute events, 2 alerts", "recorded.jsonl:4: not a JSON document", "replay: 1 records skipped (the others were evaluated)"} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
}
