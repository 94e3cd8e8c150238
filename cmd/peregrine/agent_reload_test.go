package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"peregrine/internal/testenv"
)

// markerRules is a rules file of one rule, "Test open marker NAME", that
// matches opening a file whose name starts with prefix.
func markerRules(name, prefix string) string {
	return fmt.Sprintf(`- rule: Test open marker %[1]s
  desc: a file whose name starts with the test's marker is opened
  condition: evt.type in (open, openat, openat2) and fd.name startswith "%[2]s"
  output: "marker %[1]s opened (file=%%fd.name process=%%proc.name)"
  priority: WARNING
  tags: [peregrine_test]
`, name, prefix)
}

// brokenRules does not parse: the condition's parenthesis is not closed.
const brokenRules = `- rule: Test open marker broken
  desc: a condition that does not parse
  condition: evt.type in (open, openat and fd.name startswith "/x"
  output: "never (file=%fd.name)"
  priority: WARNING
`

// touch opens (creates) path, which the marker rules see.
func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

// alertedFor reports whether a JSON alert of the rule for the file path
// was printed.
func alertedFor(out, rule, path string) bool {
	for l := range strings.Lines(out) {
		if strings.Contains(l, `"rule":"`+rule+`"`) && strings.Contains(l, `"fd.name":"`+path+`"`) {
			return true
		}
	}
	return false
}

// reloadConfig is the configuration of TestAgentReload, with
// peregrine.container_wait wait; extra is added at the end.
func reloadConfig(rulesPath string, watch bool, port int, wait, extra string) string {
	return fmt.Sprintf(`rules_files: [%s]
json_output: true
peregrine: {docker: false, ring_size: 67108864, container_wait: %s}
watch_config_files: %t
webserver: {enabled: true, listen_address: 127.0.0.1, listen_port: %d, prometheus_metrics_enabled: true}
metrics: {enabled: true, output_rule: false}
%s`, rulesPath, wait, watch, port, extra)
}

// reloadsDone waits until the agent has logged n reloads. Meanwhile it
// keeps the host busy with opens of busy (a path neither rule matches):
// a live reload switches rules at the first event the capture stamps
// after it widened its filter, so on a quiet host it waits for one.
func reloadsDone(t *testing.T, lc *liveCmd, n int, busy, what string) {
	t.Helper()
	waitFor(t, lc, agentDeadline, what, func() bool {
		touch(t, busy)
		return strings.Count(lc.stderr.String(), "msg=reloaded ") >= n
	})
	if got := strings.Count(lc.stderr.String(), "msg=reloaded "); got != n {
		t.Fatalf("%d reloads, want %d:\n%s", got, n, lc.stderr.String())
	}
}

// TestAgentReload changes the rules and the configuration of a running
// agent. With SIGHUP: a rules file that does not parse is refused (logged,
// with the file) and the rules in effect keep alerting; a new rule
// replaces the old one from the next event on (an open of A's file before
// one of B's: only B's alerts); a configuration that enables file_output
// takes effect (the file receives the next alert) and a change that needs
// a restart is named; /metrics counts the reloads and the new rule's
// matches. With watch_config_files: changing the rules file, then the
// configuration file, without a signal, does the same.
func TestAgentReload(t *testing.T) {
	testenv.Root(t)
	t.Run("sighup", func(t *testing.T) {
		dir := t.TempDir()
		rulesPath, cfgPath, alertsPath := dir+"/rules.yaml", dir+"/peregrine.yaml", dir+"/alerts.jsonl"
		a, b, busy := dir+"/A-", dir+"/B-", dir+"/busy"
		port := freePort(t)
		writeFile(t, rulesPath, markerRules("A", a))
		writeFile(t, cfgPath, reloadConfig(rulesPath, false, port, "250ms", ""))
		lc := startPeregrine(t, "watching", "run", "-c", cfgPath)
		stdout := func() string { return lc.stdout.String() }

		touch(t, a+"1")
		waitFor(t, lc, agentDeadline, "rule A alerts", func() bool { return alertedFor(stdout(), "Test open marker A", a+"1") })

		writeFile(t, rulesPath, brokenRules)
		lc.signal(t, syscall.SIGHUP)
		waitFor(t, lc, agentDeadline, "the broken rules refused", func() bool { return strings.Contains(lc.stderr.String(), "reload refused") })
		if l := lineWith(t, "stderr", lc.stderr.String(), "reload refused"); !strings.Contains(l, rulesPath) || !strings.Contains(l, "level=ERROR") {
			t.Errorf("the refusal does not say which file is wrong: %s", l)
		}
		touch(t, a+"2")
		waitFor(t, lc, agentDeadline, "rule A alerts after the refused reload", func() bool { return alertedFor(stdout(), "Test open marker A", a+"2") })

		writeFile(t, rulesPath, markerRules("B", b))
		lc.signal(t, syscall.SIGHUP)
		reloadsDone(t, lc, 1, busy, "the reload of rule B")
		touch(t, a+"3")
		touch(t, b+"1")
		waitFor(t, lc, agentDeadline, "rule B alerts", func() bool { return alertedFor(stdout(), "Test open marker B", b+"1") })
		if strings.Contains(stdout(), a+"3") {
			t.Errorf("rule A still alerts after its reload:\n%s", stdout())
		}

		// The configuration: file_output on (outputs rebuilt), and a
		// capture setting, which waits for a restart.
		writeFile(t, cfgPath, reloadConfig(rulesPath, false, port, "1s", fmt.Sprintf("file_output: {enabled: true, filename: %s}\n", alertsPath)))
		lc.signal(t, syscall.SIGHUP)
		reloadsDone(t, lc, 2, busy, "the reload of the configuration")
		errs := lc.stderr.String()
		if l := lineWith(t, "stderr", errs[strings.LastIndex(errs, "msg=reloaded "):], "msg=reloaded "); !strings.Contains(l, "outputs_rebuilt=true") {
			t.Errorf("the outputs were not rebuilt: %s", l)
		}
		if !strings.Contains(errs, "takes effect at the next start") || !strings.Contains(errs, "key=peregrine") {
			t.Errorf("the changed capture setting is not named:\n%s", errs)
		}
		touch(t, b+"2")
		waitFor(t, lc, agentDeadline, "file_output after the reload", func() bool {
			out, _ := os.ReadFile(alertsPath)
			return alertedFor(string(out), "Test open marker B", b+"2")
		})
		waitFor(t, lc, agentDeadline, "stdout after the reload", func() bool { return alertedFor(stdout(), "Test open marker B", b+"2") })

		checkMetrics(t, lc.webURL(t)+"/metrics", busy,
			exactly("peregrine_reloads_total", map[string]string{"result": "ok"}, 2),
			exactly("peregrine_reloads_total", map[string]string{"result": "failed"}, 1),
			exactly("falcosecurity_falco_rules_matches_total", map[string]string{"rule_name": "Test open marker B"}, 2),
			absent("falcosecurity_falco_rules_matches_total", map[string]string{"rule_name": "Test open marker A"}))
		lc.stop(t)
		if !strings.Contains(lc.stderr.String(), "peregrine: output file: ") {
			t.Errorf("no summary of the file output:\n%s", lc.stderr.String())
		}
	})

	t.Run("watch", func(t *testing.T) {
		dir := t.TempDir()
		rulesPath, cfgPath, alertsPath := dir+"/rules.yaml", dir+"/peregrine.yaml", dir+"/alerts.jsonl"
		a, b, busy := dir+"/A-", dir+"/B-", dir+"/busy"
		port := freePort(t)
		writeFile(t, rulesPath, markerRules("A", a))
		writeFile(t, cfgPath, reloadConfig(rulesPath, true, port, "250ms", ""))
		lc := startPeregrine(t, "watching", "run", "-c", cfgPath)
		stdout := func() string { return lc.stdout.String() }

		touch(t, a+"1")
		waitFor(t, lc, agentDeadline, "rule A alerts", func() bool { return alertedFor(stdout(), "Test open marker A", a+"1") })
		writeFile(t, rulesPath, markerRules("B", b))
		reloadsDone(t, lc, 1, busy, "a reload on the rules file's change")
		if !strings.Contains(lc.stderr.String(), `cause="file change"`) {
			t.Errorf("the reload does not say why:\n%s", lc.stderr.String())
		}
		touch(t, a+"2")
		touch(t, b+"1")
		waitFor(t, lc, agentDeadline, "rule B alerts", func() bool { return alertedFor(stdout(), "Test open marker B", b+"1") })
		if strings.Contains(stdout(), a+"2") {
			t.Errorf("rule A still alerts after its reload:\n%s", stdout())
		}

		writeFile(t, cfgPath, reloadConfig(rulesPath, true, port, "250ms", fmt.Sprintf("file_output: {enabled: true, filename: %s}\n", alertsPath)))
		reloadsDone(t, lc, 2, busy, "a reload on the configuration's change")
		touch(t, b+"2")
		waitFor(t, lc, agentDeadline, "file_output after the reload", func() bool {
			out, _ := os.ReadFile(alertsPath)
			return alertedFor(string(out), "Test open marker B", b+"2")
		})
		lc.stop(t)
	})
}

// TestAgentReopen: SIGUSR1 makes file_output (kept open) let go of its
// file. After logrotate's rename the alerts still go to the renamed file
// (the agent holds it open); after SIGUSR1 the next alert is in a new file
// at the configured path, and not in the renamed one.
func TestAgentReopen(t *testing.T) {
	testenv.Root(t)
	rulesPath := testenv.Shared(t, "upstream-rules/falco_rules.yaml")
	dir := t.TempDir()
	alerts, rotated := dir+"/alerts.jsonl", dir+"/alerts.jsonl.1"
	cfgPath := dir + "/peregrine.yaml"
	writeFile(t, cfgPath, fmt.Sprintf(`rules_files: [%s]
json_output: true
peregrine: {docker: false, ring_size: 67108864}
stdout_output: {enabled: false}
file_output: {enabled: true, keep_alive: true, filename: %s}
`, rulesPath, alerts))
	lc := startPeregrine(t, "watching", "run", "-c", cfgPath)
	has := func(path, marker string) bool { b, _ := os.ReadFile(path); return strings.Contains(string(b), marker) }
	marker := func(i int) string { return fmt.Sprintf("/nonexistent/peregrine-reopen-%d-%d", os.Getpid(), i) }

	readSensitive(t, marker(1))
	waitFor(t, lc, agentDeadline, "the first alert in the file", func() bool { return has(alerts, marker(1)) })
	if err := os.Rename(alerts, rotated); err != nil {
		t.Fatal(err)
	}
	readSensitive(t, marker(2))
	waitFor(t, lc, agentDeadline, "the second alert in the renamed file", func() bool { return has(rotated, marker(2)) })
	if _, err := os.Stat(alerts); !os.IsNotExist(err) {
		t.Errorf("%s exists before SIGUSR1 (%v)", alerts, err)
	}

	lc.signal(t, syscall.SIGUSR1)
	waitFor(t, lc, agentDeadline, "the reopen logged", func() bool { return strings.Contains(lc.stderr.String(), `msg="outputs reopened"`) })
	readSensitive(t, marker(3))
	waitFor(t, lc, agentDeadline, "the third alert in a new file", func() bool { return has(alerts, marker(3)) })
	lc.stop(t)
	if has(rotated, marker(3)) || has(alerts, marker(1)) {
		t.Errorf("the alerts after SIGUSR1 went to the renamed file too, or the new file holds old ones")
	}
	if s := outputSummaries(lc.stderr.String())["file"]; s.sent < 3 || s.dropped+s.failed+s.abandoned != 0 {
		t.Errorf("file output: %+v", s)
	}
}

// TestAgentSignalsDuringStartup sends SIGHUP and SIGUSR1 while the agent
// is still starting (loading rules and BPF programs, scanning /proc), as a
// reload or a logrotate may: the agent must not die of them (their default
// action ends the process), it comes up and stops cleanly.
func TestAgentSignalsDuringStartup(t *testing.T) {
	testenv.Root(t)
	rulesPath := testenv.Shared(t, "upstream-rules/falco_rules.yaml")
	dir := t.TempDir()
	cfgPath := dir + "/peregrine.yaml"
	// metrics.output_rule (on by default) makes the agent say it is not
	// supported, first thing: the signals come after that.
	writeFile(t, cfgPath, fmt.Sprintf(`rules_files: [%s]
peregrine: {docker: false, ring_size: 67108864}
metrics: {enabled: true}
`, rulesPath))
	lc := startPeregrine(t, "metrics.output_rule", "run", "-c", cfgPath)
	lc.signal(t, syscall.SIGHUP)
	lc.signal(t, syscall.SIGUSR1)
	deadline := time.After(agentDeadline)
	for !strings.Contains(lc.stderr.String(), "watching") {
		select {
		case err := <-lc.waited:
			lc.waited <- err
			t.Fatalf("the agent ended (%v) on a signal during its start-up:\n%s", err, lc.stderr.String())
		case <-deadline:
			t.Fatalf("the agent did not start:\n%s", lc.stderr.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
	lc.stop(t)
}
