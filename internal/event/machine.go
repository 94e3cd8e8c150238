package event

import (
	"net/netip"
	"strconv"
	"strings"
)

// This file holds the records that describe a machine when a capture starts:
// the machine itself, its interface addresses, users and groups, processes
// (threads) and their open file descriptors. A capture file carries them in
// its metadata blocks; live capture builds the same records from /proc; the
// state engine consumes them. They are plain data.

// MachineInfo describes the machine a capture was taken on (the MI block,
// libs' scap_machine_info).
type MachineInfo struct {
	NumCPUs     uint32
	MemoryBytes uint64 // physical memory
	MaxPID      uint64 // highest pid the kernel hands out
	// Hostname is at most 128 bytes; the capture stores it NUL-padded.
	Hostname string
	// BootTime is the host boot time in ns since the epoch; 0 in older
	// captures (the field was reserved before).
	BootTime uint64
	// Flags: the top 8 bits name the architecture ([ArchX64], ...), the
	// next 8 bits the operating system ([OSLinux], ...); 0 in old captures.
	Flags uint64
	// Reserved holds libs' reserved3 and reserved4, kept so that a capture
	// is written back as it was read.
	Reserved [2]uint64
}

// Architecture and operating-system values of [MachineInfo.Flags].
const (
	ArchMask    uint64 = 0xff << 56
	ArchI386    uint64 = 1 << 56
	ArchX64     uint64 = 2 << 56
	ArchAArch64 uint64 = 3 << 56

	OSMask    uint64 = 0xff << 48
	OSLinux   uint64 = 1 << 48
	OSWindows uint64 = 2 << 48
	OSMacOS   uint64 = 3 << 48
)

// IfType is the kind of an interface address entry, as stored
// (scap_ifinfo_type).
type IfType uint16

// Interface address kinds. The NoLinkSpeed kinds come from old captures
// that did not record the link speed.
const (
	IfIPv4            IfType = 1
	IfIPv6            IfType = 2
	IfIPv4NoLinkSpeed IfType = 3
	IfIPv6NoLinkSpeed IfType = 4
)

// IPv6 reports whether entries of kind t hold IPv6 addresses.
func (t IfType) IPv6() bool { return t == IfIPv6 || t == IfIPv6NoLinkSpeed }

// HasLinkSpeed reports whether entries of kind t carry a link speed.
func (t IfType) HasLinkSpeed() bool { return t == IfIPv4 || t == IfIPv6 }

// Interface is one address of a network interface (an IL block entry).
type Interface struct {
	Type IfType
	Name string // e.g. "eth0"
	// Addr, Netmask and Broadcast are IPv4 or IPv6 by Type. IPv4 addresses
	// are stored in network byte order, so 10.0.0.1 reads as 10.0.0.1.
	Addr      netip.Addr
	Netmask   netip.Addr
	Broadcast netip.Addr
	LinkSpeed uint64 // 0 for the NoLinkSpeed kinds
}

// User is one entry of the user list (a UL block entry of type user).
type User struct {
	UID   uint32
	GID   uint32
	Name  string
	Home  string
	Shell string
}

// Group is one entry of the group list (a UL block entry of type group).
type Group struct {
	GID  uint32
	Name string
}

// NoLoginUID is the loginuid (audit uid) of a process that has none, and
// the value libs assumes when a record does not carry it.
const NoLoginUID uint32 = 0xffffffff

// Process describes one thread at capture start (a PL block entry, libs'
// scap_threadinfo). Process-list blocks come in versions 1 to 9; each adds
// fields, noted "since Vn" below. A field that the stored version does not
// carry holds the default libs uses, which [ProcessDefaults] returns: -1 for
// SID, VPGID, VTID, VPID and PGID, [NoLoginUID] for LoginUID, zero or empty
// for everything else.
type Process struct {
	TID   int64
	PID   int64
	PTID  int64 // parent thread
	SID   int64 // session id; since V6
	VPGID int64 // process group id in the pid namespace; since V8

	Comm    string // command name, e.g. "bash"
	Exe     string // argv[0]
	ExePath string // resolved /proc/<pid>/exe; since V7
	// Args is argv[1..] as stored: NUL-separated, usually NUL-terminated.
	// See [Process.ArgList].
	Args    string
	Cwd     string
	FDLimit int64
	Flags   uint32 // PPM_CL_* clone flags
	UID     uint32
	GID     uint32

	// Memory counters; since V2.
	VMSizeKB uint32
	VMRSSKB  uint32
	VMSwapKB uint32
	PFMajor  uint64 // major page faults
	PFMinor  uint64 // minor page faults

	Env     string // NUL-separated "NAME=value" list; since V3. See [Process.EnvList].
	VTID    int64  // thread id in the pid namespace; since V4
	VPID    int64  // process id in the pid namespace; since V4
	Cgroups string // NUL-separated "subsys=path" list; since V4. See [Process.CgroupList].
	Root    string // root directory; since V5

	// The V9 tail: optional fields appended to V9 entries over time. An
	// entry carries a prefix of them (see package scap for the two layouts).
	PidnsInitStartTS uint64 // start time of the pid namespace's init, ns
	TTY              uint32 // controlling terminal device
	LoginUID         uint32 // audit uid; NoLoginUID when none
	ExeWritable      bool   // the executable is writable by the process's user
	CapInheritable   uint64
	CapPermitted     uint64
	CapEffective     uint64
	ExeUpperLayer    bool   // the executable lives in an overlayfs upper layer
	ExeIno           uint64 // inode of the executable
	ExeInoCtime      uint64 // ns since the epoch
	ExeInoMtime      uint64 // ns since the epoch
	ExeFromMemfd     bool   // the executable is a memfd
	ExeLowerLayer    bool   // the executable lives in an overlayfs lower layer
	PGID             int64  // process group id

	// StartTS is when the thread started, in ns since the epoch; 0 when
	// unknown. Process-list blocks do not store it (it is 0 in records
	// read from a capture); a live /proc scan fills it in.
	StartTS uint64
}

// ProcessDefaults returns a Process holding, in every field, the value libs
// assumes when a record does not carry that field.
func ProcessDefaults() Process {
	return Process{SID: -1, VPGID: -1, VTID: -1, VPID: -1, PGID: -1, LoginUID: NoLoginUID}
}

// ArgList returns the arguments (argv[1..]) as a list.
func (p *Process) ArgList() []string { return SplitNUL(p.Args) }

// EnvList returns the environment as a list of "NAME=value" strings.
func (p *Process) EnvList() []string { return SplitNUL(p.Env) }

// CgroupList returns the cgroups as a list of "subsys=path" strings.
func (p *Process) CgroupList() []string { return SplitNUL(p.Cgroups) }

// SplitNUL splits a NUL-separated list. One trailing NUL ends the last
// item rather than starting an empty one; an empty string gives nil.
func SplitNUL(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\x00"), "\x00")
}

// FDType is the kind of a file descriptor, as stored (scap_fd_type).
type FDType uint8

// File descriptor kinds. Values beyond FDPidFD come from newer captures;
// they keep their number and carry no details.
const (
	FDUnknown      FDType = 0
	FDFile         FDType = 1 // a file, old layout (name only)
	FDDirectory    FDType = 2
	FDIPv4Sock     FDType = 3
	FDIPv6Sock     FDType = 4
	FDIPv4ServSock FDType = 5
	FDIPv6ServSock FDType = 6
	FDFifo         FDType = 7
	FDUnixSock     FDType = 8
	FDEvent        FDType = 9
	FDUnsupported  FDType = 10
	FDSignalFD     FDType = 11
	FDEventPoll    FDType = 12
	FDInotify      FDType = 13
	FDTimerFD      FDType = 14
	FDNetlink      FDType = 15
	FDFileV2       FDType = 16 // a file with open flags and device
	FDBPF          FDType = 17
	FDUserfaultFD  FDType = 18
	FDIOUring      FDType = 19
	FDMemFD        FDType = 20
	FDPidFD        FDType = 21
)

var fdTypeNames = [...]string{
	"UNKNOWN", "FILE", "DIRECTORY", "IPV4_SOCK", "IPV6_SOCK", "IPV4_SERVSOCK",
	"IPV6_SERVSOCK", "FIFO", "UNIX_SOCK", "EVENT", "UNSUPPORTED", "SIGNALFD",
	"EVENTPOLL", "INOTIFY", "TIMERFD", "NETLINK", "FILE_V2", "BPF", "USERFAULTFD",
	"IOURING", "MEMFD", "PIDFD",
}

// String returns the libs name of t without its SCAP_FD_ prefix, or
// "TYPE_<n>" for a kind this build does not know.
func (t FDType) String() string {
	if int(t) < len(fdTypeNames) {
		return fdTypeNames[t]
	}
	return "TYPE_" + strconv.Itoa(int(t))
}

// Known reports whether t is a kind this build knows.
func (t FDType) Known() bool { return int(t) < len(fdTypeNames) }

// Named reports whether descriptors of kind t carry only a name (files of
// the old layout, directories, pipes, event fds and the other kernel
// objects).
func (t FDType) Named() bool {
	switch t {
	case FDFile, FDDirectory, FDFifo, FDEvent, FDUnsupported, FDSignalFD, FDEventPoll,
		FDInotify, FDTimerFD, FDNetlink, FDBPF, FDUserfaultFD, FDIOUring, FDMemFD, FDPidFD:
		return true
	}
	return false
}

// Layer-4 protocols of socket descriptors ([FD.L4Proto]).
const (
	L4Unknown uint8 = 0
	L4NA      uint8 = 1
	L4TCP     uint8 = 2
	L4UDP     uint8 = 3
	L4ICMP    uint8 = 4
	L4Raw     uint8 = 5
)

// FD is one open file descriptor of a thread (an FDL block entry, libs'
// scap_fdinfo). Which fields are set depends on Type; the others are zero.
type FD struct {
	Num  int64  // the descriptor number
	Ino  uint64 // inode
	Type FDType

	// Name is the path or object name of named kinds (see [FDType.Named])
	// and FDFileV2, and the socket path of FDUnixSock. For a kind this
	// build does not know, it is "unknown-type:[<n>]", as libs shows it.
	Name string

	OpenFlags uint32 // FDFileV2: PPM_O_* open flags
	Dev       uint32 // FDFileV2: device number; 0 when not recorded

	// FDIPv4Sock, FDIPv6Sock: the connection, source to destination.
	SIP, DIP     netip.Addr
	SPort, DPort uint16

	// FDIPv4ServSock, FDIPv6ServSock: the listening address.
	ServerIP   netip.Addr
	ServerPort uint16

	L4Proto uint8 // sockets: L4TCP, L4UDP, ...

	// FDUnixSock: kernel addresses of this end and of the peer.
	UnixSource uint64
	UnixDest   uint64
}
