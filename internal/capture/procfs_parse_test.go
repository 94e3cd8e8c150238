package capture

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"peregrine/internal/event"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want statInfo
		ok   bool
	}{
		{
			name: "plain",
			in:   "18496 (cat) R 18484 18484 16316 34816 -1 4194304 101 0 2 0 0 0 0 0 20 0 1 0 846377 3133440 410 18446744073709551615",
			want: statInfo{pid: 18496, comm: "cat", state: 'R', pgrp: 18484, session: 16316, ttyNr: 34816,
				flags: 4194304, minflt: 101, majflt: 2, startTime: 846377},
			ok: true,
		},
		{
			name: "comm with parentheses and spaces",
			in:   "7 (a (b) c) S 1 7 7 0 -1 4194560 5 0 0 0 0 0 0 0 20 0 1 0 99 0 0",
			want: statInfo{pid: 7, comm: "a (b) c", state: 'S', pgrp: 7, session: 7, flags: 4194560, minflt: 5, startTime: 99},
			ok:   true,
		},
		{
			name: "kernel thread",
			in:   "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0",
			want: statInfo{pid: 2, comm: "kthreadd", state: 'S', flags: 2129984, startTime: 1},
			ok:   true,
		},
		{name: "empty", in: ""},
		{name: "no parentheses", in: "1 init S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1"},
		{name: "too few fields", in: "1 (init) S 0 1 1 0 -1 0 0"},
		{name: "garbage number", in: "1 (init) S 0 1 x 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0"},
		{name: "absurd start", in: "1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 18446744073709551615 0 0"},
		{name: "negative start", in: "1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -5 0 0"},
		{name: "bad pid", in: "x (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0"},
		{name: "zero pid", in: "0 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0"},
		{name: "long state", in: "1 (init) SS 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.in))
			if (err == nil) != tt.ok {
				t.Fatalf("parseStat error = %v, want ok %v", err, tt.ok)
			}
			if tt.ok {
				if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(statInfo{})); diff != "" {
					t.Errorf("parseStat (-want +got):\n%s", diff)
				}
			}
		})
	}
}

const sampleStatus = `Name:	sleep
Umask:	0022
State:	S (sleeping)
Tgid:	300
Ngid:	0
Pid:	301
PPid:	299
TracerPid:	0
Uid:	1000	1001	1002	1003
Gid:	2000	2001	2002	2003
FDSize:	64
Groups:	4 27 
NStgid:	300	12
NSpid:	301	13
NSpgid:	298	1
NSsid:	298	1
Kthread:	0
VmPeak:	    8000 kB
VmSize:	    7000 kB
VmRSS:	    1200 kB
VmSwap:	      16 kB
CapInh:	0000000000000000
CapPrm:	000001ffffffffff
CapEff:	00000000a80425fb
`

func TestParseStatus(t *testing.T) {
	got, err := parseStatus([]byte(sampleStatus))
	if err != nil {
		t.Fatal(err)
	}
	want := statusInfo{
		tgid: 300, ppid: 299, uid: 1001, gid: 2001,
		nsTgidLast: 12, nsPidLast: 13, nsPgidFirst: 298, nsPgidLast: 1, nNSTgid: 2, nNSPid: 2, nNSPgid: 2,
		vmSize: 7000, vmRSS: 1200, vmSwap: 16,
		capPrm: 0x1ffffffffff, capEff: 0xa80425fb, groups: []uint32{4, 27},
		haveTgid: true, havePPid: true, haveUID: true, haveGID: true,
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(statusInfo{})); diff != "" {
		t.Errorf("parseStatus (-want +got):\n%s", diff)
	}

	bad := []struct{ name, in string }{
		{"empty", ""},
		{"no tgid", "PPid:\t1\nUid:\t0 0 0 0\nGid:\t0 0 0 0\n"},
		{"one uid", "Tgid:\t1\nPPid:\t0\nUid:\t0\nGid:\t0 0 0 0\n"},
		{"garbage ppid", "Tgid:\t1\nPPid:\tx\nUid:\t0 0 0 0\nGid:\t0 0 0 0\n"},
		{"garbage caps", "Tgid:\t1\nPPid:\t0\nUid:\t0 0 0 0\nGid:\t0 0 0 0\nCapEff:\tzz\n"},
		{"empty nspid", "Tgid:\t1\nPPid:\t0\nUid:\t0 0 0 0\nGid:\t0 0 0 0\nNSpid:\t\n"},
		{"negative tgid", "Tgid:\t-1\nPPid:\t0\nUid:\t0 0 0 0\nGid:\t0 0 0 0\n"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseStatus([]byte(tt.in)); err == nil {
				t.Errorf("parseStatus(%q) accepted", tt.in)
			}
		})
	}
}

func TestSplitCmdline(t *testing.T) {
	tests := []struct{ in, exe, args string }{
		{"", "", ""},
		{"sleep\x00", "sleep", ""},
		{"sleep\x0010\x00", "sleep", "10\x00"},
		{"sh\x00-c\x00echo hi\x00", "sh", "-c\x00echo hi\x00"},
		{"postgres: writer", "postgres: writer", ""},
		// A line cut at the read limit loses its last byte to the NUL,
		// as in libs.
		{"cat\x00abcdef", "cat", "abcde\x00"},
	}
	for _, tt := range tests {
		exe, args := splitCmdline([]byte(tt.in))
		if exe != tt.exe || args != tt.args {
			t.Errorf("splitCmdline(%q) = %q, %q; want %q, %q", tt.in, exe, args, tt.exe, tt.args)
		}
	}
}

func TestParseFDLimit(t *testing.T) {
	const head = "Limit                     Soft Limit           Hard Limit           Units     \n"
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{head + "Max open files            1024                 1048576              files     \n", 1024, true},
		{head + "Max open files            unlimited            unlimited            files     \n", -1, true},
		{head + "Max processes             100                  100                  processes \n", 0, false},
		{head + "Max open files            lots                 1                    files     \n", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseFDLimit([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseFDLimit(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPPMOpenFlags(t *testing.T) {
	tests := []struct {
		name string
		in   uint64
		want uint32
	}{
		{"read only", 0, ppmORdonly},
		{"largefile is dropped", 0o100000, ppmORdonly},
		{"write append cloexec", unix.O_WRONLY | unix.O_APPEND | unix.O_CLOEXEC, ppmOWronly | ppmOAppend | ppmOCloexec},
		{"rdwr creat excl trunc", unix.O_RDWR | unix.O_CREAT | unix.O_EXCL | unix.O_TRUNC, ppmORdwr | ppmOCreat | ppmOExcl | ppmOTrunc},
		{"nonblock direct", unix.O_NONBLOCK | unix.O_DIRECT, ppmORdonly | ppmONonblock | ppmODirect},
		// As in libs: O_DSYNC alone shows O_SYNC too, and O_SYNC shows
		// O_DSYNC (they share a bit).
		{"dsync", unix.O_DSYNC, ppmORdonly | ppmODsync | ppmOSync},
		{"sync", unix.O_SYNC, ppmORdonly | ppmODsync | ppmOSync},
		{"directory", unix.O_DIRECTORY, ppmORdonly | ppmODirectory | ppmOTmpfile},
	}
	for _, tt := range tests {
		if got := ppmOpenFlags(tt.in); got != tt.want {
			t.Errorf("%s: ppmOpenFlags(%#o) = %#x, want %#x", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestSocketTableLines(t *testing.T) {
	const tcp4 = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1582 1 0000000000000000 100 0 0 10 0"
	const tcp4conn = "   1: 0100007F:1F90 0200007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 1583 1 0000000000000000 20 4 30 10 -1"
	const tcp6 = "   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1600 1 0000000000000000 100 0 0 10 0"
	const mapped = "   1: 0000000000000000FFFF00000100007F:0050 0000000000000000FFFF00000200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1601 1 0000000000000000 100 0 0 10 0"
	const timeWait = "   2: 0100007F:1F90 0200007F:C351 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0000000000000000"
	const unixLine = "0000000000000000: 00000002 00000000 00010000 0001 01 264223 /run/with space.sock"
	const unixAnon = "ffff8880a1b2c3d4: 00000003 00000000 00000000 0001 03 112"
	const netlink = "000000009ba92d7e 0   0          00000000 0        0        0     2        0        4       "
	tbl := socketTable{}
	for _, l := range []string{tcp4, tcp4conn, timeWait, "garbage", "   9: zz:zz"} {
		tbl.addInet(l, false, event.L4TCP)
	}
	for _, l := range []string{tcp6, mapped} {
		tbl.addInet(l, true, event.L4TCP)
	}
	tbl.addUnix(unixLine)
	tbl.addUnix(unixAnon)
	tbl.addUnix("short line")
	tbl.addNetlink(netlink)
	lo := netip.MustParseAddr("127.0.0.1")
	want := socketTable{
		1582: {Ino: 1582, Type: event.FDIPv4ServSock, ServerIP: lo, ServerPort: 8080, L4Proto: event.L4TCP},
		1583: {Ino: 1583, Type: event.FDIPv4Sock, SIP: lo, SPort: 8080, DIP: netip.MustParseAddr("127.0.0.2"), DPort: 50000, L4Proto: event.L4TCP},
		1600: {Ino: 1600, Type: event.FDIPv6ServSock, ServerIP: netip.MustParseAddr("::1"), ServerPort: 22, L4Proto: event.L4TCP},
		1601: {Ino: 1601, Type: event.FDIPv6Sock, SIP: netip.MustParseAddr("::ffff:127.0.0.1"), SPort: 80,
			DIP: netip.MustParseAddr("::ffff:127.0.0.2"), DPort: 54321, L4Proto: event.L4TCP},
		264223: {Ino: 264223, Type: event.FDUnixSock, Name: "/run/with space.sock"},
		112:    {Ino: 112, Type: event.FDUnixSock, UnixSource: 0xffff8880a1b2c3d4},
		4:      {Ino: 4, Type: event.FDNetlink},
	}
	if diff := cmp.Diff(want, tbl, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("socket table (-want +got):\n%s", diff)
	}
}

func TestParseMountLine(t *testing.T) {
	tests := []struct {
		in   string
		want mountEntry
		ok   bool
	}{
		{
			in:   "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
			want: mountEntry{id: 27, dev: 254 << 8, root: "/", point: "/", fstype: "ext4"},
			ok:   true,
		},
		{
			in: "700 650 0:120 / /var/lib/docker/overlay2/abc/merged rw,relatime - overlay overlay " +
				"rw,lowerdir=/l1:/l2,upperdir=/var/lib/docker/overlay2/abc/diff,workdir=/w",
			want: mountEntry{id: 700, dev: 120, root: "/", point: "/var/lib/docker/overlay2/abc/merged", fstype: "overlay",
				upperDir: "/var/lib/docker/overlay2/abc/diff"},
			ok: true,
		},
		{
			in:   `40 27 8:300 /sub /mnt/with\040space ro,nosuid - xfs /dev/sdb rw`,
			want: mountEntry{id: 40, dev: encodeDev(8, 300), root: "/sub", point: "/mnt/with space", fstype: "xfs", readOnly: true},
			ok:   true,
		},
		{in: "garbage"},
		{in: "27 1 254:0 / / rw,relatime shared:1 ext4 /dev/vda rw"},
		{in: "x 1 254:0 / / rw - ext4 /dev/vda rw"},
		{in: "27 1 254 / / rw - ext4 /dev/vda rw"},
	}
	for _, tt := range tests {
		got, ok := parseMountLine(tt.in)
		if ok != tt.ok {
			t.Errorf("parseMountLine(%q) ok = %v", tt.in, ok)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(mountEntry{})); ok && diff != "" {
			t.Errorf("parseMountLine(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if d := encodeDev(8, 300); d != 0x10082c {
		t.Errorf("encodeDev(8, 300) = %#x, want 0x10082c", d)
	}
	tbl := mountTable{{id: 1, point: "/"}, {id: 2, point: "/usr"}, {id: 3, point: "/usr/lib"}, {id: 4, point: "/usr"}}
	for path, id := range map[string]uint64{"/bin/sh": 1, "/usr/bin/x": 4, "/usr/lib/y": 3, "/usrx": 1, "/usr": 4} {
		if m := tbl.find(path); m == nil || m.id != id {
			t.Errorf("find(%q) = %+v, want mount %d", path, m, id)
		}
	}
}

func TestFormatCgroups(t *testing.T) {
	w := &worker{sc: &scanner{cg: &cgroupV2{ctrl: map[string][]string{}}}}
	in := "12:cpu,cpuacct:/docker/abc\n4:memory:/user.slice\n1:name=systemd:/init.scope\n0::/init.scope\n3::/ignored\nbad line\n"
	want := "cpu=/docker/abc\x00cpuacct=/docker/abc\x00memory=/user.slice\x00name=systemd=/init.scope\x00"
	if got := w.formatCgroups([]byte(in)); got != want {
		t.Errorf("formatCgroups = %q, want %q", got, want)
	}

	// v2: controllers are placed at the cgroup where they first appear
	// walking up.
	dir := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		mustWrite(t, dir+rel+"/cgroup.controllers", content)
	}
	write("", "cpuset cpu io memory pids\n")
	write("/user.slice", "cpu memory pids\n")
	write("/user.slice/app.scope", "memory pids\n")
	w.sc.cg = &cgroupV2{mount: dir, all: []string{"cpuset", "cpu", "io", "memory", "pids"}, ctrl: map[string][]string{}}
	got := w.formatCgroups([]byte("0::/user.slice/app.scope\n"))
	want = "memory=/user.slice/app.scope\x00pids=/user.slice/app.scope\x00cpu=/user.slice\x00cpuset=/\x00io=/\x00"
	if got != want {
		t.Errorf("formatCgroups v2 = %q, want %q", got, want)
	}

	// The list stops at libs' size limit.
	long := make([]byte, 0, 8192)
	for i := range 200 {
		long = append(long, []byte("1:sub"+string(rune('a'+i%26))+":/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n")...)
	}
	if got := w.formatCgroups(long); len(got) > cgroupsMax || len(got) < cgroupsMax-64 {
		t.Errorf("formatCgroups of a long file gives %d bytes, want just under %d", len(got), cgroupsMax)
	}
}

func TestCredLines(t *testing.T) {
	users := []struct {
		in   string
		want event.User
		ok   bool
	}{
		{"root:x:0:0:root:/root:/bin/bash", event.User{Name: "root", Home: "/root", Shell: "/bin/bash"}, true},
		{"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
			event.User{UID: 65534, GID: 65534, Name: "nobody", Home: "/nonexistent", Shell: "/usr/sbin/nologin"}, true},
		{"# comment", event.User{}, false},
		{"", event.User{}, false},
		{"+@netgroup::::::", event.User{}, false},
		{"short:x:1:1", event.User{}, false},
		{"bad:x:one:1:g:/h:/s", event.User{}, false},
		{"big:x:4294967296:1:g:/h:/s", event.User{}, false},
	}
	for _, tt := range users {
		got, ok := parsePasswdLine(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parsePasswdLine(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if g, ok := parseGroupLine("docker:x:998:alice,bob"); !ok || g != (event.Group{GID: 998, Name: "docker"}) {
		t.Errorf("parseGroupLine = %+v, %v", g, ok)
	}
	if _, ok := parseGroupLine("docker:x:998"); ok {
		t.Error("parseGroupLine accepted three fields")
	}
}

func TestExeWritable(t *testing.T) {
	user := &statusInfo{uid: 1000, gid: 100, groups: []uint32{27}}
	root := &statusInfo{}
	tests := []struct {
		name           string
		uid, gid, mode uint32
		ss             *statusInfo
		readOnly, want bool
	}{
		{"owner", 1000, 0, 0o500, user, false, true},
		{"owner of a read-only file system", 1000, 0, 0o500, user, true, true},
		{"root", 0, 0, 0o555, root, false, true},
		{"root on a read-only file system", 2, 0, 0o777, root, true, false},
		{"group member, group writable", 0, 100, 0o775, user, false, true},
		{"supplementary group, group writable", 0, 27, 0o775, user, false, true},
		{"group member, only others may write", 0, 100, 0o757, user, false, false},
		{"other, other writable", 0, 0, 0o757, user, false, true},
		{"other", 0, 0, 0o755, user, false, false},
	}
	for _, tt := range tests {
		if got := exeWritable(tt.uid, tt.gid, tt.mode, tt.ss, tt.readOnly); got != tt.want {
			t.Errorf("%s: exeWritable = %v, want %v", tt.name, got, tt.want)
		}
	}
}
