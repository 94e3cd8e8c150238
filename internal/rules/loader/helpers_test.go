package loader

import (
	"fmt"
	"strings"
	"testing"

	"peregrine/internal/rules"
)

// loadStrings loads each text as a rule file named f1.yaml, f2.yaml, ...
// and returns the spec and the diagnostics as strings.
func loadStrings(t *testing.T, texts ...string) (*rules.Spec, []string) {
	t.Helper()
	var files []File
	for i, s := range texts {
		files = append(files, File{Name: fmt.Sprintf("f%d.yaml", i+1), Data: []byte(s)})
	}
	var l Loader
	spec, diags, err := l.LoadFiles(files...)
	hasErr := false
	var out []string
	for _, d := range diags {
		out = append(out, d.String())
		hasErr = hasErr || d.Severity == rules.SeverityError
	}
	if (err != nil) != hasErr {
		t.Fatalf("err = %v but diagnostics %v", err, out)
	}
	return spec, out
}

// errorsOf keeps the error diagnostics.
func errorsOf(diags []string) []string {
	var out []string
	for _, d := range diags {
		if strings.Contains(d, ": error: ") {
			out = append(out, d)
		}
	}
	return out
}

// ruleNamed returns the rule of that name or fails.
func ruleNamed(t *testing.T, spec *rules.Spec, name string) *rules.Rule {
	t.Helper()
	for i := range spec.Rules {
		if spec.Rules[i].Name == name {
			return &spec.Rules[i]
		}
	}
	t.Fatalf("no rule %q", name)
	return nil
}

func listNamed(t *testing.T, spec *rules.Spec, name string) *rules.List {
	t.Helper()
	for i := range spec.Lists {
		if spec.Lists[i].Name == name {
			return &spec.Lists[i]
		}
	}
	t.Fatalf("no list %q", name)
	return nil
}

func macroNamed(t *testing.T, spec *rules.Spec, name string) *rules.Macro {
	t.Helper()
	for i := range spec.Macros {
		if spec.Macros[i].Name == name {
			return &spec.Macros[i]
		}
	}
	t.Fatalf("no macro %q", name)
	return nil
}
