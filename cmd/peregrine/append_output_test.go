package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/config"
	"peregrine/internal/engine"
	"peregrine/internal/k8saudit"
	"peregrine/internal/rules/loader"
	"peregrine/internal/testenv"
)

// appendRulesText has k8s_audit rules chosen by tag and by name, and a
// syscall rule, for the append_output tests.
const appendRulesText = `
- rule: Create by anyone
  desc: a create
  condition: ka.verb=create
  output: create by %ka.user.name
  priority: NOTICE
  source: k8s_audit
  tags: [audit_tagged]
- rule: Named audit rule
  desc: a create, again
  condition: ka.verb=create
  output: named create
  priority: NOTICE
  source: k8s_audit
- rule: Any open
  desc: an open
  condition: evt.type=openat
  output: open by %proc.name
  priority: NOTICE
  tags: [host]
`

// TestAppendOutputAgentDocRules: in the agent, an append_output entry
// chosen by tag or by rule name applies to the k8s_audit rules it
// selects, a plain entry to all of them, an entry for the syscall source
// and the suggested container output to none; the syscall rules still
// compile with the container output.
func TestAppendOutputAgentDocRules(t *testing.T) {
	var l loader.Loader
	spec, _, err := l.LoadFiles(loader.File{Name: "r.yaml", Data: []byte(appendRulesText)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.RuleMatching = config.MatchAll
	cfg.AppendOutput = []config.AppendOutput{
		{SuggestedOutput: true},
		{Match: config.AppendMatch{Tags: []string{"audit_tagged"}}, ExtraOutput: "verb=%ka.verb"},
		{Match: config.AppendMatch{Rule: "Named audit rule"}, ExtraOutput: "uri=%ka.uri"},
		{Match: config.AppendMatch{Source: "syscall"}, ExtraOutput: "pid=%proc.pid"},
		{ExtraOutput: "everywhere"},
	}
	eo, err := ruleOptions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dr, diags, err := newDocRules(k8saudit.Def(""), spec, eo)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	doc := `{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"create","requestURI":"/api/v1/pods","user":{"username":"alice"}}`
	got := map[string]string{}
	dr.take().Eval([]byte(doc), time.Unix(0, 0), func(a *alert.Alert) { got[a.Rule] = a.Message })
	want := map[string]string{
		"Create by anyone": "create by alice verb=create everywhere",
		"Named audit rule": "named create uri=/api/v1/pods everywhere",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("k8s_audit messages (-want +got):\n%s", diff)
	}
	eng, diags, err := engine.New(spec, eo)
	if err != nil {
		t.Fatalf("syscall rules: %v %v", err, diags)
	}
	if n := eng.Ruleset().Active(); n != 1 {
		t.Errorf("syscall rules in effect: %d, want 1", n)
	}
}

// TestAppendRules: the suggested output becomes a syscall-only entry with
// the entry's match; an explicit one keeps its match, whatever the source.
func TestAppendRules(t *testing.T) {
	got := appendRules([]config.AppendOutput{
		{SuggestedOutput: true, ExtraOutput: "x=1", Match: config.AppendMatch{Tags: []string{"t"}}},
		{SuggestedOutput: true, Match: config.AppendMatch{Source: "k8s_audit"}},
		{Match: config.AppendMatch{Rule: "R"}, ExtraOutput: " y=2 "},
		{},
	})
	var texts []string
	for _, a := range got {
		texts = append(texts, a.Source+"|"+strings.Join(a.Tags, ",")+"|"+a.Rule+"|"+a.Output)
	}
	want := []string{
		"syscall|t||" + engine.ContainerOutput,
		"|t||x=1",
		"||R|y=2",
	}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("appends (-want +got):\n%s", diff)
	}
}

// TestReplayK8sAuditAppendOutput: replay follows the same rule: by
// default no alert of the corpus carries the container output; an
// explicit --append-output lands on every k8s_audit alert.
func TestReplayK8sAuditAppendOutput(t *testing.T) {
	events, _ := k8sCorpus(t)
	rulesFile := testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml")
	for _, tc := range []struct {
		name  string
		extra []string
		want  func(string) bool
	}{
		{"default", nil, func(m string) bool { return !strings.Contains(m, "container_id=") }},
		{"explicit", []string{"--append-output", "audit=%ka.auditid"}, func(m string) bool { return strings.Contains(m, " audit=") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"replay", "-q", "--source", "k8s_audit", "-r", events, "--rules", rulesFile, "--rule-matching", "all", "-o", "json"}, tc.extra...)
			out, errOut, code := peregrine(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			as := replayedAlerts(t, out)
			if len(as) == 0 {
				t.Fatal("no alerts")
			}
			for _, a := range as {
				if !tc.want(a.Output) {
					t.Errorf("alert %s: output %q", a.Rule, a.Output)
				}
			}
		})
	}
}
