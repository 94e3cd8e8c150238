package capture

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
)

// openPTY returns the controlling side of a new pseudo-terminal and its
// number, or fails.
func openPTY(t *testing.T) (*os.File, int) {
	t.Helper()
	m, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { unix.Close(m) })
	if err := unix.IoctlSetPointerInt(m, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(m, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, n
}

// selfStatus returns a field of /proc/self/status.
func selfStatus(t *testing.T, key string) string {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == key {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %s in /proc/self/status", key)
	return ""
}

// selfCgroups returns /proc/self/cgroup as libs lists cgroups: one
// "controller=path" per cgroup v1 controller.
func selfCgroups(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || parts[1] == "" || strings.HasPrefix(parts[1], "name=") {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "blkio" {
				c = "io" // the kernel's name of the controller, as libs reports it
			}
			out = append(out, c+"="+parts[2])
		}
	}
	return out
}

func isOurThread(tid int64) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", tid))
	return err == nil
}

// execve of /bin/true with arguments, an environment, a working
// directory and a controlling terminal: the exit event of the new program
// carries all of them, and the clone that made the child and its exit
// come too.
func TestExecve(t *testing.T) {
	r := openRig(t, Options{})
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pts, ptyN := openPTY(t)
	cmd := exec.Command("/bin/true", "first arg", "second")
	cmd.Env = []string{"PEREGRINE_TEST=yes", "A=b"}
	cmd.Dir = dir
	cmd.Stdin = pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid

	isClone := func(e *event.Event) bool {
		switch e.Type() {
		case 223, 225, 227, 335:
			return true
		}
		return false
	}
	resIs := func(e *event.Event, v int64) bool { n, _ := param(t, e, "res").Int(); return n == v }
	evs := r.collect(map[string]func(*event.Event) bool{
		"execve":       func(e *event.Event) bool { return e.Type() == 293 && e.TID() == int64(pid) },
		"clone caller": func(e *event.Event) bool { return isClone(e) && resIs(e, int64(pid)) },
		"clone child":  func(e *event.Event) bool { return isClone(e) && e.TID() == int64(pid) && resIs(e, 0) },
		"procexit":     func(e *event.Event) bool { return e.Type() == 186 && e.TID() == int64(pid) },
	})
	e := evs["execve"]
	exe, err := filepath.EvalSymlinks("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	st := statOf(t, exe)
	loginuid, err := os.ReadFile("/proc/self/loginuid")
	if err != nil {
		t.Fatal(err)
	}
	luid, _ := strconv.ParseUint(strings.TrimSpace(string(loginuid)), 10, 32)
	bnd, _ := strconv.ParseUint(selfStatus(t, "CapBnd"), 16, 64)
	check(t, e, map[string]any{
		"res": 0, "exe": "/bin/true", "args": []string{"first arg", "second"},
		"tid": pid, "pid": pid, "cwd": dir, "comm": "true",
		"env": []string{"PEREGRINE_TEST=yes", "A=b"},
		"tty": 136<<8 | ptyN, "vpgid": pid, "pgid": pid, "loginuid": int64(luid),
		"cap_permitted": bnd, "cap_effective": bnd, "cap_inheritable": uint64(0),
		"exe_ino": int64(st.Ino), "exe_ino_mtime": uint64(st.Mtim.Nano()), "exe_ino_ctime": uint64(st.Ctim.Nano()),
		"uid": 0, "gid": 0, "trusted_exepath": exe, "filename": "/bin/true",
	})
	checkFlags(t, e, "flags", flags{"EXE_WRITABLE"})
	if lim, _ := param(t, e, "fdlimit").Int(); lim <= 0 {
		t.Errorf("fdlimit %d", lim)
	}
	if ptid, _ := param(t, e, "ptid").Int(); !isOurThread(ptid) {
		t.Errorf("ptid %d is not a thread of the test process", ptid)
	}
	cg := list(param(t, e, "cgroups").Raw)
	for _, want := range selfCgroups(t) {
		if !slices.Contains(cg, want) {
			t.Errorf("cgroups %q lack %q", cg, want)
		}
	}

	// The clone that made the child: in the caller (result: the child's
	// pid) and in the child (result 0).
	e = evs["clone caller"]
	self, _ := os.Executable()
	check(t, e, map[string]any{"pid": os.Getpid(), "exe": os.Args[0], "uid": 0, "gid": 0,
		"vpid": os.Getpid(), "pidns_init_start_ts": 0})
	if !isOurThread(e.TID()) {
		t.Errorf("clone caller %d is not a thread of the test process", e.TID())
	}
	if comm := text(param(t, e, "comm")); !strings.HasPrefix(filepath.Base(self), comm) || comm == "" {
		t.Errorf("clone comm %q, executable %s", comm, self)
	}
	checkFlags(t, e, "flags", flags{"CLONE_VM", "CLONE_VFORK"})
	e = evs["clone child"]
	check(t, e, map[string]any{"tid": pid, "pid": pid, "vtid": pid, "vpid": pid})

	// And its end.
	check(t, evs["procexit"], map[string]any{"status": 0, "ret": 0, "sig": 0, "core": 0})
}

// A failed execve (and execveat) keeps the caller: the event takes the
// program, arguments and environment from the call's own arguments.
func TestExecveFails(t *testing.T) {
	r := openRig(t, Options{})
	cstrs := func(ss ...string) []*byte {
		out := make([]*byte, 0, len(ss)+1)
		for _, s := range ss {
			p, _ := unix.BytePtrFromString(s)
			out = append(out, p)
		}
		return append(out, nil)
	}
	argv := cstrs("prog0", "-x", "y z")
	envp := cstrs("K=V", "EMPTY=")
	tid := onThread(false, func(int) {
		sys(unix.SYS_EXECVE, "/nonexistent/prog", unsafe.Pointer(&argv[0]), unsafe.Pointer(&envp[0]))
		sys(unix.SYS_EXECVEAT, atFDCWD, "/nonexistent/prog", unsafe.Pointer(&argv[0]), unsafe.Pointer(&envp[0]), 0)
	})
	want := map[string]any{"res": errno(unix.ENOENT), "exe": "prog0", "args": []string{"-x", "y z"},
		"env": []string{"K=V", "EMPTY="}, "tid": tid, "pid": os.Getpid()}
	e := r.waitType(293, tid)
	check(t, e, want)
	check(t, e, map[string]any{"filename": "/nonexistent/prog"})
	check(t, r.waitType(331, tid), want)
}

// Process exits: a status, a signal.
func TestProcexit(t *testing.T) {
	r := openRig(t, Options{})
	code := exec.Command("/bin/sh", "-c", "exit 3")
	if err := code.Run(); err == nil {
		t.Fatal("exit 3 succeeded")
	}
	killed := exec.Command("/bin/sleep", "100")
	if err := killed.Start(); err != nil {
		t.Fatal(err)
	}
	killed.Process.Kill()
	killed.Wait()
	check(t, r.waitType(186, code.Process.Pid), map[string]any{"status": 3 << 8, "ret": 3, "sig": 0, "core": 0})
	check(t, r.waitType(186, killed.Process.Pid), map[string]any{"status": 9, "ret": 0, "sig": 9, "core": 0})
}

// The reaper a procexit names is who adopts the exiting process's
// children: checked against the parent the kernel gave the orphan, with
// and without this process as a child subreaper.
func TestProcexitReaper(t *testing.T) {
	r := openRig(t, Options{})
	orphan := func(t *testing.T) (shPID, sleepPID, adopter int) {
		t.Helper()
		sh := exec.Command("/bin/sh", "-c", "/bin/sleep 5 >/dev/null 2>&1 & echo $!")
		out, err := sh.Output()
		if err != nil {
			t.Fatal(err)
		}
		if sleepPID, err = strconv.Atoi(strings.TrimSpace(string(out))); err != nil {
			t.Fatalf("sleep pid %q", out)
		}
		t.Cleanup(func() { unix.Kill(sleepPID, unix.SIGKILL) })
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", sleepPID))
		if err != nil {
			t.Fatal(err)
		}
		// pid (comm) state ppid ...
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if adopter, err = strconv.Atoi(f[1]); err != nil {
			t.Fatalf("stat %q", stat)
		}
		return sh.Process.Pid, sleepPID, adopter
	}
	t.Run("no children", func(t *testing.T) {
		sh := exec.Command("/bin/true")
		if err := sh.Run(); err != nil {
			t.Fatal(err)
		}
		check(t, r.waitType(186, sh.Process.Pid), map[string]any{"reaper_tid": 0})
	})
	t.Run("init or the subreaper above", func(t *testing.T) {
		sh, _, adopter := orphan(t)
		if adopter == os.Getpid() {
			t.Fatal("adopted by this process, which is no subreaper")
		}
		check(t, r.waitType(186, sh), map[string]any{"reaper_tid": adopter})
	})
	t.Run("this process as subreaper", func(t *testing.T) {
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			t.Fatal(err)
		}
		defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
		sh, sleep, adopter := orphan(t)
		defer func() {
			unix.Kill(sleep, unix.SIGKILL)
			var ws unix.WaitStatus
			unix.Wait4(sleep, &ws, 0, nil)
		}()
		if adopter != os.Getpid() {
			t.Fatalf("orphan adopted by %d, not by this process (%d)", adopter, os.Getpid())
		}
		check(t, r.waitType(186, sh), map[string]any{"reaper_tid": adopter})
	})
}

// A program run from a memfd: flagged, and named as libs names it
// ("memfd:<name>", what the upstream rules compare with).
func TestExecveFromMemfd(t *testing.T) {
	r := openRig(t, Options{})
	bin, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	mfd, err := unix.MemfdCreate("peregrine-exe", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(mfd)
	if _, err := unix.Write(mfd, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(fmt.Sprintf("/proc/self/fd/%d", mfd))
	cmd.ExtraFiles = []*os.File{os.NewFile(uintptr(mfd), "memfd")} // fd 3 in the child
	cmd.Path = "/proc/self/fd/3"
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	e := r.waitType(293, cmd.Process.Pid)
	check(t, e, map[string]any{"res": 0, "trusted_exepath": "memfd:peregrine-exe", "filename": "/proc/self/fd/3"})
	checkFlags(t, e, "flags", flags{"EXE_WRITABLE", "EXE_FROM_MEMFD"})
}
