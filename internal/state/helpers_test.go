package state_test

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/state"
)

// Event types the tests build (PPME_* numbers).
const (
	tOpenX        event.Type = 3
	tCloseX       event.Type = 5
	tReadX        event.Type = 7
	tSocketX      event.Type = 19
	tBindX        event.Type = 21
	tConnectX     event.Type = 23
	tListenX      event.Type = 25
	tSendtoX      event.Type = 31
	tRecvfromX    event.Type = 35
	tSocketpairX  event.Type = 43
	tCreatX       event.Type = 59
	tPipeX        event.Type = 61
	tEventfdX     event.Type = 63
	tChdirX       event.Type = 95
	tFchdirX      event.Type = 97
	tFcntlX       event.Type = 151
	tProcExitE    event.Type = 186
	tSetresuidX   event.Type = 193
	tSetuidX      event.Type = 199
	tCloneX       event.Type = 223
	tVforkX       event.Type = 227
	tAcceptX      event.Type = 247
	tSetsidX      event.Type = 275
	tExecveX      event.Type = 293
	tOpenatX      event.Type = 307
	tContainerX   event.Type = 324
	tCapsetX      event.Type = 353
	tUserAddedE   event.Type = 354
	tUserDeletedE event.Type = 356
	tGroupAddedE  event.Type = 358
	tDup2X        event.Type = 363
	tDupX         event.Type = 367
	tPrctlX       event.Type = 401
	tMemfdX       event.Type = 405
	tPidfdGetfdX  event.Type = 407
	tPidfdOpenX   event.Type = 409
	tProcInfoE    event.Type = 234
)

// raw marks a parameter given as its encoded bytes.
type raw []byte

// empty is a zero-length parameter (libs' "no value").
type empty struct{}

// mk builds an event of type typ at ts for tid. Parameters are encoded by
// the table's type: integers with its fixed size, strings NUL-terminated,
// raw bytes as given, empty as a zero-length parameter. Fewer parameters
// than the table lists make a short event.
func mk(tb testing.TB, typ event.Type, ts uint64, tid int64, params ...any) *event.Event {
	tb.Helper()
	info := typ.Info()
	var b event.Builder
	b.Reset(typ, ts, tid)
	for i, p := range params {
		switch v := p.(type) {
		case int:
			b.Int(info.Params[i].Type, int64(v))
		case int64:
			b.Int(info.Params[i].Type, v)
		case uint64:
			b.Uint(info.Params[i].Type, v)
		case string:
			b.String(v)
		case raw:
			b.Raw(v)
		case empty:
			b.Empty()
		default:
			tb.Fatalf("mk: parameter %d of type %T", i, p)
		}
	}
	e := new(event.Event)
	if err := b.Build(e); err != nil {
		tb.Fatal(err)
	}
	// Keep the bytes: the builder reuses them.
	c := new(event.Event)
	e.Clone(c)
	return c
}

// nul joins items into a NUL-separated, NUL-terminated list.
func nul(items ...string) raw {
	var out []byte
	for _, s := range items {
		out = append(append(out, s...), 0)
	}
	return out
}

// sockaddr encodes an IPv4 or IPv6 socket address.
func sockaddr(addr string, port uint16) raw {
	a := netip.MustParseAddr(addr)
	var out []byte
	if a.Is4() {
		b := a.As4()
		out = append([]byte{event.FamilyInet}, b[:]...)
	} else {
		b := a.As16()
		out = append([]byte{event.FamilyInet6}, b[:]...)
	}
	return binary.LittleEndian.AppendUint16(out, port)
}

// mustAddr parses an IP address.
func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// unixAddr encodes a unix socket address.
func unixAddr(path string) raw {
	return append(append([]byte{event.FamilyUnix}, path...), 0)
}

// tuple encodes an IPv4 or IPv6 socket tuple, source first.
func tuple(src string, sport uint16, dst string, dport uint16) raw {
	s, d := sockaddr(src, sport), sockaddr(dst, dport)
	return append(s, d[1:]...)
}

// unixTuple encodes a unix socket tuple.
func unixTuple(src, dst uint64, path string) raw {
	out := []byte{event.FamilyUnix}
	out = binary.LittleEndian.AppendUint64(out, src)
	out = binary.LittleEndian.AppendUint64(out, dst)
	return append(append(out, path...), 0)
}

// cloneX builds a CLONE_20_X event with the usual parameters.
func cloneX(tb testing.TB, ts uint64, tid, res, pid, ptid int64, comm string, flags uint64, uid int) *event.Event {
	return mk(tb, tCloneX, ts, tid, res, "/bin/"+comm, nul("-c", "x"), tid, pid, ptid, "/ignored",
		int64(1024), uint64(1), uint64(2), 100, 50, 0, comm, nul("cpu=/user.slice"), flags, uid, uid, tid, pid, uint64(0))
}

// execveX builds an EXECVE_19_X event of tid running exe.
func execveX(tb testing.TB, ts uint64, tid, pid, ptid int64, exe string, args []string, comm string) *event.Event {
	return mk(tb, tExecveX, ts, tid, 0, exe, nul(args...), tid, pid, ptid, "/cwd-ignored",
		uint64(4096), uint64(0), uint64(0), 10, 5, 0, comm, nul("cpu=/user.slice"), nul("HOME=/root", "PATH=/bin"),
		34816, pid, 1000, 1, uint64(0), uint64(0x1ff), uint64(0x1ff), uint64(77), uint64(1), uint64(2), 1000,
		"/usr/bin/"+comm, pid, 1000, exe)
}

// base returns a state bootstrapped with init (1), bash (100, cwd
// /home/u, fds 0-2 on /dev/pts/0, in user root's host) and the host
// users root and u.
func base(tb testing.TB, opts state.Options) *state.State {
	tb.Helper()
	s := state.New(opts)
	p := func(tid, pid, ptid int64, comm, cwd string) event.Process {
		q := event.ProcessDefaults()
		q.TID, q.PID, q.PTID, q.Comm, q.Exe, q.ExePath, q.Cwd = tid, pid, ptid, comm, comm, "/bin/"+comm, cwd
		q.Cgroups = "cpu=/\x00"
		q.FDLimit = 1024
		return q
	}
	var fds []event.FD
	for n := int64(0); n < 3; n++ {
		fds = append(fds, event.FD{Num: n, Type: event.FDFileV2, Name: "/dev/pts/0", OpenFlags: 3})
	}
	s.Bootstrap(state.Bootstrap{
		Machine: &event.MachineInfo{Hostname: "h", BootTime: 1000},
		Procs:   []event.Process{p(1, 1, 0, "systemd", "/"), p(100, 100, 1, "bash", "/home/u")},
		FDs:     []state.ThreadFDs{{TID: 100, FDs: fds}},
		Users:   []event.User{{UID: 0, GID: 0, Name: "root", Home: "/root"}, {UID: 1000, GID: 1000, Name: "u", Home: "/home/u"}},
		Groups:  []event.Group{{GID: 0, Name: "root"}, {GID: 1000, Name: "u"}},
	})
	return s
}

// fdName returns the name of descriptor n of thread tid, or a marker.
func fdName(s *state.State, tid, n int64) string {
	t := s.Thread(tid)
	if t == nil {
		return fmt.Sprintf("<no thread %d>", tid)
	}
	fd := t.Proc.FDs.Get(n)
	if fd == nil {
		return "<closed>"
	}
	return fd.Name
}

// current returns the current thread's tid and fd name ("-" for none).
func current(s *state.State) (int64, string) {
	_, t, fd := s.Current()
	tid, name := int64(0), "-"
	if t != nil {
		tid = t.TID
	}
	if fd != nil {
		name = fd.Name
	}
	return tid, name
}
