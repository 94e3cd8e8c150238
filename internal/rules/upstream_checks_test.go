package rules_test

import (
	"testing"

	"peregrine/internal/field"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/rules/syntax"
	"peregrine/internal/testenv"
)

// TestUpstreamChecksTypeCheck compiles every check of every macro and rule
// of the upstream rule files against the default catalog: none may fail.
// So must every %token of their outputs. Macros have no source of their own; they are checked against the source
// of the files they come from.
func TestUpstreamChecksTypeCheck(t *testing.T) {
	groups := []struct {
		source string
		files  []string
	}{
		{field.SourceSyscall, []string{"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"}},
		{field.SourceK8sAudit, []string{"k8s_audit_rules.yaml"}},
		{field.SourceCloudTrail, []string{"aws_cloudtrail_rules.yaml"}},
	}
	cat := field.Default()
	total, tokens := 0, 0
	for _, g := range groups {
		var paths []string
		for _, f := range g.files {
			paths = append(paths, testenv.Shared(t, "upstream-rules/"+f))
		}
		spec, diags, err := loader.Load(paths...)
		if err != nil {
			t.Fatalf("load %v: %v (%v)", g.files, err, diags)
		}
		check := func(kind, name, source, text string) {
			e, err := syntax.Parse(text, syntax.MaxDepth(1000))
			if err != nil {
				t.Errorf("%s %q: parse: %v", kind, name, err)
				return
			}
			n, errs := rules.TypeCheckChecks(cat, source, e)
			total += n
			for _, err := range errs {
				t.Errorf("%s %q: %v", kind, name, err)
			}
		}
		for _, m := range spec.Macros {
			check("macro", m.Name, g.source, m.Expanded)
		}
		for _, r := range spec.Rules {
			check("rule", r.Name, r.Source, r.Expanded)
			f, err := syntax.ParseFormat(r.Output)
			if err != nil {
				t.Errorf("rule %q: output: %v", r.Name, err)
				continue
			}
			n, errs := rules.TypeCheckOutput(cat, r.Source, f)
			tokens += n
			for _, err := range errs {
				t.Errorf("rule %q: output: %v", r.Name, err)
			}
		}
	}
	if total < 1000 {
		t.Errorf("only %d checks type-checked; the files should hold more", total)
	}
	t.Logf("%d checks of the upstream macros and rules and %d output tokens type-check", total, tokens)
}
