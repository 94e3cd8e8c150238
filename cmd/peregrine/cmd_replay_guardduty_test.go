package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gdCorpus returns the path of a file of internal/guardduty/testdata.
func gdCorpus(t *testing.T, name string) string { return corpusFile(t, "guardduty", name) }

// gdExpectedCounts counts the alerts testdata/expected.json asks for, by
// rule, for one copy of the corpus.
func gdExpectedCounts(t *testing.T) map[string]int {
	t.Helper()
	data, err := os.ReadFile(gdCorpus(t, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var byID map[string][]string
	if err := json.Unmarshal(data, &byID); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, rs := range byID {
		for _, r := range rs {
			n[r]++
		}
	}
	return n
}

// gdAlertCounts counts JSON alerts by rule, checking that each is of the
// aws_guardduty source and names its finding's account, region and id in
// output_fields (what `peregrine incidents` groups by, with the resource).
func gdAlertCounts(t *testing.T, out string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, a := range replayedAlerts(t, out) {
		if a.Source != "aws_guardduty" {
			t.Errorf("alert of %s: source %q", a.Rule, a.Source)
		}
		for _, k := range []string{"guardduty.account", "guardduty.region", "guardduty.id"} {
			if v, ok := a.Fields[k].(string); !ok || v == "" {
				t.Errorf("alert of %s: output field %s is %v", a.Rule, k, a.Fields[k])
			}
		}
		got[a.Rule]++
	}
	return got
}

// gdGzip compresses data.
func gdGzip(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReplayGuardDutyFiles replays the corpus files with the embedded
// rules: the CLI's GetFindings output, the EventBridge events as JSON
// lines, and the latter from standard input, gzip-compressed.
func TestReplayGuardDutyFiles(t *testing.T) {
	want := gdExpectedCounts(t)
	events, err := os.ReadFile(gdCorpus(t, "eventbridge.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		stdin []byte
		args  []string
	}{
		{"GetFindings file", nil, []string{"-r", gdCorpus(t, "get-findings.json")}},
		{"EventBridge lines", nil, []string{"-r", gdCorpus(t, "eventbridge.jsonl")}},
		{"gzip on standard input", gdGzip(t, events), []string{"-r", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"replay", "--source", "aws_guardduty", "-o", "json"}, tc.args...)
			out, stderr, code := peregrineIn(t, tc.stdin, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if diff := cmp.Diff(want, gdAlertCounts(t, out)); diff != "" {
				t.Errorf("alerts by rule (-want +got):\n%s", diff)
			}
			if !strings.Contains(stderr, "peregrine: 20 aws_guardduty events, 15 alerts") {
				t.Errorf("summary: %s", stderr)
			}
		})
	}
}

// TestReplayGuardDutyTree replays a directory tree holding the corpus in
// both spellings (one gzip-compressed), a truncated gzip file and a file
// of bad findings: the good files raise their alerts, the truncated one
// is named as such, each bad finding is named by file and line, and the
// exit status says not everything could be read.
func TestReplayGuardDutyTree(t *testing.T) {
	dir := t.TempDir()
	findings, err := os.ReadFile(gdCorpus(t, "get-findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	events, err := os.ReadFile(gdCorpus(t, "eventbridge.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	zipped := gdGzip(t, findings)
	badLines := `{"Findings":[{"Id":"nt","Severity":8,"UpdatedAt":"2026-03-02T10:00:00Z"}]}
{"id":"ss","type":"CryptoCurrency:EC2/BitcoinTool.B","severity":"High","updatedAt":"2026-03-02T10:00:00Z"}
`
	files := map[string][]byte{
		"123456789012/us-east-1/get-findings.json.gz": zipped,
		"123456789012/us-east-1/2026/03/events.jsonl": events,
		"123456789012/eu-west-1/cut.json.gz":          zipped[:len(zipped)/2],
		"123456789012/eu-west-1/bad.jsonl":            []byte(badLines),
		"123456789012/notes.txt":                      []byte("not a log"),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, code := peregrine(t, "replay", "--source", "aws_guardduty", "-o", "json", "-r", dir)
	if code == 0 {
		t.Errorf("exit 0 with a truncated file: %s", stderr)
	}
	want := map[string]int{}
	for r, n := range gdExpectedCounts(t) {
		want[r] = 2 * n
	}
	if diff := cmp.Diff(want, gdAlertCounts(t, out)); diff != "" {
		t.Errorf("alerts by rule (-want +got):\n%s", diff)
	}
	for _, s := range []string{
		"cut.json.gz",
		"truncated gzip stream",
		filepath.Join(dir, "123456789012/eu-west-1/bad.jsonl") + ":1: finding 0: finding nt has no type",
		filepath.Join(dir, "123456789012/eu-west-1/bad.jsonl") + `:2: finding ss (CryptoCurrency:EC2/BitcoinTool.B): severity is a string "High", not a number`,
		"peregrine: 40 aws_guardduty events, 30 alerts",
	} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr does not say %q:\n%s", s, stderr)
		}
	}
}

// TestFieldsGuardDuty checks that `peregrine fields` lists the source's
// own fields with the generic and json ones.
func TestFieldsGuardDuty(t *testing.T) {
	out, stderr, code := peregrine(t, "fields", "--source", "aws_guardduty")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"guardduty.type", "guardduty.severity.label", "guardduty.instance.id", "guardduty.container.image", "guardduty.dns.domain", "guardduty.process.sha256", "evt.time", "json.value"} {
		if !strings.Contains(out, name) {
			t.Errorf("fields --source aws_guardduty does not list %s", name)
		}
	}
}
