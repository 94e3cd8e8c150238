package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/testenv"
)

// Rules the learned fields drive (rules/cloud_aws.yaml).
const (
	ctRuleRegion    = "AWS instances launched in a region not in use"
	ctRulePrincipal = "AWS instances launched by a principal not known"
)

// learningFiles writes, for replay, the learning corpus of
// internal/cloudtrail/testdata (nine days of history, then on day ten
// mallory's launch in ap-southeast-1) and the same probes moved to day
// two, after the history's first two days; and a rule file that allows
// ap-southeast-1, so that only what the source learned makes the region
// rule fire.
func learningFiles(t *testing.T) (full, early, allow string) {
	t.Helper()
	full = corpusFile(t, "cloudtrail", "learning.jsonl")
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	probes := lines[len(lines)-3:]
	moved := append([]string{}, lines[:16]...) // days 0 and 1
	for _, p := range probes {
		q := strings.Replace(p, `"eventTime":"2026-11-10T`, `"eventTime":"2026-11-02T`, 1)
		if q == p {
			t.Fatal("probe time not moved")
		}
		moved = append(moved, q)
	}
	dir := t.TempDir()
	early = filepath.Join(dir, "early.jsonl")
	allow = filepath.Join(dir, "allow.yaml")
	if err := os.WriteFile(early, []byte(strings.Join(moved, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(allow, []byte("- list: aws_allowed_regions\n  items: [ap-southeast-1]\n  append: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return full, early, allow
}

// TestReplayLearningPeriod: --learning-period sets the cloudtrail
// source's learning period. On day two a 1-day period has learned and
// mallory's launch is new (both learned rules fire), the default 7 days
// has not (nothing fires); on day ten the default fires, 12 days does
// not. The summary gives the period and the learner's figures.
func TestReplayLearningPeriod(t *testing.T) {
	full, early, allow := learningFiles(t)
	rules := []string{"--rules", filepath.Join(testenv.ModuleRoot(t), "rules", "cloud_aws.yaml"), "--rules", allow}
	both := []string{ctRulePrincipal, ctRuleRegion}
	for _, tc := range []struct {
		name   string
		file   string
		flag   []string
		want   []string
		period string
	}{
		{"day two, 1d", early, []string{"--learning-period", "1d"}, both, "1d"},
		{"day two, 24h", early, []string{"--learning-period", "24h"}, both, "24h"},
		{"day two, default", early, nil, nil, "7d"},
		{"day ten, default", full, nil, both, "7d"},
		{"day ten, 12d", full, []string{"--learning-period", "12d"}, nil, "12d"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"replay", "--source", "aws_cloudtrail", "-r", tc.file, "--rule-matching", "all", "-o", "json"}, rules...)
			out, errOut, code := peregrine(t, append(args, tc.flag...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []string
			for _, a := range replayedAlerts(t, out) {
				got = append(got, a.Rule)
				if a.Fields["ct.region.new"] != "true" {
					t.Errorf("%s: ct.region.new %v, want true", a.Rule, a.Fields["ct.region.new"])
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			// Accounts, regions and launchers: 1 + 3 + 3 on either file.
			if want := "peregrine: learned (period " + tc.period + "): 7 entries, 0 refused (state full)"; !strings.Contains(errOut, want) {
				t.Errorf("summary %q, want %q", errOut, want)
			}
		})
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--source", "aws_cloudtrail", "-r", full, "--learning-period", "0"}, "want a positive period"},
		{[]string{"replay", "--source", "aws_cloudtrail", "-r", full, "--learning-period", "-3d"}, "want a positive period"},
		{[]string{"replay", "--source", "aws_cloudtrail", "-r", full, "--learning-period", "week"}, `--learning-period "week"`},
		{[]string{"replay", "--source", "k8s_audit", "-r", full, "--learning-period", "1d"}, "applies to --source aws_cloudtrail only"},
		{[]string{"replay", "-r", full, "--learning-period", "1d"}, "applies to --source aws_cloudtrail only"},
	} {
		_, errOut, code := peregrine(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want usage error with %q", tc.args, code, errOut, tc.want)
		}
	}
	// Sources that do not learn say nothing of learning.
	events, _ := k8sCorpus(t)
	_, errOut, code := peregrine(t, "replay", "--source", "k8s_audit", "-r", events, "--rules", testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml"))
	if code != 0 || !strings.Contains(errOut, "k8s_audit events") || strings.Contains(errOut, "learned") {
		t.Errorf("k8s_audit summary mentions learning: %s", errOut)
	}
}
