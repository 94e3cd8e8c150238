package state

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// A hand-built machine for the extractor tests:
//
//	systemd(1) ─ sshd(800) ─ bash(3200, session and group leader, tty)
//	    ─ curl(17497, threads 17497 and 17498)
//	containerd-shim(4000) ─ nginx(5000, in container c0ffee123456, vpid 1)
//
// curl has descriptors 0-8: a tty, a pipe, a file, /etc/hosts (v2 file),
// an IPv4 TCP client socket, an IPv6 UDP socket, a listening socket, the
// syslog socket and a directory.

const (
	testContainer = "c0ffee123456"
	testTS        = uint64(1534527348514682170) // 2018-08-17T17:35:48.514682170Z
	testStart     = uint64(1534527342999999999)
)

// fixture is a State with the machine above, and a binder over it.
type fixture struct {
	s *State
	b *Binder
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	s := New(Options{})
	s.machine = &event.MachineInfo{Hostname: "web-1", NumCPUs: 2}
	s.users[""] = map[uint32]*User{
		0:    {UID: 0, GID: 0, Name: "root", Home: "/root", Shell: "/bin/bash"},
		1000: {UID: 1000, GID: 1000, Name: "ubuntu", Home: "/home/ubuntu", Shell: "/bin/bash"},
	}
	s.groups[""] = map[uint32]*Group{0: {GID: 0, Name: "root"}, 1000: {GID: 1000, Name: "ubuntu"}}
	s.users[testContainer] = map[uint32]*User{101: {UID: 101, GID: 101, Name: "nginx", Home: "/nonexistent", Shell: "/bin/false"}}
	s.groups[testContainer] = map[uint32]*Group{101: {GID: 101, Name: "nginx"}}
	s.containers[testContainer] = &Container{
		ID: testContainer, FullID: testContainer + strings.Repeat("a", 52), Type: "docker",
		Name: "web", Image: "nginx:1.25", ImageID: "sha256:6f7e", ImageRepository: "nginx",
		ImageTag: "1.25", ImageDigest: "sha256:96fb", Privileged: true, HostNetwork: true,
		IP:     "172.17.0.2",
		Labels: map[string]string{"app": "web", "io.kubernetes.pod.name": "web-0", "tier": "front"},
		Mounts: []Mount{
			{Source: "/var/run/docker.sock", Dest: "/var/run/docker.sock", Mode: "", RW: true, Propagation: "rprivate"},
			{Source: "/data", Dest: "/usr/share/nginx/html", Mode: "ro", RW: false, Propagation: "rprivate"},
		},
		PodName: "web-0", PodNamespace: "prod", PodUID: "5d1b-uid", PodSandboxID: "abcdef0123456789abcdef",
	}

	host := &Proc{FDs: NewFDTable(), Cwd: "/", Threads: 1}
	add := func(th *Thread) *Thread {
		if th.Proc == nil {
			th.Proc = &Proc{FDs: NewFDTable(), Cwd: "/", Threads: 1}
		}
		s.threads[th.TID] = th
		return th
	}
	add(&Thread{TID: 1, PID: 1, PTID: 0, VTID: 1, VPID: 1, SID: 1, VPGID: 1, PGID: 1, Comm: "systemd",
		Exe: "/sbin/init", ExePath: "/usr/lib/systemd/systemd", LoginUID: event.NoLoginUID, Proc: host,
		CloneTS: testStart - 100*nsPerSecond})
	add(&Thread{TID: 800, PID: 800, PTID: 1, VTID: -1, VPID: -1, SID: 800, VPGID: 800, PGID: 800,
		Comm: "sshd", Exe: "/usr/sbin/sshd", ExePath: "/usr/sbin/sshd", Args: []string{"-D"},
		LoginUID: event.NoLoginUID, CloneTS: testStart - 50*nsPerSecond})
	add(&Thread{TID: 3200, PID: 3200, PTID: 800, VTID: 3200, VPID: 3200, SID: 3200, VPGID: 3200, PGID: 3200,
		Comm: "bash", Exe: "-bash", ExePath: "/usr/bin/bash", UID: 1000, GID: 1000, EUID: 1000,
		LoginUID: 1000, TTY: 34817, Env: []string{"HOME=/home/ubuntu", "SHELL=/bin/bash", "LANG=C"},
		CloneTS: testStart - 10*nsPerSecond,
		Proc:    &Proc{FDs: NewFDTable(), Cwd: "/home/ubuntu", Threads: 1}})

	curl := &Proc{FDs: NewFDTable(), Cwd: "/home/ubuntu", Threads: 2}
	curlMain := add(&Thread{TID: 17497, PID: 17497, PTID: 3200, VTID: 17497, VPID: 17497, SID: 3200,
		VPGID: 17497, PGID: 17497, Comm: "curl", Exe: "curl", ExePath: "/usr/bin/curl",
		Args: []string{"-6", "http://www.google.com"}, Env: []string{"HOME=/home/ubuntu", "TERM=xterm"},
		Cgroups: []string{"cpu=/user.slice", "memory=/user.slice/user-1000.slice"},
		UID:     1000, GID: 1000, EUID: 1000, LoginUID: 1000, TTY: 34817, FDLimit: 1024,
		CapPermitted: 1<<0 | 1<<21, CapEffective: 1 << 21, ExeIno: 4242,
		ExeInoCtime: testStart - 30*nsPerSecond, ExeInoMtime: testStart - 40*nsPerSecond,
		PidnsInitStart: testStart - 100*nsPerSecond, Flags: ExeWritable | ExeUpperLayer,
		VMSizeKB: 508, VMRSSKB: 4, VMSwapKB: 1, PFMajor: 3, PFMinor: 34,
		CloneTS: testStart + nsPerSecond, Proc: curl})
	add(&Thread{TID: 17498, PID: 17497, PTID: 17497, VTID: 17498, VPID: 17497, SID: 3200, VPGID: 17497,
		PGID: 17497, Comm: "curl", Exe: "curl", ExePath: "/usr/bin/curl", Args: curlMain.Args,
		UID: 1000, GID: 1000, EUID: 1000, LoginUID: 1000, FDLimit: 1024, VMSizeKB: 508,
		CloneTS: testStart + 2*nsPerSecond, Proc: curl})

	add(&Thread{TID: 4000, PID: 4000, PTID: 1, VTID: -1, VPID: -1, SID: 4000, VPGID: 4000, PGID: 4000,
		Comm: "containerd-shim", Exe: "containerd-shim", LoginUID: event.NoLoginUID})
	add(&Thread{TID: 5000, PID: 5000, PTID: 4000, VTID: 1, VPID: 1, SID: 1, VPGID: 1, PGID: 5000,
		Comm: "nginx", Exe: "nginx", ExePath: "/usr/sbin/nginx", Args: []string{"-g", "daemon off;"},
		Container: testContainer, UID: 101, GID: 101, EUID: 101, LoginUID: event.NoLoginUID,
		PidnsInitStart: testStart - 20*nsPerSecond, CloneTS: testStart - 20*nsPerSecond,
		Flags: ExeLowerLayer | ExeFromMemfd})

	fds := curl.FDs.fds
	fds[0] = &FD{Num: 0, Type: event.FDFile, Name: "/dev/pts/1"}
	fds[1] = &FD{Num: 1, Type: event.FDFifo, Name: "pipe:[4242]"}
	fds[2] = &FD{Num: 2, Type: event.FDFile, Name: "/dev/pts/1"}
	fds[3] = &FD{Num: 3, Type: event.FDFileV2, Name: "/etc/hosts", OpenFlags: 1, Dev: 0x801, Ino: 1234,
		Flags: LowerLayer}
	fds[4] = &FD{Num: 4, Type: event.FDIPv4Sock, Name: "10.0.0.1:40000->93.184.216.34:443",
		L4Proto: event.L4TCP, ClientIP: netip.MustParseAddr("10.0.0.1"), ClientPort: 40000,
		ServerIP: netip.MustParseAddr("93.184.216.34"), ServerPort: 443, Role: RoleClient, Flags: Connected}
	fds[5] = &FD{Num: 5, Type: event.FDIPv6Sock, Name: "2001:db8::1:5353->2001:db8::2:53",
		L4Proto: event.L4UDP, ClientIP: netip.MustParseAddr("2001:db8::2"), ClientPort: 53000,
		ServerIP: netip.MustParseAddr("2001:db8::1"), ServerPort: 53, Role: RoleServer,
		Flags: Connected | NameChanged}
	fds[6] = &FD{Num: 6, Type: event.FDIPv4ServSock, Name: "0.0.0.0:8080", L4Proto: event.L4TCP,
		ServerIP: netip.MustParseAddr("0.0.0.0"), ServerPort: 8080}
	fds[7] = &FD{Num: 7, Type: event.FDUnixSock, Name: "/dev/log", UnixSource: 0xffff8800, UnixDest: 0xffff9900}
	fds[8] = &FD{Num: 8, Type: event.FDDirectory, Name: "/tmp"}
	return &fixture{s: s, b: NewBinder(s, BinderOptions{Location: time.UTC})}
}

// at makes e (type typ of thread tid, with the params set by fill) the
// state's current event, acting on descriptor fd (-1: none), as Update
// would leave it.
func (f *fixture) at(t testing.TB, typ event.Type, tid int64, fd int64, fill func(b *event.Builder)) *event.Event {
	t.Helper()
	var bld event.Builder
	bld.Reset(typ, testTS, tid)
	if fill != nil {
		fill(&bld)
	}
	e := new(event.Event)
	if err := bld.Build(e); err != nil {
		t.Fatalf("build event %v: %v", typ, err)
	}
	e.CPU = 1
	f.s.cur = current{ev: e, thread: f.s.threads[tid]}
	if fd >= 0 {
		f.s.cur.hasFD, f.s.cur.fdNum = true, fd
		if th := f.s.threads[tid]; th != nil && th.Proc != nil {
			f.s.cur.fd = th.Proc.FDs.Get(fd)
		}
	}
	f.s.stats.Events++
	return e
}

// testCatalog is the default catalog, shared by the tests.
var testCatalog = field.Default()

// fieldUse resolves a field use as written, proc.aname[2] or evt.arg.fd,
// into its catalog entry and argument.
func fieldUse(t testing.TB, use string) (*field.Field, field.Arg) {
	t.Helper()
	name, arg := use, field.Arg{}
	if i := strings.IndexByte(use, '['); i > 0 && strings.HasSuffix(use, "]") {
		name, arg = use[:i], field.Arg{Text: use[i+1 : len(use)-1]}
	}
	f, dotted, ok := testCatalog.Lookup(field.SourceSyscall, name)
	if !ok {
		t.Fatalf("field %s is not in the catalog", use)
	}
	if dotted.Present() {
		arg = dotted
	}
	return f, arg
}

// values binds use and renders its values for the current event.
func (f *fixture) values(t testing.TB, use string) []string {
	t.Helper()
	fl, arg := fieldUse(t, use)
	ext, err := f.b.Bind(fl, arg)
	if err != nil {
		t.Fatalf("bind %s: %v", use, err)
	}
	return render(ext(nil))
}

// render turns values into text for comparisons.
func render(vals []field.Value) []string {
	var out []string
	for _, v := range vals {
		out = append(out, valueText(v))
	}
	return out
}

func valueText(v field.Value) string {
	switch v.Kind {
	case field.KindString, field.KindBytes:
		return string(v.B)
	case field.KindInt:
		return strconv.FormatInt(int64(v.N), 10)
	case field.KindUint, field.KindTime:
		return strconv.FormatUint(v.N, 10)
	case field.KindBool:
		return strconv.FormatBool(v.N != 0)
	case field.KindIP:
		return v.IP.String()
	case field.KindNet:
		return v.Net.String()
	case field.KindFloat:
		return strconv.FormatFloat(math.Float64frombits(v.N), 'g', -1, 64)
	}
	return fmt.Sprintf("kind %v", v.Kind)
}
