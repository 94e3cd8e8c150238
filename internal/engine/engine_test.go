package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/engine"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/scap"
	"peregrine/internal/testenv"
)

var upstreamSyscall = []string{"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"}

func newEngine(t testing.TB, paths []string, opt engine.Options) *engine.Engine {
	t.Helper()
	spec, diags, err := loader.Load(paths...)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	eng, diags, err := engine.New(spec, opt)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	return eng
}

func upstream(t testing.TB) []string {
	var out []string
	for _, f := range upstreamSyscall {
		out = append(out, testenv.Shared(t, filepath.Join("upstream-rules", f)))
	}
	return out
}

// replay runs a shared capture through eng and returns the alert lines.
func replay(t testing.TB, eng *engine.Engine, capture string) []string {
	t.Helper()
	r, err := scap.Open(testenv.Shared(t, filepath.Join("captures", capture)))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	err = eng.RunCapture(context.Background(), scap.NewSource(r, false), func(a *alert.Alert) {
		got = append(got, a.Rule+": "+a.Message)
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestUpstreamRulesOnCaptures replays every shared capture with Falco's
// syscall rules. None of the captures holds an attack the current rules
// look for: the PSP captures were recorded for 2019 test rules (see
// TestCaptureIntent), the others for parser tests. So no alert is right,
// and any alert would be a false positive.
func TestUpstreamRulesOnCaptures(t *testing.T) {
	for _, c := range testenv.Captures(t) {
		name := filepath.Base(c)
		t.Run(name, func(t *testing.T) {
			eng := newEngine(t, upstream(t), engine.Options{Matching: rules.MatchAll})
			if got := replay(t, eng, name); len(got) != 0 {
				t.Errorf("alerts: %q", got)
			}
			cnt := eng.Counters()
			if cnt.Events == 0 {
				t.Fatal("no events")
			}
			t.Logf("%d events, state misses: %d threads, %d fds", cnt.Events, cnt.State.ThreadMisses, cnt.State.FDMisses)
		})
	}
}

// TestCaptureIntent replays the PSP captures with rules of the kind they
// were recorded to trigger (testdata/psp_2019.yaml) and checks the alerts,
// which sysdig 0.29.3 agrees with: `sysdig -r falco_psp_privileged.scap
// 'evt.type=container and container.privileged=true'` prints event 1405,
// container 9dbcbd0c435f (nginx, epic_cray); and bash in container
// 697956520d89 opens /tmp/test for writing in falco_psp_write_tmp_test.scap.
func TestCaptureIntent(t *testing.T) {
	tests := []struct {
		capture string
		want    []string
	}{
		{"falco_psp_privileged.scap", []string{"Privileged container started (2019 definition): Privileged container started (id=9dbcbd0c435f image=nginx name=epic_cray)"}},
		{"falco_psp_write_tmp_test.scap", []string{"Write below tmp: File below /tmp opened for writing (user=root command=bash file=/tmp/test container=697956520d89)"}},
		{"libs_curl_google.scap", nil},
	}
	for _, tt := range tests {
		eng := newEngine(t, []string{filepath.Join("testdata", "psp_2019.yaml")}, engine.Options{Matching: rules.MatchAll})
		if diff := cmp.Diff(tt.want, replay(t, eng, tt.capture)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.capture, diff)
		}
	}
}

func TestCounters(t *testing.T) {
	eng := newEngine(t, []string{filepath.Join("testdata", "psp_2019.yaml")}, engine.Options{Matching: rules.MatchAll})
	replay(t, eng, "falco_psp_write_tmp_test.scap")
	c := eng.Counters()
	if c.Events != 229 || c.Alerts != 1 {
		t.Fatalf("%d events, %d alerts", c.Events, c.Alerts)
	}
	var sum uint64
	for _, n := range c.EventsByType {
		sum += n
	}
	if sum != c.Events || c.EventsByType[234] != 226 {
		t.Fatalf("events by type sum to %d, procinfo %d", sum, c.EventsByType[234])
	}
	if got := c.AlertsByRule; len(got) != 2 || got[0] != 0 || got[1] != 1 {
		t.Fatalf("alerts by rule %v", got)
	}
	if !strings.Contains(eng.Ruleset().Rules()[1].Name, "tmp") {
		t.Fatal("rule order")
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	eng := newEngine(t, []string{filepath.Join("testdata", "psp_2019.yaml")}, engine.Options{})
	r, err := scap.Open(testenv.Shared(t, "captures/libs_sample.scap"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := eng.RunCapture(ctx, scap.NewSource(r, false), func(*alert.Alert) {}); err != context.Canceled {
		t.Fatalf("err %v", err)
	}
}
