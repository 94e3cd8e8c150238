package ruletest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/rules/loader"
)

// TestCoverageLeavesOutOtherSources checks that coverage counts only the
// rules of system call events, the only events a case holds: a rule of a
// document source is neither covered nor reported missing.
func TestCoverageLeavesOutOtherSources(t *testing.T) {
	var l loader.Loader
	spec, _, err := l.LoadFiles(loader.File{Name: "mixed.yaml", Data: []byte(`
- rule: Netcat started
  desc: nc
  condition: evt.type = execve and proc.name = nc
  output: nc (%proc.name)
  priority: WARNING
- rule: Miner finding
  desc: a GuardDuty finding
  condition: guardduty.type = "Impact:Runtime/CryptoMinerExecuted"
  output: finding (%guardduty.id)
  priority: CRITICAL
  source: aws_guardduty
`)})
	if err != nil {
		t.Fatal(err)
	}
	s := parse(t, `tests:
- name: nc alerts
  processes: [{pid: 1, name: bash}]
  events: [{type: execve, pid: 1, exe: /bin/nc}]
  expect: [{rule: Netcat started}]
`)
	cov := CoverageOf(spec, Run(spec, []*Suite{s}))
	if d := cmp.Diff([]Coverage{{Rule: "Netcat started", Positive: 1}}, cov); d != "" {
		t.Errorf("coverage (-want +got):\n%s", d)
	}
}
