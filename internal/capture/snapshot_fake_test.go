package capture

import (
	"errors"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sys/unix"

	"peregrine/internal/event"
)

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustLink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// fakeThread writes the files of one thread directory of a fake /proc.
// Entries of files replace the defaults; an empty value removes a file.
func fakeThread(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	def := map[string]string{
		"cmdline":  "/bin/app\x00-v\x00",
		"environ":  "A=1\x00B=2\x00",
		"limits":   "Max open files            1024                 4096                 files     \n",
		"loginuid": "1000",
		"cgroup":   "2:memory:/app\n1:cpu:/\n",
	}
	for k, v := range files {
		def[k] = v
	}
	for name, content := range def {
		if content != "" {
			mustWrite(t, filepath.Join(dir, name), content)
		}
	}
}

// fakeProc builds a fake /proc tree and host root, and returns the proc
// root, the host root and the path of the fake executable.
func fakeProc(t *testing.T) (proc, host, exe string) {
	t.Helper()
	base := t.TempDir()
	proc, host = filepath.Join(base, "proc"), filepath.Join(base, "host")
	exe = filepath.Join(base, "bin", "app")
	mustWrite(t, exe, "#!/bin/sh\n")
	if err := os.Chmod(exe, 0o755); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(base, "data.txt")
	mustWrite(t, data, "hello")
	fifo := filepath.Join(base, "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(base, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })

	mustWrite(t, proc+"/stat", "cpu  1 2 3\ncpu0 1 2 3\ncpu1 1 2 3\ncpu2 1 2 3\nintr 5\nbtime 1700000000\n")
	mustWrite(t, proc+"/meminfo", "MemTotal:        2048 kB\nMemFree:  1 kB\n")
	mustWrite(t, proc+"/sys/kernel/pid_max", "4194304\n")
	mustWrite(t, proc+"/sys/kernel/hostname", "fakehost\n")
	mustWrite(t, proc+"/self", "") // not a process
	mustWrite(t, host+"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n# comment\nbroken line\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n")
	mustWrite(t, host+"/etc/group", "root:x:0:\nalice:x:1000:\n")

	// pid 1: a good process with one thread.
	p1 := proc + "/1"
	fakeThread(t, p1, map[string]string{
		"stat":   "1 (init) S 0 1 1 0 -1 4194560 10 0 3 0 0 0 0 0 20 0 1 0 100 0 0",
		"status": "Tgid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nNStgid:\t1\nNSpid:\t1\nNSpgid:\t1\nCapEff:\t00000000000000ff\n",
	})
	mustLink(t, exe, p1+"/exe")
	mustLink(t, "/", p1+"/cwd")
	mustLink(t, "/", p1+"/root")
	mustWrite(t, p1+"/task/1/stat", "")
	mustWrite(t, p1+"/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n")
	if err := os.MkdirAll(p1+"/fd", 0o755); err != nil {
		t.Fatal(err)
	}

	// pid 2: a kernel thread.
	fakeThread(t, proc+"/2", map[string]string{
		"stat":    "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0",
		"cmdline": "",
	})

	// pid 10: two threads and descriptors of several kinds.
	p10 := proc + "/10"
	fakeThread(t, p10, map[string]string{
		"stat":   "10 (app) S 1 10 10 34817 -1 4194560 7 0 1 0 0 0 0 0 20 0 2 0 250 0 0",
		"status": "Tgid:\t10\nPPid:\t1\nUid:\t1000\t1001\t1000\t1000\nGid:\t1000\t1002\t1000\t1000\nGroups:\t4\nNStgid:\t10\t3\nNSpid:\t10\t3\nNSpgid:\t10\t3\nVmSize:\t  100 kB\n",
	})
	mustLink(t, exe, p10+"/exe")
	mustLink(t, "/work", p10+"/cwd")
	mustLink(t, "/", p10+"/root")
	mustWrite(t, p10+"/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n")
	mustLink(t, data, p10+"/fd/0")
	mustWrite(t, p10+"/fdinfo/0", "pos:\t0\nflags:\t02102002\nmnt_id:\t27\nino:\t5\n")
	mustLink(t, base, p10+"/fd/1")
	mustLink(t, fifo, p10+"/fd/2")
	mustLink(t, sock, p10+"/fd/3")
	mustLink(t, "pipe:[77]", p10+"/fd/4") // dangling: closed meanwhile
	mustLink(t, data, p10+"/fd/notanumber")
	mustWrite(t, p10+"/task/10/stat", "")
	fakeThread(t, p10+"/task/11", map[string]string{
		"stat":   "11 (worker) S 1 10 10 34817 -1 4194624 2 0 0 0 0 0 0 0 20 0 2 0 260 0 0",
		"status": "Tgid:\t10\nPPid:\t1\nUid:\t1000\t1001\t1000\t1000\nGid:\t1000\t1002\t1000\t1000\nNStgid:\t10\t3\nNSpid:\t11\t4\nNSpgid:\t10\t3\n",
	})
	mustLink(t, "/work", p10+"/task/11/cwd")
	mustLink(t, "/", p10+"/task/11/root")

	// pid 20 vanished: its directory is still listed, its files are gone.
	if err := os.MkdirAll(proc+"/20", 0o755); err != nil {
		t.Fatal(err)
	}
	// pid 21 has a garbage stat file; pid 24 a status without Uid.
	fakeThread(t, proc+"/21", map[string]string{"stat": "21 (x) S garbage"})
	fakeThread(t, proc+"/24", map[string]string{
		"stat":   "24 (x) S 1 24 24 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0",
		"status": "Tgid:\t24\nPPid:\t1\nGid:\t0\t0\t0\t0\n",
	})
	// pid 22 is a zombie leader whose thread 23 lives on.
	fakeThread(t, proc+"/22", map[string]string{"stat": "22 (z) Z 1 22 22 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 2 0 300 0 0"})
	mustWrite(t, proc+"/22/task/22/stat", "")
	fakeThread(t, proc+"/22/task/23", map[string]string{
		"stat":   "23 (zt) S 1 22 22 0 -1 4194624 0 0 0 0 0 0 0 0 20 0 2 0 301 0 0",
		"status": "Tgid:\t22\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
	})
	mustLink(t, data, proc+"/22/task/23/fd/5")
	// pid 25 lacks every optional file.
	fakeThread(t, proc+"/25", map[string]string{
		"stat":    "25 (bare) S 1 25 25 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 400 0 0",
		"status":  "Tgid:\t25\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
		"environ": "", "limits": "", "loginuid": "", "cgroup": "",
	})
	mustWrite(t, proc+"/25/task/25/stat", "")
	// pid 26 disappears before its descriptors are read: no fd
	// directory although its main thread reads fine.
	fakeThread(t, proc+"/26", map[string]string{
		"stat":   "26 (late) S 1 26 26 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0",
		"status": "Tgid:\t26\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
	})
	os.Remove(proc + "/26/fd")
	for _, pid := range []string{"21", "24", "25"} {
		if err := os.MkdirAll(proc+"/"+pid+"/fd", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return proc, host, exe
}

func TestSnapshotFakeProc(t *testing.T) {
	proc, host, exe := fakeProc(t)
	snap, err := TakeSnapshot(SnapshotOptions{ProcRoot: proc, HostRoot: host})
	if err != nil {
		t.Fatal(err)
	}
	wantMachine := event.MachineInfo{NumCPUs: 3, MemoryBytes: 2048 * 1024, MaxPID: 4194304, Hostname: "fakehost",
		BootTime: 1700000000 * 1e9, Flags: archFlag() | event.OSLinux}
	if diff := cmp.Diff(wantMachine, snap.Machine); diff != "" {
		t.Errorf("machine (-want +got):\n%s", diff)
	}
	wantUsers := []event.User{{Name: "root", Home: "/root", Shell: "/bin/bash"},
		{UID: 1000, GID: 1000, Name: "alice", Home: "/home/alice", Shell: "/bin/sh"}}
	if diff := cmp.Diff(wantUsers, snap.Users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]event.Group{{Name: "root"}, {GID: 1000, Name: "alice"}}, snap.Groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}

	var exeSt unix.Stat_t
	if err := unix.Stat(exe, &exeSt); err != nil {
		t.Fatal(err)
	}
	boot, tick := snap.Boot, uint64(1e7)
	init1 := boot + 100*tick
	exeFields := event.Process{Exe: "/bin/app", ExePath: exe, Args: "-v\x00", Env: "A=1\x00B=2\x00", FDLimit: 1024,
		ExeIno: exeSt.Ino, ExeInoCtime: timespecNS(exeSt.Ctim), ExeInoMtime: timespecNS(exeSt.Mtim)}
	with := func(p event.Process) event.Process {
		p.Exe, p.ExePath, p.Args, p.Env, p.FDLimit = exeFields.Exe, exeFields.ExePath, exeFields.Args, exeFields.Env, exeFields.FDLimit
		p.ExeIno, p.ExeInoCtime, p.ExeInoMtime = exeFields.ExeIno, exeFields.ExeInoCtime, exeFields.ExeInoMtime
		return p
	}
	cg := "memory=/app\x00cpu=/\x00"
	want := []event.Process{
		with(event.Process{TID: 1, PID: 1, SID: 1, VPGID: 1, PGID: 1, VTID: 1, VPID: 1, Comm: "init", Cwd: "/", Root: "/",
			PFMinor: 10, PFMajor: 3, Cgroups: cg, LoginUID: 1000, CapEffective: 0xff, ExeWritable: true,
			StartTS: init1, PidnsInitStartTS: init1}),
		// The executable belongs to root, mode 0755: not writable by
		// uid 1001.
		with(event.Process{TID: 10, PID: 10, PTID: 1, SID: 10, VPGID: 3, PGID: 10, VTID: 3, VPID: 3, Comm: "app",
			Cwd: "/work", Root: "/", UID: 1001, GID: 1002, VMSizeKB: 100, PFMinor: 7, PFMajor: 1, Cgroups: cg,
			TTY: 34817, LoginUID: 1000, StartTS: boot + 250*tick}),
		with(event.Process{TID: 11, PID: 10, PTID: 1, SID: 10, VPGID: 3, PGID: 10, VTID: 4, VPID: 3, Comm: "worker",
			Cwd: "/work", Root: "/", UID: 1001, GID: 1002, PFMinor: 2, Cgroups: cg, Flags: ppmCloneThread | ppmCloneFiles,
			TTY: 34817, LoginUID: 1000, StartTS: boot + 260*tick}),
		{TID: 23, PID: 22, PTID: 1, SID: 22, VPGID: 22, PGID: 22, VTID: 23, VPID: 22, Comm: "zt", Exe: "/bin/app",
			Args: "-v\x00", Env: "A=1\x00B=2\x00", FDLimit: 1024, Cgroups: cg, LoginUID: 1000,
			Flags: ppmCloneThread | ppmCloneFiles, StartTS: boot + 301*tick},
		{TID: 25, PID: 25, PTID: 1, SID: 25, VPGID: 25, PGID: 25, VTID: 25, VPID: 25, Comm: "bare", Exe: "/bin/app",
			Args: "-v\x00", FDLimit: -1, LoginUID: event.NoLoginUID, StartTS: boot + 400*tick},
	}
	if diff := cmp.Diff(want, snap.Procs); diff != "" {
		t.Errorf("threads (-want +got):\n%s", diff)
	}

	stat := func(p string) unix.Stat_t {
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	base := filepath.Dir(exe[:len(exe)-len("/app")])
	data, fifo, sock := filepath.Join(base, "data.txt"), filepath.Join(base, "fifo"), filepath.Join(base, "s.sock")
	wantFDs := []ThreadFDs{
		{TID: 10, FDs: []event.FD{
			{Num: 0, Ino: stat(data).Ino, Type: event.FDFileV2, Name: data, OpenFlags: ppmORdwr | ppmOAppend | ppmOCloexec, Dev: 254 << 8},
			{Num: 1, Ino: stat(base).Ino, Type: event.FDDirectory, Name: base},
			{Num: 2, Ino: stat(fifo).Ino, Type: event.FDFifo, Name: fifo},
			{Num: 3, Ino: stat(sock).Ino, Type: event.FDUnsupported, Name: sock},
		}},
		{TID: 23, FDs: []event.FD{{Num: 5, Ino: stat(data).Ino, Type: event.FDFileV2, Name: data}}},
	}
	if diff := cmp.Diff(wantFDs, snap.FDs, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("descriptors (-want +got):\n%s", diff)
	}

	st := snap.Stats
	st.Duration, st.Errors = 0, nil
	wantStats := SnapshotStats{Processes: 4, Threads: 5, FDs: 5, Vanished: 2, KernelThreads: 1, Zombies: 1, Failed: 2}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if len(snap.Stats.Errors) != 2 {
		t.Errorf("errors = %q, want the two failed threads", snap.Stats.Errors)
	}
}

func TestSnapshotLimits(t *testing.T) {
	proc, host, _ := fakeProc(t)
	// One worker reads the processes in pid order: pid 1 (one thread)
	// and pid 10 (two threads, of which one fits) are read; every later
	// process is only counted (a thread each, two for pid 22).
	snap, err := TakeSnapshot(SnapshotOptions{ProcRoot: proc, HostRoot: host, MaxThreads: 2, MaxFDs: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var tids []int64
	for _, p := range snap.Procs {
		tids = append(tids, p.TID)
	}
	if diff := cmp.Diff([]int64{1, 10}, tids); diff != "" {
		t.Errorf("threads listed (-want +got):\n%s", diff)
	}
	if got, want := snap.Stats.OverThreads, 1+1+1+2+1+1+1; got != want {
		t.Errorf("OverThreads = %d, want %d", got, want)
	}
	if len(snap.FDs) != 1 || len(snap.FDs[0].FDs) != 1 || snap.FDs[0].FDs[0].Num != 0 {
		t.Errorf("descriptors = %+v, want fd 0 of pid 10 alone", snap.FDs)
	}
	if snap.Stats.OverFDs != 4 { // fds 1 to 4 of pid 10
		t.Errorf("OverFDs = %d, want 4", snap.Stats.OverFDs)
	}
}

func TestSnapshotNoProc(t *testing.T) {
	_, err := TakeSnapshot(SnapshotOptions{ProcRoot: filepath.Join(t.TempDir(), "missing")})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("TakeSnapshot of a missing root = %v, want a not-exist error naming it", err)
	}
}
