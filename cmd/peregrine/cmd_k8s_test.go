package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// psaManifest is the psa package's corpus of manifests.
func psaManifest(name string) string {
	return filepath.Join("..", "..", "internal", "psa", "testdata", "manifests", name)
}

const restrictedOnly = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: restricted}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - {name: api, image: api, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}
`

func TestPSAAuditExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		stdin      string
		args       []string
		code       int
		stdout     []string // substrings of stdout
		stderr     string   // substring of stderr
		noStdout   bool
		wantStderr bool
	}{
		{
			name: "clean manifests pass", stdin: restrictedOnly,
			args:   []string{"k8s", "audit", "-"},
			code:   exitOK,
			stdout: []string{"namespace shop (-:1): enforce=restricted:latest", "Deployment api (-:7 document 2): meets restricted at latest", "enforce restricted:latest: allowed"},
		},
		{
			name: "baseline violations fail by default",
			args: []string{"k8s", "audit", psaManifest("kinds.yaml")},
			code: exitError, stderr: "k8s audit: 7 findings at or above high",
			stdout: []string{"[high] baseline privileged at spec.template.spec.containers[1].securityContext.privileged"},
		},
		{
			name: "fail-on never", args: []string{"k8s", "audit", "--fail-on", "never", psaManifest("kinds.yaml")},
			code: exitOK,
		},
		{
			name: "fail-on medium counts restricted violations",
			args: []string{"k8s", "audit", "--fail-on", "medium", psaManifest("helm.yaml")},
			code: exitError, stderr: "k8s audit: 8 findings at or above medium",
		},
		{
			name: "helm output through stdin, medium findings pass the default threshold",
			args: []string{"k8s", "audit", "-"}, stdin: psaRead(t, psaManifest("helm.yaml")),
			code: exitOK, stdout: []string{"Deployment release-webapp (-:27 document 3): meets baseline", "2 objects skipped"},
		},
		{
			name: "broken documents: the rest is audited, the exit code says so",
			args: []string{"k8s", "audit", "--fail-on", "never", psaManifest("errors.yaml")},
			code: exitError, stderr: "k8s audit: 7 documents could not be audited",
			stdout: []string{"Pod good-after", "errors.yaml:18 document 3: unknown kind Widget (apiVersion example.com/v1): not audited"},
		},
		{
			name: "required namespaces by selector",
			args: []string{"k8s", "audit", "--require", "restricted", "--namespace-selector", "env=production", "--fail-on", "never", psaManifest("namespaces.yaml")},
			code: exitOK, stdout: []string{"[high] namespaceEnforceWeaker: namespace prod-web enforces baseline, weaker than the required restricted", "[high] namespaceNoEnforce: namespace prod-batch"},
		},
		{name: "no paths", args: []string{"k8s", "audit"}, code: exitUsage, stderr: "give at least one manifest"},
		{name: "bad output", args: []string{"k8s", "audit", "-o", "xml", "-"}, code: exitUsage, stderr: `-o "xml": want text, json or sarif`},
		{name: "bad fail-on", args: []string{"k8s", "audit", "--fail-on", "critical", "-"}, code: exitUsage, stderr: `--fail-on: severity "critical"`},
		{name: "bad require", args: []string{"k8s", "audit", "--require", "strict", "-"}, code: exitUsage, stderr: `--require "strict"`},
		{name: "pattern without require", args: []string{"k8s", "audit", "--namespace-pattern", "prod-*", "-"}, code: exitUsage, stderr: "give --require too"},
		{name: "bad selector", args: []string{"k8s", "audit", "--require", "baseline", "--namespace-selector", "production", "-"}, code: exitUsage, stderr: `namespace selector "production": want key=value`},
		{name: "missing file", args: []string{"k8s", "audit", "/nonexistent/x.yaml"}, code: exitError, stderr: "k8s audit: read manifests: stat /nonexistent/x.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := peregrineIn(t, []byte(tc.stdin), tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if tc.stderr != "" && !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.stderr == "" && stderr != "" {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
		})
	}
}

func psaRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestPSAAuditDirectoryJSON(t *testing.T) {
	stdout, _, code := peregrine(t, "k8s", "audit", "-o", "json", "--fail-on", "never", filepath.Dir(psaManifest("x")))
	if code != exitError { // errors.yaml is in the directory
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	var r struct {
		Namespaces []struct {
			Name      string `json:"name"`
			Workloads []struct {
				Kind string `json:"kind"`
			} `json:"workloads"`
		} `json:"namespaces"`
		Errors  []struct{ File, Error string } `json:"errors"`
		Summary struct {
			Workloads int `json:"workloads"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	kinds := map[string]bool{}
	for _, ns := range r.Namespaces {
		for _, w := range ns.Workloads {
			kinds[w.Kind] = true
		}
	}
	for _, k := range []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController", "PodTemplate"} {
		if !kinds[k] {
			t.Errorf("no %s audited in the directory", k)
		}
	}
	if len(r.Errors) != 7 || r.Errors[0].File != psaManifest("errors.yaml") {
		t.Errorf("errors = %+v, want the 7 of errors.yaml", r.Errors)
	}
}

func TestPSAAuditSARIF(t *testing.T) {
	stdout, _, code := peregrine(t, "k8s", "audit", "-o", "sarif", psaManifest("kinds.yaml"))
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 43 {
		t.Errorf("version %q, %d runs, results %+v; want 2.1.0, 1 run, 43 results", log.Version, len(log.Runs), log.Runs)
	}
}

func TestPSALabelPlan(t *testing.T) {
	manifests := psaManifest("namespaces.yaml")
	tests := []struct {
		name    string
		args    []string
		code    int
		want    []string
		notWant []string
		stderr  string
	}{
		{
			name: "kubectl commands for a pattern",
			args: []string{"--level", "restricted", "--namespace-pattern", "prod-*", manifests},
			code: exitOK,
			want: []string{
				"# Enforce Pod Security level restricted (version latest) on 3 namespaces; 3 workloads would have their pods rejected.",
				"kubectl label --overwrite namespace prod-web pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest\n",
				"# namespace prod-payments: enforces restricted:v1.24 now",
				"#   Deployment ledger (" + manifests + ":59 document 7), meets baseline:",
				"#     allowPrivilegeEscalation: allowPrivilegeEscalation != false at spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation (line 68); fix: set allowPrivilegeEscalation: false in container \"ledger\"",
			},
			notWant: []string{"namespace dev", "Deployment api "},
		},
		{
			name: "baseline at a pinned version for one namespace, YAML",
			args: []string{"--level", "baseline", "--version", "v1.30", "--namespace", "prod-batch", "-o", "yaml", manifests},
			code: exitOK,
			want: []string{
				"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod-batch\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.30\n",
				"#   Job nightly (" + manifests + ":81 document 9), meets privileged:",
				"#     privileged: privileged at spec.template.spec.containers[0].securityContext.privileged (line 89)",
			},
			notWant: []string{"allowPrivilegeEscalation", "kubectl label"},
		},
		{
			name: "a namespace not in the manifests",
			args: []string{"--level", "restricted", "--namespace", "payments", manifests},
			code: exitOK,
			want: []string{"# namespace payments: not in the manifests; its current labels are unknown", "# all 0 workloads in the manifests would be admitted"},
		},
		{name: "no level", args: []string{manifests}, code: exitUsage, stderr: "--level is required"},
		{name: "bad version", args: []string{"--level", "baseline", "--version", "1.30", manifests}, code: exitUsage, stderr: `--version "1.30": must be "latest" or "v1.x"`},
		{name: "both selections", args: []string{"--level", "baseline", "--namespace", "a", "--namespace-pattern", "b*", manifests}, code: exitUsage, stderr: "not both"},
		{name: "bad output", args: []string{"--level", "baseline", "-o", "json", manifests}, code: exitUsage, stderr: `-o "json": want kubectl or yaml`},
		{
			name: "broken documents are reported, the plan still printed",
			args: []string{"--level", "baseline", psaManifest("errors.yaml")},
			code: exitError, want: []string{"kubectl label --overwrite namespace errors", "#   Pod good-after"},
			stderr: "errors.yaml:18 document 3: unknown kind Widget",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := peregrine(t, append([]string{"k8s", "label-plan"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			for _, s := range tc.want {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.notWant {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout has %q:\n%s", s, stdout)
				}
			}
			if tc.stderr != "" && !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
		})
	}
}
