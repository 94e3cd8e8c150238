package state

import (
	"peregrine/internal/event"
)

// Process life: clone (and fork, vfork, clone3), execve and execveat,
// procexit. The clone exit event comes twice, once in the caller (its
// result is the child's tid) and once in the child (result 0); as in
// libsinsp's parse_clone_exit_caller and parse_clone_exit_child, whichever
// comes first creates the child.

// PPM clone flags (ppm_events_public.h).
const (
	clThread      = 1 << 13
	clNewPID      = 1 << 6
	clParent      = 1 << 8
	clVfork       = 1 << 27
	clChildInPIDs = 1 << 29
)

// Parameters of the clone-family exit events (CLONE_20_X layout).
const (
	cpRes = iota
	cpExe
	cpArgs
	cpTID
	cpPID
	cpPTID
	cpCwd
	cpFDLimit
	cpPgftMaj
	cpPgftMin
	cpVMSize
	cpVMRSS
	cpVMSwap
	cpComm
	cpCgroups
	cpFlags
	cpUID
	cpGID
	cpVTID
	cpVPID
	cpPidnsInit
)

// cloneStaleNS is how old an entry the child's clone exit finds may be
// before it is taken for a thread whose exit was lost (libsinsp's
// CLONE_STALE_TIME_NS).
const cloneStaleNS = 2_000_000_000

// applyClone handles the exit of clone, fork, vfork and clone3.
func (s *State) applyClone(e *event.Event, typ event.Type) {
	tid := e.TID()
	res, ok := paramInt(e, cpRes)
	if !ok || res < 0 {
		// Unknown or failed: nothing is created; the caller is current.
		s.cur.thread = s.lookupTouch(e, tid)
		return
	}
	flags, _ := paramUint(e, cpFlags)
	if res == 0 {
		s.cloneChild(e, tid, uint32(flags))
		return
	}
	s.cloneCaller(e, tid, res, uint32(flags), typ)
}

// lookupTouch returns thread tid, marking it active.
func (s *State) lookupTouch(e *event.Event, tid int64) *Thread {
	t := s.threads[tid]
	if t != nil {
		t.LastTS = e.Timestamp()
		s.touch(t)
	}
	return t
}

// cloneCaller handles the caller's clone exit: child is the new tid.
func (s *State) cloneCaller(e *event.Event, tid, child int64, flags uint32, typ event.Type) {
	c := s.lookupTouch(e, tid)
	if c == nil {
		s.stats.ThreadMisses++
		if c = s.addIncomplete(tid); c == nil {
			return
		}
		c.LastTS = e.Timestamp()
	}
	s.cur.thread = c
	valid := c.Flags&Incomplete == 0
	if !valid {
		// The caller says who it is: patch the entry.
		if pid, ok := paramInt(e, cpPID); ok {
			c.PID = pid
		}
		if ptid, ok := paramInt(e, cpPTID); ok {
			s.setParent(c, ptid)
		}
		c.VTID, c.VPID = tid, -1
		if vpid, ok := paramInt(e, cpVPID); ok {
			c.VPID = vpid
			c.VTID, _ = paramInt(e, cpVTID)
		}
	}
	// A child in another pid namespace only knows itself by its inner
	// id: its own clone exit creates it. So does a vforked child, whose
	// parent resumes only after the child execs or exits.
	vtid := c.VTID
	if vtid < 0 {
		vtid = tid
	}
	if flags&(clChildInPIDs|clNewPID|clParent) != 0 || tid != vtid ||
		flags&clVfork != 0 || typ == evVfork || child == tid {
		return
	}
	if old := s.threads[child]; old != nil {
		if old.inverted {
			return // the child's own exit came first
		}
		s.removeThread(old, 0, removeReplaced)
	}
	t := s.newThread()
	t.TID = child
	if flags&clThread == 0 {
		t.PID, t.PTID = child, c.TID
		t.Proc = s.newProc()
		if valid {
			s.copyFDs(t.Proc, c.Proc)
			t.Proc.Cwd = c.Proc.Cwd
			t.Env = c.Env
		}
	} else {
		// A thread shares its process's descriptors, directory and
		// environment (libsinsp reads the latter from the main thread).
		t.PID, t.PTID = c.PID, c.PTID
		t.Proc = c.Proc
		t.ExecTS, t.Env = c.ExecTS, c.Env
	}
	t.VTID, t.VPID = t.TID, t.PID
	s.fillChild(e, t)
	if s.machine != nil {
		t.PidnsInitStart = s.machine.BootTime
	}
	if valid {
		inherit(t, c)
	} else {
		c.Exe, c.Comm, c.Args = t.Exe, t.Comm, t.Args
	}
	if s.addThread(t) {
		s.setContainer(t)
	}
}

// cloneChild handles the child's own clone exit.
func (s *State) cloneChild(e *event.Event, tid int64, flags uint32) {
	ts := e.Timestamp()
	if old := s.threads[tid]; old != nil {
		if old.Flags&(Incomplete|FromProcList) == 0 && old.CloneTS != 0 && ts-old.CloneTS < cloneStaleNS {
			// The caller's exit made it already. (An entry of the process
			// list, whose start the capture does not record, is stale.)
			s.cur.thread = s.lookupTouch(e, tid)
			return
		}
		s.removeThread(old, 0, removeReplaced)
	}
	t := s.newThread()
	t.TID = tid
	t.PID, _ = paramInt(e, cpPID)
	t.PTID, _ = paramInt(e, cpPTID)
	t.VTID, t.VPID = tid, -1
	if vpid, ok := paramInt(e, cpVPID); ok {
		t.VPID = vpid
		t.VTID, _ = paramInt(e, cpVTID)
	}
	t.inverted = true
	leader := flags&clThread == 0
	lookup := t.PTID
	if !leader {
		lookup = t.PID
	}
	l := s.threads[lookup]
	valid := l != nil && l.Flags&Incomplete == 0
	s.fillChild(e, t)
	switch {
	case !leader && l != nil:
		t.Proc = l.Proc
	default:
		t.Proc = s.newProc()
	}
	if valid {
		inherit(t, l)
		if leader {
			s.copyFDs(t.Proc, l.Proc)
			t.Proc.Cwd = l.Proc.Cwd
			t.Env = l.Env
		} else {
			t.ExecTS, t.Env = l.ExecTS, l.Env
		}
	} else if l != nil && !leader {
		l.Exe, l.Comm, l.Args = t.Exe, t.Comm, t.Args
	}
	if s.machine != nil {
		t.PidnsInitStart = s.machine.BootTime
		if flags&(clChildInPIDs|clNewPID) != 0 || t.TID != t.VTID {
			if start, ok := paramUint(e, cpPidnsInit); ok {
				t.PidnsInitStart = start + s.machine.BootTime
			}
		}
	}
	if !s.addThread(t) {
		return
	}
	s.setContainer(t)
	t.LastTS = ts
	s.cur.thread = t
}

// fillChild sets what a new thread takes from its clone exit event.
func (s *State) fillChild(e *event.Event, t *Thread) {
	s.setProgram(e, t, cpExe, cpComm, cpArgs)
	t.FDLimit, _ = paramInt(e, cpFDLimit)
	s.setMemory(e, t, cpPgftMaj)
	if uid, ok := paramUint(e, cpUID); ok {
		t.UID, t.EUID = uint32(uid), uint32(uid)
	}
	if gid, ok := paramUint(e, cpGID); ok {
		t.GID = uint32(gid)
	}
	if cg := paramBytes(e, cpCgroups); cg != nil {
		t.Cgroups = splitList(cg)
		for i, c := range t.Cgroups {
			t.Cgroups[i] = normalizeCgroup(c)
		}
	}
	t.CloneTS = e.Timestamp()
	if t.PID == 1 || t.VPID == 1 {
		t.Flags |= Reaper
	}
}

// setProgram sets the executable, command name and arguments an event
// carries. Old events without comm name the thread after its executable,
// as libsinsp does; parameters the event does not carry leave the thread
// alone.
func (s *State) setProgram(e *event.Event, t *Thread, exeIdx, commIdx, argsIdx int) {
	if _, ok := paramRaw(e, exeIdx); ok {
		setString(&t.Exe, paramStr(e, exeIdx))
	}
	if comm := paramStr(e, commIdx); comm != nil {
		setString(&t.Comm, comm)
	} else if _, ok := paramRaw(e, exeIdx); ok {
		t.Comm = t.Exe
	}
	if args, ok := paramRaw(e, argsIdx); ok {
		setList(&t.Args, args)
	}
}

// inherit copies to a new thread what libsinsp takes from its creator.
func inherit(t, from *Thread) {
	t.ExePath = from.ExePath
	t.Flags |= from.Flags & (ExeWritable | ExeUpperLayer | ExeLowerLayer | ExeFromMemfd)
	t.SID, t.VPGID, t.PGID = from.SID, from.VPGID, from.PGID
	t.TTY, t.LoginUID = from.TTY, from.LoginUID
	t.CapInheritable, t.CapPermitted, t.CapEffective = from.CapInheritable, from.CapPermitted, from.CapEffective
	t.ExeIno, t.ExeInoCtime, t.ExeInoMtime = from.ExeIno, from.ExeInoCtime, from.ExeInoMtime
}

// setMemory sets the page fault and memory figures from the five
// parameters starting at first (pgft_maj, pgft_min, vm_size, vm_rss,
// vm_swap), when the event has them.
func (s *State) setMemory(e *event.Event, t *Thread, first int) {
	swap, ok := paramUint(e, first+4)
	if !ok {
		return
	}
	t.PFMajor, _ = paramUint(e, first)
	t.PFMinor, _ = paramUint(e, first+1)
	size, _ := paramUint(e, first+2)
	rss, _ := paramUint(e, first+3)
	t.VMSizeKB, t.VMRSSKB, t.VMSwapKB = uint32(size), uint32(rss), uint32(swap)
}

// copyFDs gives dst a copy of the descriptors of src (a forked child's
// table).
func (s *State) copyFDs(dst, src *Proc) {
	for n, fd := range src.FDs.fds {
		c := s.newFD()
		*c = *fd
		dst.FDs.fds[n] = c
		s.stats.FDs++
		s.stats.FDsAdded++
	}
}

// Parameters of the execve and execveat exit events (EXECVE_19_X layout).
const (
	xpRes = iota
	xpExe
	xpArgs
	xpTID
	xpPID
	xpPTID
	xpCwd
	xpFDLimit
	xpPgftMaj
	xpPgftMin
	xpVMSize
	xpVMRSS
	xpVMSwap
	xpComm
	xpCgroups
	xpEnv
	xpTTY
	xpVPGID
	xpLoginUID
	xpFlags
	xpCapInheritable
	xpCapPermitted
	xpCapEffective
	xpExeIno
	xpExeInoCtime
	xpExeInoMtime
	xpUID
	xpTrustedExePath
	xpPGID
	xpGID
	xpFilename
)

// PPM execve flags.
const (
	exeWritable   = 1 << 0
	exeUpperLayer = 1 << 1
	exeFromMemfd  = 1 << 2
	exeLowerLayer = 1 << 3
)

// applyExecve handles a successful execve or execveat (libsinsp's
// parse_execve_exit).
func (s *State) applyExecve(e *event.Event, t *Thread) {
	if res, ok := paramInt(e, xpRes); !ok || res < 0 {
		return
	}
	if t.Flags&Exited != 0 {
		// A non-leader thread that execs takes over the leader's id,
		// after the leader's exit: it lives again.
		t.Flags &^= Exited
		t.Proc.Threads++
	}
	t.ExecTS = e.Timestamp()
	s.setProgram(e, t, xpExe, xpComm, xpArgs)
	if pid, ok := paramInt(e, xpPID); ok {
		t.PID = pid
	}
	// The kernel names the parent as of the exec. libsinsp takes it only
	// for an incomplete entry; it is also right when the table has that
	// parent alive and ours differs (an orphan adopted where the table
	// could not tell, such as a shell that docker exec starts, whose runc
	// parents have gone). A parent the table lacks or saw exit is a race
	// with its exit (the event reads real_parent before the kernel
	// reparents): the table's reaper is the better guess then.
	// (Another thread of the same parent process changes nothing: the
	// event names the thread that forked, /proc the process.)
	if ptid, ok := paramInt(e, xpPTID); ok && ptid > 0 && ptid != t.PTID {
		p, cur := s.threads[ptid], s.threads[t.PTID]
		if t.Flags&Incomplete != 0 || p != nil && p.Flags&Exited == 0 && (cur == nil || cur.PID != p.PID) {
			s.setParent(t, ptid)
		}
	}
	t.Flags &^= Incomplete // vtid and vpid stay unknown when incomplete: the event does not say
	if lim, ok := paramInt(e, xpFDLimit); ok {
		t.FDLimit = lim
	}
	s.setMemory(e, t, xpPgftMaj)
	if env := paramBytes(e, xpEnv); env != nil {
		setList(&t.Env, env)
	}
	if cg := paramBytes(e, xpCgroups); cg != nil {
		s.setCgroups(t, cg)
	}
	if tty, ok := paramUint(e, xpTTY); ok {
		t.TTY = uint32(tty)
	}
	s.setExePath(e, t)
	if vpgid, ok := paramInt(e, xpVPGID); ok {
		t.VPGID = vpgid
	}
	if luid, ok := paramUint(e, xpLoginUID); ok {
		t.LoginUID = uint32(luid)
	}
	if f, ok := paramUint(e, xpFlags); ok {
		t.Flags &^= ExeWritable | ExeUpperLayer | ExeLowerLayer | ExeFromMemfd
		t.Flags |= pick(f, exeWritable, ExeWritable) | pick(f, exeUpperLayer, ExeUpperLayer) |
			pick(f, exeLowerLayer, ExeLowerLayer) | pick(f, exeFromMemfd, ExeFromMemfd)
	}
	if eff, ok := paramUint(e, xpCapEffective); ok {
		t.CapInheritable, _ = paramUint(e, xpCapInheritable)
		t.CapPermitted, _ = paramUint(e, xpCapPermitted)
		t.CapEffective = eff
	}
	if mtime, ok := paramUint(e, xpExeInoMtime); ok {
		t.ExeIno, _ = paramUint(e, xpExeIno)
		t.ExeInoCtime, _ = paramUint(e, xpExeInoCtime)
		t.ExeInoMtime = mtime
	}
	if uid, ok := paramUint(e, xpUID); ok {
		t.UID, t.EUID = uint32(uid), uint32(uid)
	}
	t.PGID = -1
	if pgid, ok := paramInt(e, xpPGID); ok {
		t.PGID = pgid
	}
	if gid, ok := paramUint(e, xpGID); ok {
		t.GID = uint32(gid)
	}
	// The other threads of the process are gone with the old program.
	if t.Proc.Threads > 1 {
		s.removeSiblings(t)
	}
}

// pick returns flag when bits has mask set.
func pick(bits uint64, mask uint64, flag ThreadFlags) ThreadFlags {
	if bits&mask != 0 {
		return flag
	}
	return 0
}

// setExePath sets the executable's path: the kernel's (trusted_exepath)
// when the event has it, else the file name the call was given, resolved
// against the working directory ("<NA>" stays "<NA>").
func (s *State) setExePath(e *event.Event, t *Thread) {
	if p := paramStr(e, xpTrustedExePath); p != nil {
		setString(&t.ExePath, p)
		return
	}
	name := paramStr(e, xpFilename)
	if name == nil {
		return
	}
	if string(name) == na {
		t.ExePath = na
		return
	}
	b := appendPath(s.upd.buf[:0], t.Proc.Cwd, name)
	s.upd.buf = b
	setString(&t.ExePath, b)
}

// removeSiblings removes the threads of t's process other than t.
func (s *State) removeSiblings(t *Thread) {
	for _, x := range s.threads {
		if x.Proc == t.Proc && x != t {
			s.removeThread(x, 0, removeExited)
		}
	}
}

// applyProcExit marks t exited; it leaves the table at the next event
// (libsinsp's parse_thread_exit), its children going to the reaper the
// event names.
func (s *State) applyProcExit(e *event.Event, t *Thread) {
	if t.Flags&Exited == 0 {
		t.Flags |= Exited
		t.Proc.Threads--
	}
	u := &s.upd
	u.exiting, u.exitTID, u.exitReap = true, t.TID, 0
	if r, ok := paramInt(e, 4); ok {
		u.exitReap = r
	}
}
