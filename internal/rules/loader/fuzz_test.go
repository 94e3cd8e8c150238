package loader

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/rules"
	"peregrine/internal/testenv"
)

// FuzzLoad feeds arbitrary bytes to the loader as one rule file: it must
// not panic, must report an error exactly when a diagnostic is an error,
// must place every diagnostic in the file, and must be deterministic.
func FuzzLoad(f *testing.F) {
	for _, name := range upstreamFiles {
		data, err := os.ReadFile(testenv.Shared(f, "upstream-rules/"+name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	bad, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	for _, p := range bad {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("- list: a\n  items: [b]\n- list: b\n  items: [a, a]\n- macro: m\n  condition: x in (a)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<17 {
			return
		}
		var l Loader
		spec, diags, err := l.LoadFiles(File{Name: "fuzz.yaml", Data: data})
		nerr := 0
		for _, d := range diags {
			if d.Pos.File != "fuzz.yaml" {
				t.Fatalf("diagnostic outside the file: %v", d)
			}
			if d.Severity == rules.SeverityError {
				nerr++
			}
		}
		if (err != nil) != (nerr > 0) || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Fatalf("err = %v with %d error diagnostics", err, nerr)
		}
		spec2, diags2, _ := l.LoadFiles(File{Name: "fuzz.yaml", Data: data})
		if d := cmp.Diff(spec, spec2); d != "" {
			t.Fatalf("spec differs between two loads:\n%s", d)
		}
		if d := cmp.Diff(diags, diags2); d != "" {
			t.Fatalf("diagnostics differ between two loads:\n%s", d)
		}
		for _, r := range spec.Rules {
			if len(r.Expanded) > rules.MaxConditionLen {
				t.Fatalf("rule %q: expanded condition of %d bytes", r.Name, len(r.Expanded))
			}
		}
	})
}
