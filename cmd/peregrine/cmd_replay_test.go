package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

var pspRules = filepath.Join("..", "..", "internal", "engine", "testdata", "psp_2019.yaml")

func TestReplay(t *testing.T) {
	capture := testenv.Shared(t, "captures/falco_psp_write_tmp_test.scap")
	out, stderr, code := peregrine(t, "replay", "-r", capture, "--rules", pspRules)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The container fields are appended by default, from the capture's
	// container event; container.id, which the rule prints already, once.
	if !strings.HasSuffix(out, ": Warning File below /tmp opened for writing (user=root command=bash file=/tmp/test container=697956520d89)"+
		" container_name=hopeful_taussig container_image_repository=nginx\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("alerts:\n%s", out)
	}
	bare, _, _ := peregrine(t, "replay", "-q", "-r", capture, "--rules", pspRules, "--append-output", "")
	if !strings.HasSuffix(bare, "file=/tmp/test container=697956520d89)\n") {
		t.Fatalf("--append-output '': %s", bare)
	}
	if !strings.Contains(stderr, "229 events, 1 alerts") || !strings.Contains(stderr, "Write below tmp") {
		t.Fatalf("summary:\n%s", stderr)
	}
	out, stderr, code = peregrine(t, "replay", "-q", "-o", "json", "-r", capture, "--rules", pspRules)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var a struct {
		Rule, Priority, Source, Output string
		OutputFields                   map[string]any `json:"output_fields"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Rule != "Write below tmp" || a.Priority != "Warning" || a.Source != "syscall" || a.OutputFields["fd.name"] != "/tmp/test" ||
		a.OutputFields["container.name"] != "hopeful_taussig" {
		t.Fatalf("alert %+v", a)
	}
}

func TestReplayDefaultRules(t *testing.T) {
	t.Setenv("PEREGRINE_RULES", pspRules)
	_, stderr, code := peregrine(t, "replay", "-r", testenv.Shared(t, "captures/falco_psp_privileged.scap"))
	if code != 0 || !strings.Contains(stderr, "rules from "+pspRules) || !strings.Contains(stderr, "1 alerts") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// Without --rules, $PEREGRINE_RULES or /etc/peregrine/rules.d, replay
// runs Peregrine's own rules, embedded in the binary.
func TestReplayEmbeddedRules(t *testing.T) {
	if _, err := os.Stat("/etc/peregrine/rules.d"); err == nil {
		t.Skip("/etc/peregrine/rules.d exists on this machine and comes first")
	}
	t.Setenv("PEREGRINE_RULES", "")
	_, stderr, code := peregrine(t, "replay", "-r", testenv.Shared(t, "captures/falco_psp_write_tmp_test.scap"))
	if code != 0 || !strings.Contains(stderr, "rules from "+embeddedRules) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	spec, diags, err := loadRuleFiles([]string{embeddedRules})
	if err != nil || len(diags) != 0 {
		t.Fatalf("embedded rules: %v %v", err, diags)
	}
	if len(spec.Rules) < 30 {
		t.Errorf("embedded rules: %d rules, want the 30 or more of rules/", len(spec.Rules))
	}
}

func TestReplayErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("- rule: r\n  desc: d\n  condition: proc.nam = x\n  output: o\n  priority: WARNING\n"), 0o644)
	capture := testenv.Shared(t, "captures/falco_empty.scap")
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"replay"}, exitUsage, "-r FILE is required"},
		{[]string{"replay", "-r", capture, "--rules", pspRules, "--priority", "loud"}, exitUsage, "--priority"},
		{[]string{"replay", "-r", capture, "--rules", pspRules, "--rule-matching", "some"}, exitUsage, "--rule-matching"},
		{[]string{"replay", "-r", capture, "--rules", pspRules, "--append-output", "pod=%k8s.pod.nam"}, exitError, `append output "pod=%k8s.pod.nam"`},
		{[]string{"replay", "-r", capture, "--rules", bad}, exitError, bad + ":3:14: error: rule \"r\": unknown field proc.nam"},
		{[]string{"replay", "-r", filepath.Join(dir, "none.scap"), "--rules", pspRules}, exitError, "no such file"},
	}
	for _, tt := range tests {
		_, stderr, code := peregrine(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%v: exit %d, %q; want %d with %q", tt.args, code, stderr, tt.code, tt.stderr)
		}
	}
}
