package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// costData is a file of the cloudcost test corpus, read in place.
func costData(name string) string {
	return filepath.Join("..", "..", "internal", "cloudcost", "testdata", name)
}

func TestCloudCost(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost\n"+
		"2026-03-01T00:00:00Z,AmazonEC2,BoxUsage:m5.large,1.0\n"+
		"2026-03-01T00:00:00Z,AmazonEC2,BoxUsage:m5.large,one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings
		stderr   []string
		findings int // with -o json, -1 to skip
	}{
		{name: "attack text", args: []string{costData("cur2-attack.csv")}, stdout: []string{
			"critical  spike", "new_region", "new_gpu_usage", "i-0gpu0000000000p3",
			"files 1, records 413, ignored 2 (not usage), skipped 0",
			"findings 8 (critical 4, high 3, medium 1, low 0)"}, findings: -1},
		{name: "attack json", args: []string{"-o", "json", costData("cur-legacy-attack.csv.gz")}, findings: 8},
		{name: "all sources", args: []string{"-o", "json", costData("cur2-attack.csv"), costData("ce-attack.json"), costData("anomalies.json")}, findings: 14},
		{name: "benign", args: []string{costData("cur-legacy-benign.csv"), costData("cur2-benign.csv.gz"), costData("ce-benign.json")},
			stdout: []string{"no findings", "findings 0 "}, findings: -1},
		{name: "since", args: []string{"-o", "json", "--since", "2026-03-23", costData("cur2-attack.csv")}, findings: 2},
		{name: "until", args: []string{"-o", "json", "--until", "2026-03-21", costData("cur2-attack.csv")}, findings: 0},
		{name: "bad record, the rest analysed", args: []string{bad, costData("cur2-attack.csv")}, code: exitError,
			stdout: []string{"findings 8 ", "skipped 1"},
			stderr: []string{"bad.csv:3: lineItem/UnblendedCost: cost \"one\" is not a number", "1 records skipped"}, findings: -1},
		{name: "missing file", args: []string{"no-such.csv"}, code: exitError, stderr: []string{"no-such.csv", "no such file"}, findings: -1},
		{name: "bad output", args: []string{"-o", "xml", costData("cur2-attack.csv")}, code: exitUsage, stderr: []string{"xml"}, findings: -1},
		{name: "bad since", args: []string{"--since", "last week", costData("cur2-attack.csv")}, code: exitUsage, stderr: []string{"--since"}, findings: -1},
		{name: "bad window", args: []string{"--window", "3", costData("cur2-attack.csv")}, code: exitUsage, stderr: []string{"--window"}, findings: -1},
		{name: "no files", args: nil, code: exitUsage, stderr: []string{"cloud cost: requires at least 1 arg"}, findings: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := peregrine(t, append([]string{"cloud", "cost"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tc.findings >= 0 {
				var rep struct {
					Findings []struct{ Kind, Date string }
					Errors   []string
				}
				if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
					t.Fatalf("%v: %s", err, stdout)
				}
				if len(rep.Findings) != tc.findings {
					t.Errorf("%d findings, want %d: %+v", len(rep.Findings), tc.findings, rep.Findings)
				}
			}
		})
	}
	// Alone, cloud prints its help and succeeds, as the other parent
	// commands (k8s, forensics, rules) do.
	if stdout, stderr, code := peregrine(t, "cloud"); code != exitOK || !strings.Contains(stdout, "cost") {
		t.Errorf("cloud alone: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
