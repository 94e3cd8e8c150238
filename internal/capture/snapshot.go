package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"peregrine/internal/event"
)

// Limits a snapshot applies unless [SnapshotOptions] says otherwise.
const (
	DefaultMaxThreads = 1 << 17 // threads listed at most
	DefaultMaxFDs     = 1 << 16 // descriptors listed per process at most
)

// SnapshotOptions says where [TakeSnapshot] reads and how much.
type SnapshotOptions struct {
	// ProcRoot is the procfs mount to scan; "/proc" when empty.
	ProcRoot string
	// HostRoot is the host's root directory: users and groups come from
	// its etc/passwd and etc/group, and overlayfs layer paths are looked
	// up below it. "/" when empty (an agent in a container passes the
	// directory where the host's root is mounted).
	HostRoot string
	// MaxThreads bounds the threads listed; further threads are counted
	// in [SnapshotStats.OverThreads]. 0 means [DefaultMaxThreads].
	MaxThreads int
	// MaxFDs bounds the descriptors listed per process; further ones are
	// counted in [SnapshotStats.OverFDs]. 0 means [DefaultMaxFDs].
	MaxFDs int
	// Workers is how many processes are read at once; 0 means one per
	// processor (GOMAXPROCS).
	Workers int
}

// Snapshot is the machine as a scan of /proc found it: the records a
// capture file stores in its MI, IL, UL, PL and FDL blocks, and what the
// state engine bootstraps from.
type Snapshot struct {
	Machine    event.MachineInfo
	Interfaces []event.Interface // IPv4 addresses first, then IPv6, as libs lists them
	Users      []event.User      // in etc/passwd order
	Groups     []event.Group     // in etc/group order
	// Procs lists threads by process id, each process's main thread
	// first, then its other threads by thread id. Kernel threads and
	// zombies are left out, as libs does.
	Procs []event.Process
	// FDs holds one list per process, under the id of the thread it was
	// read from (the main thread, or the first listed thread when the
	// main thread is a zombie).
	FDs []ThreadFDs
	// Boot is the boot time (ns since the epoch) that start times count
	// from: CLOCK_REALTIME minus CLOCK_BOOTTIME when the scan began. It
	// is finer than Machine.BootTime, which libs takes from the whole
	// seconds of /proc/stat's btime.
	Boot  uint64
	Stats SnapshotStats
}

// ThreadFDs are the open descriptors of one process, listed under one of
// its threads.
type ThreadFDs struct {
	TID int64
	FDs []event.FD
}

// SnapshotStats count what a scan listed and what it left out.
type SnapshotStats struct {
	Processes int // processes listed
	Threads   int // threads listed
	FDs       int // descriptors listed

	Vanished      int // threads that exited during the scan (dropped whole)
	KernelThreads int // kernel threads (not listed)
	Zombies       int // zombie threads (not listed)
	Failed        int // threads dropped because their files could not be read or parsed
	OverThreads   int // threads not read because of MaxThreads
	OverFDs       int // descriptors not read because of MaxFDs
	// UnknownSockets counts socket descriptors that no socket table of
	// their network namespace lists (packet, vsock, ... sockets); they
	// are left out, as libs does.
	UnknownSockets int

	// Errors holds the first few reasons threads were dropped as Failed,
	// and what else went wrong (users, interfaces), for diagnostics.
	Errors []string

	Duration time.Duration // time the scan took
}

// maxErrors bounds [SnapshotStats.Errors].
const maxErrors = 16

func (s *SnapshotStats) note(format string, args ...any) {
	if len(s.Errors) < maxErrors {
		s.Errors = append(s.Errors, fmt.Sprintf(format, args...))
	}
}

// TakeSnapshot scans the machine: its description, interface addresses,
// users and groups, every thread of every process with its open
// descriptors. Threads that exit during the scan, or whose files cannot be
// read, are left out and counted in [SnapshotStats]; the scan fails only
// when the proc root cannot be listed. Processes are read on several
// goroutines (see [SnapshotOptions.Workers]) and listed in pid order.
// TakeSnapshot may be called from several goroutines at once.
//
// It reads what libs' scap reads at start-up, with libs' choices:
//   - uid and gid are the effective ids of status; ptid is status' PPid for
//     every thread (the parent process, also for non-main threads); sid,
//     tty and the page faults come from stat; vtid and vpid are the last
//     NSpid and NStgid values; pgid and vpgid the first and last NSpgid
//     values (stat's pgrp without them);
//   - exe is argv[0], args the rest of cmdline and env the environment,
//     each cut to 4096 bytes with a NUL terminator; exepath, cwd and root
//     are the links; fdlimit is the soft "Max open files" limit (-1 for
//     unlimited or unknown); loginuid is [event.NoLoginUID] without
//     /proc/<pid>/loginuid;
//   - cgroups are "subsys=path" entries for every v1 controller, and for
//     the v2 hierarchy the controllers placed by walking up its
//     cgroup.controllers files (reached through /proc/1/root);
//   - non-main threads carry the CLONE_THREAD and CLONE_FILES flags; the
//     descriptors are read once per process;
//   - descriptors: files (FILE_V2 with PPM_O_* flags from fdinfo and the
//     device of their mount), directories, pipes and fifos, sockets found
//     by inode in the tables of their network namespace (TCP, UDP and raw
//     over IPv4 and IPv6, a socket without a peer being a server socket;
//     unix sockets with their kernel address and path), memfds by name,
//     and anonymous inodes by their link name with no name, as libs stores
//     them; sockets no table lists (packet, vsock, unbound netlink) are
//     left out.
//
// It differs from libs where libs is wrong or where a Go scanner cannot
// do the same:
//   - a thread whose cwd, root, environ or other optional file cannot be
//     read (EACCES) is kept with the field empty; libs drops it;
//   - kernel threads are told by PF_KTHREAD and zombies by their state
//     (libs: no cmdline and no exe); the live threads of a process whose
//     main thread is a zombie are listed, with the descriptors read
//     through the first of them;
//   - netlink sockets are listed as NETLINK (libs lists them as unix
//     sockets); BPF objects ("anon_inode:bpf-map", ...) as BPF (libs looks
//     for a spelling no kernel uses); a unix socket path may hold spaces;
//   - start times ([event.Process.StartTS]) come from stat's starttime
//     and [Snapshot.Boot]; libs takes the ctime of /proc/<pid>/cmdline,
//     which is when that inode was first looked up;
//   - pidns_init_start_ts is the start time of the init of the thread's
//     pid namespace, as the drivers report it (libs: the ctime of
//     <root>/proc/1/cmdline); 0 when that init is not listed;
//   - the executable's inode and times come from a stat of the exe link
//     (libs stats exepath in its own mount namespace, which names another
//     file for a process in a container); exe_writable is computed from
//     the file's owner, group and mode, the process's ids and groups and
//     whether its mount is read-only, instead of switching the scanning
//     thread's ids and calling access(2); exe_upper_layer and
//     exe_lower_layer (set by libs' drivers, not its scan) are found by
//     looking the executable up in the upper directory of its overlay
//     mount; exe_from_memfd is a "/memfd:" exe link;
//   - cgroup paths are as the scanner's cgroup namespace shows them (libs
//     rebuilds host paths when it runs in a cgroup namespace);
//   - O_LARGEFILE is not reported (libs built for 64 bits never does).
func TakeSnapshot(opts SnapshotOptions) (*Snapshot, error) {
	start := time.Now()
	if opts.ProcRoot == "" {
		opts.ProcRoot = "/proc"
	}
	if opts.HostRoot == "" {
		opts.HostRoot = "/"
	}
	if opts.MaxThreads <= 0 {
		opts.MaxThreads = DefaultMaxThreads
	}
	if opts.MaxFDs <= 0 {
		opts.MaxFDs = DefaultMaxFDs
	}
	pids, err := listIDs(opts.ProcRoot)
	if err != nil {
		return nil, fmt.Errorf("snapshot: list %s: %w", opts.ProcRoot, err)
	}
	snap := &Snapshot{Boot: bootTime()}
	sc := newScanner(opts, snap.Boot)
	w := &worker{sc: sc, r: newProcReader()}
	snap.Machine = w.machine()
	snap.Interfaces = w.interfaces()
	snap.Users, snap.Groups = w.users()
	sc.scan(pids, snap)
	snap.Stats.add(&w.stats)
	snap.Stats.Duration = time.Since(start)
	return snap, nil
}

// listIDs returns the numeric entries of dir (process or thread ids) in
// ascending order. Entries that are not positive 32-bit numbers are
// ignored.
func listIDs(dir string) ([]int64, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(names))
	for _, n := range names {
		if id, ok := parseID(n); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// parseID parses a process, thread or descriptor number as /proc names
// it: decimal digits only, 0 to 2^31-1.
func parseID(s string) (int64, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil || v < 0 {
		return 0, false
	}
	return v, true
}

// join builds a path below root without cleaning it (faster than
// filepath.Join for the many /proc paths of a scan).
func join(elems ...string) string {
	n := 0
	for _, e := range elems {
		n += len(e) + 1
	}
	b := make([]byte, 0, n)
	for i, e := range elems {
		if i > 0 && (len(b) == 0 || b[len(b)-1] != '/') {
			b = append(b, '/')
		}
		b = append(b, e...)
	}
	return string(b)
}

// hostPath returns path (absolute, as the host sees it) below the host
// root.
func hostPath(hostRoot, path string) string {
	if hostRoot == "/" {
		return path
	}
	return filepath.Join(hostRoot, path)
}
