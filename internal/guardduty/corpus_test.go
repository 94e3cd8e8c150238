package guardduty_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/docsrc"
	"peregrine/internal/guardduty"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	defaultrules "peregrine/rules"
)

// ourEvaluator compiles Peregrine's embedded rules/cloud_guardduty.yaml
// for the aws_guardduty source.
func ourEvaluator(t testing.TB, matching rules.Matching) *docsrc.Evaluator {
	t.Helper()
	data, err := fs.ReadFile(defaultrules.FS(), "cloud_guardduty.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var l loader.Loader
	spec, _, err := l.LoadFiles(loader.File{Name: "cloud_guardduty.yaml", Data: data})
	if err != nil {
		t.Fatalf("load cloud_guardduty.yaml: %v", err)
	}
	ev, diags, err := docsrc.New(guardduty.Def(), spec, docsrc.Options{Matching: matching, Hostname: "test-host"})
	if err != nil {
		t.Fatalf("compile cloud_guardduty.yaml: %v %v", err, diags)
	}
	for _, d := range diags {
		t.Errorf("diagnostic: %v", d)
	}
	return ev
}

// readExpected reads testdata/expected.json: for every finding id of the
// corpus, the rules it must raise (none for the benign ones).
func readExpected(t testing.TB) map[string][]string {
	t.Helper()
	data, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	return want
}

// replay evaluates a corpus file and returns, by finding id, the rules
// raised, the alerts in order, and the records reported bad.
func replay(t *testing.T, ev *docsrc.Evaluator, name string) (map[string][]string, []*alert.Alert, []error) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string][]string{}
	var alerts []*alert.Alert
	var bad []error
	if err := ev.ReadFile(f, name, func(a *alert.Alert) {
		alerts = append(alerts, a)
		id := fieldOf(t, a, "guardduty.id")
		got[id] = append(got[id], a.Rule)
	}, func(err error) { bad = append(bad, err) }); err != nil {
		t.Fatal(err)
	}
	return got, alerts, bad
}

// fieldOf returns the text of an output field of an alert.
func fieldOf(t *testing.T, a *alert.Alert, name string) string {
	t.Helper()
	for _, f := range a.Fields {
		if f.Name == name {
			var s string
			if err := json.Unmarshal([]byte(f.JSON), &s); err != nil {
				t.Fatalf("%s: %s = %s: %v", a.Rule, name, f.JSON, err)
			}
			return s
		}
	}
	t.Fatalf("%s: no output field %s", a.Rule, name)
	return ""
}

// TestCorpus replays the corpus in both spellings, every matching rule
// reported, and compares the rules each finding raises with
// testdata/expected.json: each mining type raises its one rule, the
// benign findings (a port probe, low severity, archived, a sample,
// credential exfiltration) raise none.
func TestCorpus(t *testing.T) {
	want := readExpected(t)
	if len(want) < 20 {
		t.Fatalf("expected.json names %d findings, want the corpus's 20 or more", len(want))
	}
	for _, name := range []string{"testdata/get-findings.json", "testdata/eventbridge.jsonl"} {
		t.Run(name, func(t *testing.T) {
			ev := ourEvaluator(t, rules.MatchAll)
			got, _, bad := replay(t, ev, name)
			for _, err := range bad {
				t.Errorf("bad record: %v", err)
			}
			if c := ev.Counters(); c.Docs != uint64(len(want)) {
				t.Errorf("%d findings evaluated, want %d", c.Docs, len(want))
			}
			for id, rs := range want {
				g := got[id]
				sort.Strings(g)
				sort.Strings(rs)
				if diff := cmp.Diff(rs, g, cmp.Comparer(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b) })); diff != "" {
					t.Errorf("finding %s (-want +got):\n%s", id, diff)
				}
			}
			for id := range got {
				if _, ok := want[id]; !ok {
					t.Errorf("alert for finding %s, which expected.json does not name", id)
				}
			}
		})
	}
}

// TestCorpusEveryRuleFires checks that every rule of the file has at
// least one finding of the corpus raising it.
func TestCorpusEveryRuleFires(t *testing.T) {
	ev := ourEvaluator(t, rules.MatchAll)
	replay(t, ev, "testdata/eventbridge.jsonl")
	c := ev.Counters()
	for i, r := range ev.Ruleset().Rules() {
		if c.AlertsByRule[i] == 0 {
			t.Errorf("rule %q: no finding of the corpus raises it", r.Name)
		}
	}
}

// TestSpellingsAgree checks that the GetFindings output of the CLI
// (PascalCase) and the EventBridge events (camelCase) of the same
// findings raise the same alerts, with the same outputs and fields.
func TestSpellingsAgree(t *testing.T) {
	_, pascal, _ := replay(t, ourEvaluator(t, rules.MatchFirst), "testdata/get-findings.json")
	_, camel, _ := replay(t, ourEvaluator(t, rules.MatchFirst), "testdata/eventbridge.jsonl")
	if len(pascal) == 0 {
		t.Fatal("no alerts")
	}
	if diff := cmp.Diff(camel, pascal); diff != "" {
		t.Errorf("alerts differ (-EventBridge +GetFindings):\n%s", diff)
	}
}
