package cloudtrail_test

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/alert"
	"peregrine/internal/cloudtrail"
	"peregrine/internal/docsrc"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

// Rules the learned fields drive.
const (
	ruleRegion    = "AWS instances launched in a region not in use"
	rulePrincipal = "AWS instances launched by a principal not known"
)

// learningLines reads testdata/learning.jsonl: nine days of benign
// history of account 111122223333 (alice and the Deploy/pipeline role
// describing and launching t3.micro instances in us-east-1 and eu-west-1),
// then on day ten: l-known (alice launches in us-east-1), l-keypair
// (mallory, never seen, creates a key pair in ap-southeast-1, never used)
// and l-attack (mallory launches there).
func learningLines(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/learning.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// evalLines runs our rules (and extra rule text) over the records with
// def and the matching given, and returns the rules each record raised, by eventID,
// and the alerts.
func evalLines(t *testing.T, def *docsrc.Def, matching rules.Matching, lines []string, extra ...string) (map[string][]string, map[string][]*alert.Alert) {
	t.Helper()
	paths := []string{ownRules(t)}
	for _, text := range extra {
		p := t.TempDir() + "/extra.yaml"
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	spec, diags, err := loader.Load(paths...)
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	ev, _, err := docsrc.New(def, spec, docsrc.Options{Matching: matching, Hostname: "test-host"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	alerts := map[string][]*alert.Alert{}
	for _, line := range lines {
		id := gjson.Get(line, "eventID").Str
		got[id] = []string{}
		err := ev.Batch([]byte(line), func(a *alert.Alert) {
			got[id] = append(got[id], a.Rule)
			alerts[id] = append(alerts[id], a)
		}, func(err error) { t.Errorf("%s: %v", id, err) })
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got[id])
	}
	return got, alerts
}

// appendRegion adds the attacker's region to the allowed list, so that
// only what the source learned can make the region rule fire.
const appendRegion = "- list: aws_allowed_regions\n  items: [ap-southeast-1]\n  append: true\n"

// TestLearningCorpus: after a week of history, a launch by a new
// principal in a region the account never used raises both rules, even
// after the attacker's own key pair call there and with the region in
// aws_allowed_regions; during the learning period the same records raise
// nothing learned; a known principal in a known region raises nothing.
func TestLearningCorpus(t *testing.T) {
	lines := learningLines(t)
	history, probes := lines[:len(lines)-3], lines[len(lines)-3:]

	// The probes moved to day two of the history (still learning).
	var early []string
	for _, p := range probes {
		early = append(early, strings.Replace(p, `"eventTime":"2026-11-10T`, `"eventTime":"2026-11-02T`, 1))
	}
	if early[2] == probes[2] {
		t.Fatal("probe times not moved")
	}
	firstDays := history[:16] // days 0 to 1

	tests := []struct {
		name  string
		def   *docsrc.Def
		lines []string
		extra []string
		want  map[string][]string
		// userNew is ct.user.new of l-attack, in the output of both
		// rules: under rule_matching first only the region rule reports
		// the launch, and says the principal is new too.
		userNew string
		first   bool // rule_matching first (else all)
	}{{
		name:    "after learning, default lists",
		def:     cloudtrail.Def(),
		lines:   lines,
		want:    map[string][]string{"l-known": {}, "l-keypair": {}, "l-attack": {ruleRegion, rulePrincipal}},
		userNew: "true",
	}, {
		name:    "after learning, region allowed by list",
		def:     cloudtrail.Def(),
		lines:   lines,
		extra:   []string{appendRegion},
		want:    map[string][]string{"l-known": {}, "l-keypair": {}, "l-attack": {ruleRegion, rulePrincipal}},
		userNew: "true",
	}, {
		name:    "after learning, principal known by list",
		def:     cloudtrail.Def(),
		lines:   lines,
		extra:   []string{appendRegion + "- list: aws_known_launch_principals\n  items: [\"arn:aws:iam::111122223333:user/mallory\"]\n  append: true\n"},
		want:    map[string][]string{"l-known": {}, "l-keypair": {}, "l-attack": {ruleRegion}},
		userNew: "true",
	}, {
		name:  "learning, region allowed by list",
		def:   cloudtrail.Def(),
		lines: append(append([]string{}, firstDays...), early...),
		extra: []string{appendRegion},
		want:  map[string][]string{"l-known": {}, "l-keypair": {}, "l-attack": {}},
	}, {
		name:    "learning, default lists: the list alone",
		def:     cloudtrail.Def(),
		userNew: "false",
		lines:   append(append([]string{}, firstDays...), early...),
		want:    map[string][]string{"l-known": {}, "l-keypair": {}, "l-attack": {ruleRegion}},
	}, {
		name:  "learning period of 12 days",
		def:   cloudtrail.Def(cloudtrail.WithLearningPeriod(12 * 24 * time.Hour)),
		lines: lines,
		extra: []string{appendRegion},
		want:  map[string][]string{"l-known": {}, "l-keypair": {}, "l-attack": {}},
	}, {
		name:    "learning period of 1 day, day-two probes",
		def:     cloudtrail.Def(cloudtrail.WithLearningPeriod(24 * time.Hour)),
		lines:   append(append([]string{}, firstDays...), early...),
		extra:   []string{appendRegion},
		want:    map[string][]string{"l-known": {}, "l-keypair": {}, "l-attack": {ruleRegion, rulePrincipal}},
		userNew: "true",
	}, {
		name:    "after learning, rule_matching first: one alert, saying both",
		def:     cloudtrail.Def(),
		lines:   lines,
		want:    map[string][]string{"l-known": {}, "l-keypair": {}, "l-attack": {ruleRegion}},
		userNew: "true",
		first:   true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			matching := rules.MatchAll
			if tt.first {
				matching = rules.MatchFirst
			}
			got, alerts := evalLines(t, tt.def, matching, tt.lines, tt.extra...)
			probesGot := map[string][]string{}
			for id, rs := range got {
				if strings.HasPrefix(id, "l-") {
					probesGot[id] = rs
				} else if len(rs) > 0 {
					t.Errorf("history record %s raised %v", id, rs)
				}
			}
			for _, rs := range tt.want {
				sort.Strings(rs)
			}
			if diff := cmp.Diff(tt.want, probesGot); diff != "" {
				t.Errorf("rules by probe (-want +got):\n%s", diff)
			}
			for _, a := range alerts["l-attack"] {
				have := map[string]string{}
				for _, f := range a.Fields {
					have[f.Name] = f.JSON
				}
				for name, v := range map[string]string{
					"ct.user.new":       `"` + tt.userNew + `"`,
					"ct.user.accountid": `"111122223333"`,
					"ct.region":         `"ap-southeast-1"`,
					"ct.region.new":     map[bool]string{true: `"true"`, false: `"false"`}[tt.userNew == "true"],
					"ct.user.arn":       `"arn:aws:iam::111122223333:user/mallory"`,
				} {
					if have[name] != v {
						t.Errorf("%s: %s = %s, want %s", a.Rule, name, have[name], v)
					}
				}
			}
		})
	}
}

// TestLearningEvalNoAllocation: our rules over the learning corpus,
// learner included, allocate nothing per record once every key has been
// seen (a second pass, one learning period later in record time).
func TestLearningEvalNoAllocation(t *testing.T) {
	lines := learningLines(t)
	spec, diags, err := loader.Load(ownRules(t))
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	l := cloudtrail.NewLearner(0, 0)
	ev, _, err := docsrc.New(cloudtrail.NewDef(l), spec, docsrc.Options{Matching: rules.MatchAll, Hostname: "test-host"})
	if err != nil {
		t.Fatal(err)
	}
	docs := make([][]byte, len(lines))
	times := make([]time.Time, len(lines))
	for i, line := range lines {
		docs[i] = []byte(line)
		times[i], err = time.Parse(time.RFC3339, gjson.Get(line, "eventTime").Str)
		if err != nil {
			t.Fatal(err)
		}
		ev.Eval(docs[i], times[i], nil)
	}
	entries := l.Stats().Entries
	i := 0
	allocs := testing.AllocsPerRun(500, func() {
		k := i % len(docs)
		ev.Eval(docs[k], times[k].Add(30*24*time.Hour), nil)
		i++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per record, want 0", allocs)
	}
	// One account, three regions, three launchers.
	if st := l.Stats(); st.Entries != entries || st.Entries != 7 || st.Dropped != 0 {
		t.Errorf("stats %+v (after the first pass %d), want 7 entries, none dropped", st, entries)
	}
}
