package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"peregrine/internal/forensics"
	"peregrine/internal/testenv"
)

func TestForensicsUsage(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "none.sock"))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"collect without case", []string{"forensics", "collect", "x", "--out", t.TempDir()}, exitUsage, "--case and --out"},
		{"collect bad format", []string{"forensics", "collect", "x", "--case", "c", "--out", "o", "-o", "xml"}, exitUsage, "xml"},
		{"collect no container", []string{"forensics", "collect", "--case", "c", "--out", "o"}, exitUsage, "arg"},
		{"audit bad threshold", []string{"forensics", "audit", "x", "--fail-on", "severe"}, exitUsage, "severe"},
		{"verify no dir", []string{"forensics", "verify"}, exitUsage, "arg"},
		{"collect engine unreachable", []string{"forensics", "collect", "x", "--case", "c", "--out", filepath.Join(t.TempDir(), "o")}, exitError, "does not answer"},
		{"audit engine unreachable", []string{"forensics", "audit", "x"}, exitError, "does not answer"},
		{"verify not a bundle", []string{"forensics", "verify", t.TempDir()}, exitError, "manifest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := peregrine(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d; stderr %q, want %q in it", code, tt.code, stderr, tt.want)
			}
		})
	}
}

func TestForensicsCollectVerify(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	t.Setenv("DOCKER_HOST", d.Host)
	img := d.Image(t, "forensics-sleeper", nil)
	id := d.Run(t, nil, img, "sh", "-c", "echo evidence; exec sleep 100000")
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(d.Docker(t, "logs", id), "evidence") {
		if time.Now().After(deadline) {
			t.Fatal("the container printed nothing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	out := filepath.Join(t.TempDir(), "bundle")

	stdout, stderr, code := peregrine(t, "forensics", "collect", id[:12], "--case", "CASE-1", "--out", out, "--pause", "-o", "json")
	if code != exitOK {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	var s collectSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("%v: %q", err, stdout)
	}
	if !s.Complete || s.Case != "CASE-1" || s.Bundle != out || len(s.Containers) != 1 || s.Containers[0].ID != id ||
		!s.Containers[0].Paused || s.Artifacts < 20 || s.Bytes == 0 {
		t.Errorf("summary %+v", s)
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("progress written to a stderr that is not a terminal: %q", stderr)
	}
	if st := d.Docker(t, "inspect", "-f", "{{.State.Status}}", id); st != "running" {
		t.Errorf("state %q after --pause", st)
	}

	stdout, stderr, code = peregrine(t, "forensics", "verify", out)
	if code != exitOK || !strings.Contains(stdout, "OK:") {
		t.Fatalf("verify: exit %d: %s %s", code, stdout, stderr)
	}
	// A second collection into the same directory is refused.
	if _, stderr, code := peregrine(t, "forensics", "collect", id, "--case", "CASE-1", "--out", out); code != exitError || !strings.Contains(stderr, "not empty") {
		t.Errorf("collect into a full directory: exit %d: %s", code, stderr)
	}
	if _, stderr, code := peregrine(t, "forensics", "collect", "peregrine-no-such-container", "--case", "C", "--out", filepath.Join(t.TempDir(), "x")); code != exitError ||
		!strings.Contains(stderr, "peregrine-no-such-container: no such container") {
		t.Errorf("unknown container: exit %d: %s", code, stderr)
	}

	// A copy with one byte changed fails, in text and JSON.
	cp := filepath.Join(t.TempDir(), "copy")
	if b, err := exec.Command("cp", "-a", out, cp).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, b)
	}
	dir := s.Containers[0].Dir
	logPath := filepath.Join(cp, dir, "logs", "stdout.log")
	if err := os.Chmod(filepath.Dir(logPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(logPath, 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(logPath)
	if err != nil || !strings.Contains(string(data), "evidence") {
		t.Fatalf("log %q %v", data, err)
	}
	if err := os.WriteFile(logPath, []byte(strings.Replace(string(data), "evidence", "evidencf", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = peregrine(t, "forensics", "verify", cp)
	if code != exitError || !strings.Contains(stdout, "CHANGED  "+dir+"/logs/stdout.log") || !strings.Contains(stderr, "1 changed") {
		t.Errorf("verify of a changed copy: exit %d: %s %s", code, stdout, stderr)
	}
	stdout, _, code = peregrine(t, "forensics", "verify", cp, "-o", "json")
	var r struct {
		OK      bool `json:"ok"`
		Changed []forensics.Mismatch
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != exitError || r.OK || len(r.Changed) != 1 {
		t.Errorf("verify -o json: exit %d, %v: %s", code, err, stdout)
	}
}

func TestForensicsAudit(t *testing.T) {
	d := testenv.Docker(t)
	t.Setenv("DOCKER_HOST", d.Host)
	img := d.Image(t, "forensics-sleeper", nil)
	risky := d.Run(t, []string{"--cap-add", "SYS_PTRACE", "-e", "DB_PASSWORD=hunter2"}, img, "sleep", "100000")
	hard := d.Run(t, []string{"--user", "1000", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"}, img, "sleep", "100000")

	stdout, stderr, code := peregrine(t, "forensics", "audit", risky)
	if code != exitError || !strings.Contains(stdout, "HIGH") || !strings.Contains(stdout, "SYS_PTRACE") ||
		!strings.Contains(stdout, "DB_PASSWORD") || strings.Contains(stdout, "hunter2") || !strings.Contains(stderr, "at or above HIGH") {
		t.Errorf("audit risky: exit %d:\n%s%s", code, stdout, stderr)
	}
	if _, _, code := peregrine(t, "forensics", "audit", risky, "--fail-on", "critical"); code != exitOK {
		t.Errorf("--fail-on critical: exit %d", code)
	}
	if _, _, code := peregrine(t, "forensics", "audit", risky, "--fail-on", "none"); code != exitOK {
		t.Errorf("--fail-on none: exit %d", code)
	}
	if _, stderr, code := peregrine(t, "forensics", "audit", hard); code != exitOK {
		t.Errorf("audit hardened: exit %d: %s", code, stderr)
	}
	stdout, _, code = peregrine(t, "forensics", "audit", hard, risky, "-o", "json", "--fail-on", "medium")
	var reports []forensics.AuditReport
	if err := json.Unmarshal([]byte(stdout), &reports); err != nil || code != exitError || len(reports) != 2 {
		t.Fatalf("audit -o json: exit %d, %v: %s", code, err, stdout)
	}
	if reports[0].Highest != forensics.Medium || reports[1].Highest != forensics.High {
		t.Errorf("highest %v and %v", reports[0].Highest, reports[1].Highest)
	}
	if _, stderr, code := peregrine(t, "forensics", "audit", "peregrine-no-such-container"); code != exitError || !strings.Contains(stderr, "no such container") {
		t.Errorf("unknown container: exit %d: %s", code, stderr)
	}
}

// TestForensicsTextPrintable: names that come from a bundle or a
// container (a file added to the bundle, a mount path) reach the terminal
// with their control characters escaped.
func TestForensicsTextPrintable(t *testing.T) {
	evil := "x\x1b]0;owned\x07\nOK: forged"
	var out strings.Builder
	if err := printVerify(&out, "text", &forensics.VerifyReport{Dir: "b", Case: "c\x1b[2J", Extra: []string{evil}}); err != nil {
		t.Fatal(err)
	}
	reports := []forensics.AuditReport{{Name: "n", Image: "img\x1b[1A", Findings: []forensics.Finding{{Severity: forensics.High, Check: "c", Message: "mounted at " + evil}}}}
	if err := printAudit(&out, "text", reports); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.ContainsAny(s, "\x1b\x07") || strings.Contains(s, "\nOK: forged") {
		t.Errorf("control characters reach the terminal:\n%q", s)
	}
	if !strings.Contains(s, `EXTRA    x\x1b]0;owned\x07\x0aOK: forged`) {
		t.Errorf("extra file not shown escaped:\n%s", s)
	}
}

// TestIsTerminal: progress goes to a terminal only, not to a pipe, a
// file or /dev/null.
func TestIsTerminal(t *testing.T) {
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		testenv.Missing(t, "a pseudo-terminal: %v", err)
	}
	defer pty.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, tt := range []struct {
		name string
		w    io.Writer
		want bool
	}{
		{"pseudo-terminal", pty, true},
		{"/dev/null", null, false},
		{"file", file, false},
		{"pipe", w, false},
		{"buffer", &strings.Builder{}, false},
	} {
		if got := isTerminal(tt.w); got != tt.want {
			t.Errorf("%s: isTerminal %v, want %v", tt.name, got, tt.want)
		}
	}
}
