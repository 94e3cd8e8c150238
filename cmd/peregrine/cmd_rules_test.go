package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

func TestRulesValidateUpstream(t *testing.T) {
	dir := testenv.Shared(t, "upstream-rules")
	out, stderr, code := peregrine(t, "rules", "validate", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, stderr)
	}
	if want := "valid: 163 rules, 360 macros, 137 lists; 0 errors, 0 warnings\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

func TestRulesValidateErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(`- rule: r
  desc: d
  condition: evt.type = open and proc.nam = x
  output: o
  priority: WARNING
- macro: m
  condition: proc.name = x
`), 0o644)
	warn := filepath.Join(dir, "warn.yaml")
	os.WriteFile(warn, []byte(`- rule: r
  desc: d
  condition: proc.name = x
  output: o
  priority: WARNING
`), 0o644)
	tests := []struct {
		args []string
		code int
		out  []string
	}{
		{[]string{bad}, exitError, []string{bad + ":3:34: error: rule \"r\": unknown field proc.nam", bad + ":6:3: warning: macro \"m\" is not used", "invalid: 1 rules, 1 macros, 0 lists; 1 errors, 1 warnings"}},
		{[]string{warn}, exitOK, []string{"warning: rule \"r\" matches too many event types", "valid: 1 rules"}},
		{[]string{warn, "--strict"}, exitError, []string{"1 warnings"}},
		{[]string{filepath.Join(dir, "missing.yaml")}, exitError, []string{"missing.yaml"}},
	}
	for _, tt := range tests {
		out, stderr, code := peregrine(t, append([]string{"rules", "validate"}, tt.args...)...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d: %s%s", tt.args, code, tt.code, out, stderr)
		}
		for _, w := range tt.out {
			if !strings.Contains(out+stderr, w) {
				t.Errorf("%v: output lacks %q:\n%s%s", tt.args, w, out, stderr)
			}
		}
	}
	out, _, _ := peregrine(t, "rules", "validate", "-o", "json", bad)
	var res struct {
		Rules       int
		Diagnostics []struct {
			File, Severity, Message string
			Line, Column            int
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Rules != 1 || len(res.Diagnostics) != 2 || res.Diagnostics[0].Line != 3 || res.Diagnostics[0].Column != 34 {
		t.Fatalf("json: %+v", res)
	}
	if _, _, code := peregrine(t, "rules", "validate"); code != exitUsage {
		t.Errorf("no path: exit %d", code)
	}
}

func TestRulesList(t *testing.T) {
	path := testenv.Shared(t, "upstream-rules/falco_rules.yaml")
	out, stderr, code := peregrine(t, "rules", "list", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 26 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	if !strings.Contains(out, "Terminal shell in container") || !strings.Contains(out, "execve,execveat") {
		t.Fatalf("listing:\n%s", out)
	}
	out, _, _ = peregrine(t, "rules", "list", "-o", "json", "--source", "k8s_audit", testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml"))
	var list []struct {
		Name, Source string
		Enabled      bool
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 48 || list[0].Source != "k8s_audit" {
		t.Fatalf("%d rules, first %+v", len(list), list[0])
	}
}
