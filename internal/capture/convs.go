package capture

import (
	"fmt"

	"peregrine/internal/event"
)

// Flag conversions. Some flag parameters carry libs' PPM values, which
// differ from the kernel's: open flags, clone flags, ptrace requests and a
// few more. Each conversion is written into the BPF map "convs" as a list
// of (mask, value, out) entries built from two tables: the kernel value of
// each name (below, from the Linux uapi headers for x86_64) and the PPM
// value of the same name (package event's flag tables). Flag parameters
// whose PPM values equal the kernel's are passed through unchanged.

// convID numbers the conversion tables (convs map keys; 0 is none).
type convID uint8

const (
	convNone      convID = iota
	convClone            // CLONE_* (bpf/layout.h CONV_CLONE)
	convFile             // open(2) flags, with the access mode
	convFDFlags          // O_CLOEXEC, O_NONBLOCK, O_DIRECT of pipe2, dup3, userfaultfd
	convSockFlags        // SOCK_CLOEXEC, SOCK_NONBLOCK of socket's type
	convResolve          // openat2 RESOLVE_*
	convPtrace           // ptrace requests (an enum)
	convFchownat         // fchownat AT_* flags
	convIOUring          // io_uring_setup IORING_SETUP_*
	convFcntl            // fcntl commands (an enum)
	numConvs
)

// kflag is the kernel value of a PPM flag name. mask defaults to value:
// the entry matches when (flags & mask) == value.
type kflag struct {
	name  string
	value uint32
	mask  uint32
}

// convDef defines one conversion.
type convDef struct {
	id    convID
	table string // event flag table holding the PPM values
	enum  bool   // one value, not bit flags
	dflt  string // enum: the PPM name when nothing matches
	flags []kflag
}

// Kernel open flags (x86_64, octal as in asm-generic/fcntl.h).
var openKernel = []kflag{
	{"O_RDONLY", 0, 3}, {"O_WRONLY", 1, 3}, {"O_RDWR", 2, 3},
	{"O_CREAT", 0o100, 0}, {"O_EXCL", 0o200, 0}, {"O_TRUNC", 0o1000, 0},
	{"O_APPEND", 0o2000, 0}, {"O_NONBLOCK", 0o4000, 0}, {"O_DSYNC", 0o10000, 0},
	{"O_DIRECT", 0o40000, 0}, {"O_LARGEFILE", 0o100000, 0}, {"O_DIRECTORY", 0o200000, 0},
	{"O_CLOEXEC", 0o2000000, 0}, {"O_SYNC", 0o4010000, 0}, {"O_TMPFILE", 0o20200000, 0},
}

var convDefs = [...]convDef{
	{id: convClone, table: "clone_flags", flags: []kflag{
		{"CLONE_VM", 0x100, 0}, {"CLONE_FS", 0x200, 0}, {"CLONE_FILES", 0x400, 0},
		{"CLONE_SIGHAND", 0x800, 0}, {"CLONE_PTRACE", 0x2000, 0}, {"CLONE_VFORK", 0x4000, 0},
		{"CLONE_PARENT", 0x8000, 0}, {"CLONE_THREAD", 0x10000, 0}, {"CLONE_NEWNS", 0x20000, 0},
		{"CLONE_SYSVSEM", 0x40000, 0}, {"CLONE_SETTLS", 0x80000, 0}, {"CLONE_PARENT_SETTID", 0x100000, 0},
		{"CLONE_CHILD_CLEARTID", 0x200000, 0}, {"CLONE_UNTRACED", 0x800000, 0},
		{"CLONE_CHILD_SETTID", 0x1000000, 0}, {"CLONE_NEWCGROUP", 0x2000000, 0},
		{"CLONE_NEWUTS", 0x4000000, 0}, {"CLONE_NEWIPC", 0x8000000, 0}, {"CLONE_NEWUSER", 0x10000000, 0},
		{"CLONE_NEWPID", 0x20000000, 0}, {"CLONE_NEWNET", 0x40000000, 0}, {"CLONE_IO", 0x80000000, 0},
	}},
	{id: convFile, table: "file_flags", flags: openKernel},
	{id: convFDFlags, table: "file_flags", flags: []kflag{
		{"O_CLOEXEC", 0o2000000, 0}, {"O_NONBLOCK", 0o4000, 0}, {"O_DIRECT", 0o40000, 0},
	}},
	{id: convSockFlags, table: "file_flags", flags: []kflag{
		{"O_CLOEXEC", 0o2000000, 0}, {"O_NONBLOCK", 0o4000, 0},
	}},
	{id: convResolve, table: "openat2_flags", flags: []kflag{
		{"RESOLVE_NO_XDEV", 1, 0}, {"RESOLVE_NO_MAGICLINKS", 2, 0}, {"RESOLVE_NO_SYMLINKS", 4, 0},
		{"RESOLVE_BENEATH", 8, 0}, {"RESOLVE_IN_ROOT", 0x10, 0}, {"RESOLVE_CACHED", 0x20, 0},
	}},
	// fcntl commands: the state needs F_DUPFD and F_DUPFD_CLOEXEC, which
	// copy a descriptor (rm -r and find -delete work on such copies).
	{id: convFcntl, table: "fcntl_commands", enum: true, dflt: "UNKNOWN", flags: []kflag{
		{"F_DUPFD", 0, 0}, {"F_GETFD", 1, 0}, {"F_SETFD", 2, 0}, {"F_GETFL", 3, 0},
		{"F_SETFL", 4, 0}, {"F_GETLK", 5, 0}, {"F_SETLK", 6, 0}, {"F_SETLKW", 7, 0},
		{"F_SETOWN", 8, 0}, {"F_GETOWN", 9, 0}, {"F_SETSIG", 10, 0}, {"F_GETSIG", 11, 0},
		{"F_SETOWN_EX", 15, 0}, {"F_GETOWN_EX", 16, 0}, {"F_OFD_GETLK", 36, 0},
		{"F_OFD_SETLK", 37, 0}, {"F_OFD_SETLKW", 38, 0}, {"F_SETLEASE", 1024, 0},
		{"F_GETLEASE", 1025, 0}, {"F_NOTIFY", 1026, 0}, {"F_CANCELLK", 1029, 0},
		{"F_DUPFD_CLOEXEC", 1030, 0}, {"F_SETPIPE_SZ", 1031, 0}, {"F_GETPIPE_SZ", 1032, 0},
	}},
	{id: convPtrace, table: "ptrace_requests", enum: true, dflt: "PTRACE_UNKNOWN", flags: []kflag{
		{"PTRACE_TRACEME", 0, 0}, {"PTRACE_PEEKTEXT", 1, 0}, {"PTRACE_PEEKDATA", 2, 0},
		{"PTRACE_PEEKUSR", 3, 0}, {"PTRACE_POKETEXT", 4, 0}, {"PTRACE_POKEDATA", 5, 0},
		{"PTRACE_POKEUSR", 6, 0}, {"PTRACE_CONT", 7, 0}, {"PTRACE_KILL", 8, 0},
		{"PTRACE_SINGLESTEP", 9, 0}, {"PTRACE_GETREGS", 12, 0}, {"PTRACE_SETREGS", 13, 0},
		{"PTRACE_GETFPREGS", 14, 0}, {"PTRACE_SETFPREGS", 15, 0}, {"PTRACE_ATTACH", 16, 0},
		{"PTRACE_DETACH", 17, 0}, {"PTRACE_GETFPXREGS", 18, 0}, {"PTRACE_SETFPXREGS", 19, 0},
		{"PTRACE_OLDSETOPTIONS", 21, 0}, {"PTRACE_SYSCALL", 24, 0},
		{"PTRACE_GET_THREAD_AREA", 25, 0}, {"PTRACE_SET_THREAD_AREA", 26, 0},
		{"PTRACE_ARCH_PRCTL", 30, 0}, {"PTRACE_SYSEMU", 31, 0}, {"PTRACE_SYSEMU_SINGLESTEP", 32, 0},
		{"PTRACE_SINGLEBLOCK", 33, 0}, {"PTRACE_SETOPTIONS", 0x4200, 0},
		{"PTRACE_GETEVENTMSG", 0x4201, 0}, {"PTRACE_GETSIGINFO", 0x4202, 0},
		{"PTRACE_SETSIGINFO", 0x4203, 0}, {"PTRACE_GETREGSET", 0x4204, 0},
		{"PTRACE_SETREGSET", 0x4205, 0}, {"PTRACE_SEIZE", 0x4206, 0}, {"PTRACE_INTERRUPT", 0x4207, 0},
		{"PTRACE_LISTEN", 0x4208, 0}, {"PTRACE_PEEKSIGINFO", 0x4209, 0},
		{"PTRACE_GETSIGMASK", 0x420a, 0}, {"PTRACE_SETSIGMASK", 0x420b, 0},
	}},
	// libs calls 0x400 AT_SYMLINK_NOFOLLOW in this table (see package
	// event): the kernel's AT_SYMLINK_NOFOLLOW (0x100) becomes that.
	{id: convFchownat, table: "fchownat_flags", flags: []kflag{
		{"AT_SYMLINK_NOFOLLOW", 0x100, 0}, {"AT_EMPTY_PATH", 0x1000, 0},
	}},
	// IORING_SETUP_ATTACH_RW is libs' name for IORING_SETUP_ATTACH_WQ;
	// IORING_SQ_NEED_WAKEUP is not a setup flag and never set.
	{id: convIOUring, table: "io_uring_setup_flags", flags: []kflag{
		{"IORING_SETUP_IOPOLL", 1, 0}, {"IORING_SETUP_SQPOLL", 2, 0}, {"IORING_SETUP_SQ_AFF", 4, 0},
		{"IORING_SETUP_CQSIZE", 8, 0}, {"IORING_SETUP_CLAMP", 0x10, 0},
		{"IORING_SETUP_ATTACH_RW", 0x20, 0}, {"IORING_SETUP_R_DISABLED", 0x40, 0},
	}},
}

// flagTable returns package event's flag table called name.
func flagTable(name string) *event.FlagTable {
	for t := 0; t < event.NumTypes(); t++ {
		info := event.Type(t).Info()
		for i := range info.Params {
			if n := info.Params[i].Names; n != nil && n.Name == name {
				return n
			}
		}
	}
	return nil
}

// ppmValue returns the PPM value of name in t.
func ppmValue(t *event.FlagTable, name string) (uint32, bool) {
	for _, e := range t.Entries {
		if e.Name == name {
			return e.Value, true
		}
	}
	return 0, false
}

// buildConv makes the BPF form of d.
func buildConv(d *convDef) (probeConv, error) {
	var c probeConv
	t := flagTable(d.table)
	if t == nil {
		return c, fmt.Errorf("conversion %d: no flag table %q in the event table", d.id, d.table)
	}
	if len(d.flags) > len(c.E) {
		return c, fmt.Errorf("conversion %s: %d entries, the BPF table holds %d", d.table, len(d.flags), len(c.E))
	}
	for i, f := range d.flags {
		out, ok := ppmValue(t, f.name)
		if !ok {
			return c, fmt.Errorf("conversion %s: no PPM value for %s", d.table, f.name)
		}
		mask := f.mask
		if mask == 0 {
			mask = f.value
		}
		if d.enum {
			mask = ^uint32(0)
		}
		c.E[i] = probeConvEntry{Mask: mask, Val: f.value, Out: out}
	}
	c.N = uint32(len(d.flags))
	if d.enum {
		c.EnumMode = 1
		v, ok := ppmValue(t, d.dflt)
		if !ok {
			return c, fmt.Errorf("conversion %s: no PPM value for %s", d.table, d.dflt)
		}
		c.Dflt = v
	}
	return c, nil
}

// convertFlags applies d in Go as the BPF side does (tests use it).
func convertFlags(d *probeConv, v uint32) uint32 {
	var res uint32
	for _, e := range d.E[:d.N] {
		if v&e.Mask == e.Val {
			if d.EnumMode != 0 {
				return e.Out
			}
			res |= e.Out
		}
	}
	if d.EnumMode != 0 {
		return d.Dflt
	}
	return res
}
