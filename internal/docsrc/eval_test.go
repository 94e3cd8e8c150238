package docsrc_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/alert"
	"peregrine/internal/docsrc"
	"peregrine/internal/field"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

// trailDef is a small document source over CloudTrail-like records, as
// another source would plug in: one field of its own (ct.name, the
// event's name), the rest generic; a batch is {"Records": [...]}.
func trailDef() *docsrc.Def {
	return &docsrc.Def{
		Source: field.SourceCloudTrail,
		Plugin: "cloudtrail",
		Bind: func(c *docsrc.Cursor, f *field.Field, arg field.Arg) (field.Extractor, error) {
			if f.Name != "ct.name" {
				return nil, fmt.Errorf("%s: not in this test source", f.Name)
			}
			p := docsrc.CompilePath("eventName")
			return func(dst []field.Value) []field.Value {
				if r := c.Lookup(p); r.Exists() {
					dst = append(dst, docsrc.Value(r))
				}
				return dst
			}, nil
		},
		Records: func(body []byte, each func([]byte, time.Time), bad func(error)) error {
			recs := gjson.GetBytes(body, "Records")
			if !recs.IsArray() {
				return fmt.Errorf("no Records")
			}
			recs.ForEach(func(_, r gjson.Result) bool {
				t, err := time.Parse(time.RFC3339, r.Get("eventTime").Str)
				if err != nil {
					bad(err)
					return true
				}
				each([]byte(r.Raw), t)
				return true
			})
			return nil
		},
	}
}

const trailRules = `
- rule: Console login without MFA
  desc: test
  condition: ct.name=ConsoleLogin and json.value[/additionalEventData/MFAUsed]=No
  output: login of %json.value[/userIdentity/arn] without MFA at %evt.time.iso8601 (source %evt.source, plugin %evt.pluginname, missing %json.value[/nope])
  priority: WARNING
  source: aws_cloudtrail
- rule: Any delete
  desc: test
  condition: ct.name startswith Delete
  output: deleted by %json.value[/userIdentity/arn]
  priority: NOTICE
  source: aws_cloudtrail
- rule: A syscall rule
  desc: left out
  condition: proc.name=sh
  output: sh
  priority: NOTICE
`

// TestEvaluatorOtherSource: the mechanism is not k8s_audit's own. A
// source defined in a few lines runs the rules of its source only, with
// the generic fields, <NA> for a missing value, alerts counted by rule,
// and bad records counted.
func TestEvaluatorOtherSource(t *testing.T) {
	var l loader.Loader
	spec, _, err := l.LoadFiles(loader.File{Name: "trail.yaml", Data: []byte(trailRules)})
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := docsrc.New(trailDef(), spec, docsrc.Options{Hostname: "h", Matching: rules.MatchAll})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ev.Ruleset().Rules()); n != 2 {
		t.Fatalf("%d rules compiled, want the 2 of aws_cloudtrail", n)
	}
	body := `{"Records":[
{"eventTime":"2026-11-20T10:00:00Z","eventName":"ConsoleLogin","userIdentity":{"arn":"arn:aws:iam::1:user/eve"},"additionalEventData":{"MFAUsed":"No"}},
{"eventTime":"2026-11-20T10:00:01Z","eventName":"ConsoleLogin","userIdentity":{"arn":"arn:aws:iam::1:user/bob"},"additionalEventData":{"MFAUsed":"Yes"}},
{"eventTime":"yesterday","eventName":"DeleteBucket"},
{"eventTime":"2026-11-20T10:00:02Z","eventName":"DeleteTrail","userIdentity":{"arn":"arn:aws:iam::1:user/eve"}}]}`
	var got []string
	var bad []string
	err = ev.Batch([]byte(body), func(a *alert.Alert) {
		if a.Source != field.SourceCloudTrail || a.Hostname != "h" {
			t.Errorf("alert %+v", a)
		}
		got = append(got, a.Rule+": "+a.Message)
	}, func(err error) { bad = append(bad, err.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Console login without MFA: login of arn:aws:iam::1:user/eve without MFA at 2026-11-20T10:00:00.000000000Z (source aws_cloudtrail, plugin cloudtrail, missing <NA>)",
		"Any delete: deleted by arn:aws:iam::1:user/eve",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	if len(bad) != 1 || !strings.Contains(bad[0], "yesterday") {
		t.Errorf("bad records %q", bad)
	}
	c := ev.Counters()
	if diff := cmp.Diff(docsrc.Counters{Docs: 3, Alerts: 2, Bad: 1, AlertsByRule: []uint64{1, 1}}, c); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	if err := ev.Batch([]byte(`{"x":1}`), nil, nil); err == nil || ev.Counters().Bad != 2 {
		t.Errorf("a batch of the wrong shape: %v, bad %d", err, ev.Counters().Bad)
	}
}
