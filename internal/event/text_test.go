package event

import (
	"bytes"
	"strings"
	"testing"
)

func tuple4(src string, sport uint16, dst string, dport uint16) []byte {
	return cat([]byte{FamilyInet}, addrBytes(src), p16(sport), addrBytes(dst), p16(dport))
}

func tuple6(src string, sport uint16, dst string, dport uint16) []byte {
	return cat([]byte{FamilyInet6}, addrBytes(src), p16(sport), addrBytes(dst), p16(dport))
}

func fdl(entries ...[2]int64) []byte {
	b := p16(uint16(len(entries)))
	for _, e := range entries {
		b = append(b, pi64(e[0])...)
		b = append(b, p16(uint16(e[1]))...)
	}
	return b
}

func dynp(idx byte, v []byte) []byte { return append([]byte{idx}, v...) }

// TestAppendArgs renders hand-built events without state. The expected
// strings follow sysdig 0.29.3 for the event types it knows (most were
// checked against it through the synthetic capture of package scap).
func TestAppendArgs(t *testing.T) {
	buf81 := bytes.Repeat([]byte("x"), 81)
	tests := []struct {
		name string
		e    *Event
		want string
	}{
		{"flags and octal mode", mkEvent(t, tOpenE, 1, ps("/etc/passwd"), p32(0x1001), p32(0o644)),
			"name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0644"},
		{"errno, zero-valued flag name, hex", mkEvent(t, tOpenX, 1, pi64(-2), ps("rel/../x"), p32(0), p32(0), p32(0x803), p64(12)),
			"fd=-2(ENOENT) name=rel/../x flags=0(O_NONE) mode=0 dev=803 ino=12"},
		{"AT_FDCWD", mkEvent(t, tCloseX, 1, pi64(0), pi64(-100)), "res=0 fd=-100(AT_FDCWD)"},
		{"negative fd without errno name", mkEvent(t, tCloseX, 1, pi64(-41), pi64(-58)), "res=-41 fd=-58"},
		{"errno truncated to 32 bits", mkEvent(t, tCloseX, 1, pi64(-4294967298), pi64(3)), "res=-4294967298(ENOENT) fd=3"},
		{"enum typed FLAGS in 2022: bitwise, first name", mkEvent(t, tSocketE, 1, p32(1), p32(526337), p32(0)),
			"domain=1(AF_LOCAL) type=526337 proto=0"},
		{"enum param added since 2022: exact, every name", mkEvent(t, tSocketX, 1, pi64(3), p32(1), p32(1), p32(0), p32(0)),
			"fd=3 domain=1(AF_LOCAL|AF_UNIX) type=1 proto=0 flags=0"},
		{"enum without exact name", mkEvent(t, tSocketX, 1, pi64(3), p32(99), p32(1), p32(0), p32(0)),
			"fd=3 domain=99 type=1 proto=0 flags=0"},
		{"mmap result prints hex as in 2022", mkEvent(t, tMmapX, 1, p64(0x7f12abcd0000), p32(1000), p32(100), p32(0)),
			"res=7F12ABCD0000 vm_size=1000 vm_rss=100 vm_swap=0"},
		{"failed mmap", mkEvent(t, tMmapX, 1, pi64(-12), p32(0), p32(0), p32(0)),
			"res=FFFFFFFFFFFFFFF4 vm_size=0 vm_rss=0 vm_swap=0"},
		{"byte buffer cut at 80", mkEvent(t, tReadX, 1, pi64(81), buf81),
			"res=81 data=" + strings.Repeat("x", 77) + "..."},
		{"byte buffer dots", mkEvent(t, tReadX, 1, pi64(6), []byte("a\x00b\r\n\xff")), "res=6 data=a.b..."},
		{"empty byte buffer in a 2022 event", mkEvent(t, tReadX, 1, pi64(0), nil), "res=0 data="},
		{"empty byte buffer in a newer event", mkEvent(t, 421, 1, pi64(0), pi64(1), nil), "res=0 pid=1 data=NULL"},
		{"empty fixed-size params", mkEvent(t, tKillE, 1, nil, nil), "pid=NULL sig=NULL"},
		{"wrong-size params", mkEvent(t, tKillE, 1, p32(1), p16(9)), "pid=(invalid) sig=(invalid)"},
		{"pid and signal", mkEvent(t, tKillE, 1, pi64(1), p8(9)), "pid=1 sig=9(SIGKILL)"},
		{"signal without name", mkEvent(t, tKillE, 1, pi64(1), p8(64)), "pid=1 sig=64"},
		{"relative time", mkEvent(t, tNanosleepE, 1, p64(1500000000)), "interval=1500000000(1.5s)"},
		{"small relative time", mkEvent(t, tNanosleepE, 1, p64(10000)), "interval=10000(1e-05s)"},
		{"no relative time", mkEvent(t, tNanosleepE, 1, pi64(-1)), "interval=none"},
		{"fd list", mkEvent(t, tPollE, 1, fdl([2]int64{3, 1}, [2]int64{-1, -1}), pi64(-1)),
			"fds=3:?1 18446744073709551615:?ffffffff timeout=-1"},
		{"empty fd list", mkEvent(t, tPollE, 1, fdl(), pi64(0)), "fds= timeout=0"},
		{"fd list shorter than its count", mkEvent(t, tPollE, 1, fdl([2]int64{3, 1})[:6], pi64(0)), "fds= timeout=0"},
		{"ppoll sigset", mkEvent(t, 254, 1, fdl([2]int64{3, 1}), p64(5000000), p32(0x10001)),
			"fds=3:?1 timeout=5000000(0.005s) sigmask=SIGHUP SIGCHLD"},
		{"ipv4 tuple", mkEvent(t, tConnectX, 1, pi64(-115), tuple4("10.0.0.2", 40000, "10.0.0.1", 443)),
			"res=-115(EINPROGRESS) tuple=10.0.0.2:40000->10.0.0.1:443"},
		{"ipv6 tuple", mkEvent(t, tConnectX, 1, pi64(0), tuple6("2001:db8::1", 1234, "::1", 80)),
			"res=0 tuple=2001:db8::1:1234->::1:80"},
		{"mapped ipv6 tuple prints as ipv4", mkEvent(t, tConnectX, 1, pi64(0), tuple6("::", 7, "::ffff:10.1.1.2", 8)),
			"res=0 tuple=0.0.0.0:7->10.1.1.2:8"},
		{"unix tuple", mkEvent(t, tConnectX, 1, pi64(-2), cat([]byte{FamilyUnix}, p64(0), p64(0xffff88003c420800), ps("/var/run/nscd/socket"))),
			"res=-2(ENOENT) tuple=0->ffff88003c420800 /var/run/nscd/socket"},
		{"truncated ipv4 tuple", mkEvent(t, tConnectX, 1, pi64(0), cat([]byte{FamilyInet}, addrBytes("1.1.1.1"), p16(1))),
			"res=0 tuple=INVALID IPv4"},
		{"empty tuple", mkEvent(t, tConnectX, 1, pi64(0), nil), "res=0 tuple=NULL"},
		{"tuple of another family", mkEvent(t, tConnectX, 1, pi64(0), []byte{200}), "res=0 tuple=family -56"},
		{"ipv6 address", mkEvent(t, tBindX, 1, pi64(-98), cat([]byte{FamilyInet6}, addrBytes("::1.2.3.4"), p16(1))),
			"res=-98(EADDRINUSE) addr=::1.2.3.4:1"},
		{"unix address sanitized", mkEvent(t, tBindX, 1, pi64(0), cat([]byte{FamilyUnix}, ps("/run/\x01x\xc3\xa9.sock"))),
			"res=0 addr=/run/x.sock"},
		{"dynamic: uint32, errno", mkEvent(t, tSetsockX, 1, pi64(0), pi64(4), p8(1), p8(2), dynp(2, p32(1)), p32(4)),
			"res=0 fd=4 level=1(SOL_SOCKET) optname=2(SO_REUSEADDR) val=1 optlen=4"},
		{"dynamic: time", mkEvent(t, tSetsockX, 1, pi64(0), pi64(4), p8(1), p8(20), dynp(4, p64(1500000000)), p32(16)),
			"res=0 fd=4 level=1(SOL_SOCKET) optname=20(SO_RCVTIMEO) val=1500000000(1.5s) optlen=16"},
		{"dynamic: index out of table", mkEvent(t, tSetsockX, 1, pi64(0), pi64(4), p8(0), p8(0), dynp(9, p32(1)), p32(4)),
			"res=0 fd=4 level=0(UNKNOWN) optname=0(UNKNOWN) val=INVALID DYNAMIC PARAMETER optlen=4"},
		{"dynamic: value missing", mkEvent(t, tSetsockX, 1, pi64(0), pi64(4), p8(0), p8(0), []byte{1}, p32(0)),
			"res=0 fd=4 level=0(UNKNOWN) optname=0(UNKNOWN) val=(invalid) optlen=0"},
		{"dynamic with the outer hex format", mkEvent(t, tPtraceX, 1, pi64(0), dynp(0, p64(0x7ffd0000)), dynp(1, p8(9))),
			"res=0 addr=7FFD0000 data=9(SIGKILL)"},
		{"mode names", mkEvent(t, tChmodX, 1, pi64(0), ps("/f"), p32(0o4755)),
			"res=0 filename=/f mode=04755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID)"},
		{"mode 0 has no name", mkEvent(t, tChmodX, 1, pi64(0), ps("/f"), p32(0)), "res=0 filename=/f mode=0"},
		{"uid and gid without state", mkEvent(t, 192, 1, p32(0), p32(0xffffffff), p32(0x80000000)),
			"ruid=0(<NA>) euid=-1(<NONE>) suid=-2147483648(<NA>)"},
		{"path sanitized, charbuf raw", mkEvent(t, 179, 1, pi64(0), ps("a\tb\x80"), ps("/l\x01n")),
			"res=0 target=a\tb\x80 linkpath=/ln"},
		{"old drivers' NULL string", mkEvent(t, 179, 1, pi64(0), ps("(NULL)"), ps("(NULL)")),
			"res=0 target=(NULL) linkpath=(NULL)"},
		{"flags param added since 2022, current rule", mkEvent(t, 405, 1, pi64(3), ps("buf"), p32(3)),
			"fd=3 name=buf flags=3(MFD_CLOEXEC|MFD_ALLOW_SEALING)"},
		{"enum of a newer event", mkEvent(t, 401, 1, pi64(0), p32(15), ps("x"), pi64(0)),
			"res=0 option=15(PR_SET_NAME) arg2_str=x arg2_int=0"},
		{"flags without a table", mkEvent(t, 59, 1, pi64(3), ps("/f"), p32(0o600), p32(0), p64(1), p16(0x4000)),
			"fd=3 name=/f mode=0600 dev=0 ino=1 creat_flags=16384"},
		{"iterator types", mkEvent(t, tIterInet, 1, p32(0xfffffff7), p16(1), p16(6), addrBytes("10.0.0.1"), p16(80), addrBytes("10.0.0.2"), p16(5000), p64(7)),
			"fd=-9(EBADF) sk_type=1 sk_proto=6 local_ip=10.0.0.1 local_port=80 remote_ip=10.0.0.2 remote_port=5000 ino_num=7"},
		{"more params stored than the table has", mkEvent(t, tCloseX, 1, pi64(0), pi64(3), pi64(4)), "res=0 fd=3"},
		{"fewer params stored than the table has", mkEvent(t, tOpenE, 1), ""},
		{"generic events print no args", mkEvent(t, 1, 1, p16(5), p16(2)), ""},
		{"unknown event type", mkEvent(t, Type(NumTypes()), 1, p32(1)), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(AppendArgs(nil, tc.e, nil)); got != tc.want {
				t.Errorf("AppendArgs =\n %q\nwant\n %q", got, tc.want)
			}
		})
	}
}

func TestAppendParamText(t *testing.T) {
	gen := mkEvent(t, 1, 1, p16(5), p16(2))
	unknown := mkEvent(t, 0, 1, p16(60000), p16(2))
	tests := []struct {
		name string
		e    *Event
		i    int
		want string
	}{
		{"syscall id", gen, 0, "ID=5(open)"},
		{"native id", gen, 1, "nativeID=2"},
		{"beyond the params", gen, 2, ""},
		{"negative index", gen, -1, ""},
		{"unknown syscall id", unknown, 0, "ID=<unknown syscall>"},
		{"2022 name of a renamed param", mkEvent(t, tExecve19X, 1, execveParams()...), 17, "pgid=300"},
		{"2022 type of a retyped param", mkEvent(t, tExecve19X, 1, execveParams()...), 18, "loginuid=-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(AppendParamText(nil, tc.e, tc.i, nil)); got != tc.want {
				t.Errorf("AppendParamText(%d) = %q, want %q", tc.i, got, tc.want)
			}
		})
	}
}

// execveParams are the 20 parameters sysdig 0.29.3 knows of execve's
// exit event.
func execveParams() [][]byte {
	return [][]byte{pi64(0), ps("/bin/true"), []byte("true\x00-v\x00"), pi64(300), pi64(300), pi64(100),
		ps("/root"), p64(1024), p64(0), p64(1), p32(10), p32(5), p32(0), ps("true"), []byte("cpu=/\x00"),
		[]byte("HOME=/root\x00"), p32(0xffffffff), pi64(300), p32(0xffffffff), p32(1)}
}

func TestExecveArgs(t *testing.T) {
	e := mkEvent(t, tExecve19X, 300, execveParams()...)
	want := "res=0 exe=/bin/true args=true.-v. tid=300 pid=300 ptid=100 cwd=/root fdlimit=1024 pgft_maj=0 pgft_min=1 " +
		"vm_size=10 vm_rss=5 vm_swap=0 comm=true cgroups=cpu=/. env=HOME=/root. tty=-1 pgid=300 loginuid=-1 flags=1(EXE_WRITABLE)"
	if got := string(AppendArgs(nil, e, nil)); got != want {
		t.Errorf("AppendArgs =\n %q\nwant\n %q", got, want)
	}
}

func TestPrinterBufLimit(t *testing.T) {
	e := mkEvent(t, tReadX, 1, pi64(10), []byte("0123456789"))
	tests := []struct {
		limit int
		want  string
	}{
		{0, "res=10 data=0123456789"},
		{10, "res=10 data=0123456789"},
		{9, "res=10 data=012345..."},
		{3, "res=10 data=012"},
	}
	for _, tc := range tests {
		p := Printer{BufLimit: tc.limit}
		if got := string(p.AppendArgs(nil, e)); got != tc.want {
			t.Errorf("BufLimit %d: %q, want %q", tc.limit, got, tc.want)
		}
	}
}

func TestAppendValueAndResolved(t *testing.T) {
	e := mkEvent(t, tOpenX, 1, pi64(-2), ps("/x"), p32(0x1001), p32(0), p32(0), p64(0))
	var p Printer
	tests := []struct {
		i               int
		value, resolved string
	}{
		{0, "-2(ENOENT)", "ENOENT"},
		{1, "/x", "/x"},
		{2, "4097(O_RDONLY|O_CLOEXEC)", "O_RDONLY|O_CLOEXEC"},
		{3, "0", "0"},
		{9, "", ""},
	}
	for _, tc := range tests {
		if got := string(p.AppendValue([]byte("<"), e, tc.i)); got != "<"+tc.value {
			t.Errorf("AppendValue(%d) = %q, want %q", tc.i, got, "<"+tc.value)
		}
		if got := string(p.AppendResolved([]byte("<"), e, tc.i)); got != "<"+tc.resolved {
			t.Errorf("AppendResolved(%d) = %q, want %q", tc.i, got, "<"+tc.resolved)
		}
	}
}

func TestAbsTime(t *testing.T) {
	// 2023-11-14 22:13:20.000000042 UTC, shown in local time.
	const ns = 1700000000_000000042
	got := string(appendAbsTime(nil, ns))
	if !strings.HasSuffix(got, ":20.000000042") || len(got) != len("2006-01-02 15:04:05.000000000") {
		t.Errorf("appendAbsTime = %q", got)
	}
}
