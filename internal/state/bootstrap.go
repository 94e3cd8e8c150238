package state

import (
	"peregrine/internal/event"
)

// Bootstrap loads the machine as it was when the capture (or live
// monitoring) started: the machine description, the host's users and
// groups, the threads of the process list, each process's descriptors,
// and the containers the threads' cgroups name. Threads of one process
// (same PID) share one Proc; a thread's descriptor list goes to its
// process. A thread already in the table is replaced. Bootstrap is meant
// to run before the first [State.Update], as libsinsp reads a capture's
// tables before its events.
func (s *State) Bootstrap(b Bootstrap) {
	if b.Machine != nil {
		s.machine = b.Machine
	}
	for _, u := range b.Users {
		s.addUser("", User(u))
	}
	for _, g := range b.Groups {
		s.addGroup("", Group(g))
	}
	procs := make(map[int64]*Proc, len(b.Procs))
	for i := range b.Procs {
		s.bootThread(&b.Procs[i], procs)
	}
	// Working directories come from each process's main thread (from
	// any of its threads when the list lacks the main one).
	for i := range b.Procs {
		p := &b.Procs[i]
		pr := procs[procKey(p)]
		if pr == nil || pr.refs == 0 || (pr.Cwd != "" && p.TID != p.PID) {
			continue
		}
		setCwd(s, pr, p.Cwd)
	}
	for _, l := range b.FDs {
		t := s.threads[l.TID]
		if t == nil {
			continue
		}
		for i := range l.FDs {
			if fd := s.bootFD(&l.FDs[i]); fd != nil {
				s.addFD(t.Proc, l.FDs[i].Num, fd)
			}
		}
	}
	s.fixListedSockets()
	s.cur = current{}
}

// procKey is the process a listed thread belongs to.
func procKey(p *event.Process) int64 {
	if p.PID > 0 {
		return p.PID
	}
	return p.TID
}

// bootThread adds the thread of a process-list entry.
func (s *State) bootThread(p *event.Process, procs map[int64]*Proc) {
	if old := s.threads[p.TID]; old != nil {
		s.removeThread(old, 0, removeReplaced)
	}
	t := s.newThread()
	t.TID, t.PID, t.PTID = p.TID, p.PID, p.PTID
	t.SID, t.VPGID, t.PGID, t.VTID, t.VPID = p.SID, p.VPGID, p.PGID, p.VTID, p.VPID
	t.Comm, t.Exe, t.ExePath = p.Comm, p.Exe, p.ExePath
	t.Args, t.Env = p.ArgList(), p.EnvList()
	t.Cgroups = p.CgroupList()
	for i, c := range t.Cgroups {
		t.Cgroups[i] = normalizeCgroup(c)
	}
	t.UID, t.EUID, t.GID, t.LoginUID, t.TTY = p.UID, p.UID, p.GID, p.LoginUID, p.TTY
	t.FDLimit = p.FDLimit
	t.CapInheritable, t.CapPermitted, t.CapEffective = p.CapInheritable, p.CapPermitted, p.CapEffective
	t.ExeIno, t.ExeInoCtime, t.ExeInoMtime = p.ExeIno, p.ExeInoCtime, p.ExeInoMtime
	t.PidnsInitStart = p.PidnsInitStartTS
	t.VMSizeKB, t.VMRSSKB, t.VMSwapKB, t.PFMajor, t.PFMinor = p.VMSizeKB, p.VMRSSKB, p.VMSwapKB, p.PFMajor, p.PFMinor
	t.Flags = FromProcList
	if p.StartTS != 0 {
		t.CloneTS = p.StartTS
		t.Flags |= StartKnown
	}
	for _, f := range [...]struct {
		on   bool
		flag ThreadFlags
	}{{p.ExeWritable, ExeWritable}, {p.ExeUpperLayer, ExeUpperLayer}, {p.ExeLowerLayer, ExeLowerLayer},
		{p.ExeFromMemfd, ExeFromMemfd}, {t.PID == 1 || t.VPID == 1, Reaper}} {
		if f.on {
			t.Flags |= f.flag
		}
	}
	key := procKey(p)
	pr := procs[key]
	if pr == nil || pr.refs == 0 {
		pr = s.newProc()
		procs[key] = pr
	}
	t.Proc = pr
	if s.addThread(t) {
		s.setContainer(t)
	}
}

// bootFD converts a listed descriptor the way libsinsp's add_fd_from_scap
// does; nil for a kind it does not keep.
func (s *State) bootFD(in *event.FD) *FD {
	fd := s.newFD()
	fd.Type, fd.Ino = in.Type, in.Ino
	b := s.upd.buf[:0]
	switch in.Type {
	case event.FDIPv4Sock, event.FDIPv6Sock:
		setEnds(fd, in.SIP, in.SPort, in.DIP, in.DPort, true)
		fd.L4Proto = in.L4Proto
		if in.L4Proto == event.L4TCP {
			fd.Flags |= Connected
		}
		b = appendTuple(b, fd)
	case event.FDIPv4ServSock, event.FDIPv6ServSock:
		fd.ServerIP, fd.ServerPort, fd.L4Proto, fd.Role = in.ServerIP, in.ServerPort, in.L4Proto, RoleServer
		b = appendEndpoint(b, in.ServerIP, in.ServerPort)
	case event.FDUnixSock:
		fd.UnixSource, fd.UnixDest = in.UnixSource, in.UnixDest
		b = append(b, in.Name...)
		fd.Role = RoleServer
		if in.Name == "" {
			fd.Role = RoleClient
		}
	case event.FDFileV2:
		fd.OpenFlags, fd.Dev = in.OpenFlags, in.Dev
		b = append(b, in.Name...)
	default:
		if !in.Type.Named() {
			s.freeFD(fd)
			return nil
		}
		b = append(b, in.Name...)
	}
	s.upd.buf = b
	fd.Name = s.intern(b)
	return fd
}

// fixListedSockets decides which end of each listed connection is local,
// as libsinsp's fix_sockets_coming_from_proc does: a connection whose
// source port is a port some listening socket of the machine is bound to
// is the server end (its ends are swapped, client first); any other is a
// client.
func (s *State) fixListedSockets() {
	ports := map[uint16]bool{}
	for _, t := range s.threads {
		for _, fd := range t.Proc.FDs.fds {
			if fd.Type == event.FDIPv4ServSock || fd.Type == event.FDIPv6ServSock {
				ports[fd.ServerPort] = true
			}
		}
	}
	for _, t := range s.threads {
		if !t.IsMain() && s.threads[t.PID] != nil {
			continue // its Proc is visited with the main thread
		}
		for _, fd := range t.Proc.FDs.fds {
			if (fd.Type != event.FDIPv4Sock && fd.Type != event.FDIPv6Sock) || fd.Role != RoleNone {
				continue
			}
			if !ports[fd.ClientPort] {
				fd.Role = RoleClient
				continue
			}
			swapEnds(fd)
			fd.Role = RoleServer
			b := appendTuple(s.upd.buf[:0], fd)
			s.upd.buf = b
			s.setName(fd, b)
		}
	}
}
