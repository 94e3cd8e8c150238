package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// incidentData is a file of the incident test corpus, read in place.
func incidentData(name string) string {
	return filepath.Join("..", "..", "internal", "incident", "testdata", name)
}

// incidentCorpus is the whole incident corpus.
var incidentCorpus = []string{
	incidentData("syscall.jsonl"), incidentData("compute.jsonl"), incidentData("guardduty.jsonl"),
	incidentData("cloudtrail.jsonl"), incidentData("cost.json"),
}

// incidentsReport is the part of the JSON report the tests read.
type incidentsReport struct {
	Signals   int `json:"signals"`
	Unrelated int `json:"unrelated"`
	Incidents []struct {
		ID           string `json:"id"`
		Cryptomining bool   `json:"cryptomining"`
		Confidence   int    `json:"confidence"`
		Categories   []struct {
			Category string `json:"category"`
			Present  bool   `json:"present"`
		} `json:"categories"`
		Resources []struct {
			Kind  string `json:"kind"`
			Value string `json:"value"`
		} `json:"resources"`
		Timeline []struct {
			Source string `json:"source"`
			Rule   string `json:"rule"`
		} `json:"timeline"`
		Steps []struct {
			Action  string `json:"action"`
			Command string `json:"command"`
		} `json:"steps"`
	} `json:"incidents"`
	Errors []string `json:"errors"`
}

// TestIncidentsReadsCostReports feeds the report of `peregrine cloud
// cost -o json` over the cloudcost corpus as it is: every finding is a
// signal, none is an error.
func TestIncidentsReadsCostReports(t *testing.T) {
	report, stderr, code := peregrine(t, "cloud", "cost", "-o", "json", costData("cur2-attack.csv"), costData("anomalies.json"))
	if code != 0 {
		t.Fatalf("cloud cost: exit %d: %s", code, stderr)
	}
	var cost struct {
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(report), &cost); err != nil || len(cost.Findings) == 0 {
		t.Fatalf("cloud cost report: %v, %d findings", err, len(cost.Findings))
	}
	p := filepath.Join(t.TempDir(), "cost.json")
	if err := os.WriteFile(p, []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := peregrine(t, "incidents", "-o", "json", "--all", p)
	if code != 0 {
		t.Fatalf("incidents: exit %d: %s", code, stderr)
	}
	var rep incidentsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Signals != len(cost.Findings) || len(rep.Errors) != 0 {
		t.Errorf("%d signals and errors %v from %d findings", rep.Signals, rep.Errors, len(cost.Findings))
	}
	for _, inc := range rep.Incidents {
		if inc.Cryptomining {
			t.Errorf("cost findings alone make a cryptomining incident: %+v", inc)
		}
	}
}

func TestIncidents(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.jsonl")
	lines, err := os.ReadFile(incidentData("syscall.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for i, l := range strings.Split(strings.TrimSpace(string(lines)), "\n") {
		if i != 4 { // the line without a time
			keep = append(keep, l)
		}
	}
	if err := os.WriteFile(good, []byte(strings.Join(keep, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		args      []string
		stdin     string
		code      int
		stdout    []string
		stderr    []string
		incidents int // with -o json; -1 to skip
	}{
		{name: "text", args: incidentCorpus, code: exitError, stdout: []string{
			"2 cryptomining incidents from 16 signals (window 24h0m0s); 4 signals in none",
			"confidence 100 (high)", "confidence 85 (high)",
			"categories: cost present (1); compute present (1); network present (3); runtime present (2); control-plane present (2)",
			"peregrine forensics collect 3f2a9c1b7d4e --case inc-", "aws ec2 modify-instance-attribute --instance-id i-0a1b2c3d4e5f60718",
			"aws iam update-access-key --access-key-id AKIAIOSFODNN7EXAMPLE", "Block pool domain gulf.moneroocean.stream",
		}, stderr: []string{"syscall.jsonl:5: alert \"Something\": no time", "cloudtrail.jsonl:3: alert: unexpected end of JSON input", "2 records skipped"}, incidents: -1},
		{name: "json", args: append([]string{"-o", "json"}, incidentCorpus...), code: exitError, incidents: 2},
		{name: "good input only, exit 0", args: []string{"-o", "json", good}, incidents: 2},
		{name: "all groups", args: []string{"-o", "json", "--all", good}, incidents: 3},
		{name: "stdin", args: []string{"-", incidentData("cost.json")}, stdin: string(lines[:strings.Index(string(lines), "\n")+1]),
			stdout: []string{"1 cryptomining incident from 4 signals", "stdin:1"}, incidents: -1},
		{name: "short window splits nothing here", args: []string{"-o", "json", "--window", "10m", good}, incidents: 2},
		{name: "html", args: []string{"-o", "html", good}, stdout: []string{"<!DOCTYPE html>", "<svg", "</html>"}, incidents: -1},
		{name: "bad output", args: []string{"-o", "xml", good}, code: exitUsage, stderr: []string{"xml"}, incidents: -1},
		{name: "bad window", args: []string{"--window", "-1h", good}, code: exitUsage, stderr: []string{"--window"}, incidents: -1},
		{name: "missing file", args: []string{"no-such.jsonl"}, code: exitError, stderr: []string{"no-such.jsonl", "no such file"}, incidents: -1},
		{name: "no input", args: nil, code: exitUsage, incidents: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdin []byte
			if tc.stdin != "" {
				stdin = []byte(tc.stdin)
			}
			stdout, stderr, code := peregrineIn(t, stdin, append([]string{"incidents"}, tc.args...)...)
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
			if tc.incidents < 0 {
				return
			}
			var rep incidentsReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("report: %v\n%s", err, stdout)
			}
			if len(rep.Incidents) != tc.incidents {
				t.Errorf("%d incidents, want %d:\n%s", len(rep.Incidents), tc.incidents, stdout)
			}
		})
	}
}

// TestIncidentsQuotaAloneIsNotMining: a raise of a quota that limits no
// compute (an Elastic IP quota, from the cloudtrail corpus) is an alert of
// its own, and no cryptomining incident by itself; a raise of the on-demand
// vCPU quota is.
func TestIncidentsQuotaAloneIsNotMining(t *testing.T) {
	records, err := os.ReadFile(filepath.Join("..", "..", "internal", "cloudtrail", "testdata", "records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	quota := func(code string) string {
		for _, l := range strings.Split(string(records), "\n") {
			if strings.Contains(l, `"eventName":"RequestServiceQuotaIncrease"`) && strings.Contains(l, `"quotaCode":"`+code+`"`) {
				return l
			}
		}
		t.Fatalf("no quota increase of %s in the cloudtrail corpus", code)
		return ""
	}
	for _, tc := range []struct {
		code, rule string
		mining     int
	}{
		{"L-0263D0A3", "AWS service quota increase requested", 0},
		{"L-1216C47A", "AWS compute quota increase requested", 1},
	} {
		p := filepath.Join(t.TempDir(), "record.json")
		if err := os.WriteFile(p, []byte(quota(tc.code)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		alerts, stderr, code := peregrine(t, "replay", "--source", "aws_cloudtrail", "-r", p, "-o", "json")
		if code != 0 || !strings.Contains(alerts, `"rule":"`+tc.rule+`"`) {
			t.Fatalf("%s: replay: exit %d, want one alert of %q:\n%s\n%s", tc.code, code, tc.rule, alerts, stderr)
		}
		a := filepath.Join(t.TempDir(), "alerts.jsonl")
		if err := os.WriteFile(a, []byte(alerts), 0o644); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := peregrine(t, "incidents", "-o", "json", a)
		if code != 0 {
			t.Fatalf("%s: incidents: exit %d: %s", tc.code, code, stderr)
		}
		var rep incidentsReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Signals != 1 || len(rep.Incidents) != tc.mining {
			t.Errorf("%s: %d signals, %d cryptomining incidents, want 1 and %d:\n%s", tc.code, rep.Signals, len(rep.Incidents), tc.mining, out)
		}
	}
}
