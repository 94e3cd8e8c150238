package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"peregrine/internal/field"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

// FuzzCompile loads bytes as a rule file and validates it against the
// catalog, as `peregrine rules validate` does: whatever the input, no
// panic, and an error diagnostic whenever Validate fails.
func FuzzCompile(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(matchRules))
	cat := field.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		var l loader.Loader
		spec, _, err := l.LoadFiles(loader.File{Name: "fuzz.yaml", Data: data})
		if err != nil || spec == nil {
			return
		}
		diags, err := rules.Validate(spec, cat)
		if err != nil {
			for _, d := range diags {
				if d.Severity == rules.SeverityError {
					return
				}
			}
			t.Fatalf("Validate failed without an error diagnostic: %v", err)
		}
	})
}
