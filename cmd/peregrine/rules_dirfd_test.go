package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"peregrine/internal/testenv"
)

// dirfdRun runs a program to its end in directory dir and returns its pid.
func dirfdRun(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v in %s: %v: %s", name, args, dir, err, out)
	}
	return strconv.Itoa(cmd.Process.Pid)
}

// dirfdTree makes directory dir holding a log file with a line in it and
// returns the file's path.
func dirfdTree(t *testing.T, dir string) string {
	t.Helper()
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	f := filepath.Join(dir, "app.log")
	if err := os.WriteFile(f, []byte("Nov 26 04:00:00 host app[1]: session opened for root\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRulesDirfdLive runs the agent with rules/evasion.yaml while `rm -r`
// and `find -delete` remove directories holding a log file. Both delete
// the file with unlinkat relative to a descriptor of its directory, so
// only a rule that follows the descriptor sees where it was: the ones
// under /var/log raise "Log file cleared" naming the file's absolute
// path, and the ones under /tmp, run from /var/log as their working
// directory (where joining the name to the working directory would put
// the file), raise nothing.
func TestRulesDirfdLive(t *testing.T) {
	testenv.Root(t)
	rules := filepath.Join(testenv.ModuleRoot(t), "rules", "evasion.yaml")
	rm := hostLookPath(t, "rm")
	find := hostLookPath(t, "find")
	tmp := t.TempDir()

	attempt := 0
	retryOnDrops(t, func(t *testing.T) miningRun {
		attempt++
		tag := fmt.Sprintf("peregrine-dirfd-%d-%d", os.Getpid(), attempt)
		rmDir := filepath.Join("/var/log", tag+"-rm")
		findDir := filepath.Join("/var/log", tag+"-find")
		rmLog := dirfdTree(t, rmDir)
		findLog := dirfdTree(t, findDir)
		tmpRmDir := filepath.Join(tmp, tag+"-rm")
		tmpFindDir := filepath.Join(tmp, tag+"-find")
		dirfdTree(t, tmpRmDir)
		dirfdTree(t, tmpFindDir)

		live := startPeregrine(t, "watching", "run", "--rules", rules, "--ring-size", "67108864", "-o", "json", "--no-docker")

		rmPid := dirfdRun(t, "/", rm, "-r", rmDir)
		findPid := dirfdRun(t, "/", find, findDir, "-delete")
		tmpRmPid := dirfdRun(t, "/var/log", rm, "-r", tmpRmDir)
		tmpFindPid := dirfdRun(t, "/var/log", find, tmpFindDir, "-delete")

		waitForAlerts(t, live, func(all []miningAlert) bool {
			return len(alertsOf(all, ruleLogCleared, "evt.abspath", rmLog)) > 0 &&
				len(alertsOf(all, ruleLogCleared, "evt.abspath", findLog)) > 0
		})

		r, all := stopRun(t, live)
		tags := []string{"T1070.002", "defense_evasion"}
		for _, c := range []hostCheck{
			{"rm -r", ruleLogCleared, "evt.abspath", rmLog, 1, map[string]string{
				"proc.pid": rmPid, "proc.name": "rm", "evt.type": "unlinkat",
			}, tags},
			{"find -delete", ruleLogCleared, "evt.abspath", findLog, 1, map[string]string{
				"proc.pid": findPid, "proc.name": "find", "evt.type": "unlinkat",
			}, tags},
			{"rm -r under /tmp", "", "proc.pid", tmpRmPid, 0, nil, nil},
			{"find -delete under /tmp", "", "proc.pid", tmpFindPid, 0, nil, nil},
			{"the test itself", "", "proc.pid", strconv.Itoa(os.Getpid()), 0, nil, nil},
		} {
			r.problems = append(r.problems, c.problems(all)...)
		}
		return r
	})
}
