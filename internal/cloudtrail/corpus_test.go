package cloudtrail_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/alert"
	"peregrine/internal/cloudtrail"
	"peregrine/internal/docsrc"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/testenv"
)

// upstreamRules is Falco's rule file for the source, read in place.
func upstreamRules(t testing.TB) string {
	return testenv.Shared(t, "upstream-rules/aws_cloudtrail_rules.yaml")
}

// ownRules is rules/cloud_aws.yaml of this module.
func ownRules(t testing.TB) string {
	return filepath.Join(testenv.ModuleRoot(t), "rules", "cloud_aws.yaml")
}

// newEvaluator compiles the rule files (in order, extra text files
// written to a temporary directory last) for the aws_cloudtrail source.
func newEvaluator(t testing.TB, matching rules.Matching, paths []string, extra ...string) *docsrc.Evaluator {
	t.Helper()
	for i, text := range extra {
		p := filepath.Join(t.TempDir(), "extra"+string(rune('0'+i))+".yaml")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	spec, diags, err := loader.Load(paths...)
	if err != nil {
		t.Fatalf("load %v: %v %v", paths, err, diags)
	}
	ev, cdiags, err := docsrc.New(cloudtrail.Def(), spec, docsrc.Options{Matching: matching, Hostname: "test-host"})
	if err != nil {
		for _, d := range cdiags {
			t.Log(d)
		}
		t.Fatalf("compile %v: %v", paths, err)
	}
	return ev
}

// readGolden reads testdata/records.golden: eventID, tab, the rules it
// raises joined by "; " ("-" for none).
func readGolden(t testing.TB) map[string][]string {
	t.Helper()
	return testenv.RuleGolden(t, "testdata/records.golden")
}

// replayCorpus evaluates testdata/records.jsonl and returns the rules
// each record raised, by eventID, with every alert.
func replayCorpus(t *testing.T, ev *docsrc.Evaluator) (map[string][]string, []*alert.Alert) {
	t.Helper()
	f, err := os.Open("testdata/records.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string][]string{}
	var all []*alert.Alert
	var current string
	emit := func(a *alert.Alert) {
		got[current] = append(got[current], a.Rule)
		all = append(all, a)
		if a.Source != "aws_cloudtrail" || a.Hostname != "test-host" || !strings.Contains(a.Output, a.Message) {
			t.Errorf("%s: alert %+v: wrong source, host or output", current, a)
		}
		if strings.Contains(a.Message, "%") {
			t.Errorf("%s: %s: unformatted message %q", current, a.Rule, a.Message)
		}
	}
	var bad []string
	err = docsrc.ReadLines(f, "records.jsonl", 0, func(line []byte, n int) {
		current = gjson.GetBytes(line, "eventID").Str
		got[current] = []string{}
		if err := ev.Batch(line, emit, func(err error) { bad = append(bad, err.Error()) }); err != nil {
			t.Errorf("line %d: %v", n, err)
		}
	}, func(err error) { bad = append(bad, err.Error()) })
	if err != nil || len(bad) > 0 {
		t.Fatalf("read corpus: %v %v", err, bad)
	}
	for _, rs := range got {
		sort.Strings(rs)
	}
	return got, all
}

// TestUpstreamRulesCompile: every rule of Falco's file compiles, unchanged,
// over the aws_cloudtrail source, and so does ours, without a warning.
func TestUpstreamRulesCompile(t *testing.T) {
	ev := newEvaluator(t, rules.MatchFirst, []string{upstreamRules(t)})
	if n := len(ev.Ruleset().Rules()); n != 22 {
		t.Errorf("compiled %d upstream rules, want the file's 22", n)
	}
	spec, diags, err := loader.Load(upstreamRules(t), ownRules(t))
	if err != nil {
		t.Fatal(err)
	}
	_, cdiags, err := docsrc.New(cloudtrail.Def(), spec, docsrc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range append(diags, cdiags...) {
		t.Errorf("diagnostic: %v", d)
	}
}

// TestCorpus replays the corpus through Falco's rules and ours, every
// matching rule reported, and compares the rules of each record with
// the golden list.
func TestCorpus(t *testing.T) {
	ev := newEvaluator(t, rules.MatchAll, []string{upstreamRules(t), ownRules(t)})
	want := readGolden(t)
	got, _ := replayCorpus(t, ev)
	for _, rs := range want {
		sort.Strings(rs)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules by record (-golden +got):\n%s", diff)
	}
	if len(got) < 50 {
		t.Errorf("corpus has %d records, want at least 50", len(got))
	}
}

// TestBenignRecordsQuiet: with our rules alone, as Peregrine loads them
// (rule_matching first), the benign records raise nothing and each other
// record of ours raises the first rule of its golden list that is ours.
func TestBenignRecordsQuiet(t *testing.T) {
	ev := newEvaluator(t, rules.MatchFirst, []string{ownRules(t)})
	got, _ := replayCorpus(t, ev)
	own := map[string]bool{}
	for _, r := range ev.Ruleset().Rules() {
		own[r.Name] = true
	}
	for id, want := range readGolden(t) {
		var first []string
		for _, r := range want {
			if own[r] {
				first = []string{r}
				break
			}
		}
		if strings.HasPrefix(id, "b") && len(first) > 0 {
			t.Errorf("golden list gives benign record %s rule %s of ours", id, first[0])
		}
		if first == nil {
			first = []string{}
		}
		if len(first) == 1 && len(got[id]) == 1 {
			// rule_matching first: the first of ours in load order.
			first = got[id][:1]
			if !containsString(want, first[0]) {
				t.Errorf("%s raised %s, not in its golden list %v", id, first[0], want)
			}
			continue
		}
		if !cmp.Equal(first, got[id]) {
			t.Errorf("%s: raised %v, want %v", id, got[id], first)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestOutputFields: the alerts carry what peregrine incidents joins on:
// the caller, account, region, source address, access key and the ids
// of what the call created.
func TestOutputFields(t *testing.T) {
	ev := newEvaluator(t, rules.MatchFirst, []string{ownRules(t)})
	_, all := replayCorpus(t, ev)
	want := map[string]map[string]string{
		"AWS GPU or large instances launched": { // c13, the first launch
			"ct.user": `"alice"`, "ct.user.accountid": `"111122223333"`, "ct.region": `"us-east-1"`,
			"ct.srcip": `"203.0.113.7"`, "ct.useragent": `"aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64"`,
			"json.value[/userIdentity/accessKeyId]":                         `"AKIAIOSFODNN7EXAMPLE"`,
			"json.value[/responseElements/instancesSet/items/0/instanceId]": `"i-00c135f6a7b8c9d0e"`,
			"json.value[/requestParameters/instanceType]":                   `"p3.16xlarge"`,
			"json.value[/requestParameters/instancesSet/items/0/maxCount]":  `"4"`,
			"ct.response.reservationid":                                     `"r-0a1b2c3d4e5f60718"`,
			"ec2.name":                                                      `"gpu-worker"`,
			"ec2.imageids":                                                  `["ami-0abcdef1234567890","ami-0abcdef1234567890","ami-0abcdef1234567890"]`,
		},
		"AWS access key created": {
			"json.value[/responseElements/accessKey/accessKeyId]": `"AKIANEWKEYEXAMPLE001"`,
			"json.value[/responseElements/accessKey/userName]":    `"svc-backup"`,
			"ct.user.arn": `"arn:aws:iam::111122223333:user/alice"`,
		},
		"AWS compute quota increase requested": {
			"json.value[/requestParameters/quotaCode]":    `"L-1216C47A"`,
			"json.value[/requestParameters/desiredValue]": `"1024.0"`,
		},
	}
	seen := map[string]bool{}
	for _, a := range all {
		fields, ok := want[a.Rule]
		if !ok || seen[a.Rule] {
			continue
		}
		seen[a.Rule] = true
		have := map[string]string{}
		for _, f := range a.Fields {
			have[f.Name] = f.JSON
		}
		for name, v := range fields {
			if have[name] != v {
				t.Errorf("%s: %s = %s, want %s", a.Rule, name, have[name], v)
			}
		}
	}
	for r := range want {
		if !seen[r] {
			t.Errorf("no alert of %s", r)
		}
	}
}

// TestCustomising: the lists and rules users tune from a later file:
// regions appended, known principals filled and the rule that uses them
// enabled.
func TestCustomising(t *testing.T) {
	tests := []struct {
		name  string
		extra string
		id    string
		want  []string
	}{{
		name: "default regions",
		id:   "o04-run-region",
		want: []string{"AWS instances launched in a region not in use"},
	}, {
		name:  "region appended",
		extra: "- list: aws_allowed_regions\n  items: [ap-east-1]\n  append: true\n",
		id:    "o04-run-region",
		want:  []string{},
	}, {
		name: "principal rule quiet while learning",
		id:   "b02-run-t3-micro",
		want: []string{},
	}, {
		name: "principal not known",
		extra: "- list: aws_known_launch_principals\n  items: [\"arn:aws:iam::111122223333:user/alice\"]\n  append: true\n" +
			"- macro: aws_enforce_known_launch_principals\n  condition: (evt.num > 0)\n",
		id:   "o02-run-c5-24xlarge",
		want: []string{"AWS GPU or large instances launched", "AWS instances launched by a principal not known"},
	}, {
		name: "principal known",
		extra: "- list: aws_known_launch_principals\n  items: [\"arn:aws:iam::111122223333:user/alice\"]\n  append: true\n" +
			"- macro: aws_enforce_known_launch_principals\n  condition: (evt.num > 0)\n",
		id:   "b02-run-t3-micro",
		want: []string{},
	}, {
		name:  "large type allowed",
		extra: "- list: aws_allowed_large_instance_types\n  items: [m5.metal]\n  append: true\n",
		id:    "o03-run-metal",
		want:  []string{},
	}, {
		name:  "principal allowed to launch large instances",
		extra: "- macro: aws_user_known_large_launch\n  condition: (ct.user.arn = \"arn:aws:iam::111122223333:user/alice\")\n",
		id:    "o03-run-metal",
		want:  []string{},
	}, {
		name:  "the README's example",
		extra: readmeExample,
		id:    "o02-run-c5-24xlarge",
		want:  []string{"AWS GPU or large instances launched"},
	}, {
		name:  "the README's example, an unknown principal",
		extra: readmeExample,
		id:    "o01-run-g5",
		want:  []string{"AWS GPU or large instances launched", "AWS instances launched by a principal not known"},
	}, {
		name:  "extra large type",
		extra: "- list: aws_extra_large_instance_types\n  items: [t3.micro]\n  append: true\n",
		id:    "b02-run-t3-micro",
		want:  []string{"AWS GPU or large instances launched"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var extra []string
			if tt.extra != "" {
				extra = append(extra, tt.extra)
			}
			ev := newEvaluator(t, rules.MatchAll, []string{ownRules(t)}, extra...)
			got, _ := replayCorpus(t, ev)
			if diff := cmp.Diff(tt.want, got[tt.id]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.id, diff)
			}
		})
	}
}

// readmeExample is the customisation the README shows.
const readmeExample = `
- list: aws_allowed_regions
  items: [ap-southeast-2, eu-west-2]
  append: true
- list: aws_known_launch_principals
  items: ["arn:aws:iam::111122223333:user/ci", "arn:aws:sts::111122223333:assumed-role/Deploy/pipeline"]
  append: true
- macro: aws_enforce_known_launch_principals
  condition: (evt.num > 0)
- list: aws_allowed_large_instance_types
  items: [r6i.16xlarge]
  append: true
- macro: aws_user_known_large_launch
  condition: (ct.user.arn = "arn:aws:sts::111122223333:assumed-role/ml-training/batch")
`
