package rules_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

// TestBadRules loads and validates each file of testdata/bad (rule files
// that load but do not compile, or compile with warnings) and compares
// the diagnostics, one per line, with the .golden file beside it. Files
// named warnings* must compile with warnings only; the others must have
// an error. Set PEREGRINE_UPDATE_GOLDEN=1 to rewrite the golden files.
func TestBadRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad files: %v", err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			spec, diags, err := loader.Load(path)
			if err != nil {
				t.Fatalf("the file must load: %v %v", err, diags)
			}
			more, err := rules.Validate(spec, nil)
			diags = append(diags, more...)
			var b strings.Builder
			nerr := 0
			for _, d := range diags {
				b.WriteString(d.String())
				b.WriteByte('\n')
				if d.Severity == rules.SeverityError {
					nerr++
				}
			}
			got := b.String()
			if strings.HasPrefix(name, "warnings") {
				if nerr != 0 || err != nil || len(diags) == 0 {
					t.Errorf("want warnings only, got err %v and:\n%s", err, got)
				}
			} else if nerr == 0 || err == nil {
				t.Errorf("want an error, got err %v and:\n%s", err, got)
			}
			golden := strings.TrimSuffix(path, ".yaml") + ".golden"
			if os.Getenv("PEREGRINE_UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with PEREGRINE_UPDATE_GOLDEN=1 to create it)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("diagnostics differ from %s (-want +got):\n%s", golden, d)
			}
		})
	}
}
