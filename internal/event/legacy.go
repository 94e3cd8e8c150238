package event

import "sort"

// OracleTypes is the number of event types of libs 0.1.1 (March 2022), the
// libraries of sysdig 0.29.3 (their PPM_EVENT_MAX). Types at or above it
// are unknown to that sysdig, which drops them.
const OracleTypes = 336

// legacyParam records a parameter that sysdig 0.29.3's event table names or
// types differently from the current table. Libs is meant to change an
// event only by appending parameters, but a few were retyped or renamed in
// place. The text renderers print these parameters as the 2022 table
// does, so that text output matches sysdig 0.29.3 for every event it
// knows; decoding ([Event.Value]) always uses the current table.
//
// The visible effects: mmap's result prints in hex (current libs prints a
// decimal errno), enum parameters such as socket domains and fcntl
// commands render with the bitwise flags rule (see appendFlagNames),
// execve's tty and loginuid print as plain signed numbers, its vpgid is
// called pgid, and setpgid's result is annotated with a thread name.
type legacyParam struct {
	typ   Type
	idx   uint8
	name  string
	ptype ParamType
}

// legacyParams is sorted by type, then index.
var legacyParams = [...]legacyParam{
	{18, 0, "domain", PTFlags32},    // SOCKET_SOCKET_E: now domain ENUMFLAGS32
	{24, 1, "backlog", PTUint32},    // SOCKET_LISTEN_E: now backlog INT32
	{36, 1, "how", PTFlags8},        // SOCKET_SHUTDOWN_E: now how ENUMFLAGS8
	{42, 0, "domain", PTFlags32},    // SOCKET_SOCKETPAIR_E: now domain ENUMFLAGS32
	{45, 2, "level", PTFlags8},      // SOCKET_SETSOCKOPT_X: now level ENUMFLAGS8
	{45, 3, "optname", PTFlags8},    // SOCKET_SETSOCKOPT_X: now optname ENUMFLAGS8
	{47, 2, "level", PTFlags8},      // SOCKET_GETSOCKOPT_X: now level ENUMFLAGS8
	{47, 3, "optname", PTFlags8},    // SOCKET_GETSOCKOPT_X: now optname ENUMFLAGS8
	{62, 1, "flags", PTFlags32},     // SYSCALL_EVENTFD_E: now flags UINT32
	{86, 2, "whence", PTFlags8},     // SYSCALL_LSEEK_E: now whence ENUMFLAGS8
	{88, 2, "whence", PTFlags8},     // SYSCALL_LLSEEK_E: now whence ENUMFLAGS8
	{126, 2, "flags", PTFlags8},     // SYSCALL_SIGNALFD_E: now flags UINT8
	{136, 1, "flags", PTFlags8},     // SYSCALL_TIMERFD_CREATE_E: now flags UINT8
	{138, 0, "flags", PTFlags8},     // SYSCALL_INOTIFY_INIT_E: now flags UINT8
	{140, 0, "resource", PTFlags8},  // SYSCALL_GETRLIMIT_E: now resource ENUMFLAGS8
	{142, 0, "resource", PTFlags8},  // SYSCALL_SETRLIMIT_E: now resource ENUMFLAGS8
	{144, 1, "resource", PTFlags8},  // SYSCALL_PRLIMIT_E: now resource ENUMFLAGS8
	{150, 1, "cmd", PTFlags8},       // SYSCALL_FCNTL_E: now cmd ENUMFLAGS8
	{161, 0, "res", PTUint64},       // SYSCALL_MMAP_X: now res ERRNO
	{163, 0, "res", PTUint64},       // SYSCALL_MMAP2_X: now res ERRNO
	{168, 0, "request", PTFlags16},  // SYSCALL_PTRACE_E: now request ENUMFLAGS16
	{293, 16, "tty", PTInt32},       // SYSCALL_EXECVE_19_X: now tty UINT32
	{293, 17, "pgid", PTPID},        // SYSCALL_EXECVE_19_X: now vpgid PID
	{293, 18, "loginuid", PTInt32},  // SYSCALL_EXECVE_19_X: now loginuid UID
	{295, 0, "res", PTPID},          // SYSCALL_SETPGID_X: now res ERRNO
	{322, 0, "plugin ID", PTUint32}, // PLUGINEVENT_E: now plugin_id UINT32
	{331, 16, "tty", PTInt32},       // SYSCALL_EXECVEAT_X: now tty UINT32
	{331, 17, "pgid", PTPID},        // SYSCALL_EXECVEAT_X: now vpgid PID
	{331, 18, "loginuid", PTInt32},  // SYSCALL_EXECVEAT_X: now loginuid UID
}

// TextParam returns the name and type the text renderers use for
// parameter i of events of type t: the current table's, except where
// sysdig 0.29.3's table differs for an event it knows. It reports false
// when the table has no such parameter.
func TextParam(t Type, i int) (string, ParamType, bool) {
	info := t.Info()
	if info == nil || uint(i) >= uint(len(info.Params)) {
		return "", 0, false
	}
	name, pt := paramLook(t, i, &info.Params[i])
	return name, pt, true
}

// paramLook returns the name and type the text renderers use for parameter
// i of events of type t.
func paramLook(t Type, i int, p *ParamInfo) (string, ParamType) {
	if t >= OracleTypes || t < legacyParams[0].typ || t > legacyParams[len(legacyParams)-1].typ {
		return p.Name, p.Type
	}
	k := sort.Search(len(legacyParams), func(j int) bool {
		l := &legacyParams[j]
		return l.typ > t || (l.typ == t && int(l.idx) >= i)
	})
	if k < len(legacyParams) && legacyParams[k].typ == t && int(legacyParams[k].idx) == i {
		return legacyParams[k].name, legacyParams[k].ptype
	}
	return p.Name, p.Type
}
