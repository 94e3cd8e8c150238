package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"peregrine/internal/testenv"
)

// pidCheck is one expectation of a scenario run with every default rule:
// the alerts, of any rule, whose field key is value; how many (-1: at
// least one); the rule they must all be of; the fields the first of them
// (or, with anyHas, any of them) has; and the tags each carries.
type pidCheck struct {
	name   string
	key    string
	value  string
	count  int
	rule   string
	want   map[string]string
	tags   []string
	anyHas bool
}

// problems lists what the alerts do not meet of the check.
func (c pidCheck) problems(all []miningAlert) []string {
	var got []miningAlert
	for _, a := range all {
		if a.Fields[c.key] == c.value {
			got = append(got, a)
		}
	}
	if c.count >= 0 && len(got) != c.count || c.count < 0 && len(got) == 0 {
		return []string{fmt.Sprintf("%s: %d alerts with %s=%s, want %d: %v", c.name, len(got), c.key, c.value, c.count, got)}
	}
	var out []string
	matched := false
	for _, a := range got {
		if a.Rule != c.rule {
			out = append(out, fmt.Sprintf("%s: an alert of %q, want %q only: %v", c.name, a.Rule, c.rule, a.Fields))
		}
		for _, tag := range c.tags {
			if !slices.Contains(a.Tags, tag) {
				out = append(out, fmt.Sprintf("%s: %s: tags %v lack %s", c.name, a.Rule, a.Tags, tag))
			}
		}
		var miss []string
		for k, v := range c.want {
			if a.Fields[k] != v {
				miss = append(miss, fmt.Sprintf("%s = %q, want %q", k, a.Fields[k], v))
			}
		}
		switch {
		case len(miss) == 0:
			matched = true
		case !c.anyHas:
			out = append(out, fmt.Sprintf("%s: %s: %v (fields %v)", c.name, a.Rule, miss, a.Fields))
		}
	}
	if c.anyHas && len(got) > 0 && !matched {
		out = append(out, fmt.Sprintf("%s: no alert has %v: %v", c.name, c.want, got))
	}
	return out
}

// pidChecksMet says whether every positive check is met.
func pidChecksMet(all []miningAlert, checks []pidCheck) bool {
	for _, c := range checks {
		if c.count != 0 && len(c.problems(all)) > 0 {
			return false
		}
	}
	return true
}

// embeddedRulesOnly makes `peregrine run` load its embedded rules, every
// file in their load order, as it does when nothing else is configured.
func embeddedRulesOnly(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/etc/peregrine/rules.d"); err == nil {
		t.Fatal("/etc/peregrine/rules.d exists: peregrine run would load it instead of the embedded rules")
	}
	t.Setenv("PEREGRINE_RULES", "")
}

// TestRulesHostLive3 runs the agent with all its embedded rules, then on
// the host: systemctl enables a unit (systemd need not run: systemctl
// makes the *.wants link itself) and asks whether it is enabled; ln -s
// links another unit into multi-user.target.wants by hand, and a link
// elsewhere; mv moves a program into /usr/local/bin, then renames it
// within that directory; shred -u wipes a file in /var/log, and one in a
// temporary directory; cat reads an SSH host key in /etc/ssh (made for the
// test) and its .pub half; chmod g+s sets the setgid bit of a file, and
// chmod 0755 another. Each positive raises its rule, and nothing else,
// with the program, the file and the tags of its technique and category;
// each negative raises nothing. A run in which the agent dropped events is
// run again.
func TestRulesHostLive3(t *testing.T) {
	testenv.Root(t)
	embeddedRulesOnly(t)
	systemctl := hostLookPath(t, "systemctl")
	ln := hostLookPath(t, "ln")
	mv := hostLookPath(t, "mv")
	shred := hostLookPath(t, "shred")
	cat := hostLookPath(t, "cat")
	chmod := hostLookPath(t, "chmod")
	for _, d := range []string{"/etc/systemd/system/multi-user.target.wants", "/usr/local/bin", "/var/log", "/etc/ssh"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()

	attempt := 0
	retryOnDrops(t, func(t *testing.T) miningRun {
		attempt++
		tag := fmt.Sprintf("peregrine-test-%d-%d", os.Getpid(), attempt)
		unit := tag + ".service"
		unitPath := filepath.Join("/etc/systemd/system", unit)
		wanted := filepath.Join("/etc/systemd/system/multi-user.target.wants", unit)
		byHand := filepath.Join("/etc/systemd/system", tag+"-b.service")
		byHandLink := filepath.Join("/etc/systemd/system/multi-user.target.wants", tag+"-b.service")
		otherLink := filepath.Join(dir, tag+"-link")
		stage := filepath.Join("/usr/local", tag+".stage")
		staged := filepath.Join(stage, "kupdate")
		binFile := filepath.Join("/usr/local/bin", tag)
		binRenamed := binFile + ".old"
		logFile := filepath.Join("/var/log", tag+".log")
		notes := filepath.Join(dir, tag+"-notes.txt")
		hostKey := filepath.Join("/etc/ssh", "ssh_host_"+tag+"_key")
		setgid := filepath.Join(dir, tag+"-sgid")
		plain := filepath.Join(dir, tag+"-plain")
		for _, f := range []string{unitPath, wanted, byHand, byHandLink, binFile, binRenamed, logFile, hostKey, hostKey + ".pub"} {
			t.Cleanup(func() { os.Remove(f) })
		}
		t.Cleanup(func() { os.RemoveAll(stage) })
		hostWrite(t, unitPath, "[Unit]\nDescription=peregrine rule test\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n")
		hostWrite(t, byHand, "[Service]\nExecStart=/bin/true\n")
		hostWrite(t, staged, "#!/bin/sh\n")
		hostWrite(t, logFile, "Nov 26 05:00:00 vm sshd[1]: Accepted password for root\n")
		hostWrite(t, notes, "nothing secret\n")
		hostWrite(t, hostKey, "peregrine rule test: not a key\n")
		hostWrite(t, hostKey+".pub", "ssh-ed25519 AAAA peregrine-rule-test\n")
		hostWrite(t, setgid, "#!/bin/sh\n")
		hostWrite(t, plain, "#!/bin/sh\n")
		if !hostSameDevice(t, stage, "/usr/local/bin") {
			t.Fatalf("%s and /usr/local/bin are on different file systems: mv would copy, not rename", stage)
		}

		live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "-o", "json", "--no-docker")

		enablePid := hostRun(t, systemctl, "enable", unit)
		isEnabledPid := hostRun(t, systemctl, "is-enabled", unit)
		lnPid := hostRun(t, ln, "-s", byHand, byHandLink)
		otherLnPid := hostRun(t, ln, "-s", byHand, otherLink)
		mvPid := hostRun(t, mv, staged, binFile)
		mvWithinPid := hostRun(t, mv, binFile, binRenamed)
		shredPid := hostRun(t, shred, "-u", logFile)
		shredNotesPid := hostRun(t, shred, "-u", notes)
		keyPid := hostRun(t, cat, hostKey)
		pubPid := hostRun(t, cat, hostKey+".pub")
		sgidPid := hostRun(t, chmod, "g+s", setgid)
		plainPid := hostRun(t, chmod, "0755", plain)
		if _, err := os.Lstat(wanted); err != nil {
			t.Fatalf("systemctl enable made no link: %v", err)
		}

		checks := []pidCheck{
			{name: "systemctl enable", key: "proc.pid", value: enablePid, count: 1, rule: ruleSystemdUnit, want: map[string]string{
				"proc.name": "systemctl", "proc.cmdline": "systemctl enable " + unit, "evt.type": "execve", "container.id": "host",
			}, tags: []string{"T1543.002", "persistence"}},
			{name: "ln -s into multi-user.target.wants", key: "proc.pid", value: lnPid, count: 1, rule: ruleSystemdUnit, want: map[string]string{
				"proc.name": "ln", "fs.path.source": byHandLink, "fs.path.target": byHand, "evt.type": "symlinkat",
			}, tags: []string{"T1543.002", "persistence"}},
			{name: "mv into /usr/local/bin", key: "proc.pid", value: mvPid, count: 1, rule: ruleBinaryDir, want: map[string]string{
				"proc.name": "mv", "fs.path.source": staged, "fs.path.target": binFile,
			}, tags: []string{"T1554", "persistence"}},
			{name: "shred -u of a log", key: "proc.pid", value: shredPid, count: -1, rule: ruleLogCleared, anyHas: true, want: map[string]string{
				"proc.name": "shred", "proc.cmdline": "shred -u " + logFile, "evt.type": "execve",
			}, tags: []string{"T1070.002", "defense_evasion"}},
			{name: "ssh host key", key: "proc.pid", value: keyPid, count: 1, rule: ruleSSHKeyRead, want: map[string]string{
				"proc.name": "cat", "fd.name": hostKey, "container.id": "host",
			}, tags: []string{"T1552.004", "credential_access"}},
			{name: "chmod g+s", key: "proc.pid", value: sgidPid, count: 1, rule: ruleSetuidBit, want: map[string]string{
				"proc.name": "chmod", "fs.path.name": setgid, "proc.cmdline": "chmod g+s " + setgid,
			}, tags: []string{"T1548.001", "privilege_escalation"}},
		}
		waitForAlerts(t, live, func(all []miningAlert) bool { return pidChecksMet(all, checks) })
		r, all := stopRun(t, live)
		for _, c := range append(checks,
			pidCheck{name: "systemctl is-enabled", key: "proc.pid", value: isEnabledPid},
			pidCheck{name: "ln -s elsewhere", key: "proc.pid", value: otherLnPid},
			pidCheck{name: "mv within /usr/local/bin", key: "proc.pid", value: mvWithinPid},
			pidCheck{name: "shred -u of a temporary file", key: "proc.pid", value: shredNotesPid},
			pidCheck{name: "ssh host public key", key: "proc.pid", value: pubPid},
			pidCheck{name: "chmod 0755", key: "proc.pid", value: plainPid},
		) {
			r.problems = append(r.problems, c.problems(all)...)
		}
		return r
	})
}
