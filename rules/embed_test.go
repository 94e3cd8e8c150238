package defaultrules_test

import (
	"io/fs"
	"strings"
	"testing"

	defaultrules "peregrine/rules"

	"peregrine/internal/field"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

// TestEmbeddedRulesLoad loads the embedded files as `peregrine run` will and
// checks they compile without a warning and hold the rules other tests
// and users rely on by name.
func TestEmbeddedRulesLoad(t *testing.T) {
	names := defaultrules.Names()
	if len(names) == 0 {
		t.Fatal("no embedded rule files")
	}
	var files []loader.File
	for _, n := range names {
		if !strings.HasSuffix(n, ".yaml") {
			t.Errorf("embedded file %s is not a rule file", n)
		}
		data, err := fs.ReadFile(defaultrules.FS(), n)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, loader.File{Name: n, Data: data})
	}
	var l loader.Loader
	spec, diags, err := l.LoadFiles(files...)
	if err != nil {
		t.Fatalf("load: %v (%v)", err, diags)
	}
	more, err := rules.Validate(spec, field.Default())
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
	for _, d := range append(diags, more...) {
		t.Errorf("diagnostic: %v", d)
	}
	have := map[string]bool{}
	for _, r := range spec.Rules {
		have[r.Name] = true
		if !hasTechnique(r.Tags) {
			t.Errorf("rule %q: no MITRE technique tag", r.Name)
		}
	}
	for _, want := range []string{
		"Crypto miner launched",
		"Outbound connection to crypto mining pool port",
		"Stratum mining protocol sent",
		"MSR module loaded for mining",
	} {
		if !have[want] {
			t.Errorf("rule %q missing", want)
		}
	}
}

// hasTechnique says whether a tag is a MITRE ATT&CK technique id (T1496,
// T1552.001).
func hasTechnique(tags []string) bool {
	for _, t := range tags {
		if len(t) >= 5 && t[0] == 'T' && strings.Trim(t[1:], "0123456789.") == "" {
			return true
		}
	}
	return false
}

// TestLoadOrderNamesEveryFile checks that the load order names every
// embedded rule file exactly once and nothing else: a new file left out of
// it would not be loaded at all.
func TestLoadOrderNamesEveryFile(t *testing.T) {
	embedded, err := fs.Glob(defaultrules.FS(), "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, n := range defaultrules.Names() {
		seen[n]++
	}
	for _, n := range embedded {
		if seen[n] != 1 {
			t.Errorf("embedded file %s appears %d times in the load order, want once", n, seen[n])
		}
		delete(seen, n)
	}
	for n := range seen {
		t.Errorf("load order names %s, which is not an embedded rule file", n)
	}
	if len(embedded) == 0 {
		t.Error("no embedded rule files")
	}
}
