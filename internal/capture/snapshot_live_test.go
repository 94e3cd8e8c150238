package capture

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sys/unix"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// startChild starts cmd and waits until its command name reads comm (it
// has executed its program); it is killed when the test ends. It returns
// the times just before and after the start.
func startChild(t *testing.T, cmd *exec.Cmd, comm string) (before, after time.Time) {
	t.Helper()
	before = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", cmd.Args, err)
	}
	after = time.Now()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	path := fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == comm {
			return before, after
		}
	}
	t.Fatalf("%v did not become %q", cmd.Args, comm)
	return
}

// fdOf returns the descriptor number of a connection or listener.
func fdOf(t *testing.T, c syscall.Conn) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd int
	if err := rc.Control(func(f uintptr) { fd = int(f) }); err != nil {
		t.Fatal(err)
	}
	return fd
}

func fstatIno(t *testing.T, fd int) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// tidOf finds a thread in a snapshot.
func tidOf(s *Snapshot, tid int) *event.Process {
	for i := range s.Procs {
		if s.Procs[i].TID == int64(tid) {
			return &s.Procs[i]
		}
	}
	return nil
}

func fdsOf(s *Snapshot, tid int) map[int64]event.FD {
	for _, l := range s.FDs {
		if l.TID == int64(tid) {
			m := map[int64]event.FD{}
			for _, fd := range l.FDs {
				m[fd.Num] = fd
			}
			return m
		}
	}
	return nil
}

func sleepPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("sleep")
	if err != nil {
		testenv.Missing(t, "sleep: %v", err)
	}
	p, err = filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSnapshotLiveSelf(t *testing.T) {
	testenv.Root(t)
	// Thread credentials and names are per thread, and other tests of the
	// package may leave a thread changed: compare this thread with what
	// it says of itself.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := unix.Gettid()
	snap, err := TakeSnapshot(SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pid := os.Getpid()
	if tidOf(snap, pid) == nil {
		t.Fatalf("the main thread of the test process %d is not listed", pid)
	}
	p := tidOf(snap, tid)
	if p == nil {
		t.Fatalf("thread %d of the test process is not listed", tid)
	}
	exe, _ := os.Executable()
	cwd, _ := os.Getwd()
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var caps [2]unix.CapUserData
	if err := unix.Capget(&hdr, &caps[0]); err != nil {
		t.Fatal(err)
	}
	capset := func(lo, hi uint32) uint64 { return uint64(hi)<<32 | uint64(lo) }
	var comm [16]byte
	if err := unix.Prctl(unix.PR_GET_NAME, uintptr(unsafe.Pointer(&comm[0])), 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	args := ""
	if len(os.Args) > 1 {
		args = strings.Join(os.Args[1:], "\x00") + "\x00"
	}
	want := event.Process{
		TID: int64(tid), PID: int64(pid), PTID: int64(os.Getppid()), VTID: int64(tid), VPID: int64(pid),
		Comm: unix.ByteSliceToString(comm[:]), Exe: os.Args[0], ExePath: exe, Args: args, Cwd: cwd, Root: "/",
		UID: uint32(unix.Geteuid()), GID: uint32(unix.Getegid()), FDLimit: int64(rl.Cur),
		CapInheritable: capset(caps[0].Inheritable, caps[1].Inheritable),
		CapPermitted:   capset(caps[0].Permitted, caps[1].Permitted),
		CapEffective:   capset(caps[0].Effective, caps[1].Effective),
	}
	if tid != pid {
		want.Flags = ppmCloneThread | ppmCloneFiles
	}
	sid, _ := unix.Getsid(0)
	want.SID, want.PGID, want.VPGID = int64(sid), int64(unix.Getpgrp()), int64(unix.Getpgrp())
	got := *p
	want.ExeWritable = want.UID == 0 // the test binary belongs to root
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(event.Process{}, "Env", "Cgroups", "VMSizeKB", "VMRSSKB",
		"VMSwapKB", "PFMajor", "PFMinor", "TTY", "LoginUID", "ExeIno", "ExeInoCtime", "ExeInoMtime",
		"PidnsInitStartTS", "StartTS")); diff != "" {
		t.Errorf("test process (-want +got):\n%s", diff)
	}
	var st unix.Stat_t
	if err := unix.Stat(exe, &st); err != nil {
		t.Fatal(err)
	}
	if got.ExeIno != st.Ino || got.ExeInoMtime != timespecNS(st.Mtim) {
		t.Errorf("exe inode %d mtime %d, want %d %d", got.ExeIno, got.ExeInoMtime, st.Ino, timespecNS(st.Mtim))
	}
	if got.VMSizeKB == 0 || got.VMRSSKB == 0 || got.PFMinor == 0 {
		t.Errorf("memory figures missing: %+v", got)
	}
	if now := uint64(time.Now().UnixNano()); got.StartTS <= snap.Boot || got.StartTS > now {
		t.Errorf("start %d outside boot %d .. now %d", got.StartTS, snap.Boot, now)
	}
	// The pid namespace of the host starts with pid 1.
	if init := tidOf(snap, 1); init == nil || got.PidnsInitStartTS != init.StartTS || init.StartTS == 0 {
		t.Errorf("pidns init start %d, want pid 1's start", got.PidnsInitStartTS)
	}
	cg, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	var v1 strings.Builder
	for line := range strings.SplitSeq(strings.TrimSpace(string(cg)), "\n") {
		f := strings.SplitN(line, ":", 3)
		for s := range strings.SplitSeq(f[1], ",") {
			if s != "" {
				fmt.Fprintf(&v1, "%s=%s\x00", s, f[2])
			}
		}
	}
	if !strings.HasPrefix(got.Cgroups, v1.String()) || v1.Len() == 0 {
		t.Errorf("cgroups %q, want %q first", got.Cgroups, v1.String())
	}
	// The threads of the test process share its process data.
	threads := 0
	for _, q := range snap.Procs {
		if q.PID == int64(pid) && q.TID != int64(pid) {
			threads++
			if q.Flags != ppmCloneThread|ppmCloneFiles || q.ExePath != exe || q.PTID != want.PTID || q.Args != args {
				t.Errorf("thread %d: flags %#x exepath %q ptid %d", q.TID, q.Flags, q.ExePath, q.PTID)
			}
		}
	}
	if threads == 0 {
		t.Error("no other thread of the test process is listed")
	}
	if !slices.ContainsFunc(snap.Users, func(u event.User) bool { return u.UID == 0 && u.Name == "root" }) {
		t.Error("user root is not listed")
	}
	if !slices.ContainsFunc(snap.Groups, func(g event.Group) bool { return g.GID == 0 && g.Name == "root" }) {
		t.Error("group root is not listed")
	}
	if snap.Stats.KernelThreads == 0 || snap.Stats.Threads != len(snap.Procs) {
		t.Errorf("stats %+v for %d threads", snap.Stats, len(snap.Procs))
	}
}

func TestSnapshotLiveMachine(t *testing.T) {
	snap, err := TakeSnapshot(SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	m := snap.Machine
	if m.MemoryBytes != uint64(si.Totalram)*uint64(si.Unit) {
		t.Errorf("memory %d, want %d", m.MemoryBytes, uint64(si.Totalram)*uint64(si.Unit))
	}
	if m.Hostname != host || m.NumCPUs == 0 || m.MaxPID < 301 || m.Flags&event.OSMask != event.OSLinux {
		t.Errorf("machine %+v (host %q)", m, host)
	}
	if runtime.GOARCH == "amd64" && m.Flags&event.ArchMask != event.ArchX64 {
		t.Errorf("flags %#x, want x86_64", m.Flags)
	}
	// btime is the boot time cut to the second.
	if m.BootTime > snap.Boot || snap.Boot-m.BootTime > 1e9+1e7 {
		t.Errorf("boot time %d, precise %d", m.BootTime, snap.Boot)
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		p, err := netip.ParsePrefix(a.String())
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(snap.Interfaces, func(ifc event.Interface) bool { return ifc.Addr == p.Addr() })
		if i < 0 {
			t.Errorf("address %v is not listed", p)
			continue
		}
		ifc := snap.Interfaces[i]
		if want := prefixMask(p.Bits(), len(p.Addr().AsSlice())); ifc.Netmask != want || ifc.Type.IPv6() != p.Addr().Is6() {
			t.Errorf("interface %+v, want netmask %v", ifc, want)
		}
	}
	if lo := snap.Interfaces[0]; lo.Name != "lo" && !slices.ContainsFunc(snap.Interfaces, func(i event.Interface) bool {
		return i.Name == "lo" && i.Addr == netip.MustParseAddr("127.0.0.1")
	}) {
		t.Errorf("lo 127.0.0.1 is not listed: %+v", snap.Interfaces)
	}
}

func TestSnapshotLiveChildren(t *testing.T) {
	testenv.Root(t)
	sleep := sleepPath(t)
	// The child runs as another user: its directory must be open to it
	// (t.TempDir's parent is not).
	dir, err := os.MkdirTemp("", "peregrine-snapshot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	// A child with other credentials, environment and directory, in its
	// own session.
	plain := exec.Command("sleep", "1000")
	plain.Dir, plain.Env = dir, []string{"A=1", "PEREGRINE_TEST=snapshot"}
	plain.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 1234, Gid: 5678}, Setsid: true}
	before, after := startChild(t, plain, "sleep")

	// A child on a terminal.
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		testenv.Missing(t, "pty: %v", err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer pts.Close()
	var ptsSt unix.Stat_t
	if err := unix.Fstat(int(pts.Fd()), &ptsSt); err != nil {
		t.Fatal(err)
	}
	onTTY := exec.Command("sleep", "1001")
	onTTY.Stdin = pts
	onTTY.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	startChild(t, onTTY, "sleep")

	// A child with a login uid.
	login := exec.Command("sh", "-c", "echo 4242 > /proc/self/loginuid && exec sleep 1002")
	startChild(t, login, "sleep")

	snap, err := TakeSnapshot(SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pid := plain.Process.Pid
	p := tidOf(snap, pid)
	if p == nil {
		t.Fatalf("child %d is not listed", pid)
	}
	want := event.Process{
		TID: int64(pid), PID: int64(pid), PTID: int64(os.Getpid()), SID: int64(pid), VPGID: int64(pid), PGID: int64(pid),
		VTID: int64(pid), VPID: int64(pid), Comm: "sleep", Exe: "sleep", ExePath: sleep, Args: "1000\x00", Cwd: dir,
		Root: "/", UID: 1234, GID: 5678, Env: "A=1\x00PEREGRINE_TEST=snapshot\x00",
	}
	if diff := cmp.Diff(want, *p, cmpopts.IgnoreFields(event.Process{}, "FDLimit", "VMSizeKB", "VMRSSKB", "VMSwapKB",
		"PFMajor", "PFMinor", "Cgroups", "LoginUID", "CapInheritable", "CapPermitted", "CapEffective",
		"ExeIno", "ExeInoCtime", "ExeInoMtime", "PidnsInitStartTS", "StartTS")); diff != "" {
		t.Errorf("child (-want +got):\n%s", diff)
	}
	// Start times count clock ticks (10 ms) after boot.
	lo, hi := uint64(before.UnixNano())-20e6, uint64(after.UnixNano())+20e6
	if p.StartTS < lo || p.StartTS > hi {
		t.Errorf("child start %d outside %d .. %d", p.StartTS, lo, hi)
	}
	if p.CapEffective != 0 {
		t.Errorf("child of uid 1234 has capabilities %#x", p.CapEffective)
	}

	q := tidOf(snap, onTTY.Process.Pid)
	wantTTY := unix.Minor(ptsSt.Rdev)&0xff | unix.Major(ptsSt.Rdev)<<8 | (unix.Minor(ptsSt.Rdev)&^0xff)<<12
	if q == nil || q.TTY != wantTTY || q.TTY == 0 {
		t.Errorf("child on a terminal: %+v, want tty %#x", q, wantTTY)
	}
	if r := tidOf(snap, login.Process.Pid); r == nil || r.LoginUID != 4242 || r.Args != "1002\x00" {
		t.Errorf("child with a login uid: %+v", r)
	}
	if me := tidOf(snap, os.Getpid()); me == nil {
		t.Error("the test process is not listed")
	}
}
