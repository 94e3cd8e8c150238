package psa

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/pod-security-admission/api"
)

func TestSplitPath(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"spec.containers[1].securityContext.privileged", []string{"spec", "containers", "1", "securityContext", "privileged"}},
		{"spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]",
			[]string{"spec", "template", "metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"}},
		{"spec.volumes[0]", []string{"spec", "volumes", "0"}},
		{"spec[", []string{"spec", ""}},
		{"", nil},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, splitPath(tc.path)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.path, diff)
		}
	}
}

// TestViolationLines: a violation points at the line of its field, or of
// the closest parent when the field is to be added, in YAML documents,
// YAML List items and JSON.
func TestViolationLines(t *testing.T) {
	e := newTestEvaluator(t)
	tests := []struct {
		file, workload, path string
		line                 int
	}{
		{"baseline.yaml", "privileged-fail", "spec.containers[1].securityContext.privileged", 20},
		{"baseline.yaml", "apparmor-annotation-fail", "metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]", 116},
		{"baseline.yaml", "sysctls-fail", "spec.securityContext.sysctls[1].name", 185},
		// allowPrivilegeEscalation is missing: the container's line.
		{"baseline.yaml", "privileged-fail", "spec.containers[0].securityContext.allowPrivilegeEscalation", 16},
		{"list.yaml", "checkout-7d9f8b6c5-x2x9q", "spec.volumes[0].hostPath", 94},
		{"list.json", "json-pod", "spec.containers[0].securityContext.privileged", 11},
		{"kinds.yaml", "backup", "spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsUser", 79},
		{"errors.yaml", "good-after", "spec.hostIPC", 50},
	}
	for _, tc := range tests {
		w := workloads(auditFile(t, e, tc.file, Options{}))[tc.workload]
		if w == nil {
			t.Fatalf("%s: no workload %s", tc.file, tc.workload)
		}
		got := 0
		for _, v := range w.Violations {
			if v.Path == tc.path {
				got = v.Line
			}
		}
		if got != tc.line {
			t.Errorf("%s %s %s: line %d, want %d", tc.file, tc.workload, tc.path, got, tc.line)
		}
	}
}

// presentFields are the checks whose violations are always fields present
// in the manifest (the others may name a field the fix must add).
var presentFields = map[string]bool{
	"windowsHostProcess": true, "hostNamespaces": true, "privileged": true, "capabilities_baseline": true,
	"hostPathVolumes": true, "hostPorts": true, "hostProbesAndHostLifecycle": true, "appArmorProfile": true,
	"seLinuxOptions": true, "procMount": true, "procMount_restricted": true, "seccompProfile_baseline": true,
	"sysctls": true, "restrictedVolumes": true, "runAsUser": true,
}

// TestPathsExist: the path of a violation of a check about a present field
// resolves, key by key and index by index, in the manifest's text.
func TestPathsExist(t *testing.T) {
	e := newTestEvaluator(t)
	checked := 0
	for _, tc := range goldenCases {
		in, err := Load([]string{"testdata/manifests/" + tc.name}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range in.Objects {
			if o.Pod == nil {
				continue
			}
			for _, level := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
				for _, f := range e.Evaluate(api.LevelVersion{Level: level, Version: api.LatestVersion()}, o.Pod.Meta, o.Pod.Spec) {
					if !presentFields[string(f.Check)] {
						continue
					}
					for _, loc := range e.Locate(f, api.LatestVersion(), o.Pod) {
						checked++
						n, _ := o.Pod.node()
						for _, seg := range splitPath(loc.Path) {
							if n, _ = child(n, seg); n == nil {
								t.Errorf("%v %s: %s: %s does not resolve at %q", o.Source, o.Name, f.Check, loc.Path, seg)
								break
							}
						}
					}
				}
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d paths checked", checked)
	}
}
