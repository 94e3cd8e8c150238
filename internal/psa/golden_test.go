package psa

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/pod-security-admission/api"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCases are the corpus files and the options each is audited with.
var goldenCases = []struct {
	name string
	opt  Options
}{
	{name: "baseline.yaml"},
	{name: "restricted.yaml"},
	{name: "kinds.yaml"},
	{name: "list.yaml", opt: Options{Require: api.LevelRestricted, Selectors: []Selector{{Key: "env", Value: "production"}}}},
	{name: "list.json"},
	{name: "helm.yaml", opt: Options{DefaultNamespace: "web"}},
	{name: "errors.yaml"},
	{name: "namespaces.yaml", opt: Options{Require: api.LevelRestricted, Patterns: []string{"prod-*"}}},
}

func newTestEvaluator(t testing.TB) *Evaluator {
	t.Helper()
	e, err := NewEvaluator()
	if err != nil {
		t.Fatalf("NewEvaluator: %v", err)
	}
	return e
}

func auditFile(t testing.TB, e *Evaluator, name string, opt Options) *Report {
	t.Helper()
	in, err := Load([]string{filepath.Join("testdata", "manifests", name)}, nil)
	if err != nil {
		t.Fatalf("Load %s: %v", name, err)
	}
	return e.Audit(in, opt)
}

// TestGolden compares the text and JSON reports of each corpus file with
// testdata/golden; go test -update rewrites them.
func TestGolden(t *testing.T) {
	e := newTestEvaluator(t)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			r := auditFile(t, e, tc.name, tc.opt)
			var text, js bytes.Buffer
			if err := WriteText(&text, r); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&js, r); err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(tc.name, filepath.Ext(tc.name)) + strings.ReplaceAll(filepath.Ext(tc.name), ".", "-")
			compareGolden(t, filepath.Join("testdata", "golden", base+".txt"), text.Bytes())
			compareGolden(t, filepath.Join("testdata", "golden", base+".json"), js.Bytes())
		})
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
