package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// The rules of rules/container.yaml and rules/privilege.yaml the live
// scenarios prove.
const (
	ruleContainerDrift    = "Container drift executable run"
	ruleContainerTTYShell = "Interactive terminal shell in container"
	ruleContainerShell    = "Shell started in container"
	ruleRuntimeSocket     = "Container runtime socket accessed"
	ruleSetuidBit         = "Setuid or setgid bit set"
	ruleModuleLoad        = "Kernel module load attempt"
	rulePtraceAttach      = "Ptrace attach to another process"
)

// escapePtraceScript attaches to the pid it is given, then detaches: a
// PTRACE_ATTACH the rule reports and a PTRACE_DETACH it does not.
const escapePtraceScript = `import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
if libc.ptrace(16, pid, None, None) != 0:  # PTRACE_ATTACH
    sys.exit("attach: errno %d" % ctypes.get_errno())
time.sleep(0.1)
libc.ptrace(17, pid, None, None)  # PTRACE_DETACH
`

// escapeRuleNames are the rules a scenario counts alerts of.
var escapeRuleNames = []string{ruleContainerDrift, ruleContainerTTYShell, ruleContainerShell, ruleRuntimeSocket, ruleSetuidBit, ruleModuleLoad}

// escapeCheck is one expectation of a scenario: the alerts of rule whose
// field key is value, how many (-1: at least one), the fields each has,
// and the tags each carries.
type escapeCheck struct {
	rule  string
	key   string
	value string
	count int
	want  map[string]string
	tags  []string
}

// problems lists what the alerts do not meet of the check.
func (c escapeCheck) problems(all []miningAlert) []string {
	got := alertsOf(all, c.rule, c.key, c.value)
	if c.count >= 0 && len(got) != c.count || c.count < 0 && len(got) == 0 {
		return []string{fmt.Sprintf("%d alerts of %q with %s=%s, want %d", len(got), c.rule, c.key, c.value, c.count)}
	}
	var out []string
	for _, a := range got {
		for _, tag := range c.tags {
			if !slices.Contains(a.Tags, tag) {
				out = append(out, fmt.Sprintf("%s: tags %v lack %s", c.rule, a.Tags, tag))
			}
		}
		for k, v := range c.want {
			if a.Fields[k] != v {
				out = append(out, fmt.Sprintf("%s: %s = %q, want %q (fields %v)", c.rule, k, a.Fields[k], v, a.Fields))
			}
		}
	}
	return out
}

// escapeRules are the rule files under test.
func escapeRules(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, f := range []string{"container.yaml", "privilege.yaml"} {
		p := filepath.Join(testenv.ModuleRoot(t), "rules", f)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("rules: %v", err)
		}
		out = append(out, "--rules", p)
	}
	return out
}

// TestRulesContainerLive performs, while `peregrine run` watches with
// container metadata: a docker exec -t shell, a container reading the
// Docker socket bind-mounted into it, a container copying a program into
// its writable layer and running it, a host program connecting to a Unix
// socket named containerd.sock, python attaching to a process with ptrace
// (then detaching), insmod in the container (refused), and
// chmod u+s of a file on the host; ordinary counterparts of each (an image program, a plain chmod,
// a shell without a terminal) must not raise the same rules. A run is
// repeated only when the agent dropped events.
func TestRulesContainerLive(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	python := testenv.Tool(t, "python3")
	image := d.Image(t, "escape", nil)
	repo, _, _ := strings.Cut(image, ":")
	dir := t.TempDir()
	sock := filepath.Join(dir, "docker.sock")
	if err := os.WriteFile(sock, []byte("not a socket\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("peregrine-escape-%d", os.Getpid())
	id := d.Run(t, []string{"--name", name, "-v", sock + ":/var/run/docker.sock:ro"}, image, "sleep", "600")
	cid := id[:12]
	inCtr := map[string]string{"container.id": cid, "container.name": name, "container.image.repository": repo}
	suid := filepath.Join(dir, "rootshell")
	plain := filepath.Join(dir, "script.sh")
	// A Unix socket at a runtime socket's name, for a connection from
	// this test's own process (not a runtime client) on the host.
	api := filepath.Join(dir, "api", "containerd.sock")
	if err := os.Mkdir(filepath.Dir(api), 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", api)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	self := strconv.Itoa(os.Getpid())
	for _, f := range []string{suid, plain} {
		if err := os.WriteFile(f, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	retryOnDrops(t, func(t *testing.T) miningRun {
		args := append([]string{"run", "--ring-size", "67108864", "-o", "json", "--docker-host", d.Host}, escapeRules(t)...)
		live := startPeregrine(t, "watching", args...)

		// A terminal shell, then a shell without one that drops and
		// runs a program, then the socket, then image programs.
		d.Docker(t, "exec", "-t", id, "sh", "-c", "exit 0")
		d.Exec(t, id, "sh", "-c", "mkdir -p /tmp/d && cp /bin/busybox /tmp/d/true && /tmp/d/true")
		d.Exec(t, id, "cat", "/var/run/docker.sock")
		d.Exec(t, id, "ls", "/")
		// Not a module at all: the kernel refuses it, the attempt counts.
		if out, err := d.Command(context.Background(), "exec", id, "insmod", "/etc/hostname").CombinedOutput(); err == nil {
			t.Fatalf("insmod in the container succeeded: %s", out)
		}
		victim := exec.Command("sleep", "30")
		if err := victim.Start(); err != nil {
			t.Fatal(err)
		}
		tracer := exec.Command(python, "-c", escapePtraceScript, strconv.Itoa(victim.Process.Pid))
		out, err := tracer.CombinedOutput()
		victim.Process.Kill()
		victim.Wait()
		if err != nil {
			t.Fatalf("ptrace attach: %v: %s", err, out)
		}
		c, err := net.Dial("unix", api)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		for _, c := range [][]string{{"u+s", suid}, {"0700", plain}} {
			if out, err := exec.Command("chmod", c...).CombinedOutput(); err != nil {
				t.Fatalf("chmod %v: %v: %s", c, err, out)
			}
		}

		checks := []escapeCheck{
			{rule: ruleContainerTTYShell, key: "container.id", value: cid, count: 1, want: withField(inCtr, "proc.name", "sh"), tags: []string{"execution", "T1059.004"}},
			{rule: ruleContainerShell, key: "container.id", value: cid, count: 1, want: withField(inCtr, "proc.tty", "0"), tags: []string{"execution"}},
			{rule: ruleContainerDrift, key: "container.id", value: cid, count: 1, want: withField(inCtr, "proc.exepath", "/tmp/d/true"), tags: []string{"execution", "T1610"}},
			{rule: ruleRuntimeSocket, key: "container.id", value: cid, count: 1, want: withField(inCtr, "fd.name", "/var/run/docker.sock"), tags: []string{"container_escape", "T1611"}},
			{rule: ruleRuntimeSocket, key: "proc.pid", value: self, count: 1, want: map[string]string{"evt.type": "connect", "container.id": "host"}, tags: []string{"container_escape", "T1611"}},
			{rule: rulePtraceAttach, key: "proc.pid", value: strconv.Itoa(tracer.Process.Pid), count: 1, want: map[string]string{"evt.arg.request": "PTRACE_ATTACH", "container.id": "host"}, tags: []string{"privilege_escalation", "T1055.008"}},
			{rule: ruleModuleLoad, key: "container.id", value: cid, count: -1, want: withField(inCtr, "proc.name", "insmod"), tags: []string{"privilege_escalation", "T1547.006"}},
			{rule: ruleSetuidBit, key: "fs.path.name", value: suid, count: 1, want: map[string]string{"proc.name": "chmod", "container.id": "host"}, tags: []string{"privilege_escalation", "T1548.001"}},
			{rule: ruleSetuidBit, key: "fs.path.name", value: plain, count: 0},
		}
		waitForAlerts(t, live, func(all []miningAlert) bool {
			for _, c := range checks {
				if c.count != 0 && len(c.problems(all)) > 0 {
					return false
				}
			}
			return true
		})
		r, all := stopRun(t, live)
		for _, c := range checks {
			r.problems = append(r.problems, c.problems(all)...)
		}
		// Nothing else of the container raised these rules: not ls,
		// cat or the image's sh as drift, not the terminal shell twice.
		n := 0
		for _, rule := range escapeRuleNames {
			n += len(alertsOf(all, rule, "container.id", cid))
		}
		if want := 4 + len(alertsOf(all, ruleModuleLoad, "container.id", cid)); n != want {
			r.problems = append(r.problems, fmt.Sprintf("%d alerts of the container, want %d", n, want))
		}
		return r
	})
}

// withField is m with one more field.
func withField(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for mk, mv := range m {
		out[mk] = mv
	}
	return out
}
