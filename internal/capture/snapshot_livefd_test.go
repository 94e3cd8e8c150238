package capture

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sys/unix"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

func TestSnapshotLiveFDs(t *testing.T) {
	testenv.Root(t)
	dir := t.TempDir()
	var keep []int
	closeLater := func(fd int) int {
		keep = append(keep, fd)
		return fd
	}
	defer func() {
		for _, fd := range keep {
			unix.Close(fd)
		}
	}()

	path := filepath.Join(dir, "file.txt")
	file := closeLater(must(t)(unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_APPEND|unix.O_NONBLOCK|unix.O_CLOEXEC, 0o600)))
	var fileSt unix.Stat_t
	if err := unix.Fstat(file, &fileSt); err != nil {
		t.Fatal(err)
	}
	dirFD := closeLater(must(t)(unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)))

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	lnPort := uint16(ln.Addr().(*net.TCPAddr).Port)
	clPort := uint16(client.LocalAddr().(*net.TCPAddr).Port)
	lo := netip.MustParseAddr("127.0.0.1")

	udp, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	udpPort := uint16(udp.LocalAddr().(*net.UDPAddr).Port)

	var ln6 net.Listener
	if l, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		ln6 = l
		defer ln6.Close()
	}

	sockPath := filepath.Join(dir, "srv.sock")
	uln, err := net.Listen("unix", sockPath)
	if err != nil {
		t.Fatal(err)
	}
	defer uln.Close()
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	closeLater(pair[0])
	closeLater(pair[1])
	var pipe [2]int
	if err := unix.Pipe2(pipe[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	closeLater(pipe[0])
	closeLater(pipe[1])
	efd := closeLater(must(t)(unix.Eventfd(0, unix.EFD_CLOEXEC)))
	mfd := closeLater(must(t)(unix.MemfdCreate("peregrine-test", unix.MFD_CLOEXEC)))
	epfd := closeLater(must(t)(unix.EpollCreate1(unix.EPOLL_CLOEXEC)))
	ifd := closeLater(must(t)(unix.InotifyInit1(unix.IN_CLOEXEC)))
	tfd := closeLater(must(t)(unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_CLOEXEC)))
	var mask unix.Sigset_t
	sfd := closeLater(must(t)(unix.Signalfd(-1, &mask, unix.SFD_CLOEXEC)))
	pidfd := closeLater(must(t)(unix.PidfdOpen(os.Getpid(), 0)))
	nlfd := closeLater(must(t)(unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)))
	// Only bound netlink sockets are in /proc/net/netlink.
	if err := unix.Bind(nlfd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatal(err)
	}
	// An array map: BPF_MAP_CREATE with type 2, key 4, value 4, one entry.
	attr := [4]uint32{2, 4, 4, 1}
	bfd, _, errno := unix.Syscall(unix.SYS_BPF, 0, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		t.Fatalf("bpf map: %v", errno)
	}
	closeLater(int(bfd))

	snap, err := TakeSnapshot(SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := fdsOf(snap, os.Getpid())
	if got == nil {
		t.Fatal("no descriptors listed for the test process")
	}
	named := func(fd int, kind event.FDType, name string) event.FD {
		return event.FD{Num: int64(fd), Ino: fstatIno(t, fd), Type: kind, Name: name}
	}
	tcp := func(c syscall.Conn, sport, dport uint16) event.FD {
		fd := fdOf(t, c)
		return event.FD{Num: int64(fd), Ino: fstatIno(t, fd), Type: event.FDIPv4Sock, SIP: lo, SPort: sport, DIP: lo,
			DPort: dport, L4Proto: event.L4TCP}
	}
	serv := func(c syscall.Conn, kind event.FDType, ip netip.Addr, port uint16, proto uint8) event.FD {
		fd := fdOf(t, c)
		return event.FD{Num: int64(fd), Ino: fstatIno(t, fd), Type: kind, ServerIP: ip, ServerPort: port, L4Proto: proto}
	}
	tests := []struct {
		name string
		want event.FD
	}{
		{"file", event.FD{Num: int64(file), Ino: fileSt.Ino, Type: event.FDFileV2, Name: path,
			OpenFlags: ppmORdwr | ppmOAppend | ppmONonblock | ppmOCloexec,
			Dev:       unix.Minor(fileSt.Dev)&0xff | unix.Major(fileSt.Dev)<<8 | (unix.Minor(fileSt.Dev)&^0xff)<<12}},
		{"directory", named(dirFD, event.FDDirectory, dir)},
		{"tcp listener", serv(ln.(*net.TCPListener), event.FDIPv4ServSock, lo, lnPort, event.L4TCP)},
		{"tcp client", tcp(client.(*net.TCPConn), clPort, lnPort)},
		{"tcp server", tcp(server.(*net.TCPConn), lnPort, clPort)},
		{"udp", serv(udp.(*net.UDPConn), event.FDIPv4ServSock, lo, udpPort, event.L4UDP)},
		{"unix listener", named(fdOf(t, uln.(*net.UnixListener)), event.FDUnixSock, sockPath)},
		{"pipe read end", named(pipe[0], event.FDFifo, fmt.Sprintf("pipe:[%d]", fstatIno(t, pipe[0])))},
		{"pipe write end", named(pipe[1], event.FDFifo, fmt.Sprintf("pipe:[%d]", fstatIno(t, pipe[1])))},
		{"eventfd", named(efd, event.FDEvent, "")},
		{"memfd", named(mfd, event.FDMemFD, "/memfd:peregrine-test (deleted)")},
		{"epoll", named(epfd, event.FDEventPoll, "")},
		{"inotify", named(ifd, event.FDInotify, "")},
		{"timerfd", named(tfd, event.FDTimerFD, "")},
		{"signalfd", named(sfd, event.FDSignalFD, "")},
		{"pidfd", named(pidfd, event.FDPidFD, "")},
		{"netlink", named(nlfd, event.FDNetlink, "")},
		{"bpf map", named(int(bfd), event.FDBPF, "")},
	}
	if ln6 != nil {
		tests = append(tests, struct {
			name string
			want event.FD
		}{"tcp6 listener", serv(ln6.(*net.TCPListener), event.FDIPv6ServSock, netip.MustParseAddr("::1"),
			uint16(ln6.Addr().(*net.TCPAddr).Port), event.L4TCP)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ok := got[tt.want.Num]
			if !ok {
				t.Fatalf("fd %d is not listed", tt.want.Num)
			}
			// The unix listener's kernel address is not known here.
			g.UnixSource = 0
			if diff := cmp.Diff(tt.want, g, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
				t.Errorf("fd %d (-want +got):\n%s", tt.want.Num, diff)
			}
		})
	}
	a, b := got[int64(pair[0])], got[int64(pair[1])]
	if a.Type != event.FDUnixSock || b.Type != event.FDUnixSock || a.Name != "" || a.UnixSource == 0 ||
		a.UnixSource == b.UnixSource || a.Ino != fstatIno(t, pair[0]) {
		t.Errorf("socket pair ends %+v and %+v", a, b)
	}
}

// must returns a helper that fails the test on an error and returns the
// value otherwise.
func must(t *testing.T) func(int, error) int {
	return func(v int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// copyFile copies the file at src to dst with the given mode.
func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func TestSnapshotLiveExe(t *testing.T) {
	testenv.Root(t)
	sleep := sleepPath(t)
	bin, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}

	// A program run from a memfd.
	mfd, err := unix.MemfdCreate("peregrine-exe", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(mfd)
	if _, err := unix.Write(mfd, bin); err != nil {
		t.Fatal(err)
	}
	fromMemfd := exec.Command(fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), mfd), "1003")
	startChild(t, fromMemfd, fmt.Sprint(mfd))

	// Programs on the upper and the lower layer of an overlay mount.
	base := t.TempDir()
	for _, d := range []string{"lower", "upper", "work", "merged"} {
		if err := os.Mkdir(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, sleep, filepath.Join(base, "lower", "lsleep"), 0o755)
	copyFile(t, sleep, filepath.Join(base, "upper", "usleep"), 0o755)
	merged := filepath.Join(base, "merged")
	opts := fmt.Sprintf("lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work", base, base, base)
	if err := unix.Mount("overlay", merged, "overlay", 0, opts); err != nil {
		testenv.Missing(t, "overlay mount: %v", err)
	}
	upper := exec.Command(filepath.Join(merged, "usleep"), "1004")
	lower := exec.Command(filepath.Join(merged, "lsleep"), "1005")
	t.Cleanup(func() { unix.Unmount(merged, unix.MNT_DETACH) }) // after the children are killed
	startChild(t, upper, "usleep")
	startChild(t, lower, "lsleep")

	// Programs of root run by another user: one open to writes by all.
	dir, err := os.MkdirTemp("", "peregrine-exe-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, sleep, filepath.Join(dir, "wsleep"), 0o757)
	user := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 1234, Gid: 5678}}
	writable := exec.Command(filepath.Join(dir, "wsleep"), "1006")
	writable.SysProcAttr = user
	startChild(t, writable, "wsleep")
	closed := exec.Command(sleep, "1007")
	closed.SysProcAttr = user
	startChild(t, closed, "sleep")

	snap, err := TakeSnapshot(SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type exeFlags struct {
		ExePath                       string
		Writable, Upper, Lower, Memfd bool
	}
	tests := []struct {
		name string
		cmd  *exec.Cmd
		want exeFlags
	}{
		{"memfd", fromMemfd, exeFlags{ExePath: "/memfd:peregrine-exe (deleted)", Writable: true, Memfd: true}},
		{"upper layer", upper, exeFlags{ExePath: filepath.Join(merged, "usleep"), Writable: true, Upper: true}},
		{"lower layer", lower, exeFlags{ExePath: filepath.Join(merged, "lsleep"), Writable: true, Lower: true}},
		{"writable by others", writable, exeFlags{ExePath: filepath.Join(dir, "wsleep"), Writable: true}},
		{"not writable", closed, exeFlags{ExePath: sleep}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tidOf(snap, tt.cmd.Process.Pid)
			if p == nil {
				t.Fatalf("%v is not listed", tt.cmd.Args)
			}
			got := exeFlags{p.ExePath, p.ExeWritable, p.ExeUpperLayer, p.ExeLowerLayer, p.ExeFromMemfd}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("executable (-want +got):\n%s", diff)
			}
			var st unix.Stat_t
			if err := unix.Stat(fmt.Sprintf("/proc/%d/exe", tt.cmd.Process.Pid), &st); err != nil {
				t.Fatal(err)
			}
			if p.ExeIno != st.Ino || p.ExeInoCtime != timespecNS(st.Ctim) {
				t.Errorf("exe inode %d ctime %d, want %d %d", p.ExeIno, p.ExeInoCtime, st.Ino, timespecNS(st.Ctim))
			}
		})
	}
}
