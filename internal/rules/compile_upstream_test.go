package rules_test

import (
	"path/filepath"
	"testing"

	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/testenv"
)

// upstreamFiles are Falco's rule files, which must load and compile
// unchanged.
var upstreamFiles = []string{
	"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml",
	"k8s_audit_rules.yaml", "aws_cloudtrail_rules.yaml",
}

func loadUpstream(t testing.TB, names ...string) *rules.Spec {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, testenv.Shared(t, filepath.Join("upstream-rules", n)))
	}
	spec, diags, err := loader.Load(paths...)
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	return spec
}

func TestCompileUpstream(t *testing.T) {
	spec := loadUpstream(t, upstreamFiles...)
	for _, src := range []string{"syscall", "k8s_audit", "aws_cloudtrail"} {
		rs, diags, err := rules.Compile(spec, rules.Options{Source: src})
		for _, d := range diags {
			t.Logf("%s: %s", src, d)
		}
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		t.Logf("%s: %d rules compiled, %d run", src, len(rs.Rules()), rs.Active())
	}
}

func TestValidateUpstream(t *testing.T) {
	for _, files := range [][]string{upstreamFiles, {"falco_rules.yaml"}} {
		spec := loadUpstream(t, files...)
		diags, err := rules.Validate(spec, nil)
		for _, d := range diags {
			t.Logf("%s", d)
		}
		if err != nil {
			t.Fatalf("%v: %v", files, err)
		}
	}
}
