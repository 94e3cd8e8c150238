package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// runToEnd runs peregrine in a process of its own and waits for its end
// (within agentDeadline: an agent that starts when it should not is
// killed, and the test fails).
func runToEnd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), agentDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PEREGRINE_TEST_AS_MAIN=1")
	var o, e syncBuffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("peregrine %v still ran after %v:\n%s", args, agentDeadline, e.String())
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// badLine is a line of a configuration file; when it holds a wrong
// value, the error names key and says msg, at the value's column.
type badLine struct {
	text, value, key, msg string
}

// TestAgentBadConfig gives `peregrine run` and `peregrine config validate`
// configurations with wrong types, negative sizes, bad URLs, values out of
// range and an unknown key: each wrong value is one error, with its
// file:line:col, the key and why, and the unknown key a warning with its
// line; run exits 1 without starting anything (no "watching", no web
// server, no output file created). A configuration whose values are right
// but whose output cannot start (a missing CA file) stops the agent before
// it watches or serves. The shipped deploy/peregrine.yaml validates with
// no warning; --strict fails on a warning; a bad --set is named as such.
func TestAgentBadConfig(t *testing.T) {
	testenv.Root(t)
	rulesPath := testenv.Shared(t, "upstream-rules/falco_rules.yaml")
	dir := t.TempDir()
	never := dir + "/never.jsonl"
	port := freePort(t)
	file := []badLine{
		{text: "rules_files: [" + rulesPath + "]"},
		{text: "json_output: maybe", value: "maybe", key: "json_output", msg: "want true or false"},
		{text: "outputs_queue:"},
		{text: "  capacity: -5", value: "-5", key: "outputs_queue.capacity", msg: "negative"},
		{text: "http_output:"},
		{text: "  enabled: true"},
		{text: `  url: "ftp://example.com/"`, value: `"ftp`, key: "http_output.url", msg: "is not an http:// or https:// URL"},
		{text: "  timeout: soon", value: "soon", key: "http_output.timeout", msg: "want a duration"},
		{text: "webserver:"},
		{text: "  enabled: true"},
		{text: "  listen_address: 127.0.0.1"},
		{text: fmt.Sprintf("  listen_port: %d", port)},
		{text: "  k8s_healthz_endpoint: healthz", value: "healthz", key: "webserver.k8s_healthz_endpoint", msg: "does not start with /"},
		{text: "priority: loud", value: "loud", key: "priority", msg: "is not a priority"},
		{text: "unknown_kee: 1"},
		{text: "file_output:"},
		{text: "  enabled: true"},
		{text: "  keep_alive: 3", value: "3", key: "file_output.keep_alive", msg: "want true or false"},
		{text: "  filename: " + never},
		{text: "peregrine:"},
		{text: "  docker: false"},
		{text: "  ring_size: 1000", value: "1000", key: "peregrine.ring_size", msg: "not a power of two"},
		{text: "  snaplen: 99999", value: "99999", key: "peregrine.snaplen", msg: "out of range"},
		{text: "  container_wait: -1s", value: "-1s", key: "peregrine.container_wait", msg: "negative"},
		{text: "syslog_output:"},
		{text: `  address: "udp://"`, value: `"udp`, key: "syslog_output.address", msg: "no host"},
		{text: "stdout_output:"},
		{text: "  enabled: [1]", value: "[1]", key: "stdout_output.enabled", msg: "got a list"},
		{text: "metrics:"},
		{text: "  interval: 10ms", value: "10ms", key: "metrics.interval", msg: "less than"},
	}
	var text strings.Builder
	var wantErrs []string // "path:line:col: key: "
	var wantMsgs []string
	bad := dir + "/bad.yaml"
	for i, l := range file {
		text.WriteString(l.text + "\n")
		if l.value != "" {
			wantErrs = append(wantErrs, fmt.Sprintf("%s:%d:%d: %s: ", bad, i+1, strings.LastIndex(l.text, l.value)+1, l.key))
			wantMsgs = append(wantMsgs, l.msg)
		}
	}
	writeFile(t, bad, text.String())
	unknown := fmt.Sprintf(`%s:%d:1: warning: unknown key "unknown_kee"`, bad, slices.IndexFunc(file, func(l badLine) bool { return l.text == "unknown_kee: 1" })+1)

	// checkErrors finds each expected error, once, among the lines of out
	// that start with a position in bad, and the unknown key's warning.
	checkErrors := func(t *testing.T, out string) {
		t.Helper()
		var got []string
		for _, l := range regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(bad)+`:\d+:\d+: .*$`).FindAllString(out, -1) {
			if !strings.Contains(l, ": warning: ") {
				got = append(got, l)
			}
		}
		if len(got) != len(wantErrs) {
			t.Errorf("%d errors, want %d:\n%s", len(got), len(wantErrs), strings.Join(got, "\n"))
		}
		for i, w := range wantErrs {
			found := false
			for _, g := range got {
				g = strings.Replace(g, ": error: ", ": ", 1)
				if strings.HasPrefix(g, w) && strings.Contains(g, wantMsgs[i]) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error %q (%s) in:\n%s", w, wantMsgs[i], out)
			}
		}
		if !strings.Contains(out, unknown) {
			t.Errorf("no warning %q in:\n%s", unknown, out)
		}
	}

	t.Run("run", func(t *testing.T) {
		stdout, stderr, code := runToEnd(t, "run", "-c", bad)
		if code != exitError {
			t.Errorf("exit %d, want %d", code, exitError)
		}
		checkErrors(t, stderr)
		checkNothingStarted(t, stdout, stderr, never)
	})

	t.Run("validate", func(t *testing.T) {
		stdout, stderr, code := peregrine(t, "config", "validate", "-c", bad)
		if code != exitError {
			t.Errorf("exit %d, want %d", code, exitError)
		}
		checkErrors(t, stdout)
		if want := fmt.Sprintf("peregrine: config validate: %d errors, 1 warnings\n", len(wantErrs)); stderr != want {
			t.Errorf("stderr %q, want %q", stderr, want)
		}
	})

	shipped := filepath.Join(testenv.ModuleRoot(t), "deploy", "peregrine.yaml")
	onlyUnknown := dir + "/unknown.yaml"
	writeFile(t, onlyUnknown, "stdout_output:\n  enabled: true\n  colour: blue\n")
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // lines, in order
	}{
		{name: "shipped", args: []string{"-c", shipped}, stdout: []string{"configuration is valid (0 warnings)"}},
		{name: "shipped strict", args: []string{"-c", shipped, "--strict"}, stdout: []string{"configuration is valid (0 warnings)"}},
		{
			name: "unknown key", args: []string{"-c", onlyUnknown},
			stdout: []string{onlyUnknown + `:3:3: warning: unknown key "stdout_output.colour"`, "configuration is valid (1 warnings)"},
		},
		{
			name: "unknown key strict", args: []string{"-c", onlyUnknown, "--strict"}, code: exitError,
			stdout: []string{onlyUnknown + `:3:3: warning: unknown key "stdout_output.colour"`},
		},
		{
			name: "bad set", args: []string{"-c", shipped, "--set", "outputs_queue.capacity=-1", "--set", "http_output.url=nope", "--set", "json_output=true"},
			code: exitError,
			stdout: []string{
				`--set "outputs_queue.capacity=-1": error: outputs_queue.capacity: -1 is negative`,
				`--set "http_output.url=nope": error: http_output.url: "nope" is not an http:// or https:// URL`,
			},
		},
		{name: "missing file", args: []string{"-c", dir + "/missing.yaml"}, code: exitError},
	} {
		t.Run("validate "+c.name, func(t *testing.T) {
			stdout, stderr, code := peregrine(t, append([]string{"config", "validate"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			if c.stdout != nil {
				if got := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(c.stdout, "\n") {
					t.Errorf("stdout:\n%s\nwant:\n%s", stdout, strings.Join(c.stdout, "\n"))
				}
			}
		})
	}

	// The agent refuses what validate refuses, naming the --set option.
	t.Run("run bad set", func(t *testing.T) {
		good := dir + "/good.yaml"
		writeFile(t, good, fmt.Sprintf("rules_files: [%s]\nperegrine: {docker: false}\nfile_output: {enabled: true, filename: %s}\n", rulesPath, never))
		stdout, stderr, code := runToEnd(t, "run", "-c", good, "--set", "http_output.url=nope", "--set", "http_output.enabled=true")
		if code != exitError || !strings.Contains(stderr, `--set "http_output.url=nope": http_output.url: "nope" is not an http:// or https:// URL`) {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
		checkNothingStarted(t, stdout, stderr, never)
	})

	// Right values, but an output that cannot start: nothing else starts.
	t.Run("run output cannot start", func(t *testing.T) {
		cfg := dir + "/tls.yaml"
		writeFile(t, cfg, fmt.Sprintf(`rules_files: [%s]
peregrine: {docker: false}
http_output: {enabled: true, url: "https://127.0.0.1:1/", ca_cert: %s/missing-ca.pem}
webserver: {enabled: true, listen_address: 127.0.0.1, listen_port: %d}
`, rulesPath, dir, port))
		stdout, stderr, code := runToEnd(t, "run", "-c", cfg)
		if code != exitError || !strings.Contains(stderr, "ca_cert") || !strings.Contains(stderr, dir+"/missing-ca.pem") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
		checkNothingStarted(t, stdout, stderr, "")
	})
}

// checkNothingStarted checks that a run that failed did not watch, serve,
// print an alert, or create the output file never ("" for none).
func checkNothingStarted(t *testing.T, stdout, stderr, never string) {
	t.Helper()
	for _, s := range []string{"watching", "web server on", "peregrine: output "} {
		if strings.Contains(stderr, s) {
			t.Errorf("the agent started (%q):\n%s", s, stderr)
		}
	}
	if stdout != "" {
		t.Errorf("standard output: %q", stdout)
	}
	if never != "" {
		if _, err := os.Stat(never); !os.IsNotExist(err) {
			t.Errorf("%s was created (%v)", never, err)
		}
	}
}
