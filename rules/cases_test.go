package defaultrules_test

import (
	"bytes"
	"io/fs"
	"path/filepath"
	"testing"

	defaultrules "peregrine/rules"

	"peregrine/internal/rules/loader"
	"peregrine/internal/ruletest"
)

// TestRuleCases runs every case file under tests/ against the embedded
// rules, as `peregrine rules test --coverage rules/tests/` does: every case
// passes and every rule has a positive and a negative case.
func TestRuleCases(t *testing.T) {
	var files []loader.File
	for _, n := range defaultrules.Names() {
		data, err := fs.ReadFile(defaultrules.FS(), n)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, loader.File{Name: n, Data: data})
	}
	var l loader.Loader
	spec, diags, err := l.LoadFiles(files...)
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	paths, err := filepath.Glob("tests/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no case files under tests/ (%v)", err)
	}
	suites, err := ruletest.LoadPaths(paths)
	if err != nil {
		t.Fatal(err)
	}
	results := ruletest.Run(spec, suites)
	cov := ruletest.CoverageOf(spec, results)
	failed := ruletest.Summarize(results).Failed > 0
	// Rules of the document sources (compute, ...) cannot be cases of
	// system call events: their own packages test them on corpora.
	other := map[string]bool{}
	for _, r := range spec.Rules {
		if r.Source != "" && r.Source != "syscall" {
			other[r.Name] = true
		}
	}
	for _, c := range cov {
		if other[c.Rule] {
			continue
		}
		if !c.Covered() {
			failed = true
			t.Errorf("rule %q: %d positive, %d negative cases", c.Rule, c.Positive, c.Negative)
		}
		if c.Positive+c.Negative < 2 {
			t.Errorf("rule %q: fewer than two cases", c.Rule)
		}
	}
	if failed {
		var b bytes.Buffer
		ruletest.WriteText(&b, results, cov)
		t.Fatalf("rule cases fail:\n%s", b.String())
	}
}
