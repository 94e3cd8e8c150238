package main

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// corpusFile returns the path of a file of internal/<pkg>/testdata: the
// corpora of the document sources, which their own tests check too.
func corpusFile(t *testing.T, pkg, name string) string {
	return filepath.Join(testenv.ModuleRoot(t), "internal", pkg, "testdata", name)
}

// replayedAlert is what the replay tests read of a JSON alert.
type replayedAlert struct {
	Rule   string         `json:"rule"`
	Source string         `json:"source"`
	Output string         `json:"output"`
	Fields map[string]any `json:"output_fields"`
	Tags   []string       `json:"tags"`
	line   string
}

// replayedAlerts parses the JSON alerts of a replay's standard output,
// one a line; a line that is not an alert fails the test.
func replayedAlerts(t *testing.T, out string) []replayedAlert {
	t.Helper()
	var all []replayedAlert
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a replayedAlert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("alert %q: %v", sc.Text(), err)
		}
		a.line = sc.Text()
		all = append(all, a)
	}
	return all
}
