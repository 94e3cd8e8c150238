package cloudcost

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runFiles analyses files of testdata with the default options.
func runFiles(t *testing.T, opt Options, names ...string) *Report {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join("testdata", n))
	}
	return Run(paths, opt, "")
}

// TestGolden compares the JSON report of each attack corpus with its golden
// file (-update rewrites them).
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		files  []string
	}{
		{"cur-legacy-attack", []string{"cur-legacy-attack.csv.gz"}},
		{"cur2-attack", []string{"cur2-attack.csv"}},
		{"ce-attack", []string{"ce-attack.json"}},
		{"anomalies", []string{"anomalies.json"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			rep := runFiles(t, Options{}, tc.files...)
			if len(rep.Errors) != 0 {
				t.Fatalf("errors: %v", rep.Errors)
			}
			var got bytes.Buffer
			if err := rep.WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", tc.golden+".json")
			if updating() {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), got.String()); d != "" {
				t.Errorf("%s (-want +got):\n%s", path, d)
			}
		})
	}
}

// key picks out what a test looks for in a finding.
type key struct {
	Kind      Kind
	Date      string
	Dimension Dimension
	UsageType string
	Region    string
}

// findingKeys returns the keys of fs.
func keysOf(fs []Finding) []key {
	var out []key
	for _, f := range fs {
		out = append(out, key{f.Kind, f.Date, f.Dimension, f.UsageType, f.Region})
	}
	return out
}

// TestPlanted checks what the attack corpora must raise, whatever the
// golden files say: the twentyfold c5.4xlarge day, the new region, the
// first GPU usage with its instance id, the attacked account's daily spend
// (the other account spends as before), and nothing for the cents that
// jump twentyfold, in either CUR header style; and the same spike and GPU
// usage from Cost Explorer.
func TestPlanted(t *testing.T) {
	want := []key{
		{KindSpike, "2026-03-22", DimAccount, "", ""},
		{KindSpike, "2026-03-22", DimRegion, "", "us-east-1"},
		{KindSpike, "2026-03-22", DimService, "", ""},
		{KindSpike, "2026-03-22", DimUsage, "BoxUsage:c5.4xlarge", "us-east-1"},
		{KindNewRegion, "2026-03-22", DimRegion, "", "ap-southeast-1"},
		{KindSpike, "2026-03-22", DimUsage, "APS1-BoxUsage:c5.4xlarge", "ap-southeast-1"},
		{KindNewGPUUsage, "2026-03-23", DimUsage, "USE2-SpotUsage:p3.2xlarge", "us-east-2"},
		{KindSpike, "2026-03-23", DimRegion, "", "us-east-2"},
	}
	var reports [][]Finding
	for _, file := range []string{"cur-legacy-attack.csv.gz", "cur2-attack.csv"} {
		rep := runFiles(t, Options{}, file)
		if d := cmp.Diff(want, keysOf(rep.Findings)); d != "" {
			t.Errorf("%s (-want +got):\n%s", file, d)
		}
		for _, f := range rep.Findings {
			switch f.Kind {
			case KindNewGPUUsage:
				if !f.GPU || !f.Compute || f.Account != acctProd || len(f.ResourceIDs) != 1 || f.ResourceIDs[0] != "i-0gpu0000000000p3" {
					t.Errorf("%s: GPU finding %+v", file, f)
				}
			case KindSpike:
				// The attack's own account rises with it; the other account
				// spends as before.
				if f.Dimension == DimAccount && (f.Account != acctProd || f.Severity != SeverityCritical || !f.Compute ||
					!strings.HasPrefix(f.Explanation, "account "+acctProd+": ")) {
					t.Errorf("%s: account spike %+v", file, f)
				}
				if f.UsageType == "BoxUsage:c5.4xlarge" && (f.Actual < 15*f.Expected || f.Severity != SeverityCritical || len(f.ResourceIDs) != 20) {
					t.Errorf("%s: spike %+v", file, f)
				}
			}
			if f.Service == "AmazonCloudWatch" {
				t.Errorf("%s: cents raised %+v", file, f)
			}
		}
		reports = append(reports, rep.Findings)
	}
	if d := cmp.Diff(reports[0], reports[1]); d != "" {
		t.Errorf("legacy and CUR 2.0 headers disagree (-legacy +cur2):\n%s", d)
	}

	rep := runFiles(t, Options{}, "ce-attack.json")
	ec2 := "Amazon Elastic Compute Cloud - Compute"
	wantCE := []key{
		{KindSpike, "2026-03-22", DimService, "", ""},
		{KindSpike, "2026-03-22", DimUsage, "BoxUsage:c5.4xlarge", ""},
		{KindSpike, "2026-03-22", DimUsage, "APS1-BoxUsage:c5.4xlarge", ""},
		{KindNewGPUUsage, "2026-03-23", DimUsage, "USE2-SpotUsage:p3.2xlarge", ""},
	}
	if d := cmp.Diff(wantCE, keysOf(rep.Findings)); d != "" {
		t.Errorf("ce-attack.json (-want +got):\n%s", d)
	}
	for _, f := range rep.Findings {
		if f.Service != ec2 || !f.Compute || f.Source != SourceExplorer {
			t.Errorf("ce-attack.json: %+v", f)
		}
	}
}

// TestBenign checks that ordinary spend, with its noise, a steady growth,
// cents that jump, a tax line and a credit, raises nothing.
func TestBenign(t *testing.T) {
	for _, file := range []string{"cur-legacy-benign.csv", "cur2-benign.csv.gz", "ce-benign.json"} {
		rep := runFiles(t, Options{}, file)
		if len(rep.Findings) != 0 || len(rep.Errors) != 0 || rep.Files[0].Records == 0 {
			t.Errorf("%s: %d records, findings %+v, errors %v", file, rep.Files[0].Records, rep.Findings, rep.Errors)
		}
	}
}

// TestAnomalies checks that AWS's anomalies are passed on as they are.
func TestAnomalies(t *testing.T) {
	rep := runFiles(t, Options{}, "anomalies.json")
	want := []Finding{
		{Severity: SeverityLow, Kind: KindAnomalyDetection, Date: "2026-03-10", Source: SourceAnomalies, Dimension: DimService,
			Account: acctProd, Service: "Amazon Simple Storage Service", Region: "us-east-1", Increase: 6.3, Score: 0.41,
			AnomalyID: "a1b2c3d4-0000-4000-8000-000000000002"},
		{Severity: SeverityCritical, Kind: KindAnomalyDetection, Date: "2026-03-22", EndDate: "2026-03-28", Source: SourceAnomalies,
			Dimension: DimUsage, Account: acctProd, Service: "Amazon Elastic Compute Cloud - Compute", UsageType: "BoxUsage:c5.4xlarge",
			Region: "us-east-1", Compute: true, Expected: 114.8, Actual: 2680.4, Increase: 2565.6, Score: 0.97,
			AnomalyID: "a1b2c3d4-0000-4000-8000-000000000001"},
	}
	if d := cmp.Diff(want, rep.Findings, cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".Explanation"
	}, cmp.Ignore())); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if len(rep.Findings) == 2 && !strings.Contains(rep.Findings[1].Explanation, "APS1-BoxUsage:c5.4xlarge ap-southeast-1 111122223333 (393.10)") {
		t.Errorf("second root cause missing: %s", rep.Findings[1].Explanation)
	}
}

// TestRange checks --since/--until: findings outside are dropped, and the
// days before --since still make the baseline.
func TestRange(t *testing.T) {
	for _, tc := range []struct {
		since, until string
		want         []key
	}{
		{"2026-03-23", "", []key{
			{KindNewGPUUsage, "2026-03-23", DimUsage, "USE2-SpotUsage:p3.2xlarge", "us-east-2"},
			{KindSpike, "2026-03-23", DimRegion, "", "us-east-2"},
		}},
		{"2026-03-22", "2026-03-22", []key{
			{KindSpike, "2026-03-22", DimAccount, "", ""},
			{KindSpike, "2026-03-22", DimRegion, "", "us-east-1"},
			{KindSpike, "2026-03-22", DimService, "", ""},
			{KindSpike, "2026-03-22", DimUsage, "BoxUsage:c5.4xlarge", "us-east-1"},
			{KindNewRegion, "2026-03-22", DimRegion, "", "ap-southeast-1"},
			{KindSpike, "2026-03-22", DimUsage, "APS1-BoxUsage:c5.4xlarge", "ap-southeast-1"},
		}},
		{"", "2026-03-21", nil},
	} {
		var opt Options
		opt.Since, _ = dayOrZero(tc.since)
		opt.Until, _ = dayOrZero(tc.until)
		rep := runFiles(t, opt, "cur2-attack.csv", "anomalies.json")
		var got []key
		for _, k := range keysOf(rep.Findings) {
			if k.Kind != KindAnomalyDetection {
				got = append(got, k)
			}
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("since %q until %q (-want +got):\n%s", tc.since, tc.until, d)
		}
	}
}

// dayOrZero parses s, "" being the zero Day.
func dayOrZero(s string) (Day, error) {
	if s == "" {
		return 0, nil
	}
	return ParseDay(s)
}

// TestReportJSONStable checks the JSON field names the correlation reads.
func TestReportJSONStable(t *testing.T) {
	rep := runFiles(t, Options{}, "cur2-attack.csv")
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []map[string]json.RawMessage
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.Findings {
		for _, k := range []string{"severity", "kind", "date", "source", "dimension", "expected", "actual", "increase", "score", "explanation"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding without %q: %v", k, f)
			}
		}
	}
}
