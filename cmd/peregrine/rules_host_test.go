package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"

	"peregrine/internal/testenv"
)

// The rules of rules/credentials.yaml, rules/persistence.yaml and
// rules/evasion.yaml the host scenarios prove.
const (
	ruleShadowRead = "Password hashes read by unexpected program"
	ruleEtcWrite   = "Write below etc by unexpected program"
	ruleCronJob    = "Cron job created or changed"
	ruleLogCleared = "Log file cleared"
)

// hostRuleNames are every rule of the three files: a check without a rule
// counts the alerts of all of them.
var hostRuleNames = []string{
	ruleShadowRead, "SSH private key read by unexpected program",
	"Cloud credentials read by unexpected program",
	"Kubernetes service account token read by shell or tool",
	"Write below system binary directory", ruleEtcWrite, ruleCronJob,
	"Systemd unit created or enabled", ruleLogCleared, "Shell history cleared",
}

// hostCheck is one expectation of the scenario: the alerts of rule (all
// of hostRuleNames when empty) whose field key is value, how many (-1: at
// least one), the fields each has and the tags each carries.
type hostCheck struct {
	name  string
	rule  string
	key   string
	value string
	count int
	want  map[string]string
	tags  []string
}

// problems lists what the alerts do not meet of the check.
func (c hostCheck) problems(all []miningAlert) []string {
	var got []miningAlert
	for _, r := range hostRuleNames {
		if c.rule == "" || r == c.rule {
			got = append(got, alertsOf(all, r, c.key, c.value)...)
		}
	}
	if c.count >= 0 && len(got) != c.count || c.count < 0 && len(got) == 0 {
		return []string{fmt.Sprintf("%s: %d alerts of %q with %s=%s, want %d: %v", c.name, len(got), c.rule, c.key, c.value, c.count, got)}
	}
	var out []string
	for _, a := range got {
		for _, tag := range c.tags {
			if !slices.Contains(a.Tags, tag) {
				out = append(out, fmt.Sprintf("%s: %s: tags %v lack %s", c.name, a.Rule, a.Tags, tag))
			}
		}
		for k, v := range c.want {
			if a.Fields[k] != v {
				out = append(out, fmt.Sprintf("%s: %s: %s = %q, want %q (fields %v)", c.name, a.Rule, k, a.Fields[k], v, a.Fields))
			}
		}
	}
	return out
}

// hostRules are the --rules arguments naming the three rule files.
func hostRules(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, f := range []string{"credentials.yaml", "persistence.yaml", "evasion.yaml"} {
		p := filepath.Join(testenv.ModuleRoot(t), "rules", f)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("rules: %v", err)
		}
		out = append(out, "--rules", p)
	}
	return out
}

// hostCopy copies the program at src to dir/name, mode 0755.
func hostCopy(t *testing.T, src, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, name)
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}

// hostRun runs a program to its end and returns its pid.
func hostRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
	return strconv.Itoa(cmd.Process.Pid)
}

// hostSameDevice says whether two directories are on one file system.
func hostSameDevice(t *testing.T, a, b string) bool {
	t.Helper()
	var sa, sb syscall.Stat_t
	if err := syscall.Stat(a, &sa); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Stat(b, &sb); err != nil {
		t.Fatal(err)
	}
	return sa.Dev == sb.Dev
}

// hostLookPath finds a program the scenario needs.
func hostLookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("the scenario needs %s: %v", name, err)
	}
	return p
}

// TestRulesHostLive runs the agent with the credential access, persistence
// and defense evasion rules, then on the host: a copy of cat named collect
// reads /etc/shadow (and /etc/hostname, which is no secret); a copy of
// touch named dropper creates a file directly below /etc; a shell creates
// a comment-only file in /etc/cron.d and mv moves another in from
// /var/tmp; a shell truncates a file under /var/log with "> file" and rm
// deletes it. Each raises its rule once, with the program, its pid and
// the file, and the tags of its technique and category; the cron files
// raise the cron rule only (not the /etc rule). A shell creating a new
// log with "> file" clears nothing and raises nothing, nor does the test
// process, which makes and removes the files (they are gone at the end).
// A run in which the agent dropped events is run again.
func TestRulesHostLive(t *testing.T) {
	testenv.Root(t)
	rules := hostRules(t)
	dir := t.TempDir()
	collect := hostCopy(t, hostLookPath(t, "cat"), dir, "collect")
	dropper := hostCopy(t, hostLookPath(t, "touch"), dir, "dropper")
	sh := hostLookPath(t, "sh")
	rm := hostLookPath(t, "rm")

	attempt := 0
	retryOnDrops(t, func(t *testing.T) miningRun {
		attempt++
		tag := fmt.Sprintf("peregrine-test-%d-%d", os.Getpid(), attempt)
		etcFile := filepath.Join("/etc", tag)
		cronFile := filepath.Join("/etc/cron.d", tag)
		movedCron := filepath.Join("/etc/cron.d", tag+"-moved")
		logFile := filepath.Join("/var/log", tag+".log")
		newLog := filepath.Join("/var/log", tag+"-new.log")
		for _, f := range []string{etcFile, cronFile, movedCron, logFile, newLog} {
			t.Cleanup(func() { os.Remove(f) })
		}
		if _, err := os.Stat("/etc/cron.d"); err != nil {
			if err := os.Mkdir("/etc/cron.d", 0o755); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Remove("/etc/cron.d") })
		}
		// The job to move into cron.d waits next to /etc when it can, so
		// that mv renames it; on another file system mv copies it.
		staging, err := os.MkdirTemp("/var/tmp", "peregrine-test-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(staging) })
		staged := filepath.Join(staging, "job")
		if err := os.WriteFile(staged, []byte("# peregrine rule test: no job\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		movedWant := map[string]string{"proc.name": "mv", "fs.path.source": staged, "fs.path.target": movedCron}
		if !hostSameDevice(t, staging, "/etc/cron.d") {
			movedWant = map[string]string{"proc.name": "mv", "fd.name": movedCron, "evt.type": "openat"}
		}
		// The log exists, with lines, before the agent watches.
		if err := os.WriteFile(logFile, []byte("Nov 26 04:00:00 host sshd[1]: Accepted password for root\n"), 0o640); err != nil {
			t.Fatal(err)
		}

		live := startPeregrine(t, "watching", append(append([]string{"run"}, rules...), "--ring-size", "67108864", "-o", "json", "--no-docker")...)

		shadowPid := hostRun(t, collect, "/etc/shadow")
		hostnamePid := hostRun(t, collect, "/etc/hostname")
		etcPid := hostRun(t, dropper, etcFile)
		cronPid := hostRun(t, sh, "-c", fmt.Sprintf("echo '# peregrine rule test: no job' > %s", cronFile))
		mvPid := hostRun(t, hostLookPath(t, "mv"), staged, movedCron)
		truncPid := hostRun(t, sh, "-c", ": > "+logFile)
		rmPid := hostRun(t, rm, logFile)
		newLogPid := hostRun(t, sh, "-c", ": > "+newLog)
		for _, f := range []string{etcFile, cronFile, movedCron} {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}

		waitForAlerts(t, live, func(all []miningAlert) bool {
			return len(alertsOf(all, ruleShadowRead, "proc.pid", shadowPid)) > 0 &&
				len(alertsOf(all, ruleEtcWrite, "proc.pid", etcPid)) > 0 &&
				len(alertsOf(all, ruleCronJob, "proc.pid", cronPid)) > 0 &&
				len(alertsOf(all, ruleCronJob, "proc.pid", mvPid)) > 0 &&
				len(alertsOf(all, ruleLogCleared, "proc.pid", truncPid)) > 0 &&
				len(alertsOf(all, ruleLogCleared, "proc.pid", rmPid)) > 0
		})

		r, all := stopRun(t, live)
		for _, c := range []hostCheck{
			{"shadow", ruleShadowRead, "proc.pid", shadowPid, 1, map[string]string{
				"proc.name": "collect", "proc.exepath": collect, "proc.cmdline": "collect /etc/shadow",
				"fd.name": "/etc/shadow", "user.name": "root", "container.id": "host",
			}, []string{"T1003.008", "credential_access"}},
			{"shadow only", "", "proc.pid", shadowPid, 1, nil, nil},
			{"hostname", "", "proc.pid", hostnamePid, 0, nil, nil},
			{"etc", ruleEtcWrite, "proc.pid", etcPid, 1, map[string]string{
				"proc.name": "dropper", "proc.exepath": dropper, "fd.name": etcFile, "container.id": "host",
			}, []string{"T1037", "persistence"}},
			{"etc only", "", "proc.pid", etcPid, 1, nil, nil},
			{"cron", ruleCronJob, "proc.pid", cronPid, 1, map[string]string{
				"proc.name": "sh", "fd.name": cronFile, "evt.type": "openat",
			}, []string{"T1053.003", "persistence"}},
			{"cron only", "", "proc.pid", cronPid, 1, nil, nil},
			{"cron moved in", ruleCronJob, "proc.pid", mvPid, 1, movedWant, []string{"T1053.003", "persistence"}},
			{"cron moved in only", "", "proc.pid", mvPid, 1, nil, nil},
			{"log truncated", ruleLogCleared, "proc.pid", truncPid, 1, map[string]string{
				"proc.name": "sh", "fs.path.name": logFile, "evt.type": "openat",
			}, []string{"T1070.002", "defense_evasion"}},
			{"log truncated only", "", "proc.pid", truncPid, 1, nil, nil},
			{"log removed", ruleLogCleared, "proc.pid", rmPid, 1, map[string]string{
				"proc.name": "rm", "fs.path.name": logFile, "evt.type": "unlinkat",
			}, []string{"T1070.002", "defense_evasion"}},
			{"log removed only", "", "proc.pid", rmPid, 1, nil, nil},
			{"new log", "", "proc.pid", newLogPid, 0, nil, nil},
			{"the test itself", "", "proc.pid", strconv.Itoa(os.Getpid()), 0, nil, nil},
		} {
			r.problems = append(r.problems, c.problems(all)...)
		}
		return r
	})
}
