package state

// Thread is one thread as the state knows it. Threads of one process
// share its file descriptors and working directory through Proc.
//
// Strings and slices held by a Thread are replaced, not modified, when an
// event changes them, so a value handed out for one event stays valid.
type Thread struct {
	TID   int64
	PID   int64 // thread group id: the process
	PTID  int64 // parent thread
	VTID  int64 // ids in the thread's pid namespace; -1 when unknown
	VPID  int64
	SID   int64 // session id; -1 when unknown
	VPGID int64 // process group in the pid namespace; -1 when unknown
	PGID  int64 // process group; -1 when unknown

	Comm    string   // command name (at most 15 bytes from the kernel)
	Exe     string   // argv[0] as executed
	ExePath string   // the executable's full path; "" when unknown
	Args    []string // argv[1..]
	Env     []string // "NAME=value" entries
	Cgroups []string // "subsys=path" entries
	// Container is the id of the container the thread runs in: 12 or 64
	// hex digits for container runtimes that use them, "" on the host.
	Container string

	UID, GID                                   uint32
	EUID                                       uint32 // effective uid: libs reports it as user.uid
	LoginUID                                   uint32 // event.NoLoginUID when none
	TTY                                        uint32
	FDLimit                                    int64
	CapInheritable, CapPermitted, CapEffective uint64
	ExeIno                                     uint64
	ExeInoCtime, ExeInoMtime                   uint64 // ns since the epoch
	PidnsInitStart                             uint64 // ns since the epoch

	Flags ThreadFlags

	// VMSizeKB, VMRSSKB, VMSwapKB, PFMajor and PFMinor are the last
	// memory figures an event reported.
	VMSizeKB, VMRSSKB, VMSwapKB uint32
	PFMajor, PFMinor            uint64

	// CloneTS is when the thread started (its clone exit, or the
	// capture's start for threads known from the process list); ExecTS
	// when it last executed a program; LastTS when it was last seen.
	CloneTS, ExecTS, LastTS uint64

	// Proc holds what the threads of a process share.
	Proc *Proc

	// Bookkeeping of the state engine (purge.go).
	lruPrev, lruNext *Thread // recency list, most recent first
	inverted         bool    // added by its own clone exit, before its parent's
}

// ThreadFlags are properties of a thread's executable and life.
type ThreadFlags uint16

// Thread flags.
const (
	ExeWritable   ThreadFlags = 1 << iota // the executable is writable by the thread's user
	ExeUpperLayer                         // the executable is on an overlayfs upper layer (written in the container)
	ExeLowerLayer                         // the executable is on an overlayfs lower layer (from the image)
	ExeFromMemfd                          // the executable is a memfd (fileless execution)
	Exited                                // the thread has exited; it is purged soon
	FromProcList                          // known from the process list at start, not from its clone
	StartKnown                            // CloneTS is the real start (a /proc scan gives it), also for FromProcList threads
	// Incomplete marks a thread the state met in an event without
	// knowing it (not in the process list, clone not seen). As libsinsp
	// does, it has Comm and Exe "<NA>", PID its TID, PTID -1 and UID and
	// GID 0xffffffff until an execve tells more.
	Incomplete
	Reaper // the process adopts orphaned descendants (prctl PR_SET_CHILD_SUBREAPER)
)

// IsMain reports whether t is its process's main thread.
func (t *Thread) IsMain() bool { return t.TID == t.PID }

// Proc is what the threads of one process share: the file descriptor
// table and the working directory (threads created with CLONE_FILES and
// CLONE_FS, as all threads of a process are).
type Proc struct {
	FDs *FDTable
	Cwd string
	// Threads counts the live threads sharing this Proc.
	Threads int

	refs int // threads in the table sharing this Proc, live or exited
}
