package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/testenv"
)

// k8sCorpus returns the audit events and the golden rule list of
// internal/k8saudit/testdata.
func k8sCorpus(t *testing.T) (events, golden string) {
	return corpusFile(t, "k8saudit", "events.jsonl"), corpusFile(t, "k8saudit", "events.golden")
}

// goldenRuleCounts counts the alerts of each rule the golden file
// expects over the whole corpus.
func goldenRuleCounts(t *testing.T, golden string) map[string]int {
	t.Helper()
	want := map[string]int{}
	for _, rs := range testenv.RuleGolden(t, golden) {
		for _, r := range rs {
			want[r]++
		}
	}
	return want
}

// jsonAlertCounts counts JSON alerts by rule, checking their source.
func jsonAlertCounts(t *testing.T, out string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, a := range replayedAlerts(t, out) {
		if a.Source != "k8s_audit" || a.Output == "" {
			t.Errorf("alert %q: source %q, want k8s_audit with an output", a.line, a.Source)
		}
		got[a.Rule]++
	}
	return got
}

// TestReplayK8sAuditCorpus replays the audit corpus with the upstream
// rules, unchanged: every rule the golden list names fires, as often.
func TestReplayK8sAuditCorpus(t *testing.T) {
	events, golden := k8sCorpus(t)
	rulesFile := testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml")
	out, errOut, code := peregrine(t, "replay", "--source", "k8s_audit", "-r", events, "--rules", rulesFile, "--rule-matching", "all", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff(goldenRuleCounts(t, golden), jsonAlertCounts(t, out)); diff != "" {
		t.Errorf("alerts by rule (-golden +got):\n%s", diff)
	}
	total := 0
	for _, n := range goldenRuleCounts(t, golden) {
		total += n
	}
	data, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("peregrine: %d k8s_audit events, %d alerts", strings.Count(string(data), "\n"), total); !strings.Contains(errOut, want) {
		t.Errorf("summary: %s", errOut)
	}
}

// TestReplayK8sAuditBadLines: unusable lines are reported with file:line
// and the others still raise their alerts, the exit status is 1; gzip
// input works.
func TestReplayK8sAuditBadLines(t *testing.T) {
	events, _ := k8sCorpus(t)
	data, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	noTime := strings.Replace(lines[6], `"stageTimestamp"`, `"otherTimestamp"`, 1)
	mixed := lines[0] + "{\"kind\":\"Event\",\"auditID\":\"cut\n" + lines[2] + "\n" + noTime + `{"kind":"Pod"}` + "\n" + lines[10]
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(mixed))
	zw.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		data []byte
	}{{"audit.log", []byte(mixed)}, {"audit.log.gz", gz.Bytes()}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := peregrine(t, "replay", "--source", "k8s_audit", "-r", path,
				"--rules", testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml"), "--rule-matching", "all", "-o", "json")
			if code != 1 {
				t.Fatalf("exit %d, want 1 (records skipped): %s", code, errOut)
			}
			got := jsonAlertCounts(t, out)
			want := map[string]int{"Create Privileged Pod": 1, "Create HostNetwork Pod": 1, "Attach to cluster-admin Role": 1, "K8s ClusterRoleBinding Created": 1}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			for _, msg := range []string{
				path + ":2: not a JSON document",
				path + ":5: event a07-exec has no stageTimestamp",
				path + ":6: not a Kubernetes audit Event or EventList: kind \"Pod\"",
				"peregrine: 3 records skipped",
				"peregrine: replay: 3 records skipped (the others were evaluated)",
			} {
				if !strings.Contains(errOut, msg) {
					t.Errorf("stderr lacks %q:\n%s", msg, errOut)
				}
			}
		})
	}
}

// TestReplayK8sAuditEventList: an EventList document, indented over many
// lines as kubectl or a webhook capture saves it, is read whole.
func TestReplayK8sAuditEventList(t *testing.T) {
	events, _ := k8sCorpus(t)
	data, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	var items []json.RawMessage
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n")[:6] {
		items = append(items, json.RawMessage(l))
	}
	list, err := json.MarshalIndent(map[string]any{"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": map[string]any{}, "items": items}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "eventlist.json")
	if err := os.WriteFile(path, list, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := peregrine(t, "replay", "--source", "k8s_audit", "-r", path,
		"--rules", testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml"), "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := jsonAlertCounts(t, out)
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{"Create HostIPC Pod", "Create HostNetwork Pod", "Create HostPid Pod", "Create Privileged Pod", "Create Sensitive Mount Pod"}
	if diff := cmp.Diff(want, names); diff != "" || got["Create Privileged Pod"] != 2 {
		t.Errorf("rules (-want +got):\n%s\n%v", diff, got)
	}
}

// TestReplayK8sAuditUsage: a source without rules, or an unknown source,
// is a usage error that says what to do.
func TestReplayK8sAuditUsage(t *testing.T) {
	events, _ := k8sCorpus(t)
	t.Setenv("PEREGRINE_RULES", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--source", "k8s_audit", "-r", events}, "no k8s_audit rules in the default rules: pass --rules"},
		{[]string{"replay", "--source", "k8s_audit", "-r", events, "--rules", testenv.Shared(t, "upstream-rules/falco_rules.yaml")}, "no k8s_audit rules in"},
		{[]string{"replay", "--source", "gcp_audit", "-r", events}, `--source "gcp_audit": want `},
	} {
		_, errOut, code := peregrine(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
		if strings.Contains(tc.want, "gcp_audit") {
			// The sources replay takes are listed, whichever they are.
			for _, src := range sourceNames() {
				if !strings.Contains(errOut, src) {
					t.Errorf("%v: %q does not list source %s", tc.args, errOut, src)
				}
			}
		}
	}
}
