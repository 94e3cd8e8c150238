package testenv

import (
	"os"
	"strings"
	"testing"
)

// RuleGolden reads a golden list of the rules each document of a corpus
// raises (the k8s_audit and aws_cloudtrail corpora): a line per document,
// its id, a tab, and the rules joined by "; ", or "-" for none; blank
// lines and lines starting with # are passed over. A document without
// rules maps to an empty list. A line without a tab fails the test.
func RuleGolden(t testing.TB, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, list, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s: golden line %q: no tab", path, line)
		}
		want[id] = []string{}
		if list != "-" {
			want[id] = strings.Split(list, "; ")
		}
	}
	return want
}
