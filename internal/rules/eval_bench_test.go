package rules_test

import (
	"testing"

	"peregrine/internal/rules"
)

// compileSynth compiles the syscall rules of the stable, incubating and
// sandbox files bound to a synthetic source; allEnabled also runs the rules
// the files disable.
func compileSynth(t testing.TB, allEnabled bool) (*rules.Ruleset, *synthSource) {
	t.Helper()
	spec := loadUpstream(t, "falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml")
	if allEnabled {
		for i := range spec.Rules {
			spec.Rules[i].Enabled = true
		}
	}
	src := &synthSource{}
	rs, _, err := rules.Compile(spec, rules.Options{Binder: src, Matching: rules.MatchAll})
	if err != nil {
		t.Fatal(err)
	}
	return rs, src
}

// TestSynthStreamDoesNotMatch checks that the benchmark's events are the
// non-matching kind it claims, and that they do reach rules.
func TestSynthStreamDoesNotMatch(t *testing.T) {
	rs, src := compileSynth(t, true)
	tested := 0
	for _, e := range synthStream() {
		src.cur = e
		for _, r := range rs.Match(e.typ, nil) {
			t.Errorf("event %s by %s matches rule %q", e.typ.Name(), e.comm, r.Name)
		}
		for _, r := range rs.Rules() {
			for _, ty := range r.EventTypes() {
				if ty == e.typ {
					tested++
				}
			}
		}
	}
	if tested == 0 {
		t.Fatal("no rule is tested on the synthetic events")
	}
	t.Logf("%d rule tests over %d events", tested, len(synthStream()))
}

// BenchmarkEvaluateUpstream evaluates the syscall rules of the stable,
// incubating and sandbox files on a stream of synthetic events that match
// none of them.
func BenchmarkEvaluateUpstream(b *testing.B) {
	for _, tc := range []struct {
		name       string
		allEnabled bool
	}{{"enabled-rules", false}, {"all-rules", true}} {
		b.Run(tc.name, func(b *testing.B) {
			rs, src := compileSynth(b, tc.allEnabled)
			events := synthStream()
			matched := make([]*rules.CompiledRule, 0, 16)
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				e := events[n%len(events)]
				n++
				src.cur = e
				matched = rs.Match(e.typ, matched[:0])
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(rs.Active()), "rules")
		})
	}
}

// BenchmarkLoadAndCompileUpstream loads all five upstream files and
// compiles (checks) every source, as `peregrine rules validate` does.
func BenchmarkLoadAndCompileUpstream(b *testing.B) {
	for b.Loop() {
		spec := loadUpstream(b, upstreamFiles...)
		if _, err := rules.Validate(spec, nil); err != nil {
			b.Fatal(err)
		}
	}
}
