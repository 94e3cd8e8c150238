package event

import "testing"

// fakeState is a Resolver over fixed facts: thread 100 (bash, cwd /root
// without a trailing slash) and thread 1, a few fds of thread 100, users
// 0 and 1000, group 0.
type fakeState struct{}

func (fakeState) Thread(tid int64) (ThreadInfo, bool) {
	switch tid {
	case 100:
		return ThreadInfo{Comm: "bash", Cwd: "/root"}, true
	case 1:
		return ThreadInfo{Comm: "systemd", Cwd: "/"}, true
	case 7:
		return ThreadInfo{}, true // known, no name
	}
	return ThreadInfo{}, false
}

func (fakeState) FD(tid, fd int64) (FDInfo, bool) {
	if tid != 100 {
		return FDInfo{}, false
	}
	switch fd {
	case 3:
		return FDInfo{Type: FDFileV2, Name: "/etc/passwd"}, true
	case 4:
		return FDInfo{Type: FDIPv6Sock, L4Proto: L4UDP, Name: "::1:38255->::1:2345"}, true
	case 5:
		return FDInfo{Type: FDUnixSock}, true
	case 6:
		return FDInfo{Type: FDType(99), Name: "odd\x01"}, true
	case 7:
		return FDInfo{Type: FDDirectory, Name: "/tmp"}, true
	case 8:
		return FDInfo{Type: FDIPv4ServSock, L4Proto: L4TCP, Name: "0.0.0.0:80"}, true
	}
	return FDInfo{}, false
}

func (fakeState) AccountName(tid int64, id uint32, group bool) (string, bool) {
	switch {
	case id == 0 && group:
		return "wheel", true
	case id == 0:
		return "root", true
	case id == 1000 && !group:
		return "al\x01ice", true
	}
	return "", false
}

func TestAppendArgsWithState(t *testing.T) {
	const me, stranger = 100, 555
	tests := []struct {
		name string
		e    *Event
		want string
	}{
		{"file fd", mkEvent(t, tCloseX, me, pi64(0), pi64(3)), "res=0 fd=3(<f>/etc/passwd)"},
		{"udp socket fd", mkEvent(t, tCloseX, me, pi64(0), pi64(4)), "res=0 fd=4(<6u>::1:38255->::1:2345)"},
		{"unix socket without a name", mkEvent(t, tCloseX, me, pi64(0), pi64(5)), "res=0 fd=5(<u>)"},
		{"fd kind unknown to this build, name sanitized", mkEvent(t, tCloseX, me, pi64(0), pi64(6)), "res=0 fd=6(<?>odd)"},
		{"listening socket", mkEvent(t, tCloseX, me, pi64(0), pi64(8)), "res=0 fd=8(<4t>0.0.0.0:80)"},
		{"unknown fd", mkEvent(t, tCloseX, me, pi64(0), pi64(9)), "res=0 fd=9"},
		{"negative fd, known thread", mkEvent(t, tCloseX, me, pi64(0), pi64(-1)), "res=0 fd=-1(EPERM)"},
		{"negative fd, unknown thread", mkEvent(t, tCloseX, stranger, pi64(0), pi64(-1)), "res=0 fd=-1"},
		{"AT_FDCWD, unknown thread", mkEvent(t, tCloseX, stranger, pi64(0), pi64(-100)), "res=0 fd=-100"},
		{"pid names", mkEvent(t, tKillE, me, pi64(1), p8(15)), "pid=1(systemd) sig=15(SIGTERM)"},
		{"pid of a thread without a name", mkEvent(t, tKillE, me, pi64(7), p8(15)), "pid=7 sig=15(SIGTERM)"},
		{"unknown pid", mkEvent(t, tKillE, me, pi64(42), p8(15)), "pid=42 sig=15(SIGTERM)"},
		{"user names", mkEvent(t, 192, me, p32(0), p32(1000), p32(5)), "ruid=0(root) euid=1000(alice) suid=5(<NA>)"},
		{"group names", mkEvent(t, 200, me, p32(0)), "gid=0(wheel)"},
		{"ids of an unknown thread", mkEvent(t, 192, stranger, p32(0), p32(0xffffffff), p32(0)),
			"ruid=0(<NA>) euid=-1(<NONE>) suid=0(<NA>)"},
		{"relative path", mkEvent(t, 67, me, pi64(0), ps("a/./b//c")), "res=0 path=a/./b//c(/root/a/b/c)"},
		{"relative path going up", mkEvent(t, 67, me, pi64(0), ps("../../../x/")), "res=0 path=../../../x/(/x)"},
		{"absolute path", mkEvent(t, 67, me, pi64(0), ps("/etc/../x")), "res=0 path=/etc/../x"},
		{"path <NA>", mkEvent(t, 67, me, pi64(0), ps("<NA>")), "res=0 path=<NA>"},
		{"empty path, 2022 event", mkEvent(t, 67, me, pi64(0), ps("")), "res=0 path=(/root)"},
		{"empty path, newer event", mkEvent(t, 444, me, p32(3), p16(1), p16(0), p64(0), ps(""), p64(0)),
			"fd=3(<f>/etc/passwd) sk_type=1 sk_proto=0 sk_pointer=0 sun_path= ino_num=0"},
		{"path of an unknown thread", mkEvent(t, 67, stranger, pi64(0), ps("a")), "res=0 path=a"},
		{"relative to AT_FDCWD and to a directory fd", mkEvent(t, 177, me, pi64(0), pi64(-100), ps("x"), pi64(7), ps("y")),
			"res=0 olddirfd=-100(AT_FDCWD) oldpath=x(/root/x) newdirfd=7(<d>/tmp) newpath=y(/tmp/y)"},
		{"relative to an unknown fd", mkEvent(t, 177, me, pi64(0), pi64(55), ps("x"), pi64(3), ps("../y")),
			"res=0 olddirfd=55 oldpath=x(x) newdirfd=3(<f>/etc/passwd) newpath=../y(/etc/y)"},
		{"fd list letters", mkEvent(t, tPollE, me, fdl([2]int64{3, 1}, [2]int64{4, 5}, [2]int64{9, 1}), pi64(0)),
			"fds=3:f1 4:65 9:?1 timeout=0"},
	}
	p := Printer{Resolver: fakeState{}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(p.AppendArgs(nil, tc.e)); got != tc.want {
				t.Errorf("AppendArgs =\n %q\nwant\n %q", got, tc.want)
			}
		})
	}
}

func TestAppendResolvedWithState(t *testing.T) {
	p := Printer{Resolver: fakeState{}}
	e := mkEvent(t, tCloseX, 100, pi64(0), pi64(3))
	if got := string(p.AppendResolved(nil, e, 1)); got != "<f>/etc/passwd" {
		t.Errorf("AppendResolved = %q", got)
	}
	e = mkEvent(t, tKillE, 100, pi64(1), p8(9))
	if got := string(p.AppendResolved(nil, e, 0)); got != "systemd" {
		t.Errorf("AppendResolved = %q", got)
	}
}
