package capture

import (
	"net/netip"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
)

func checkTuple(t *testing.T, e *event.Event, name string, src, dst netip.AddrPort) {
	t.Helper()
	st, err := param(t, e, name).SockTuple()
	if err != nil {
		t.Fatalf("%s %s: %v", e.TypeName(), name, err)
	}
	got := [2]netip.AddrPort{netip.AddrPortFrom(st.SrcAddr, st.SrcPort), netip.AddrPortFrom(st.DstAddr, st.DstPort)}
	if got != [2]netip.AddrPort{src, dst} {
		t.Errorf("%s %s = %v -> %v, want %v -> %v", e.TypeName(), name, got[0], got[1], src, dst)
	}
}

func checkSockaddr(t *testing.T, e *event.Event, name string, want netip.AddrPort) {
	t.Helper()
	sa, err := param(t, e, name).SockAddr()
	if err != nil {
		t.Fatalf("%s %s: %v", e.TypeName(), name, err)
	}
	if got := netip.AddrPortFrom(sa.Addr, sa.Port); got != want {
		t.Errorf("%s %s = %v, want %v", e.TypeName(), name, got, want)
	}
}

func sockName(t *testing.T, fd int) netip.AddrPort {
	t.Helper()
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	in := sa.(*unix.SockaddrInet4)
	return netip.AddrPortFrom(netip.AddrFrom4(in.Addr), uint16(in.Port))
}

// rawInet4 is a struct sockaddr_in.
func rawInet4(ap netip.AddrPort) unix.RawSockaddrInet4 {
	sa := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: ap.Addr().As4()}
	p := (*[2]byte)(unsafe.Pointer(&sa.Port))
	p[0], p[1] = byte(ap.Port()>>8), byte(ap.Port())
	return sa
}

// A TCP connection on the loopback, made with raw system calls: both
// ends' tuples, the listener's queue, the data sent and received.
func TestTCPSyscalls(t *testing.T) {
	r := openRig(t, Options{Snaplen: 32})
	loop := netip.MustParseAddr("127.0.0.1")
	any0 := netip.AddrPortFrom(loop, 0)
	var ln, cl, srv int64
	var server netip.AddrPort
	msg := []byte("GET / HTTP/1.0\r\n\r\n")
	iov := [2]unix.Iovec{{Base: &msg[0], Len: 4}, {Base: &msg[4], Len: uint64(len(msg) - 4)}}
	var buf [64]byte
	tid := onThread(false, func(int) {
		ln = sys(unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		sa := rawInet4(any0)
		sys(unix.SYS_BIND, int(ln), unsafe.Pointer(&sa), unix.SizeofSockaddrInet4)
		sys(unix.SYS_LISTEN, int(ln), 7)
		server = sockName(t, int(ln))
		cl = sys(unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_STREAM, 0)
		sa = rawInet4(server)
		sys(unix.SYS_CONNECT, int(cl), unsafe.Pointer(&sa), unix.SizeofSockaddrInet4)
		srv = sys(unix.SYS_ACCEPT4, int(ln), 0, 0, unix.SOCK_CLOEXEC)
		sys(unix.SYS_SENDTO, int(cl), unsafe.Pointer(&msg[0]), len(msg), 0, 0, 0)
		sys(unix.SYS_RECVFROM, int(srv), unsafe.Pointer(&buf[0]), len(buf), 0, 0, 0)
		m := unix.Msghdr{Iov: &iov[0], Iovlen: 2}
		sys(unix.SYS_SENDMSG, int(cl), unsafe.Pointer(&m), 0)
		rio := unix.Iovec{Base: &buf[0], Len: uint64(len(buf))}
		rm := unix.Msghdr{Iov: &rio, Iovlen: 1}
		sys(unix.SYS_RECVMSG, int(srv), unsafe.Pointer(&rm), 0)
	})
	for _, fd := range []int64{ln, cl, srv} {
		defer unix.Close(int(fd))
	}
	client := sockName(t, int(cl))

	e := r.waitType(19, tid)
	check(t, e, map[string]any{"fd": ln, "domain": "AF_INET", "type": unix.SOCK_STREAM | unix.SOCK_CLOEXEC, "proto": 0,
		"flags": 0x1000}) // PPM_O_CLOEXEC
	e = r.waitType(21, tid)
	check(t, e, map[string]any{"res": 0, "fd": ln})
	checkSockaddr(t, e, "addr", any0)
	check(t, r.waitType(25, tid), map[string]any{"res": 0, "fd": ln, "backlog": 7})
	e = r.waitType(23, tid)
	check(t, e, map[string]any{"res": 0, "fd": cl})
	checkTuple(t, e, "tuple", client, server)
	checkSockaddr(t, e, "addr", server)
	e = r.waitType(389, tid)
	check(t, e, map[string]any{"fd": srv, "queuelen": 0, "queuemax": 7, "queuepct": 0, "flags": unix.SOCK_CLOEXEC})
	checkTuple(t, e, "tuple", client, server)
	e = r.waitType(31, tid)
	check(t, e, map[string]any{"res": len(msg), "fd": cl, "size": len(msg), "data": string(msg)})
	checkTuple(t, e, "tuple", client, server)
	e = r.waitType(35, tid)
	check(t, e, map[string]any{"res": len(msg), "fd": srv, "size": len(buf), "data": string(msg)})
	checkTuple(t, e, "tuple", client, server)
	e = r.waitType(49, tid)
	check(t, e, map[string]any{"res": len(msg), "fd": cl, "size": len(msg), "data": string(msg[:4])})
	checkTuple(t, e, "tuple", client, server)
	e = r.waitType(53, tid)
	check(t, e, map[string]any{"res": len(msg), "fd": srv, "size": len(buf), "data": string(msg), "msgcontrol": nil})
	checkTuple(t, e, "tuple", client, server)
}

// Unconnected UDP: the remote end of the tuple comes from the address
// the call names.
func TestUDPSyscalls(t *testing.T) {
	r := openRig(t, Options{Snaplen: 16})
	loop := netip.MustParseAddr("127.0.0.1")
	var a, b int64
	var addrA, addrB netip.AddrPort
	msg := []byte("ping")
	var buf [16]byte
	var from unix.RawSockaddrInet4
	fromLen := uint32(unsafe.Sizeof(from))
	tid := onThread(false, func(int) {
		a = sys(unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_DGRAM, 0)
		b = sys(unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_DGRAM, 0)
		for _, fd := range []int64{a, b} {
			sa := rawInet4(netip.AddrPortFrom(loop, 0))
			sys(unix.SYS_BIND, int(fd), unsafe.Pointer(&sa), unix.SizeofSockaddrInet4)
		}
		addrA, addrB = sockName(t, int(a)), sockName(t, int(b))
		to := rawInet4(addrB)
		sys(unix.SYS_SENDTO, int(a), unsafe.Pointer(&msg[0]), len(msg), 0, unsafe.Pointer(&to), unix.SizeofSockaddrInet4)
		sys(unix.SYS_RECVFROM, int(b), unsafe.Pointer(&buf[0]), len(buf), 0, unsafe.Pointer(&from), unsafe.Pointer(&fromLen))
	})
	defer unix.Close(int(a))
	defer unix.Close(int(b))
	e := r.waitType(31, tid)
	check(t, e, map[string]any{"res": len(msg), "fd": a, "data": "ping"})
	checkTuple(t, e, "tuple", addrA, addrB)
	e = r.waitType(35, tid)
	check(t, e, map[string]any{"res": len(msg), "fd": b, "data": "ping"})
	checkTuple(t, e, "tuple", addrA, addrB)
}

// A unix socket pair: both descriptors and the kernel addresses of the
// two ends.
func TestSocketpair(t *testing.T) {
	r := openRig(t, Options{})
	var fds [2]int32
	tid := onThread(false, func(int) {
		sys(unix.SYS_SOCKETPAIR, unix.AF_UNIX, unix.SOCK_STREAM, 0, unsafe.Pointer(&fds))
	})
	defer unix.Close(int(fds[0]))
	defer unix.Close(int(fds[1]))
	e := r.waitType(43, tid)
	check(t, e, map[string]any{"res": 0, "fd1": int(fds[0]), "fd2": int(fds[1]), "domain": unix.AF_UNIX, "type": unix.SOCK_STREAM})
	src, _ := param(t, e, "source").Uint()
	peer, _ := param(t, e, "peer").Uint()
	if src == 0 || peer == 0 || src == peer {
		t.Errorf("socketpair source %#x peer %#x: want two distinct kernel addresses", src, peer)
	}
}
