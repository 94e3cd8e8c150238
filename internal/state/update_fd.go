package state

import (
	"strconv"

	"peregrine/internal/event"
)

// Descriptors that are not sockets: open and its relatives, close, dup and
// fcntl's duplicates, pipes, memfds, pidfds and the kernel objects that
// only have a kind (eventfd, signalfd, timerfd, inotify, epoll,
// userfaultfd, io_uring, bpf). Each follows the libsinsp parser of the
// same name (parse_open_openat_creat_exit, parse_close_exit, parse_dup_exit,
// parse_fcntl_exit, parse_pipe_exit, parse_single_param_fd_exit,
// parse_memfd_create_exit, parse_pidfd_open_exit, parse_pidfd_getfd_exit).

// PPM open flags.
const (
	oDirectory  = 1 << 10
	oCloexec    = 1 << 12
	fdUpper     = 1 << 15 // PPM_FD_UPPER_LAYER: set by the exit probe
	fdLower     = 1 << 16 // PPM_FD_LOWER_LAYER
	creatUpper  = 1 << 0  // creat's creat_flags
	creatLower  = 1 << 1
	atFDCWD     = -100
	fcntlDupFD  = 1
	fcntlDupFDC = 26
)

// newFD returns a zeroed descriptor, reusing a closed one.
func (s *State) newFD() *FD {
	u := &s.upd
	if n := len(u.freeFDs); n > 0 {
		fd := u.freeFDs[n-1]
		u.freeFDs = u.freeFDs[:n-1]
		*fd = FD{}
		return fd
	}
	return new(FD)
}

// freeFD keeps fd for reuse.
func (s *State) freeFD(fd *FD) {
	if u := &s.upd; len(u.freeFDs) < freeListMax {
		u.freeFDs = append(u.freeFDs, fd)
	}
}

// addFD puts fd into p's table as number n, replacing what was there (a
// close the state missed, or dup2's target), and makes it the current
// event's descriptor. It returns nil, forgetting fd, when p's table is
// full.
func (s *State) addFD(p *Proc, n int64, fd *FD) *FD {
	fd.Num = n
	if old := p.FDs.fds[n]; old != nil {
		if s.upd.renamed == old {
			s.upd.renamed = nil
		}
		s.freeFD(old)
		s.stats.FDs--
	} else if len(p.FDs.fds) >= s.opts.MaxFDs {
		s.stats.FDsDropped++
		s.freeFD(fd)
		return nil
	}
	p.FDs.fds[n] = fd
	s.stats.FDsAdded++
	s.stats.FDs++
	s.cur.fd, s.cur.fdNum, s.cur.hasFD = fd, n, true
	return fd
}

// dropFD removes descriptor n of p.
func (s *State) dropFD(p *Proc, n int64) {
	fd := p.FDs.fds[n]
	if fd == nil {
		return
	}
	delete(p.FDs.fds, n)
	s.freeFD(fd)
	s.stats.FDsRemoved++
	s.stats.FDs--
}

// applyOpen handles open, creat, openat, openat2 and open_by_handle_at.
func (s *State) applyOpen(e *event.Event, typ event.Type, t *Thread) {
	n, ok := paramInt(e, 0)
	if !ok || n < 0 {
		return
	}
	var (
		nameIdx, flagsIdx, devIdx, dirfdIdx = 1, 2, 4, -1
		dir                                 = t.Proc.Cwd
	)
	switch typ {
	case evCreat:
		flagsIdx, devIdx = -1, 3
	case evOpenat:
		nameIdx, flagsIdx, devIdx, dirfdIdx = 2, 3, 5, 1
	case evOpenat2:
		nameIdx, flagsIdx, devIdx, dirfdIdx = 2, 3, 6, 1
	case evOpenByHandleAt:
		nameIdx, flagsIdx, devIdx, dir = 3, 2, 4, ""
	}
	name := paramStr(e, nameIdx)
	if name == nil {
		name = []byte(na)
	}
	var flags uint32
	if flagsIdx >= 0 {
		f, _ := paramUint(e, flagsIdx)
		flags = uint32(f)
	} else if cf, ok := paramUint(e, 5); ok {
		// creat has no flags; its layer bits come in creat_flags.
		if cf&creatUpper != 0 {
			flags |= fdUpper
		} else if cf&creatLower != 0 {
			flags |= fdLower
		}
	}
	if dirfdIdx >= 0 {
		dir = ""
		if dirfd, ok := paramInt(e, dirfdIdx); ok && name[0] != '/' {
			dir = s.dirfdBase(t, dirfd)
		}
	}
	fd := s.newFD()
	fd.Type = event.FDFileV2
	if flags&oDirectory != 0 {
		fd.Type = event.FDDirectory
	}
	fd.OpenFlags = flags
	if dev, ok := paramUint(e, devIdx); ok {
		fd.Dev = uint32(dev)
		fd.Ino, _ = paramUint(e, devIdx+1)
	}
	if flags&fdUpper != 0 {
		fd.Flags |= UpperLayer
	}
	if flags&fdLower != 0 {
		fd.Flags |= LowerLayer
	}
	b := appendPath(s.upd.buf[:0], dir, name)
	s.upd.buf = b
	fd.Name = s.intern(b)
	s.addFD(t.Proc, n, fd)
}

// dirfdBase returns the directory a path relative to dirfd starts from
// (libsinsp's parse_dirfd): the working directory for AT_FDCWD, the
// descriptor's name, or "<UNKNOWN>" for a descriptor the state does not
// know.
func (s *State) dirfdBase(t *Thread, dirfd int64) string {
	if dirfd == atFDCWD {
		return t.Proc.Cwd
	}
	if d := t.Proc.FDs.Get(dirfd); d != nil {
		return d.Name
	}
	return "<UNKNOWN>"
}

// applyClose schedules the removal of the closed descriptor for the next
// event, so that this one still shows it.
func (s *State) applyClose(e *event.Event, t *Thread) {
	if res, ok := paramInt(e, 0); !ok || res < 0 || s.cur.fd == nil {
		return
	}
	u := &s.upd
	u.closing, u.closeProc, u.closeNum, u.closeFD = true, t.Proc, s.cur.fdNum, s.cur.fd
}

// applyDup handles dup, dup2, dup3 and fcntl's F_DUPFD and
// F_DUPFD_CLOEXEC: the new descriptor is a copy of the old one.
func (s *State) applyDup(e *event.Event, typ event.Type, t *Thread) {
	if typ == evFcntl {
		if cmd, ok := paramUint(e, 2); !ok || (cmd != fcntlDupFD && cmd != fcntlDupFDC) {
			return
		}
	}
	n, ok := paramInt(e, 0)
	old := s.cur.fd
	if !ok || n < 0 || old == nil || n == s.cur.fdNum {
		return
	}
	fd := s.newFD()
	*fd = *old
	fd.Flags &^= NameChanged
	if typ == evDup3 {
		// dup3 sets or clears close-on-exec on the copy.
		if f, ok := paramUint(e, 3); ok && f != 0 {
			fd.OpenFlags |= uint32(f)
		} else {
			fd.OpenFlags &^= oCloexec
		}
	}
	s.addFD(t.Proc, n, fd)
}

// applyPipe handles pipe and pipe2: two FIFO descriptors sharing an inode.
func (s *State) applyPipe(e *event.Event, typ event.Type, t *Thread) {
	if res, ok := paramInt(e, 0); !ok || res < 0 {
		return
	}
	fd1, ok1 := paramInt(e, 1)
	fd2, ok2 := paramInt(e, 2)
	ino, _ := paramUint(e, 3)
	var flags uint64
	if typ == evPipe2 {
		flags, _ = paramUint(e, 4)
	}
	for _, x := range [...]struct {
		n  int64
		ok bool
	}{{fd1, ok1}, {fd2, ok2}} {
		if !x.ok || x.n < 0 {
			continue
		}
		fd := s.newFD()
		fd.Type, fd.Ino, fd.OpenFlags = event.FDFifo, ino, uint32(flags)
		s.addFD(t.Proc, x.n, fd)
	}
}

// applySimpleFD handles the calls that create a descriptor with a kind
// and no name.
func (s *State) applySimpleFD(e *event.Event, typ event.Type, t *Thread) {
	n, ok := paramInt(e, 0)
	if !ok || n < 0 {
		return
	}
	fd := s.newFD()
	switch typ {
	case evEventfd, evEventfd2:
		fd.Type = event.FDEvent
	case evSignalfd, evSignalfd4:
		fd.Type = event.FDSignalFD
	case evTimerfdCreate:
		fd.Type = event.FDTimerFD
	case evInotifyInit, evInotifyInit1:
		fd.Type = event.FDInotify
	case evEpollCreate, evEpollCreate1:
		fd.Type = event.FDEventPoll
	case evUserfaultfd:
		fd.Type = event.FDUserfaultFD
	case evIOUringSetup:
		fd.Type = event.FDIOUring
	case evBPF:
		fd.Type = event.FDBPF
	}
	switch typ {
	case evEventfd2, evInotifyInit1, evSignalfd4:
		f, _ := paramUint(e, 1)
		fd.OpenFlags = uint32(f)
	}
	s.addFD(t.Proc, n, fd)
}

// applyNamedFD handles memfd_create (named by its call), pidfd_open
// (named /proc/<pid>) and pidfd_getfd (a copy of another process's
// descriptor).
func (s *State) applyNamedFD(e *event.Event, typ event.Type, t *Thread) {
	n, ok := paramInt(e, 0)
	if !ok || n < 0 {
		return
	}
	switch typ {
	case evMemfdCreate:
		fd := s.newFD()
		fd.Type = event.FDMemFD
		setString(&fd.Name, paramStr(e, 1))
		f, _ := paramUint(e, 2)
		fd.OpenFlags = uint32(f)
		s.addFD(t.Proc, n, fd)
	case evPidfdOpen:
		pid, ok := paramInt(e, 1)
		if !ok {
			return
		}
		fd := s.newFD()
		fd.Type = event.FDPidFD
		b := strconv.AppendInt(append(s.upd.buf[:0], "/proc/"...), pid, 10)
		s.upd.buf = b
		fd.Name = s.intern(b)
		f, _ := paramUint(e, 2)
		fd.OpenFlags = uint32(f)
		s.addFD(t.Proc, n, fd)
	case evPidfdGetfd:
		s.pidfdGetfd(e, t, n)
	}
}

// pidfdGetfd copies the target descriptor of the process a pidfd refers
// to.
func (s *State) pidfdGetfd(e *event.Event, t *Thread, n int64) {
	pidfd, ok1 := paramInt(e, 1)
	target, ok2 := paramInt(e, 2)
	if !ok1 || !ok2 {
		return
	}
	pfd := t.Proc.FDs.Get(pidfd)
	if pfd == nil || pfd.Type != event.FDPidFD || len(pfd.Name) <= len("/proc/") {
		return
	}
	pid, err := strconv.ParseInt(pfd.Name[len("/proc/"):], 10, 64)
	if err != nil {
		return
	}
	owner := s.threads[pid]
	if owner == nil {
		return
	}
	src := owner.Proc.FDs.Get(target)
	if src == nil {
		return
	}
	fd := s.newFD()
	*fd = *src
	fd.Flags &^= NameChanged
	s.addFD(t.Proc, n, fd)
}
