package state

import (
	"peregrine/internal/event"
)

// Resolver answers the questions of the event printer ([event.Resolver])
// from the state: a thread's name and working directory, what a
// descriptor is, the names of users and groups. It reads the state as the
// last Update left it, which is what sysdig prints (it formats an event
// after parsing it). Its methods do not allocate. A Resolver is valid as
// long as its State, and is no more safe for concurrent use than it.
type Resolver struct{ s *State }

// Resolver returns the state's [Resolver].
func (s *State) Resolver() Resolver { return Resolver{s} }

// Thread describes thread tid: its command name and its process's
// working directory.
func (r Resolver) Thread(tid int64) (event.ThreadInfo, bool) {
	t := r.s.threads[tid]
	if t == nil {
		if c := r.s.cur.thread; c != nil && c.TID == tid && c == &r.s.upd.synth {
			return event.ThreadInfo{Comm: c.Comm}, true
		}
		return event.ThreadInfo{}, false
	}
	return event.ThreadInfo{Comm: t.Comm, Cwd: t.Proc.Cwd}, true
}

// FD describes descriptor fd of thread tid's process.
func (r Resolver) FD(tid, fd int64) (event.FDInfo, bool) {
	t := r.s.threads[tid]
	if t == nil {
		return event.FDInfo{}, false
	}
	f := t.Proc.FDs.Get(fd)
	if f == nil {
		return event.FDInfo{}, false
	}
	return event.FDInfo{Type: f.Type, L4Proto: f.L4(), Name: f.Name}, true
}

// AccountName returns the name of user id (or group id, when group is
// true) in the user list of thread tid's container (the host's for a
// thread on the host).
func (r Resolver) AccountName(tid int64, id uint32, group bool) (string, bool) {
	t := r.s.threads[tid]
	if t == nil {
		return "", false
	}
	if group {
		if g := r.s.groups[t.Container][id]; g != nil {
			return g.Name, true
		}
		return "", false
	}
	if u := r.s.users[t.Container][id]; u != nil {
		return u.Name, true
	}
	return "", false
}

// L4 returns the layer-4 protocol fd.l4proto shows, as libsinsp's
// get_l4proto: an IP socket that is neither client nor server yet shows
// none (L4NA) unless it is raw; a listening socket its protocol; other
// descriptors none.
func (f *FD) L4() uint8 {
	switch f.Type {
	case event.FDIPv4Sock, event.FDIPv6Sock:
		if f.L4Proto == event.L4Raw {
			return event.L4Raw
		}
		if f.Role == RoleNone {
			return event.L4NA
		}
		return f.L4Proto
	case event.FDIPv4ServSock, event.FDIPv6ServSock:
		return f.L4Proto
	}
	return event.L4NA
}
