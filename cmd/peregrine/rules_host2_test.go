package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"peregrine/internal/testenv"
)

// The rules of rules/credentials.yaml, rules/persistence.yaml and
// rules/evasion.yaml the second host scenario proves.
const (
	ruleSSHKeyRead    = "SSH private key read by unexpected program"
	ruleCloudCredRead = "Cloud credentials read by unexpected program"
	ruleTokenRead     = "Kubernetes service account token read by shell or tool"
	ruleSystemdUnit   = "Systemd unit created or enabled"
	ruleHistory       = "Shell history cleared"
	ruleBinaryDir     = "Write below system binary directory"
)

// hostTokenPath is where Kubernetes mounts a pod's service account token.
const hostTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// hostToken makes sure the service account token file exists: when it is
// absent, the test creates it and the directories it lacks, and removes
// exactly those at the end; a file already there is left alone.
func hostToken(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(hostTokenPath); err == nil {
		return
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	// The topmost directory missing is the one to remove afterwards.
	top := ""
	for d := filepath.Dir(hostTokenPath); d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(d); errors.Is(err, fs.ErrNotExist) {
			top = d
		}
	}
	if top != "" {
		if err := os.MkdirAll(filepath.Dir(hostTokenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(top) })
	} else {
		t.Cleanup(func() { os.Remove(hostTokenPath) })
	}
	if err := os.WriteFile(hostTokenPath, []byte("peregrine-rule-test-not-a-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// hostRunEnv runs a program to its end with extra environment variables
// and returns its pid.
func hostRunEnv(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
	return strconv.Itoa(cmd.Process.Pid)
}

// hostWrite writes a file the scenario reads or changes, making its
// directory first.
func hostWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRulesHostLive2 runs the agent with the credential access, persistence
// and defense evasion rules, then on the host: a copy of cat named collect
// reads an SSH private key ~/.ssh/id_* and a ~/.aws/credentials file in a
// temporary home (and the key's .pub half, which is public); a copy of
// cat named aws reads the AWS file too (its own tool, left out); cat reads
// the Kubernetes service account token (made for the test when absent)
// and collect reads it as well (not a shell or tool of the list); a shell
// writes a unit file in /etc/systemd/system and collect reads it back; a
// shell truncates ~/.bash_history with "> file", rm deletes
// ~/.zsh_history, a shell starts with HISTFILE=/dev/null, and a shell
// creates a history file that was not there; a copy of touch named
// dropper creates a file in /usr/local/bin and collect reads it. Each
// positive raises its rule once, and no other rule of the three files,
// with the program, its pid and the file, and the tags of its technique
// and category; the negatives raise nothing, nor does the test process,
// which makes and removes the files (they are gone at the end). A run in
// which the agent dropped events is run again.
func TestRulesHostLive2(t *testing.T) {
	testenv.Root(t)
	rules := hostRules(t)
	dir := t.TempDir()
	cat := hostLookPath(t, "cat")
	collect := hostCopy(t, cat, dir, "collect")
	aws := hostCopy(t, cat, dir, "aws")
	dropper := hostCopy(t, hostLookPath(t, "touch"), dir, "dropper")
	sh := hostLookPath(t, "sh")
	rm := hostLookPath(t, "rm")
	hostToken(t)

	attempt := 0
	retryOnDrops(t, func(t *testing.T) miningRun {
		attempt++
		tag := fmt.Sprintf("peregrine-test-%d-%d", os.Getpid(), attempt)
		home := filepath.Join(dir, tag)
		key := filepath.Join(home, ".ssh", "id_peregrine_test")
		pub := key + ".pub"
		cloud := filepath.Join(home, ".aws", "credentials")
		bashHist := filepath.Join(home, ".bash_history")
		zshHist := filepath.Join(home, ".zsh_history")
		newHist := filepath.Join(home, ".history")
		unit := filepath.Join("/etc/systemd/system", tag+".service")
		binFile := filepath.Join("/usr/local/bin", tag)
		for _, f := range []string{unit, binFile} {
			t.Cleanup(func() { os.Remove(f) })
		}
		t.Cleanup(func() { os.RemoveAll(home) })
		hostWrite(t, key, "peregrine rule test: not a key\n")
		hostWrite(t, pub, "ssh-ed25519 AAAA peregrine-rule-test\n")
		hostWrite(t, cloud, "[default]\naws_access_key_id = PEREGRINETEST\n")
		hostWrite(t, bashHist, "ls\nid\n")
		hostWrite(t, zshHist, ": 1:0;ls\n")

		live := startPeregrine(t, "watching", append(append([]string{"run"}, rules...), "--ring-size", "67108864", "-o", "json", "--no-docker")...)

		keyPid := hostRun(t, collect, key)
		pubPid := hostRun(t, collect, pub)
		cloudPid := hostRun(t, collect, cloud)
		awsPid := hostRun(t, aws, cloud)
		tokenPid := hostRun(t, cat, hostTokenPath)
		tokenCollectPid := hostRun(t, collect, hostTokenPath)
		unitPid := hostRun(t, sh, "-c", fmt.Sprintf("echo '# peregrine rule test: no unit' > %s", unit))
		unitReadPid := hostRun(t, collect, unit)
		truncPid := hostRun(t, sh, "-c", ": > "+bashHist)
		rmPid := hostRun(t, rm, zshHist)
		histfilePid := hostRunEnv(t, []string{"HISTFILE=/dev/null"}, sh, "-c", "true")
		newHistPid := hostRun(t, sh, "-c", ": > "+newHist)
		binPid := hostRun(t, dropper, binFile)
		binReadPid := hostRun(t, collect, binFile)
		for _, f := range []string{unit, binFile} {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}

		waitForAlerts(t, live, func(all []miningAlert) bool {
			return len(alertsOf(all, ruleSSHKeyRead, "proc.pid", keyPid)) > 0 &&
				len(alertsOf(all, ruleCloudCredRead, "proc.pid", cloudPid)) > 0 &&
				len(alertsOf(all, ruleTokenRead, "proc.pid", tokenPid)) > 0 &&
				len(alertsOf(all, ruleSystemdUnit, "proc.pid", unitPid)) > 0 &&
				len(alertsOf(all, ruleHistory, "proc.pid", truncPid)) > 0 &&
				len(alertsOf(all, ruleHistory, "proc.pid", rmPid)) > 0 &&
				len(alertsOf(all, ruleHistory, "proc.pid", histfilePid)) > 0 &&
				len(alertsOf(all, ruleBinaryDir, "proc.pid", binPid)) > 0
		})

		r, all := stopRun(t, live)
		for _, c := range []hostCheck{
			{"ssh key", ruleSSHKeyRead, "proc.pid", keyPid, 1, map[string]string{
				"proc.name": "collect", "proc.exepath": collect, "proc.cmdline": "collect " + key,
				"fd.name": key, "user.name": "root", "container.id": "host",
			}, []string{"T1552.004", "credential_access"}},
			{"ssh key only", "", "proc.pid", keyPid, 1, nil, nil},
			{"ssh public key", "", "proc.pid", pubPid, 0, nil, nil},
			{"cloud", ruleCloudCredRead, "proc.pid", cloudPid, 1, map[string]string{
				"proc.name": "collect", "proc.exepath": collect, "fd.name": cloud, "container.id": "host",
			}, []string{"T1552.001", "credential_access"}},
			{"cloud only", "", "proc.pid", cloudPid, 1, nil, nil},
			{"cloud by its tool", "", "proc.pid", awsPid, 0, nil, nil},
			{"token", ruleTokenRead, "proc.pid", tokenPid, 1, map[string]string{
				"proc.name": "cat", "fd.name": hostTokenPath, "container.id": "host",
			}, []string{"T1552.001", "T1528", "credential_access"}},
			{"token only", "", "proc.pid", tokenPid, 1, nil, nil},
			{"token by another program", "", "proc.pid", tokenCollectPid, 0, nil, nil},
			{"systemd unit", ruleSystemdUnit, "proc.pid", unitPid, 1, map[string]string{
				"proc.name": "sh", "fd.name": unit, "evt.type": "openat",
			}, []string{"T1543.002", "persistence"}},
			{"systemd unit only", "", "proc.pid", unitPid, 1, nil, nil},
			{"systemd unit read", "", "proc.pid", unitReadPid, 0, nil, nil},
			{"history truncated", ruleHistory, "proc.pid", truncPid, 1, map[string]string{
				"proc.name": "sh", "fs.path.name": bashHist, "evt.type": "openat",
			}, []string{"T1070.003", "defense_evasion"}},
			{"history truncated only", "", "proc.pid", truncPid, 1, nil, nil},
			{"history removed", ruleHistory, "proc.pid", rmPid, 1, map[string]string{
				"proc.name": "rm", "fs.path.name": zshHist, "evt.type": "unlinkat",
			}, []string{"T1070.003", "defense_evasion"}},
			{"history removed only", "", "proc.pid", rmPid, 1, nil, nil},
			{"HISTFILE=/dev/null", ruleHistory, "proc.pid", histfilePid, 1, map[string]string{
				"proc.name": "sh", "proc.cmdline": "sh -c true", "evt.type": "execve",
			}, []string{"T1070.003", "defense_evasion"}},
			{"HISTFILE=/dev/null only", "", "proc.pid", histfilePid, 1, nil, nil},
			{"new history", "", "proc.pid", newHistPid, 0, nil, nil},
			{"binary dir", ruleBinaryDir, "proc.pid", binPid, 1, map[string]string{
				"proc.name": "dropper", "proc.exepath": dropper, "fd.name": binFile, "container.id": "host",
			}, []string{"T1554", "persistence"}},
			{"binary dir only", "", "proc.pid", binPid, 1, nil, nil},
			{"binary dir read", "", "proc.pid", binReadPid, 0, nil, nil},
			{"the test itself", "", "proc.pid", strconv.Itoa(os.Getpid()), 0, nil, nil},
		} {
			r.problems = append(r.problems, c.problems(all)...)
		}
		return r
	})
}
