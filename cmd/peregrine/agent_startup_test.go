package main

import (
	"testing"

	"peregrine/internal/compute"
	"peregrine/internal/engine"
	"peregrine/internal/k8saudit"
	"peregrine/internal/rules/loader"
)

const startupRules = `
- rule: Audit one
  desc: t
  condition: ka.verb=create
  output: one
  priority: NOTICE
  source: k8s_audit
- rule: Audit two
  desc: t
  condition: ka.verb=delete
  output: two
  priority: NOTICE
  source: k8s_audit
- rule: Audit off
  desc: t
  condition: ka.verb=get
  output: off
  priority: NOTICE
  source: k8s_audit
  enabled: false
- rule: Busy
  desc: t
  condition: compute.cpu.pct > 90
  output: busy
  priority: WARNING
  source: compute
`

// TestRulesInEffect: the startup line names the rules of every source the
// agent runs (enabled ones only), and the sources that are off.
func TestRulesInEffect(t *testing.T) {
	var l loader.Loader
	spec, _, err := l.LoadFiles(loader.File{Name: "r.yaml", Data: []byte(startupRules)})
	if err != nil {
		t.Fatal(err)
	}
	kr, _, err := newDocRules(k8saudit.Def(""), spec, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	k8s := &docWebhook{path: "/k8s-audit", rules: kr}
	cr, _, err := newDocRules(compute.Def(), spec, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs := &computeRun{rules: cr}
	for _, tc := range []struct {
		k8s  *docWebhook
		cs   *computeRun
		want string
	}{
		{nil, nil, "30 syscall rules, k8s_audit webhook off, compute sampler off"},
		{k8s, nil, "30 syscall rules, 2 k8s_audit rules (webhook on /k8s-audit), compute sampler off"},
		{nil, cs, "30 syscall rules, k8s_audit webhook off, 1 compute rule"},
		{k8s, cs, "30 syscall rules, 2 k8s_audit rules (webhook on /k8s-audit), 1 compute rule"},
	} {
		if got := rulesInEffect(30, tc.k8s, tc.cs); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
