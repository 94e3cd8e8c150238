package k8saudit_test

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/alert"
	"peregrine/internal/docsrc"
	"peregrine/internal/k8saudit"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/testenv"
)

// upstreamEvaluator compiles Falco's k8s_audit_rules.yaml, unchanged,
// for the k8s_audit source.
func upstreamEvaluator(t testing.TB, matching rules.Matching) *docsrc.Evaluator {
	t.Helper()
	spec, _, err := loader.Load(testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml"))
	if err != nil {
		t.Fatalf("load upstream k8s_audit rules: %v", err)
	}
	ev, diags, err := docsrc.New(k8saudit.Def(""), spec, docsrc.Options{Matching: matching, Hostname: "test-host"})
	if err != nil {
		for _, d := range diags {
			t.Log(d)
		}
		t.Fatalf("compile upstream k8s_audit rules: %v", err)
	}
	return ev
}

// readGolden reads testdata/events.golden: auditID, tab, the rules it
// raises joined by "; " ("-" for none).
func readGolden(t testing.TB) map[string][]string {
	t.Helper()
	return testenv.RuleGolden(t, "testdata/events.golden")
}

// TestUpstreamRulesCompile: every rule of the upstream file compiles and
// runs over the k8s_audit source; no field is missing.
func TestUpstreamRulesCompile(t *testing.T) {
	ev := upstreamEvaluator(t, rules.MatchFirst)
	if n := len(ev.Ruleset().Rules()); n != 48 {
		t.Errorf("compiled %d rules, want the file's 48", n)
	}
	if !ev.Ruleset().Runnable() {
		t.Error("rule set is not runnable")
	}
}

// TestCorpus replays the audit events of testdata/events.jsonl through
// the upstream rules, every matching rule reported, and compares the
// rules each event raises with the golden list.
func TestCorpus(t *testing.T) {
	ev := upstreamEvaluator(t, rules.MatchAll)
	want := readGolden(t)
	got := map[string][]string{}
	var current string
	emit := func(a *alert.Alert) {
		got[current] = append(got[current], a.Rule)
		if a.Source != "k8s_audit" || a.Hostname != "test-host" || !strings.Contains(a.Output, a.Message) {
			t.Errorf("%s: alert %+v: wrong source, host or output", current, a)
		}
		if strings.Contains(a.Message, "%") {
			t.Errorf("%s: %s: unformatted message %q", current, a.Rule, a.Message)
		}
	}
	f, err := os.Open("testdata/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var bad []string
	err = docsrc.ReadLines(f, "events.jsonl", 0, func(line []byte, n int) {
		current = gjson.GetBytes(line, "auditID").Str
		got[current] = []string{}
		if err := ev.Batch(line, emit, nil); err != nil {
			t.Errorf("line %d: %v", n, err)
		}
	}, func(err error) { bad = append(bad, err.Error()) })
	if err != nil || len(bad) > 0 {
		t.Fatalf("read corpus: %v %v", err, bad)
	}
	for _, rs := range got {
		sort.Strings(rs)
	}
	for _, rs := range want {
		sort.Strings(rs)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules by audit event (-golden +got):\n%s", diff)
	}
	c := ev.Counters()
	if c.Docs != uint64(len(want)) || c.Bad != 0 {
		t.Errorf("counters: %d documents, %d bad; want %d, 0", c.Docs, c.Bad, len(want))
	}
}

// overrideMacros turns on the upstream rules that the file ships switched
// off by an always-true exception or a never-true switch, as a user's
// rules file does by redefining the macros.
const overrideMacros = `- macro: allowed_k8s_containers
  condition: (k8s_audit_never_true)
- macro: consider_all_events
  condition: (k8s_audit_always_true)
- macro: allowed_full_admin_users
  condition: (k8s_audit_never_true)
- macro: allow_all_k8s_nodes
  condition: (k8s_audit_never_true)
`

// TestCorpusOverrides: the five upstream rules that cannot fire with the
// file's own macros fire once a user file redefines them.
func TestCorpusOverrides(t *testing.T) {
	override := t.TempDir() + "/override.yaml"
	if err := os.WriteFile(override, []byte(overrideMacros), 0o600); err != nil {
		t.Fatal(err)
	}
	spec, _, err := loader.Load(testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml"), override)
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := docsrc.New(k8saudit.Def(""), spec, docsrc.Options{Matching: rules.MatchAll})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		id := gjson.Get(line, "auditID").Str
		if err := ev.Batch([]byte(line), func(a *alert.Alert) { got[id] = append(got[id], a.Rule) }, nil); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[string][]string{
		"a01-privileged-pod":   {"Create Disallowed Pod", "Create Privileged Pod", "Full K8s Administrative Access", "All K8s Audit Events"},
		"b12-node-join":        {"Untrusted Node Successfully Joined the Cluster", "All K8s Audit Events"},
		"b13-node-join-denied": {"Untrusted Node Unsuccessfully Tried to Join the Cluster", "All K8s Audit Events"},
		"a07-exec":             {"Attach/Exec Pod"}, // ResponseStarted: not a kevt event
	} {
		sort.Strings(want)
		sort.Strings(got[id])
		if diff := cmp.Diff(want, got[id]); diff != "" {
			t.Errorf("%s: rules (-want +got):\n%s", id, diff)
		}
	}
}
