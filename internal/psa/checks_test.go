package psa

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// checksOf returns the check IDs of a workload's violations at one level.
func checksOf(w *Workload, level api.Level) []string {
	var ids []string
	for _, v := range w.Violations {
		if v.Level == level && !slices.Contains(ids, v.Check) {
			ids = append(ids, v.Check)
		}
	}
	slices.Sort(ids)
	return ids
}

func workloads(r *Report) map[string]*Workload {
	out := map[string]*Workload{}
	for _, ns := range r.Namespaces {
		for _, w := range ns.Workloads {
			out[w.Name] = w
		}
	}
	return out
}

// TestBaselineChecks: each Baseline check fails on its pod and passes on
// its counterpart, and no other Baseline check fires.
func TestBaselineChecks(t *testing.T) {
	want := map[string][]string{
		"privileged-fail":          {"privileged"},
		"privileged-pass":          nil,
		"host-namespaces-fail":     {"hostNamespaces"},
		"host-namespaces-pass":     nil,
		"hostpath-fail":            {"hostPathVolumes"},
		"hostport-fail":            {"hostPorts"},
		"hostport-pass":            nil,
		"capabilities-fail":        {"capabilities_baseline"},
		"capabilities-pass":        nil,
		"seccomp-unconfined-fail":  {"seccompProfile_baseline"},
		"apparmor-annotation-fail": {"appArmorProfile"},
		"apparmor-field-fail":      {"appArmorProfile"},
		"apparmor-pass":            nil,
		"selinux-fail":             {"seLinuxOptions"},
		"selinux-pass":             nil,
		"procmount-fail":           {"procMount"},
		"procmount-pass":           nil,
		"sysctls-fail":             {"sysctls"},
		"sysctls-pass":             nil,
		"windows-hostprocess-fail": {"hostNamespaces", "windowsHostProcess"},
		"host-probe-fail":          {"hostProbesAndHostLifecycle"},
		"init-and-ephemeral-fail":  {"capabilities_baseline", "privileged"},
	}
	got := workloads(auditFile(t, newTestEvaluator(t), "baseline.yaml", Options{}))
	if len(got) != len(want) {
		t.Errorf("%d workloads, want %d", len(got), len(want))
	}
	for name, ids := range want {
		w, ok := got[name]
		if !ok {
			t.Errorf("%s: not audited", name)
			continue
		}
		if diff := cmp.Diff(ids, checksOf(w, api.LevelBaseline)); diff != "" {
			t.Errorf("%s: baseline checks (-want +got):\n%s", name, diff)
		}
		wantMeets := api.LevelBaseline
		if ids != nil {
			wantMeets = api.LevelPrivileged
		}
		if w.Meets != wantMeets {
			t.Errorf("%s: meets %s, want %s", name, w.Meets, wantMeets)
		}
	}
}

// TestRestrictedChecks: each Restricted check fails alone on its pod.
func TestRestrictedChecks(t *testing.T) {
	want := map[string][]string{
		"restricted-pass":         nil,
		"escalation-fail":         {"allowPrivilegeEscalation"},
		"runasnonroot-unset-fail": {"runAsNonRoot"},
		"runasnonroot-false-fail": {"runAsNonRoot"},
		"runasuser-root-fail":     {"runAsUser"},
		"seccomp-unset-fail":      {"seccompProfile_restricted"},
		"seccomp-container-pass":  nil,
		"capabilities-fail":       {"capabilities_restricted"},
		"volumes-fail":            {"restrictedVolumes"},
		"procmount-userns-fail":   {"procMount_restricted"},
	}
	got := workloads(auditFile(t, newTestEvaluator(t), "restricted.yaml", Options{}))
	for name, ids := range want {
		w := got[name]
		if w == nil {
			t.Errorf("%s: not audited", name)
			continue
		}
		if b := checksOf(w, api.LevelBaseline); b != nil {
			t.Errorf("%s: fails baseline checks %v", name, b)
		}
		if diff := cmp.Diff(ids, checksOf(w, api.LevelRestricted)); diff != "" {
			t.Errorf("%s: restricted checks (-want +got):\n%s", name, diff)
		}
		// The namespace enforces restricted: failing pods are rejected
		// and their violations are high.
		rejected := ids != nil
		if len(w.Admission) == 0 || w.Admission[0].Mode != "enforce" || w.Admission[0].Allowed == rejected {
			t.Errorf("%s: admission %+v, want enforce rejected=%v", name, w.Admission, rejected)
		}
		for _, v := range w.Violations {
			if v.Severity != SeverityHigh {
				t.Errorf("%s: %s severity %s, want high in a namespace enforcing restricted", name, v.Check, v.Severity)
			}
		}
	}
}

// TestEveryCheckLocated: every check of the library fails somewhere in the
// corpus, and every failure is pointed at a field below the pod spec or
// its annotations, never at the whole spec.
func TestEveryCheckLocated(t *testing.T) {
	e := newTestEvaluator(t)
	failed := map[string]bool{}
	for _, tc := range goldenCases {
		r := auditFile(t, e, tc.name, tc.opt)
		for _, ns := range r.Namespaces {
			for _, w := range ns.Workloads {
				for _, v := range w.Violations {
					failed[v.Check] = true
					if v.Path == "spec" || v.Path == "spec.template.spec" || v.Path == "template.spec" || v.Fix == "" {
						t.Errorf("%s %s: %s not located (path %q, fix %q)", tc.name, w.Name, v.Check, v.Path, v.Fix)
					}
				}
			}
		}
	}
	for _, c := range policy.DefaultChecks() {
		if !failed[string(c.ID)] {
			t.Errorf("check %s fails nowhere in the corpus", c.ID)
		}
		if _, ok := locators[c.ID]; !ok {
			t.Errorf("check %s has no locator", c.ID)
		}
	}
}

// TestVersions: the namespace's enforce-version decides which checks and
// which safe sets apply.
func TestVersions(t *testing.T) {
	e := newTestEvaluator(t)
	in, err := Load([]string{"testdata/manifests/baseline.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pod := func(name string) *PodTemplate {
		for _, o := range in.Objects {
			if o.Name == name {
				return o.Pod
			}
		}
		t.Fatalf("no %s", name)
		return nil
	}
	v := func(s string) api.Version {
		ver, err := api.ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		return ver
	}
	tests := []struct {
		pod, version string
		want         []string // baseline failures, as check:path
	}{
		// tcp_keepalive_time joined the safe set in 1.29.
		{"sysctls-pass", "v1.28", []string{"sysctls:spec.securityContext.sysctls[1].name"}},
		{"sysctls-pass", "v1.29", nil},
		{"sysctls-fail", "latest", []string{"sysctls:spec.securityContext.sysctls[1].name", "sysctls:spec.securityContext.sysctls[2].name"}},
		// host probes are checked from 1.34 on.
		{"host-probe-fail", "v1.33", nil},
		{"host-probe-fail", "v1.34", []string{
			"hostProbesAndHostLifecycle:spec.containers[0].livenessProbe.httpGet.host",
			"hostProbesAndHostLifecycle:spec.containers[0].lifecycle.preStop.tcpSocket.host",
		}},
	}
	for _, tc := range tests {
		p := pod(tc.pod)
		var got []string
		for _, f := range e.Evaluate(api.LevelVersion{Level: api.LevelBaseline, Version: v(tc.version)}, p.Meta, p.Spec) {
			for _, loc := range e.Locate(f, v(tc.version), p) {
				got = append(got, string(f.Check)+":"+loc.Path)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s at %s (-want +got):\n%s", tc.pod, tc.version, diff)
		}
	}
}
