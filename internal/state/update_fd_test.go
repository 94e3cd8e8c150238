package state_test

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/event"
	"peregrine/internal/state"
)

// fdView is what the tests compare of a descriptor.
type fdView struct {
	Num       int64
	Type      event.FDType
	Name      string
	L4        uint8
	Role      state.SockRole
	Flags     state.FDFlags
	OpenFlags uint32
	Client    string
	Server    string
}

func viewFD(fd *state.FD) *fdView {
	if fd == nil {
		return nil
	}
	v := &fdView{Num: fd.Num, Type: fd.Type, Name: fd.Name, Role: fd.Role, Flags: fd.Flags, OpenFlags: fd.OpenFlags}
	switch fd.Type {
	case event.FDIPv4Sock, event.FDIPv6Sock, event.FDIPv4ServSock, event.FDIPv6ServSock:
		v.L4 = fd.L4()
	}
	if fd.ClientIP.IsValid() || fd.ClientPort != 0 {
		v.Client = netip.AddrPortFrom(fd.ClientIP, fd.ClientPort).String()
	}
	if fd.ServerIP.IsValid() || fd.ServerPort != 0 {
		v.Server = netip.AddrPortFrom(fd.ServerIP, fd.ServerPort).String()
	}
	return v
}

// TestDescriptors applies one event at a time to bash (100) and checks
// the descriptor the event leaves current.
func TestDescriptors(t *testing.T) {
	const (
		tcp, udp = event.L4TCP, event.L4UDP
		cl, sv   = state.RoleClient, state.RoleServer
	)
	s := base(t, state.Options{})
	ts := uint64(10)
	tests := []struct {
		name string
		ev   func(ts uint64) *event.Event
		want *fdView
	}{
		{"creat", func(ts uint64) *event.Event {
			return mk(t, tCreatX, ts, 100, 3, "new.txt", 0644, 0x801, uint64(9), 1)
		}, &fdView{Num: 3, Type: event.FDFileV2, Name: "/home/u/new.txt", Flags: state.UpperLayer, OpenFlags: 1 << 15}},
		{"open of a directory", func(ts uint64) *event.Event {
			return mk(t, tOpenX, ts, 100, 4, "/etc/", 1<<10|1, 0, 0, uint64(0))
		}, &fdView{Num: 4, Type: event.FDDirectory, Name: "/etc", OpenFlags: 1<<10 | 1}},
		{"failed open adds nothing", func(ts uint64) *event.Event {
			return mk(t, tOpenX, ts, 100, -2, "/nope", 1, 0, 0, uint64(0))
		}, nil},
		{"fchdir to the directory", func(ts uint64) *event.Event {
			return mk(t, tFchdirX, ts, 100, 0, 4)
		}, &fdView{Num: 4, Type: event.FDDirectory, Name: "/etc", OpenFlags: 1<<10 | 1}},
		{"relative open after fchdir", func(ts uint64) *event.Event {
			return mk(t, tOpenX, ts, 100, 5, "hosts", 1, 0, 0, uint64(0))
		}, &fdView{Num: 5, Type: event.FDFileV2, Name: "/etc/hosts", OpenFlags: 1}},
		{"dup2 over an open descriptor", func(ts uint64) *event.Event {
			return mk(t, tDup2X, ts, 100, 1, 5, 1)
		}, &fdView{Num: 1, Type: event.FDFileV2, Name: "/etc/hosts", OpenFlags: 1}},
		{"dup", func(ts uint64) *event.Event {
			return mk(t, tDupX, ts, 100, 6, 5)
		}, &fdView{Num: 6, Type: event.FDFileV2, Name: "/etc/hosts", OpenFlags: 1}},
		{"fcntl F_DUPFD_CLOEXEC", func(ts uint64) *event.Event {
			return mk(t, tFcntlX, ts, 100, 7, 5, 26, uint64(0))
		}, &fdView{Num: 7, Type: event.FDFileV2, Name: "/etc/hosts", OpenFlags: 1}},
		{"fcntl F_GETFL acts on the fd, creates nothing", func(ts uint64) *event.Event {
			return mk(t, tFcntlX, ts, 100, 2, 5, 4, uint64(0))
		}, &fdView{Num: 5, Type: event.FDFileV2, Name: "/etc/hosts", OpenFlags: 1}},
		{"pipe", func(ts uint64) *event.Event {
			return mk(t, tPipeX, ts, 100, 0, 8, 9, uint64(12345))
		}, &fdView{Num: 9, Type: event.FDFifo}},
		{"eventfd", func(ts uint64) *event.Event {
			return mk(t, tEventfdX, ts, 100, 10, uint64(0), 0)
		}, &fdView{Num: 10, Type: event.FDEvent}},
		{"memfd_create", func(ts uint64) *event.Event {
			return mk(t, tMemfdX, ts, 100, 11, "payload", 1)
		}, &fdView{Num: 11, Type: event.FDMemFD, Name: "payload", OpenFlags: 1}},
		{"pidfd_open", func(ts uint64) *event.Event {
			return mk(t, tPidfdOpenX, ts, 100, 12, 1, 0)
		}, &fdView{Num: 12, Type: event.FDPidFD, Name: "/proc/1"}},
		{"tcp socket", func(ts uint64) *event.Event {
			return mk(t, tSocketX, ts, 100, 13, 2, 1, 0, 0)
		}, &fdView{Num: 13, Type: event.FDIPv4Sock, L4: event.L4NA}},
		{"connect names it, local end first", func(ts uint64) *event.Event {
			return mk(t, tConnectX, ts, 100, -115, tuple("10.0.0.1", 40000, "93.184.216.34", 443), 13, sockaddr("93.184.216.34", 443))
		}, &fdView{Num: 13, Type: event.FDIPv4Sock, Name: "10.0.0.1:40000->93.184.216.34:443", L4: tcp, Role: cl,
			Flags: state.Connected | state.NameChanged, Client: "10.0.0.1:40000", Server: "93.184.216.34:443"}},
		{"the name change lasts one event", func(ts uint64) *event.Event {
			return mk(t, tReadX, ts, 100, 5, raw("hello"), 13, 5)
		}, &fdView{Num: 13, Type: event.FDIPv4Sock, Name: "10.0.0.1:40000->93.184.216.34:443", L4: tcp, Role: cl,
			Flags: state.Connected, Client: "10.0.0.1:40000", Server: "93.184.216.34:443"}},
		{"a failed connect changes nothing", func(ts uint64) *event.Event {
			return mk(t, tConnectX, ts, 100, -111, tuple("10.0.0.1", 40001, "10.0.0.2", 22), 13, sockaddr("10.0.0.2", 22))
		}, &fdView{Num: 13, Type: event.FDIPv4Sock, Name: "10.0.0.1:40000->93.184.216.34:443", L4: tcp, Role: cl,
			Flags: state.Connected, Client: "10.0.0.1:40000", Server: "93.184.216.34:443"}},
		{"connect on an unknown descriptor", func(ts uint64) *event.Event {
			return mk(t, tConnectX, ts, 100, 0, tuple("::1", 50000, "::1", 22), 14, sockaddr("::1", 22))
		}, nil},
		{"udp socket", func(ts uint64) *event.Event {
			return mk(t, tSocketX, ts, 100, 15, 10, 2, 0, 0)
		}, &fdView{Num: 15, Type: event.FDIPv6Sock, L4: event.L4NA}},
		{"sendto on it: a client, named by the datagram", func(ts uint64) *event.Event {
			return mk(t, tSendtoX, ts, 100, 4, raw("ping"), 15, 4, tuple("::ffff:10.0.0.1", 5353, "::ffff:10.0.0.53", 53))
		}, &fdView{Num: 15, Type: event.FDIPv4Sock, Name: "10.0.0.1:5353->10.0.0.53:53", L4: udp, Role: cl,
			Flags: state.Connected | state.NameChanged, Client: "10.0.0.1:5353", Server: "10.0.0.53:53"}},
		{"the reply's tuple is the same connection", func(ts uint64) *event.Event {
			return mk(t, tRecvfromX, ts, 100, 4, raw("pong"), tuple("10.0.0.53", 53, "10.0.0.1", 5353), 15, 512)
		}, &fdView{Num: 15, Type: event.FDIPv4Sock, Name: "10.0.0.1:5353->10.0.0.53:53", L4: udp, Role: cl,
			Flags: state.Connected, Client: "10.0.0.1:5353", Server: "10.0.0.53:53"}},
		{"a datagram to another peer renames it", func(ts uint64) *event.Event {
			return mk(t, tSendtoX, ts, 100, 4, raw("ping"), 15, 4, tuple("10.0.0.1", 5353, "10.0.0.54", 53))
		}, &fdView{Num: 15, Type: event.FDIPv4Sock, Name: "10.0.0.1:5353->10.0.0.54:53", L4: udp, Role: cl,
			Flags: state.Connected | state.NameChanged, Client: "10.0.0.1:5353", Server: "10.0.0.54:53"}},
		{"listening socket", func(ts uint64) *event.Event {
			return mk(t, tSocketX, ts, 100, 16, 10, 1, 6, 0)
		}, &fdView{Num: 16, Type: event.FDIPv6Sock, L4: event.L4NA}},
		{"bind with a port makes it a server", func(ts uint64) *event.Event {
			return mk(t, tBindX, ts, 100, 0, sockaddr("2001:db8::3", 1234), 16)
		}, &fdView{Num: 16, Type: event.FDIPv6ServSock, Name: "2001:db8::3:1234", L4: tcp, Role: sv,
			Flags: state.NameChanged, Server: "[2001:db8::3]:1234"}},
		{"accept adds the server end of the connection", func(ts uint64) *event.Event {
			return mk(t, tAcceptX, ts, 100, 17, tuple("2001:db8::4", 54405, "2001:db8::3", 1234), 0, 0, 1)
		}, &fdView{Num: 17, Type: event.FDIPv6Sock, Name: "2001:db8::4:54405->2001:db8::3:1234", L4: tcp, Role: sv,
			Flags: state.Connected, Client: "[2001:db8::4]:54405", Server: "[2001:db8::3]:1234"}},
		{"unix socket", func(ts uint64) *event.Event {
			return mk(t, tSocketX, ts, 100, 18, 1, 1, 0, 0)
		}, &fdView{Num: 18, Type: event.FDUnixSock}},
		{"unix connect", func(ts uint64) *event.Event {
			return mk(t, tConnectX, ts, 100, 0, unixTuple(0xffff1, 0xffff2, "/run/x.sock"), 18, unixAddr("/run/x.sock"))
		}, &fdView{Num: 18, Type: event.FDUnixSock, Name: "ffff1->ffff2 /run/x.sock", Role: cl,
			Flags: state.Connected | state.NameChanged}},
		{"socketpair", func(ts uint64) *event.Event {
			return mk(t, tSocketpairX, ts, 100, 0, 19, 20, uint64(0xa), uint64(0xb), 1, 1, 0)
		}, &fdView{Num: 19, Type: event.FDUnixSock}},
	}
	for _, tc := range tests {
		ts++
		s.Update(tc.ev(ts))
		_, _, fd := s.Current()
		if diff := cmp.Diff(tc.want, viewFD(fd), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	// The connect on fd 14, which the test never created, is the one
	// miss.
	if got := s.Stats().FDMisses; got != 1 {
		t.Errorf("FDMisses = %d, want 1 (the connect on fd 14)", got)
	}
	if got := fdName(s, 100, 8); got != "" {
		t.Errorf("pipe's other end fd 8 = %q, want an unnamed pipe", got)
	}
}

// TestFailedCloseIsNotAMiss checks that closing an unknown descriptor
// with EBADF is not counted, and that a successful close of an unknown
// one is.
func TestFailedCloseIsNotAMiss(t *testing.T) {
	s := base(t, state.Options{})
	s.Update(mk(t, tCloseX, 10, 100, -9, 42))
	if got := s.Stats().FDMisses; got != 0 {
		t.Errorf("FDMisses after EBADF = %d", got)
	}
	s.Update(mk(t, tCloseX, 11, 100, 0, 42))
	if got := s.Stats().FDMisses; got != 1 {
		t.Errorf("FDMisses after closing an unknown fd = %d", got)
	}
}

// TestPidfdGetfd copies a descriptor of another process through a pidfd.
func TestPidfdGetfd(t *testing.T) {
	s := base(t, state.Options{})
	s.Update(mk(t, tPidfdOpenX, 10, 1, 5, 100, 0))
	s.Update(mk(t, tPidfdGetfdX, 11, 1, 6, 5, 2, 0))
	if got := fdName(s, 1, 6); got != "/dev/pts/0" {
		t.Errorf("fd copied from bash = %q", got)
	}
}
