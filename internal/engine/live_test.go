package engine_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/capture"
	"peregrine/internal/container"
	"peregrine/internal/engine"
	"peregrine/internal/rules"
	"peregrine/internal/testenv"
)

// liveRun is the engine running live on this host, as `peregrine run`
// does: capture first, then the /proc scan, then the rules.
type liveRun struct {
	eng    *engine.Engine
	capt   *capture.Capture
	mu     sync.Mutex
	alerts []*alert.Alert
	done   chan error
}

// startLive starts a live engine with the upstream syscall rules (stable,
// incubating, sandbox), every matching rule reported.
func startLive(t *testing.T, opt engine.Options, copt capture.Options) *liveRun {
	t.Helper()
	testenv.Root(t)
	opt.Matching = rules.MatchAll
	if opt.AppendOutput == "" {
		opt.AppendOutput = engine.ContainerOutput
	}
	eng := newEngine(t, upstream(t), opt)
	copt.Types = engine.Types(eng.Ruleset())
	capt, err := capture.Open(copt)
	if err != nil {
		t.Fatalf("capture: %v", err)
	}
	snap, err := capture.TakeSnapshot(capture.SnapshotOptions{})
	if err != nil {
		capt.Close()
		t.Fatal(err)
	}
	eng.Bootstrap(engine.SnapshotBootstrap(snap))
	lr := &liveRun{eng: eng, capt: capt, done: make(chan error, 1)}
	go func() {
		lr.done <- eng.Run(context.Background(), engine.LiveSource{C: capt}, func(a *alert.Alert) {
			lr.mu.Lock()
			lr.alerts = append(lr.alerts, a)
			lr.mu.Unlock()
		})
	}()
	t.Cleanup(func() { lr.stop(t) })
	return lr
}

func (lr *liveRun) stop(t *testing.T) {
	if lr.capt == nil {
		return
	}
	lr.capt.Stop() // as peregrine run does: what came before is processed
	if err := <-lr.done; err != nil {
		t.Errorf("engine: %v", err)
	}
	lr.capt.Close()
	lr.capt = nil
}

// waitAlert waits (at most 15 s) for an alert of the named rule for which
// ok holds, and returns it.
func (lr *liveRun) waitAlert(t *testing.T, rule string, ok func(*alert.Alert) bool) *alert.Alert {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		lr.mu.Lock()
		for _, a := range lr.alerts {
			if a.Rule == rule && (ok == nil || ok(a)) {
				lr.mu.Unlock()
				return a
			}
		}
		lr.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	var seen []string
	for _, a := range lr.alerts {
		seen = append(seen, a.Rule+": "+a.Message)
	}
	t.Fatalf("no %q alert within 15 s; alerts: %q", rule, seen)
	return nil
}

// field returns an output field of a, as JSON text.
func field(a *alert.Alert, name string) string {
	for _, f := range a.Fields {
		if f.Name == name {
			return f.JSON
		}
	}
	return "<absent>"
}

// marker is a string unique to one run of one test, to find its alerts.
func marker(t *testing.T) string {
	return fmt.Sprintf("peregrine-e2e-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
}

func TestLiveReadSensitiveFile(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	m := marker(t)
	// cat is no trusted reader of /etc/shadow; the marker argument names
	// this run's process.
	exec.Command("/bin/cat", "/etc/shadow", "/nonexistent/"+m).Run()
	a := lr.waitAlert(t, "Read sensitive file untrusted", func(a *alert.Alert) bool { return strings.Contains(a.Message, m) })
	if field(a, "fd.name") != `"/etc/shadow"` || field(a, "proc.name") != `"cat"` || field(a, "proc.exepath") != `"/usr/bin/cat"` && field(a, "proc.exepath") != `"/bin/cat"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

func TestLiveSymlinkOverSensitiveFile(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	link := filepath.Join(t.TempDir(), marker(t))
	run(t, "ln", "-s", "/etc/shadow", link)
	a := lr.waitAlert(t, "Create Symlink Over Sensitive Files", func(a *alert.Alert) bool { return strings.Contains(a.Message, link) })
	if field(a, "evt.arg.target") != `"/etc/shadow"` || field(a, "proc.name") != `"ln"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

func TestLiveWriteBelowEtc(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	path := "/etc/" + marker(t)
	t.Cleanup(func() { os.Remove(path) })
	run(t, "touch", path)
	a := lr.waitAlert(t, "Write below etc", func(a *alert.Alert) bool { return strings.Contains(a.Message, path) })
	if field(a, "fd.name") != `"`+path+`"` || field(a, "proc.name") != `"touch"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

func TestLiveExecutionFromDevShm(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	bin := "/dev/shm/" + marker(t)
	run(t, "cp", "/bin/true", bin)
	t.Cleanup(func() { os.Remove(bin) })
	run(t, bin)
	a := lr.waitAlert(t, "Execution from /dev/shm", func(a *alert.Alert) bool { return strings.Contains(a.Message, bin) })
	if field(a, "proc.exepath") != `"`+bin+`"` || field(a, "container.id") != `"host"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

// TestLiveMiner runs a program named like a known miner, with a stratum
// URL in its command line, that connects to a loopback port.
func TestLiveMiner(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
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
	port := ln.Addr().(*net.TCPAddr).Port
	dir := t.TempDir()
	miner := filepath.Join(dir, "xmrig")
	run(t, "cp", "/bin/bash", miner)
	url := fmt.Sprintf("stratum+tcp://127.0.0.1:%d", port)
	// bash's /dev/tcp makes the process itself connect.
	script := fmt.Sprintf("exec 3<>/dev/tcp/127.0.0.1/%d; exit 0", port)
	run(t, miner, "-c", script, "--donate-level=1", "-o", url)
	a := lr.waitAlert(t, "Detect crypto miners using the Stratum protocol", func(a *alert.Alert) bool { return strings.Contains(a.Message, url) })
	if field(a, "proc.name") != `"xmrig"` {
		t.Errorf("fields: %+v", a.Fields)
	}
	lr.waitAlert(t, "Known Cryptominer Process Executed", func(a *alert.Alert) bool { return strings.Contains(a.Message, url) })
}

// TestLiveFilelessExecution runs a program from a memfd, never on disk.
func TestLiveFilelessExecution(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	python := testenv.Tool(t, "python3")
	m := marker(t)
	script := `import os, sys
fd = os.memfd_create("payload", 0)
os.write(fd, open("/bin/true", "rb").read())
os.execv("/proc/self/fd/%d" % fd, ["payload", sys.argv[1]])`
	run(t, python, "-c", script, m)
	a := lr.waitAlert(t, "Fileless execution via memfd_create", func(a *alert.Alert) bool { return strings.Contains(field(a, "proc.cmdline"), m) })
	if !strings.Contains(field(a, "evt.arg.flags"), "EXE_FROM_MEMFD") || !strings.HasPrefix(field(a, "proc.exepath"), `"memfd:payload`) ||
		field(a, "proc.pname") != `"engine.test"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

// TestLiveClearLog truncates a file under /var/log from a shell.
func TestLiveClearLog(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	path := "/var/log/" + marker(t) + ".log"
	t.Cleanup(func() { os.Remove(path) })
	run(t, "/bin/sh", "-c", ": > "+path)
	a := lr.waitAlert(t, "Clear Log Activities", func(a *alert.Alert) bool { return field(a, "fd.name") == `"`+path+`"` })
	if field(a, "proc.name") != `"sh"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

// TestLiveDirectoryTraversal reads /etc/passwd through a path that climbs
// out of /etc and back: the rule reads the raw path (fd.nameraw) against
// the normalized one (fd.name).
func TestLiveDirectoryTraversal(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	m := marker(t)
	exec.Command("/bin/cat", "/etc/../etc/../etc/passwd", "/nonexistent/"+m).Run()
	a := lr.waitAlert(t, "Directory traversal monitored file read", func(a *alert.Alert) bool { return strings.Contains(a.Message, m) })
	if field(a, "fd.name") != `"/etc/passwd"` || field(a, "fd.nameraw") != `"/etc/../etc/../etc/passwd"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

// TestLivePtraceAttach attaches to a sleeping process with ptrace.
func TestLivePtraceAttach(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	python := testenv.Tool(t, "python3")
	victim := exec.Command("/bin/sleep", "30")
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { victim.Process.Kill(); victim.Wait() }()
	m := marker(t)
	script := `import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
if libc.ptrace(16, pid, None, None) != 0:  # PTRACE_ATTACH
    sys.exit("attach: errno %d" % ctypes.get_errno())
time.sleep(0.1)
libc.ptrace(17, pid, None, None)  # PTRACE_DETACH`
	run(t, python, "-c", script, fmt.Sprint(victim.Process.Pid), m)
	a := lr.waitAlert(t, "PTRACE attached to process", func(a *alert.Alert) bool { return strings.Contains(a.Message, m) })
	if field(a, "evt.type") != `"ptrace"` || field(a, "proc.name") != `"python3"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

// TestLiveSearchPrivateKeys looks for ssh keys with find; TestLive
// RemoveBulkData shreds a file.
func TestLiveSearchPrivateKeys(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	dir := filepath.Join(t.TempDir(), marker(t))
	exec.Command("find", dir, "-name", "id_rsa").Run()
	a := lr.waitAlert(t, "Search Private Keys or Passwords", func(a *alert.Alert) bool { return strings.Contains(a.Message, dir) })
	if field(a, "proc.name") != `"find"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

func TestLiveRemoveBulkData(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{})
	path := filepath.Join(t.TempDir(), marker(t))
	if err := os.WriteFile(path, []byte("evidence"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, "shred", "-u", path)
	a := lr.waitAlert(t, "Remove Bulk Data from Disk", func(a *alert.Alert) bool { return strings.Contains(a.Message, path) })
	if field(a, "proc.name") != `"shred"` || field(a, "evt.type") != `"execve"` {
		t.Errorf("fields: %+v", a.Fields)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("shred left %s: %v", path, err)
	}
}

// TestLiveProcessFromBefore starts a process before the agent and has it
// act afterwards: the /proc scan must know it.
func TestLiveProcessFromBefore(t *testing.T) {
	testenv.Root(t)
	python := testenv.Tool(t, "python3")
	m := marker(t)
	cmd := exec.Command(python, "-c", "import sys; sys.stdin.readline(); open('/etc/shadow').read()", m)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	lr := startLive(t, engine.Options{AppendOutput: "pid=%proc.pid ppid=%proc.ppid"}, capture.Options{})
	fmt.Fprintln(stdin, "go")
	stdin.Close()
	a := lr.waitAlert(t, "Read sensitive file untrusted", func(a *alert.Alert) bool { return strings.Contains(a.Message, m) })
	if field(a, "proc.name") != `"python3"` || !strings.Contains(field(a, "proc.cmdline"), m) {
		t.Errorf("fields: %+v", a.Fields)
	}
	if pid, ppid := field(a, "proc.pid"), field(a, "proc.ppid"); pid != fmt.Sprint(cmd.Process.Pid) || ppid != fmt.Sprint(os.Getpid()) {
		t.Errorf("proc.pid %s, proc.ppid %s; want %d, %d", pid, ppid, cmd.Process.Pid, os.Getpid())
	}
}

// startContainer starts a container of the busybox test image ("sleep
// 600", with extra docker run flags) and then a live engine that asks the
// test's Docker Engine for container metadata.
func startContainer(t *testing.T, flags ...string) (*liveRun, *testenv.DockerEnv, string) {
	t.Helper()
	testenv.Root(t)
	d := testenv.Docker(t)
	image := d.Image(t, "shell", nil)
	rt, err := container.NewDocker(d.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	if err := rt.Ping(context.Background()); err != nil { // settles the API version before concurrent use
		t.Fatal(err)
	}
	cache := container.NewCache(rt, container.Config{})
	t.Cleanup(cache.Close)
	id := d.Run(t, append([]string{"--name", marker(t)}, flags...), image, "sleep", "600")
	return startLive(t, engine.Options{Containers: cache}, capture.Options{}), d, id
}

// inContainer says whether a comes from container id, and checks that
// the appended container fields are filled.
func inContainer(t *testing.T, id string) func(*alert.Alert) bool {
	return func(a *alert.Alert) bool {
		if field(a, "container.id") != `"`+id[:12]+`"` {
			return false
		}
		if field(a, "container.name") != `"`+marker(t)+`"` || field(a, "container.image.repository") != `"peregrine-test/shell"` {
			t.Errorf("container fields: %+v", a.Fields)
		}
		return true
	}
}

// TestLiveTerminalShellInContainer runs a shell with a terminal in a
// container through `docker exec -t`, the way an attacker gets in.
func TestLiveTerminalShellInContainer(t *testing.T) {
	lr, d, id := startContainer(t)
	d.Docker(t, "exec", "-t", id, "sh", "-c", "true")
	a := lr.waitAlert(t, "Terminal shell in container", inContainer(t, id))
	// The shell's parent is runc, or containerd-shim (the subreaper that
	// adopts it) when runc has gone by the time of the exec: the state
	// must follow the kernel, not fall back to init.
	if pname := field(a, "proc.pname"); field(a, "proc.name") != `"sh"` || pname != `"runc"` && pname != `"containerd-shim"` || field(a, "proc.tty") == "0" {
		t.Errorf("fields: %+v", a.Fields)
	}
}

// TestLiveNetcatReverseShell connects two busybox netcats with -e in a
// container: a program run on a connection, its standard streams the
// socket.
func TestLiveNetcatReverseShell(t *testing.T) {
	lr, d, id := startContainer(t)
	// (docker exec runs the programs itself: busybox's shell would run
	// its applets without an exec.)
	d.Docker(t, "exec", "-d", id, "nc", "-l", "-p", "4444", "-e", "/bin/true")
	for i := 0; ; i++ {
		if _, err := d.Command(context.Background(), "exec", id, "nc", "127.0.0.1", "4444", "-e", "/bin/true").CombinedOutput(); err == nil {
			break
		} else if i == 50 {
			t.Fatalf("connect to the listener: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // the listener is not up yet
	}
	a := lr.waitAlert(t, "Netcat Remote Code Execution in Container", inContainer(t, id))
	if field(a, "proc.name") != `"nc"` || !strings.Contains(field(a, "proc.cmdline"), "-e /bin/true") {
		t.Errorf("fields: %+v", a.Fields)
	}
	a = lr.waitAlert(t, "Redirect STDOUT/STDIN to Network Connection in Container", inContainer(t, id))
	if field(a, "fd.sip") != `"127.0.0.1"` || field(a, "fd.type") != `"ipv4"` || field(a, "fd.l4proto") != `"tcp"` ||
		field(a, "proc.name") != `"nc"` || !strings.HasPrefix(field(a, "evt.type"), `"dup`) {
		t.Errorf("fields: %+v", a.Fields)
	}
	if field(a, "fd.lport") != "4444" && field(a, "fd.rport") != "4444" {
		t.Errorf("ports: %+v", a.Fields)
	}
}

// TestLiveDropAndExecuteInContainer copies a program into a container's
// writable layer and runs it.
func TestLiveDropAndExecuteInContainer(t *testing.T) {
	lr, d, id := startContainer(t)
	// busybox runs the applet its name says.
	d.Exec(t, id, "cp", "/bin/busybox", "/tmp/true")
	d.Exec(t, id, "/tmp/true")
	a := lr.waitAlert(t, "Drop and execute new binary in container", inContainer(t, id))
	if field(a, "proc.exepath") != `"/tmp/true"` || !strings.Contains(field(a, "evt.arg.flags"), "EXE_UPPER_LAYER") {
		t.Errorf("fields: %+v", a.Fields)
	}
}

// TestLiveKernelModuleFromContainer tries to load a module from a
// container that may (CAP_SYS_MODULE). This kernel takes no modules
// (ENOSYS): the attempt is what counts.
func TestLiveKernelModuleFromContainer(t *testing.T) {
	lr, d, id := startContainer(t, "--cap-add", "SYS_MODULE")
	d.Exec(t, id, "sh", "-c", "echo x > /tmp/evil.ko")
	d.Command(context.Background(), "exec", id, "insmod", "/tmp/evil.ko").Run() // fails: ENOSYS
	a := lr.waitAlert(t, "Linux Kernel Module Injection Detected", inContainer(t, id))
	if field(a, "proc.name") != `"insmod"` || field(a, "proc.args") != `"/tmp/evil.ko"` || field(a, "evt.res") == `"SUCCESS"` {
		t.Errorf("fields: %+v", a.Fields)
	}
}

// TestLiveDrops floods a tiny ring buffer: the losses must show in the
// capture's counters and as a drop alert, and nothing must crash.
func TestLiveDrops(t *testing.T) {
	lr := startLive(t, engine.Options{}, capture.Options{RingSize: 4096, WakeupBatch: 4096, PollInterval: 50 * time.Millisecond})
	dir := t.TempDir()
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20000; i++ {
				if f, err := os.Open(dir); err == nil {
					f.Close()
				}
			}
		}()
	}
	wg.Wait()
	lr.stop(t) // the engine raises the last drop alert as it ends
	if st := lr.eng.Counters(); st.DropAlerts == 0 {
		t.Fatalf("no drop alert; counters %+v", st)
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	for _, a := range lr.alerts {
		if a.Rule == engine.DropRule {
			if field(a, "n_drops_total") == "0" {
				t.Errorf("drop alert without drops: %+v", a.Fields)
			}
			return
		}
	}
	t.Fatal("drop alert not emitted")
}
