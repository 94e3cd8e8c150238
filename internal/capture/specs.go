package capture

import (
	"peregrine/internal/event"
)

// How each system call becomes an event. The kernel side is one generic
// encoder: for every system call the loader writes into the BPF map
// "specs" the event type and, per parameter of that type's exit layout,
// where the value comes from (see bpf/layout.h). Integer sizes are not
// listed here: they come from the event table, so a spec cannot disagree
// with the layout that package event decodes.

// Parameter kinds (enum pkind in bpf/layout.h).
const (
	pkEmpty uint8 = iota
	pkInt
	pkConst
	pkStr
	pkData
	pkSockaddr
	pkTuple
	pkFDDev
	pkFDIno
	pkSockPtr
	pkPeerPtr
	pkQueue
	pkCap
	pkDyn
	pkIovSize
	pkIovData
	pkPrctlStr
	pkPrctlInt
)

// Parameter flags (PF_* in bpf/layout.h).
const (
	pfSext32     uint8 = 1
	pfHi32       uint8 = 2
	pfModeGuard  uint8 = 4
	pfCreated    uint8 = 8
	pfMountMagic uint8 = 16
	pfInbound    uint8 = 32
	pfLenPtr     uint8 = 64
	pfOKOnly     uint8 = 128
)

// Value sources: 0-5 are the system call's arguments.
const (
	srcRet   uint8 = 6    // the return value
	srcWord0 uint8 = 7    // first word preloaded from user memory
	noSrc    uint8 = 0xff // none
)

// Dedicated encoders (enum special in bpf/layout.h).
const (
	spTable uint8 = iota
	spExecve
	spExecveat
	spClone
	spClone3
	spFork
	spVfork
)

// Sizes of the BPF tables (bpf/layout.h).
const (
	nrSlots    = 512
	specParams = 10
	maxWords   = 7
)

// pdef is one parameter of a table-driven event.
type pdef struct {
	kind  uint8
	src   uint8
	conv  convID
	aux   uint8
	aux2  uint8
	flags uint8
}

// sysSpec says how one x86_64 system call is captured.
type sysSpec struct {
	name    string     // system call name (amd64Syscalls)
	typ     event.Type // exit event type
	special uint8      // dedicated encoder, or spTable
	preload uint8      // argument pointing to user words to preload
	words   uint8      // how many 64-bit words to preload (0: none)
	params  []pdef     // for spTable: one per parameter of typ
}

func word(i uint8) uint8 { return srcWord0 + i }

// Parameter constructors.
func ret() pdef           { return pdef{kind: pkInt, src: srcRet} }
func arg(k uint8) pdef    { return pdef{kind: pkInt, src: k} }
func intArg(k uint8) pdef { return pdef{kind: pkInt, src: k, flags: pfSext32} }
func lo32(k uint8) pdef   { return pdef{kind: pkInt, src: k, flags: pfSext32} }
func hi32(k uint8) pdef   { return pdef{kind: pkInt, src: k, flags: pfHi32 | pfSext32} }
func str(k uint8) pdef    { return pdef{kind: pkStr, src: k} }
func conv(k uint8, c convID) pdef {
	return pdef{kind: pkInt, src: k, conv: c}
}
func data(ptr, n uint8) pdef     { return pdef{kind: pkData, src: ptr, aux: n} }
func sockaddr(ptr, n uint8) pdef { return pdef{kind: pkSockaddr, src: ptr, aux: n} }
func fdDev(fd uint8) pdef        { return pdef{kind: pkFDDev, src: fd} }
func fdIno(fd uint8) pdef        { return pdef{kind: pkFDIno, src: fd} }
func capOf(which uint8) pdef     { return pdef{kind: pkCap, aux: which} }
func queue(which uint8) pdef     { return pdef{kind: pkQueue, src: 0, aux: which} }
func dyn(k uint8) pdef           { return pdef{kind: pkDyn, src: k} }

// tuple: the socket of the descriptor in fd, local end first unless
// inbound; an unconnected socket's remote end comes from the sockaddr at
// hint (length in hintLen), when hint is not noSrc.
func tuple(fd uint8, flags uint8, hint, hintLen uint8) pdef {
	return pdef{kind: pkTuple, src: fd, flags: flags, aux: hint, aux2: hintLen}
}

// openFlags: the open flags in k as PPM flags, plus O_F_CREATED when the
// returned file was created.
func openFlags(k uint8) pdef {
	return pdef{kind: pkInt, src: k, conv: convFile, flags: pfCreated, aux: srcRet}
}

// openMode: the mode in k, reported only when the flags in flagsSrc create
// a file (O_CREAT or O_TMPFILE), as libs does.
func openMode(k, flagsSrc uint8) pdef {
	return pdef{kind: pkInt, src: k, flags: pfModeGuard, aux: flagsSrc}
}

// Registers of the msghdr words preloaded for sendmsg and recvmsg.
var (
	msgName    = word(0)
	msgNameLen = word(1)
	msgIov     = word(2)
	msgIovLen  = word(3)
	msgCtl     = word(4)
	msgCtlLen  = word(5)
)

// sysSpecs lists every system call captured with its own event type.
var sysSpecs = [...]sysSpec{
	// Files.
	{name: "open", typ: 3, params: []pdef{ret(), str(0), openFlags(1), openMode(2, 1), fdDev(srcRet), fdIno(srcRet)}},
	{name: "openat", typ: 307, params: []pdef{ret(), intArg(0), str(1), openFlags(2), openMode(3, 2), fdDev(srcRet), fdIno(srcRet)}},
	{name: "openat2", typ: 327, preload: 2, words: 3, params: []pdef{ret(), intArg(0), str(1), openFlags(word(0)), openMode(word(1), word(0)), conv(word(2), convResolve), fdDev(srcRet), fdIno(srcRet)}},
	{name: "creat", typ: 59, params: []pdef{ret(), str(0), arg(1), fdDev(srcRet), fdIno(srcRet), {kind: pkInt, src: noSrc, flags: pfCreated, aux: srcRet}}},
	{name: "close", typ: 5, params: []pdef{ret(), intArg(0)}},
	{name: "read", typ: 7, params: []pdef{ret(), data(1, srcRet), intArg(0), arg(2)}},
	{name: "write", typ: 9, params: []pdef{ret(), data(1, srcRet), intArg(0), arg(2)}},
	{name: "dup", typ: 367, params: []pdef{ret(), intArg(0)}},
	{name: "dup2", typ: 363, params: []pdef{ret(), intArg(0), intArg(1)}},
	{name: "dup3", typ: 365, params: []pdef{ret(), intArg(0), intArg(1), conv(2, convFDFlags)}},
	{name: "fcntl", typ: 151, params: []pdef{ret(), intArg(0), conv(1, convFcntl), arg(2)}},
	{name: "chdir", typ: 95, params: []pdef{ret(), str(0)}},
	{name: "fchdir", typ: 97, params: []pdef{ret(), intArg(0)}},
	{name: "mkdir", typ: 277, params: []pdef{ret(), str(0), arg(1)}},
	{name: "mkdirat", typ: 305, params: []pdef{ret(), intArg(0), str(1), arg(2)}},
	{name: "rmdir", typ: 279, params: []pdef{ret(), str(0)}},
	{name: "unlink", typ: 301, params: []pdef{ret(), str(0)}},
	{name: "unlinkat", typ: 303, params: []pdef{ret(), intArg(0), str(1), arg(2)}},
	{name: "rename", typ: 175, params: []pdef{ret(), str(0), str(1)}},
	{name: "renameat", typ: 177, params: []pdef{ret(), intArg(0), str(1), intArg(2), str(3)}},
	{name: "renameat2", typ: 319, params: []pdef{ret(), intArg(0), str(1), intArg(2), str(3), arg(4)}},
	{name: "link", typ: 309, params: []pdef{ret(), str(0), str(1)}},
	{name: "linkat", typ: 311, params: []pdef{ret(), intArg(0), str(1), intArg(2), str(3), arg(4)}},
	{name: "symlink", typ: 179, params: []pdef{ret(), str(0), str(1)}},
	{name: "symlinkat", typ: 181, params: []pdef{ret(), str(0), intArg(1), str(2)}},
	{name: "chmod", typ: 315, params: []pdef{ret(), str(0), arg(1)}},
	{name: "fchmod", typ: 317, params: []pdef{ret(), intArg(0), arg(1)}},
	{name: "fchmodat", typ: 313, params: []pdef{ret(), intArg(0), str(1), arg(2)}},
	{name: "chown", typ: 379, params: []pdef{ret(), str(0), arg(1), arg(2)}},
	{name: "lchown", typ: 381, params: []pdef{ret(), str(0), arg(1), arg(2)}},
	{name: "fchown", typ: 383, params: []pdef{ret(), intArg(0), arg(1), arg(2)}},
	{name: "fchownat", typ: 385, params: []pdef{ret(), intArg(0), str(1), arg(2), arg(3), conv(4, convFchownat)}},
	{name: "mount", typ: 257, params: []pdef{ret(), str(0), str(1), str(2), {kind: pkInt, src: 3, flags: pfMountMagic}}},
	{name: "umount2", typ: 391, params: []pdef{ret(), str(0), arg(1)}},
	{name: "memfd_create", typ: 405, params: []pdef{ret(), str(0), arg(1)}},
	{name: "pipe", typ: 61, preload: 0, words: 1, params: []pdef{ret(), lo32(word(0)), hi32(word(0)), fdIno(word(0))}},
	{name: "pipe2", typ: 393, preload: 0, words: 1, params: []pdef{ret(), lo32(word(0)), hi32(word(0)), fdIno(word(0)), conv(1, convFDFlags)}},
	{name: "userfaultfd", typ: 321, params: []pdef{ret(), conv(0, convFDFlags)}},
	{name: "io_uring_setup", typ: 339, preload: 1, words: 3, params: []pdef{
		ret(), arg(0), arg(word(0)), {kind: pkInt, src: word(0), flags: pfHi32},
		conv(word(1), convIOUring), {kind: pkInt, src: word(1), flags: pfHi32},
		arg(word(2)), {kind: pkInt, src: word(2), flags: pfHi32},
	}},

	// Network.
	{name: "socket", typ: 19, params: []pdef{ret(), arg(0), arg(1), arg(2), conv(1, convSockFlags)}},
	{name: "socketpair", typ: 43, preload: 3, words: 1, params: []pdef{
		ret(), lo32(word(0)), hi32(word(0)), {kind: pkSockPtr, src: word(0)}, {kind: pkPeerPtr, src: word(0)},
		arg(0), arg(1), arg(2),
	}},
	{name: "bind", typ: 21, params: []pdef{ret(), sockaddr(1, 2), intArg(0)}},
	{name: "connect", typ: 23, params: []pdef{ret(), tuple(0, pfOKOnly, 1, 2), intArg(0), sockaddr(1, 2)}},
	{name: "listen", typ: 25, params: []pdef{ret(), intArg(0), arg(1)}},
	{name: "accept", typ: 247, params: []pdef{ret(), tuple(srcRet, pfInbound, noSrc, 0), queue(0), queue(1), queue(2)}},
	{name: "accept4", typ: 389, params: []pdef{ret(), tuple(srcRet, pfInbound, noSrc, 0), queue(0), queue(1), queue(2), arg(3)}},
	{name: "sendto", typ: 31, params: []pdef{ret(), data(1, srcRet), intArg(0), arg(2), tuple(0, 0, 4, 5)}},
	{name: "recvfrom", typ: 35, params: []pdef{ret(), data(1, srcRet), tuple(0, pfInbound|pfLenPtr, 4, 5), intArg(0), arg(2)}},
	{name: "sendmsg", typ: 49, preload: 1, words: 6, params: []pdef{
		ret(), {kind: pkIovData, src: msgIov, aux: msgIovLen}, intArg(0),
		{kind: pkIovSize, src: msgIov, aux: msgIovLen}, tuple(0, 0, msgName, msgNameLen),
	}},
	{name: "recvmsg", typ: 53, preload: 1, words: 6, params: []pdef{
		ret(), {kind: pkIovSize, src: msgIov, aux: msgIovLen}, {kind: pkIovData, src: msgIov, aux: msgIovLen},
		tuple(0, pfInbound, msgName, msgNameLen), data(msgCtl, msgCtlLen), intArg(0),
	}},

	// Credentials, namespaces, processes.
	{name: "setuid", typ: 199, params: []pdef{ret(), arg(0)}},
	{name: "setgid", typ: 201, params: []pdef{ret(), arg(0)}},
	{name: "setreuid", typ: 427, params: []pdef{ret(), arg(0), arg(1)}},
	{name: "setregid", typ: 429, params: []pdef{ret(), arg(0), arg(1)}},
	{name: "setresuid", typ: 193, params: []pdef{ret(), arg(0), arg(1), arg(2)}},
	{name: "setresgid", typ: 195, params: []pdef{ret(), arg(0), arg(1), arg(2)}},
	{name: "capset", typ: 353, params: []pdef{ret(), capOf(0), capOf(1), capOf(2)}},
	{name: "setns", typ: 241, params: []pdef{ret(), intArg(0), conv(1, convClone)}},
	{name: "unshare", typ: 285, params: []pdef{ret(), conv(0, convClone)}},
	{name: "prctl", typ: 401, params: []pdef{ret(), arg(0), {kind: pkPrctlStr}, {kind: pkPrctlInt}}},
	{name: "ptrace", typ: 169, params: []pdef{ret(), dyn(2), dyn(3), conv(0, convPtrace), intArg(1)}},
	{name: "kill", typ: 129, params: []pdef{ret(), intArg(0), arg(1)}},
	{name: "tkill", typ: 131, params: []pdef{ret(), intArg(0), arg(1)}},
	{name: "tgkill", typ: 133, params: []pdef{ret(), intArg(0), intArg(1), arg(2)}},
	{name: "init_module", typ: 411, params: []pdef{ret(), data(0, 1), arg(1), str(2)}},
	{name: "finit_module", typ: 413, params: []pdef{ret(), intArg(0), str(1), arg(2)}},
	{name: "bpf", typ: 369, params: []pdef{ret(), arg(0)}},
	{name: "execve", typ: 293, special: spExecve},
	{name: "execveat", typ: 331, special: spExecveat},
	{name: "clone", typ: 223, special: spClone},
	{name: "clone3", typ: 335, special: spClone3},
	{name: "fork", typ: 225, special: spFork},
	{name: "vfork", typ: 227, special: spVfork},
}

// procExitType is the event sched_process_exit produces.
const procExitType event.Type = 186

// genericType is the exit event of system calls without their own type.
const genericType event.Type = 1
