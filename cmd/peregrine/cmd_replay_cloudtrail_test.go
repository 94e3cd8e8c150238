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

// ctCorpus returns the records and golden list of internal/cloudtrail/testdata.
func ctCorpus(t *testing.T) (records, golden string) {
	return corpusFile(t, "cloudtrail", "records.jsonl"), corpusFile(t, "cloudtrail", "records.golden")
}

// ctRuleArgs are the --rules of the corpus: Falco's file, then ours.
func ctRuleArgs(t *testing.T) []string {
	return []string{"--rules", testenv.Shared(t, "upstream-rules/aws_cloudtrail_rules.yaml"),
		"--rules", filepath.Join(testenv.ModuleRoot(t), "rules", "cloud_aws.yaml")}
}

// ctAlertCounts counts JSON alerts by rule, checking their source and
// that each names its record's region and caller in output_fields.
func ctAlertCounts(t *testing.T, out string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, a := range replayedAlerts(t, out) {
		if a.Source != "aws_cloudtrail" {
			t.Errorf("alert %q: source %q", a.line, a.Source)
		}
		if _, ok := a.Fields["ct.region"]; !ok && a.Rule != "AWS instances launched in a region not in use" {
			if _, ok := a.Fields["ct.srcip"]; !ok {
				t.Errorf("alert of %s names neither region nor source address", a.Rule)
			}
		}
		got[a.Rule]++
	}
	return got
}

// ctRecords reads the corpus records, one JSON text each.
func ctRecords(t *testing.T) []string {
	records, _ := ctCorpus(t)
	data, err := os.ReadFile(records)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// writeGzip writes data gzip-compressed.
func writeGzip(t *testing.T, path string, data []byte) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// s3Tree writes records as CloudTrail delivers them to S3: one gzip log
// file {"Records":[...]} per region and batch of up to four records,
// under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/, with a digest
// file beside them that replay must skip.
func s3Tree(t *testing.T, records []string) string {
	root := t.TempDir()
	byRegion := map[string][]string{}
	for _, r := range records {
		var head struct {
			Region string `json:"awsRegion"`
		}
		if err := json.Unmarshal([]byte(r), &head); err != nil {
			t.Fatal(err)
		}
		byRegion[head.Region] = append(byRegion[head.Region], r)
	}
	for region, recs := range byRegion {
		dir := filepath.Join(root, "AWSLogs", "111122223333", "CloudTrail", region, "2026", "11", "20")
		for i := 0; i < len(recs); i += 4 {
			batch := recs[i:min(i+4, len(recs))]
			name := fmt.Sprintf("111122223333_CloudTrail_%s_20261120T10%02dZ_abc%d.json.gz", region, i, i)
			writeGzip(t, filepath.Join(dir, name), []byte(`{"Records":[`+strings.Join(batch, ",")+`]}`))
		}
	}
	writeGzip(t, filepath.Join(root, "AWSLogs", "111122223333", "CloudTrail-Digest", "us-east-1", "2026", "11", "20",
		"111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20261120T110000Z.json.gz"),
		[]byte(`{"awsAccountId":"111122223333","digestStartTime":"2026-11-20T10:00:00Z","logFiles":[]}`))
	return root
}

// TestReplayCloudTrail replays the corpus in each shape it is delivered
// in, with Falco's rules and ours: every rule the golden list names
// fires, as often.
func TestReplayCloudTrail(t *testing.T) {
	records, golden := ctCorpus(t)
	lines := ctRecords(t)
	single := filepath.Join(t.TempDir(), "one.json")
	if err := os.WriteFile(single, []byte("{\"Records\": [\n"+strings.Join(lines, ",\n")+"\n]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gzLines := filepath.Join(t.TempDir(), "export.jsonl.gz")
	writeGzip(t, gzLines, []byte(strings.Join(lines, "\n")+"\n"))
	tests := []struct{ name, read string }{
		{"json lines", records},
		{"json lines gzip", gzLines},
		{"one indented log file", single},
		{"S3 tree", s3Tree(t, lines)},
	}
	want := goldenRuleCounts(t, golden)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"replay", "--source", "aws_cloudtrail", "-r", tt.read, "--rule-matching", "all", "-o", "json"}, ctRuleArgs(t)...)
			out, errOut, code := peregrine(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if diff := cmp.Diff(want, ctAlertCounts(t, out)); diff != "" {
				t.Errorf("alerts by rule (-golden +got):\n%s", diff)
			}
			if !strings.Contains(errOut, fmt.Sprintf("peregrine: %d aws_cloudtrail events", len(lines))) {
				t.Errorf("summary does not count %d records:\n%s", len(lines), errOut)
			}
		})
	}
}

// TestReplayCloudTrailDefaultRules: without --rules, the embedded rules
// run and ours raise alerts for the records of their source only.
func TestReplayCloudTrailDefaultRules(t *testing.T) {
	t.Setenv("PEREGRINE_RULES", filepath.Join(t.TempDir(), "none"))
	records, _ := ctCorpus(t)
	out, errOut, code := peregrine(t, "replay", "--source", "aws_cloudtrail", "-r", records, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := ctAlertCounts(t, out)
	for _, r := range []string{"AWS GPU or large instances launched", "AWS GuardDuty detection disabled", "AWS access key created"} {
		if got[r] == 0 {
			t.Errorf("no alert of %s: %v", r, got)
		}
	}
	for r := range got {
		if !strings.HasPrefix(r, "AWS ") {
			t.Errorf("alert of %s, not one of ours", r)
		}
	}
}

// TestReplayCloudTrailBadInput: bad files and records are reported with
// their place, and everything else is still replayed.
func TestReplayCloudTrailBadInput(t *testing.T) {
	lines := ctRecords(t)
	var stop string // c19, StopLogging: raises two rules
	for _, l := range lines {
		if strings.Contains(l, `"c19-stop-logging"`) {
			stop = l
		}
	}
	root := t.TempDir()
	day := filepath.Join(root, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2026", "11", "20")
	// a: good. b: truncated gzip. c: a record without eventTime between
	// two good ones. d: requestParameters a string, eventName a number.
	writeGzip(t, filepath.Join(day, "a.json.gz"), []byte(`{"Records":[`+stop+`]}`))
	var full bytes.Buffer
	zw := gzip.NewWriter(&full)
	zw.Write([]byte(`{"Records":[` + strings.Join(lines, ",") + `]}`))
	zw.Close()
	if err := os.WriteFile(filepath.Join(day, "b.json.gz"), full.Bytes()[:full.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	writeGzip(t, filepath.Join(day, "c.json.gz"), []byte(`{"Records":[`+stop+`,{"eventID":"no-time","eventName":"StopLogging"},`+stop+`]}`))
	if err := os.WriteFile(filepath.Join(day, "d.json"), []byte(`{"Records":[{"eventID":"mistyped","eventTime":"2026-11-20T10:00:00Z","eventName":7,"requestParameters":"{\"name\":\"x\"}"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(day, "notes.txt"), []byte("not a log"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"replay", "--source", "aws_cloudtrail", "-r", root, "--rule-matching", "all", "-o", "json"}, ctRuleArgs(t)...)
	out, errOut, code := peregrine(t, args...)
	if code == 0 {
		t.Errorf("exit 0 with a truncated file; stderr:\n%s", errOut)
	}
	want := map[string]int{"AWS CloudTrail logging stopped or trail deleted": 3, "CloudTrail Logging Disabled": 3}
	if diff := cmp.Diff(want, ctAlertCounts(t, out)); diff != "" {
		t.Errorf("alerts by rule (-want +got):\n%s", diff)
	}
	for _, s := range []string{
		filepath.Join(day, "b.json.gz") + ":1: truncated gzip stream",
		filepath.Join(day, "c.json.gz") + ":1: record 1: record no-time has no eventTime",
		"1 of 4 log files could not be read to the end",
		"peregrine: 4 aws_cloudtrail events",
	} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr does not say %q:\n%s", s, errOut)
		}
	}
	if strings.Contains(errOut, "notes.txt") {
		t.Errorf("notes.txt was read:\n%s", errOut)
	}
}

// TestReplayCloudTrailSingleBadFile: a single truncated file is an error
// of its own, after what could be read of it.
func TestReplayCloudTrailSingleBadFile(t *testing.T) {
	lines := ctRecords(t)
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(strings.Join(lines, "\n") + "\n"))
	zw.Close()
	p := filepath.Join(t.TempDir(), "cut.jsonl.gz")
	if err := os.WriteFile(p, b.Bytes()[:b.Len()-20], 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"replay", "--source", "aws_cloudtrail", "-r", p, "-o", "json"}, ctRuleArgs(t)...)
	out, errOut, code := peregrine(t, args...)
	if code == 0 || !strings.Contains(errOut, "truncated gzip stream") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
	got := ctAlertCounts(t, out)
	n := 0
	for _, c := range got {
		n += c
	}
	if n == 0 {
		t.Errorf("no alert from the lines before the cut")
	}
	names := make([]string, 0, len(got))
	for r := range got {
		names = append(names, r)
	}
	sort.Strings(names)
	t.Logf("alerts before the cut: %v", names)
}
