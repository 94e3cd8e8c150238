package capture

import (
	"testing"

	"peregrine/internal/event"
)

// Every spec matches the current exit layout of its event type (count and
// kinds), and the tables fit the BPF maps.
func TestBuildTables(t *testing.T) {
	for _, generic := range []bool{false, true} {
		tab, err := buildTables(generic)
		if err != nil {
			t.Fatalf("buildTables(%v): %v", generic, err)
		}
		sup := tab.supported()
		has := func(typ event.Type) bool {
			for _, s := range sup {
				if s == typ {
					return true
				}
			}
			return false
		}
		if has(genericType) != generic {
			t.Errorf("generic=%v: supported types include the generic event: %v", generic, has(genericType))
		}
		for _, s := range sysSpecs {
			if !has(s.typ) {
				t.Errorf("generic=%v: type %d (%s) not supported", generic, s.typ, s.name)
			}
		}
		if !has(procExitType) {
			t.Errorf("procexit not supported")
		}
	}
}

// The system calls the issue lists all have their own event.
func TestIssueSyscallsCovered(t *testing.T) {
	tab, err := buildTables(false)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"execve", "execveat", "clone", "clone3", "fork", "vfork", "open", "openat", "openat2",
		"creat", "close", "dup", "dup2", "dup3", "connect", "accept", "accept4", "bind", "listen", "socket",
		"socketpair", "sendto", "sendmsg", "recvfrom", "recvmsg", "read", "write", "chmod", "fchmod",
		"fchmodat", "chown", "lchown", "fchown", "fchownat", "unlink", "unlinkat", "rename", "renameat",
		"renameat2", "mkdir", "mkdirat", "rmdir", "link", "linkat", "symlink", "symlinkat", "setuid",
		"setgid", "setresuid", "setresgid", "setns", "unshare", "ptrace", "mount", "umount2",
		"init_module", "finit_module", "memfd_create", "bpf", "prctl", "capset", "kill", "tkill", "tgkill",
		"chdir", "fchdir", "pipe", "pipe2", "io_uring_setup", "userfaultfd"}
	for _, n := range names {
		nr, ok := syscallNumber(n)
		if !ok {
			t.Errorf("%s: no x86_64 number", n)
			continue
		}
		s := tab.specs[nr]
		if s.Type == 0 {
			t.Errorf("%s (%d): no spec", n, nr)
			continue
		}
		if got := event.Type(s.Type).Name(); got != n && !(n == "umount2" && got == "umount2") {
			t.Errorf("%s: event type %d is named %q", n, s.Type, got)
		}
	}
}

// Known x86_64 numbers (from the kernel's syscall_64.tbl).
func TestSyscallNumbers(t *testing.T) {
	for name, want := range map[string]uint32{
		"read": 0, "open": 2, "execve": 59, "clone": 56, "openat": 257, "clone3": 435,
		"openat2": 437, "memfd_create": 319, "io_uring_setup": 425, "mseal": 462,
	} {
		if got, ok := syscallNumber(name); !ok || got != want {
			t.Errorf("syscallNumber(%s) = %d, %v; want %d", name, got, ok, want)
		}
	}
}

func TestConversions(t *testing.T) {
	tab, err := buildTables(false)
	if err != nil {
		t.Fatal(err)
	}
	names := func(id convID, table string, v uint32) string {
		c := tab.convs[id]
		return string(flagTable(table).AppendNames(nil, convertFlags(&c, v)))
	}
	for _, tc := range []struct {
		id    convID
		table string
		in    uint32
		want  string
	}{
		{convFile, "file_flags", 0, "O_RDONLY"},
		{convFile, "file_flags", 0o2000000, "O_RDONLY|O_CLOEXEC"},
		{convFile, "file_flags", 0o1 | 0o100 | 0o1000, "O_TRUNC|O_CREAT|O_WRONLY"},
		{convFile, "file_flags", 0o2 | 0o200 | 0o4000 | 0o2000, "O_NONBLOCK|O_EXCL|O_APPEND|O_RDWR"},
		{convFile, "file_flags", 0o20200000 | 0o2, "O_DIRECTORY|O_RDWR|O_TMPFILE"},
		{convFile, "file_flags", 0o200000, "O_DIRECTORY|O_RDONLY"},
		{convFile, "file_flags", 0o4010000, "O_SYNC|O_DSYNC|O_RDONLY"},
		{convFDFlags, "file_flags", 0o2000000 | 0o4000, "O_NONBLOCK|O_CLOEXEC"},
		{convClone, "clone_flags", 0x100 | 0x4000 | 0x11, "CLONE_VM|CLONE_VFORK"},
		{convClone, "clone_flags", 0x10000 | 0x800 | 0x100 | 0x400 | 0x200, "CLONE_FILES|CLONE_FS|CLONE_SIGHAND|CLONE_THREAD|CLONE_VM"},
		{convClone, "clone_flags", 0x20000000 | 0x40000000 | 0x04000000, "CLONE_NEWNET|CLONE_NEWPID|CLONE_NEWUTS"},
		{convResolve, "openat2_flags", 8 | 1, "RESOLVE_BENEATH|RESOLVE_NO_XDEV"},
		{convFchownat, "fchownat_flags", 0x100, "AT_SYMLINK_NOFOLLOW"},
	} {
		if got := names(tc.id, tc.table, tc.in); got != tc.want {
			t.Errorf("conversion %d of %#o = %q, want %q", tc.id, tc.in, got, tc.want)
		}
	}
	pt := tab.convs[convPtrace]
	for in, want := range map[uint32]string{0: "PTRACE_TRACEME", 16: "PTRACE_ATTACH", 0x4206: "PTRACE_SEIZE", 2: "PTRACE_PEEKDATA", 999: "PTRACE_UNKNOWN"} {
		got, _ := flagTable("ptrace_requests").Lookup(convertFlags(&pt, in))
		if got != want {
			t.Errorf("ptrace request %d = %s, want %s", in, got, want)
		}
	}
}

// Flag parameters passed through unchanged must have PPM values equal to
// the kernel's.
func TestIdentityFlags(t *testing.T) {
	kernel := map[string]map[string]uint32{
		"unlinkat_flags":     {"AT_REMOVEDIR": 0x200},
		"linkat_flags":       {"AT_SYMLINK_FOLLOW": 0x400, "AT_EMPTY_PATH": 0x1000},
		"renameat2_flags":    {"RENAME_NOREPLACE": 1, "RENAME_EXCHANGE": 2, "RENAME_WHITEOUT": 4},
		"umount_flags":       {"FORCE": 1, "DETACH": 2, "EXPIRE": 4, "NOFOLLOW": 8},
		"memfd_create_flags": {"MFD_CLOEXEC": 1, "MFD_ALLOW_SEALING": 2, "MFD_HUGETLB": 4},
		"chmod_mode":         {"S_IXOTH": 1, "S_IWOTH": 2, "S_IROTH": 4, "S_IRUSR": 0o400, "S_ISUID": 0o4000, "S_ISVTX": 0o1000},
		"mount_flags":        {"RDONLY": 1, "NOSUID": 2, "REMOUNT": 32, "BIND": 4096, "REC": 0x4000},
		"prctl_options":      {"PR_SET_NAME": 15, "PR_GET_NAME": 16, "PR_SET_NO_NEW_PRIVS": 38, "PR_CAP_AMBIENT": 47},
		"bpf_commands":       {"BPF_MAP_CREATE": 0, "BPF_PROG_LOAD": 5, "BPF_LINK_CREATE": 28},
		"finit_module_flags": {"MODULE_INIT_IGNORE_MODVERSIONS": 1, "MODULE_INIT_IGNORE_VERMAGIC": 2},
		"socket_families":    {"AF_UNIX": 1, "AF_INET": 2, "AF_INET6": 10, "AF_NETLINK": 16},
	}
	for table, want := range kernel {
		ft := flagTable(table)
		if ft == nil {
			t.Errorf("no flag table %s", table)
			continue
		}
		for name, v := range want {
			got, ok := ppmValue(ft, name)
			if !ok || got != v {
				t.Errorf("%s %s: PPM value %#x, %v; kernel %#x", table, name, got, ok, v)
			}
		}
	}
}

func TestGenericSpecs(t *testing.T) {
	tab, err := buildTables(true)
	if err != nil {
		t.Fatal(err)
	}
	nr, _ := syscallNumber("getppid")
	s := tab.specs[nr]
	if s.Type != uint16(genericType) || s.Nparams != 2 {
		t.Fatalf("getppid spec %+v", s)
	}
	id := uint16(s.P[0].Aux) | uint16(s.P[0].Aux2)<<8
	if event.SyscallName(id) != "getppid" {
		t.Errorf("getppid PPM_SC %d is %q", id, event.SyscallName(id))
	}
	if native := uint16(s.P[1].Aux) | uint16(s.P[1].Aux2)<<8; uint32(native) != nr {
		t.Errorf("nativeID %d, want %d", native, nr)
	}
}

func TestBadSpec(t *testing.T) {
	for _, s := range []sysSpec{
		{name: "close", typ: 5, params: []pdef{ret()}},                       // too few
		{name: "close", typ: 4, params: []pdef{ret(), intArg(0)}},            // enter type
		{name: "close", typ: 5, params: []pdef{ret(), str(0)}},               // string into an FD
		{name: "bind", typ: 21, params: []pdef{ret(), arg(1), intArg(0)}},    // int into a sockaddr
		{name: "open", typ: 3, params: []pdef{ret(), tuple(0, 0, noSrc, 0)}}, // wrong count and kind
	} {
		if _, err := buildSpec(&s); err == nil {
			t.Errorf("buildSpec(%s type %d %v) accepted", s.name, s.typ, s.params)
		}
	}
}
