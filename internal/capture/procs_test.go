package capture

import (
	"os"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Credentials, namespaces and thread names change on a thread that is
// thrown away afterwards.
func TestCredentialSyscalls(t *testing.T) {
	r := openRig(t, Options{})
	var hdr = unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var caps [2]unix.CapUserData
	var capRes int64
	tid := onThread(true, func(int) {
		sys(unix.SYS_PRCTL, unix.PR_SET_NAME, "pg-cred-test", 0, 0, 0)
		sys(unix.SYS_PRCTL, unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
		unix.Capget(&hdr, &caps[0])
		capRes = sys(unix.SYS_CAPSET, unsafe.Pointer(&hdr), unsafe.Pointer(&caps[0]))
		sys(unix.SYS_UNSHARE, unix.CLONE_NEWUTS|unix.CLONE_NEWIPC)
		ns, _ := unix.Open("/proc/self/ns/uts", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		sys(unix.SYS_SETNS, ns, unix.CLONE_NEWUTS)
		unix.Close(ns)
		sys(unix.SYS_SETGID, 5)
		sys(unix.SYS_SETRESGID, 1, 2, 3)
		sys(unix.SYS_SETREGID, 11, 12)
		sys(unix.SYS_SETRESUID, 7, 8, 9)
		sys(unix.SYS_SETUID, 7)
		sys(unix.SYS_SETUID, 0) // not allowed any more
	})
	e := r.waitType(401, tid)
	check(t, e, map[string]any{"res": 0, "option": "PR_SET_NAME", "arg2_str": "pg-cred-test", "arg2_int": nil})
	check(t, r.waitType(401, tid), map[string]any{"option": "PR_GET_DUMPABLE", "arg2_str": nil, "arg2_int": 0})
	eff := uint64(caps[1].Effective)<<32 | uint64(caps[0].Effective)
	prm := uint64(caps[1].Permitted)<<32 | uint64(caps[0].Permitted)
	check(t, r.waitType(353, tid), map[string]any{"res": capRes, "cap_effective": eff, "cap_permitted": prm})
	e = r.waitType(285, tid)
	check(t, e, map[string]any{"res": 0})
	checkFlags(t, e, "flags", flags{"CLONE_NEWUTS", "CLONE_NEWIPC"})
	e = r.waitType(241, tid)
	check(t, e, map[string]any{"res": 0})
	checkFlags(t, e, "nstype", flags{"CLONE_NEWUTS"})
	check(t, r.waitType(201, tid), map[string]any{"res": 0, "gid": 5})
	check(t, r.waitType(195, tid), map[string]any{"res": 0, "rgid": 1, "egid": 2, "sgid": 3})
	check(t, r.waitType(429, tid), map[string]any{"res": 0, "rgid": 11, "egid": 12})
	check(t, r.waitType(193, tid), map[string]any{"res": 0, "ruid": 7, "euid": 8, "suid": 9})
	check(t, r.waitType(199, tid), map[string]any{"res": 0, "uid": 7})
	check(t, r.waitType(199, tid), map[string]any{"res": errno(unix.EPERM), "uid": 0})
}

// Signals, ptrace, bpf, io_uring and userfaultfd.
func TestProcessSyscalls(t *testing.T) {
	r := openRig(t, Options{})
	pid := os.Getpid()
	var bpfRes, uffd, ring int64
	var params ioUringParams
	tid := onThread(false, func(tid int) {
		sys(unix.SYS_KILL, pid, 0)
		sys(unix.SYS_TKILL, tid, 0)
		sys(unix.SYS_TGKILL, pid, tid, 0)
		sys(unix.SYS_KILL, -1234567, unix.SIGTERM)
		sys(unix.SYS_PTRACE, unix.PTRACE_PEEKDATA, 1, 0x1000, 0)
		attr := [8]uint32{0}
		bpfRes = sys(unix.SYS_BPF, unix.BPF_PROG_GET_NEXT_ID, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
		uffd = sys(unix.SYS_USERFAULTFD, unix.O_CLOEXEC|unix.O_NONBLOCK)
		ring = sys(unix.SYS_IO_URING_SETUP, 4, unsafe.Pointer(&params))
	})
	if uffd >= 0 {
		defer unix.Close(int(uffd))
	}
	if ring >= 0 {
		defer unix.Close(int(ring))
	}
	check(t, r.waitType(129, tid), map[string]any{"res": 0, "pid": pid, "sig": 0})
	check(t, r.waitType(131, tid), map[string]any{"res": 0, "tid": tid, "sig": 0})
	check(t, r.waitType(133, tid), map[string]any{"res": 0, "pid": pid, "tid": tid, "sig": 0})
	check(t, r.waitType(129, tid), map[string]any{"res": errno(unix.ESRCH), "pid": -1234567, "sig": int(unix.SIGTERM)})
	e := r.waitType(169, tid)
	check(t, e, map[string]any{"res": errno(unix.ESRCH), "request": "PTRACE_PEEKDATA", "pid": 1})
	if d, err := param(t, e, "addr").Dyn(); err != nil {
		t.Errorf("ptrace addr: %v", err)
	} else if v, _ := d.Uint(); v != 0x1000 {
		t.Errorf("ptrace addr = %#x, want 0x1000", v)
	}
	check(t, r.waitType(369, tid), map[string]any{"fd": bpfRes, "cmd": "BPF_PROG_GET_NEXT_ID"})
	e = r.waitType(321, tid)
	check(t, e, map[string]any{"res": uffd})
	checkFlags(t, e, "flags", flags{"O_CLOEXEC", "O_NONBLOCK"})
	e = r.waitType(339, tid)
	check(t, e, map[string]any{"res": ring, "entries": 4})
	if ring >= 0 {
		check(t, e, map[string]any{"sq_entries": int(params.SqEntries), "cq_entries": int(params.CqEntries),
			"features": int(params.Features), "sq_thread_idle": 0})
	}
}

// ioUringParams is struct io_uring_params (120 bytes).
type ioUringParams struct {
	SqEntries, CqEntries, Flags, SqThreadCPU, SqThreadIdle, Features, WqFD uint32
	Resv                                                                   [3]uint32
	Offsets                                                                [20]uint32
}
