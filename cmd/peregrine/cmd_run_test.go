package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"peregrine/internal/testenv"
)

// TestMain lets the tests run this test binary as the peregrine program
// (with PEREGRINE_TEST_AS_MAIN=1): a live command runs in a process of its
// own, as a user runs it, and stops on a signal.
func TestMain(m *testing.M) {
	if os.Getenv("PEREGRINE_TEST_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// syncBuffer is a buffer written by one goroutine and read by another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) WriteString(p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.WriteString(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// liveCmd is a peregrine command running in a process of its own.
type liveCmd struct {
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer
	waited chan error // the result of the command's only Wait
}

// startPeregrine starts peregrine with args and waits until it says it
// is watching (ready, on standard error, after the start-up).
func startPeregrine(t *testing.T, ready string, args ...string) *liveCmd {
	t.Helper()
	lc := &liveCmd{cmd: exec.Command(os.Args[0], args...), waited: make(chan error, 1)}
	lc.cmd.Env = append(os.Environ(), "PEREGRINE_TEST_AS_MAIN=1")
	lc.cmd.Stdout = &lc.stdout
	lc.cmd.Stderr = &lc.stderr // Wait returns once all of it is copied
	if err := lc.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { lc.waited <- lc.cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-lc.waited:
		default:
			lc.cmd.Process.Kill()
			<-lc.waited
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(lc.stderr.String(), ready) {
		select {
		case err := <-lc.waited:
			lc.waited <- err
			if strings.Contains(lc.stderr.String(), ready) {
				return lc // it said it, then ended
			}
			t.Fatalf("peregrine %v ended (%v) before saying %q: %s", args, err, ready, lc.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("peregrine %v did not say %q: %s", args, ready, lc.stderr.String())
		}
	}
	return lc
}

// stop sends SIGINT and waits for the end, which must be clean.
func (lc *liveCmd) stop(t *testing.T) {
	t.Helper()
	lc.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-lc.waited:
		lc.waited <- err // for the cleanup
		if err != nil {
			t.Fatalf("peregrine %v: %v\n%s", lc.cmd.Args[1:], err, lc.stderr.String())
		}
	case <-time.After(60 * time.Second):
		// SIGQUIT: the Go runtime prints every goroutine on standard
		// error, which says where it hangs.
		lc.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-lc.waited:
		case <-time.After(10 * time.Second):
		}
		lc.waited <- nil
		t.Fatalf("peregrine %v did not stop within 60 s of SIGINT:\n%s", lc.cmd.Args[1:], lc.stderr.String())
	}
}

// TestRunRecordReplay runs `peregrine run -w` and `peregrine capture`
// side by side while a program reads /etc/shadow and a container runs a
// shell with a terminal. The recording and the capture open in our
// reader, in sysdig 0.29.3 and in scapwalk.py; replaying the recording
// gives exactly the alerts the live run printed, container fields
// included; and the capture holds the same behaviour.
func TestRunRecordReplay(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	image := d.Image(t, "shell", nil)
	sysdig := testenv.Tool(t, "sysdig")
	python := testenv.Tool(t, "python3")
	rules := testenv.Shared(t, "upstream-rules/falco_rules.yaml")
	name := fmt.Sprintf("peregrine-record-%d", os.Getpid())
	id := d.Run(t, []string{"--name", name}, image, "sleep", "600")

	dir := t.TempDir()
	rec, capt := filepath.Join(dir, "run.scap"), filepath.Join(dir, "capture.scap.gz")
	// A large ring buffer: the agents of a race-detector build read slowly.
	live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "--rules", rules, "--docker-host", d.Host, "-o", "json", "-w", rec)
	cp := startPeregrine(t, "writing", "capture", "--ring-size", "67108864", "--docker-host", d.Host, "-w", capt, "-z", "evt.type in (execve, open, openat, openat2)")

	marker := fmt.Sprintf("/nonexistent/peregrine-record-%d", os.Getpid())
	exec.Command("/bin/cat", "/etc/shadow", marker).Run()
	d.Docker(t, "exec", "-t", id, "sh", "-c", "true")
	var alerts []map[string]any
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && !(hasRule(live.stdout.String(), "Read sensitive file untrusted") && hasRule(live.stdout.String(), "Terminal shell in container")) {
		time.Sleep(50 * time.Millisecond)
	}
	live.stop(t)
	cp.stop(t)
	alerts = jsonLines(t, live.stdout.String())
	if !hasRule(live.stdout.String(), "Read sensitive file untrusted") || !hasRule(live.stdout.String(), "Terminal shell in container") {
		t.Fatalf("live alerts:\n%s\nstderr:\n%s", live.stdout.String(), live.stderr.String())
	}
	if !strings.Contains(live.stderr.String(), "recorded ") {
		t.Errorf("no recording summary: %s", live.stderr.String())
	}
	for _, a := range alerts {
		if a["rule"] == "Terminal shell in container" {
			f := a["output_fields"].(map[string]any)
			if f["container.id"] != id[:12] || f["container.name"] != name || f["container.image.repository"] != "peregrine-test/shell" {
				t.Errorf("container fields: %v", f)
			}
		}
	}

	// The replay of the recording prints what the live run printed.
	out, stderr, code := peregrine(t, "replay", "-q", "-r", rec, "--rules", rules, "-o", "json")
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	replayed := jsonLines(t, out)
	if len(replayed) != len(alerts) {
		t.Fatalf("%d alerts live, %d replayed:\n%s\n---\n%s", len(alerts), len(replayed), live.stdout.String(), out)
	}
	for i := range alerts {
		a, b := alerts[i], replayed[i]
		for _, k := range []string{"time", "rule", "priority", "output"} {
			if a[k] != b[k] {
				t.Errorf("alert %d %s: live %v, replayed %v", i, k, a[k], b[k])
			}
		}
	}

	for _, f := range []string{rec, capt} {
		// scapwalk.py and sysdig 0.29.3 read the files whole.
		walk, err := exec.Command(python, testenv.Shared(t, "tools/scapwalk.py"), f).CombinedOutput()
		if err != nil || !strings.Contains(string(walk), "len_mismatch={}") {
			t.Errorf("scapwalk %s: %v\n%s", f, err, walk)
		}
		theirs, err := exec.Command(sysdig, "-r", f, "-p", "%proc.name %fd.name", "evt.type in (open, openat, openat2) and fd.name=/etc/shadow").CombinedOutput()
		if err != nil || !strings.Contains(string(theirs), "cat /etc/shadow") {
			t.Errorf("sysdig -r %s: %v\n%s", f, err, theirs)
		}
		// Both carry the container's metadata from the Docker Engine.
		theirs, err = exec.Command(sysdig, "-r", f, "-p", "%proc.name %container.id %container.name %container.image.repository", "evt.type=execve and proc.name=sh and proc.tty!=0").CombinedOutput()
		if err != nil || !strings.Contains(string(theirs), "sh "+id[:12]+" "+name+" peregrine-test/shell") {
			ours, _, _ := peregrine(t, "events", "-r", f, "-p", "%evt.num %proc.name %container.id %container.name %proc.tty", "evt.type=execve and container.id!=host")
			t.Errorf("sysdig -r %s, the container's shell: %v\n%s\nours:\n%s\ncapture:%s", f, err, theirs, ours, cp.stderr.String())
		}
		// Ours too, with the same filter.
		ours, stderr, code := peregrine(t, "events", "-r", f, "-p", "%proc.name %fd.name", "fd.name=/etc/shadow and evt.type in (open, openat, openat2)")
		if code != 0 || !strings.Contains(ours, "cat /etc/shadow") {
			t.Errorf("peregrine events -r %s: exit %d\n%s%s", f, code, ours, stderr)
		}
	}
}

func hasRule(jsonl, rule string) bool {
	return strings.Contains(jsonl, `"rule":"`+rule+`"`)
}

func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("alert %q: %v", l, err)
		}
		out = append(out, m)
	}
	return slices.Clip(out)
}
