package capture

import (
	"errors"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
)

// PPM_CL_* clone flags libs gives the non-main threads of the process
// list: it assumes they were made by pthread_create, which shares the
// descriptor table.
const (
	ppmCloneFiles  uint32 = 0x1
	ppmCloneThread uint32 = 0x2000
)

// threadResult is what reading one thread came to.
type threadResult uint8

const (
	threadOK     threadResult = iota
	threadGone                // it exited while being read
	threadKernel              // a kernel thread, not listed
	threadZombie              // a zombie, not listed
	threadFailed              // its files could not be read or parsed
)

// procShared is what the threads of a process share. It is read from the
// first thread of the process that is read successfully (libs reads it
// from every thread, and gets the same values).
type procShared struct {
	loaded                  bool
	exe, args, exePath, env string
	fdLimit                 int64
	pidNS                   uint64 // inode of the pid namespace, or procRootNS
	bin                     exeInfo
}

// thread reads the thread tid, whose /proc directory is dir, into p.
//
// The files are opened relative to the directory, which spares the kernel
// a path walk through /proc/<pid> for each of them.
func (w *worker) thread(dir string, tid int64, main bool, ps *procShared, p *event.Process) threadResult {
	dfd, err := openRetry(dir, unix.O_PATH|unix.O_DIRECTORY)
	if err != nil {
		return w.failed(dir, err)
	}
	defer unix.Close(dfd)
	b, err := w.r.readAt(dfd, "stat", statMax)
	if err != nil {
		return w.failed(dir, err)
	}
	st, err := parseStat(b)
	if err == nil && st.pid != tid {
		err = errors.New("names another thread")
	}
	if err != nil {
		return w.failed(dir+"/stat", err)
	}
	if st.flags&pfKthread != 0 {
		return threadKernel
	}
	if st.state == 'Z' || st.state == 'X' {
		return threadZombie
	}
	if b, err = w.r.readAt(dfd, "status", statusMax); err != nil {
		return w.failed(dir, err)
	}
	ss, err := parseStatus(b)
	if err != nil {
		return w.failed(dir+"/status", err)
	}
	if ss.kthread {
		return threadKernel
	}
	if !ps.loaded {
		if r := w.readShared(dir, dfd, st.startTime, &ss, ps); r != threadOK {
			return r
		}
	}
	*p = event.Process{
		TID: tid, PID: ss.tgid, PTID: ss.ppid, SID: st.session, VPGID: st.pgrp, PGID: st.pgrp,
		VTID: tid, VPID: ss.tgid,
		Comm: truncate(st.comm, pathMax), Exe: ps.exe, ExePath: ps.exePath, Args: ps.args, Env: ps.env,
		FDLimit: ps.fdLimit, UID: ss.uid, GID: ss.gid,
		VMSizeKB: ss.vmSize, VMRSSKB: ss.vmRSS, VMSwapKB: ss.vmSwap, PFMajor: st.majflt, PFMinor: st.minflt,
		TTY: st.ttyNr, LoginUID: event.NoLoginUID,
		CapInheritable: ss.capInh, CapPermitted: ss.capPrm, CapEffective: ss.capEff,
		ExeIno: ps.bin.ino, ExeInoCtime: ps.bin.ctime, ExeInoMtime: ps.bin.mtime,
		ExeWritable: ps.bin.writable(&ss), ExeUpperLayer: ps.bin.upper, ExeLowerLayer: ps.bin.lower,
		ExeFromMemfd: ps.bin.memfd,
		StartTS:      ticksToNS(w.sc.boot, st.startTime),
	}
	if !main {
		p.Flags = ppmCloneThread | ppmCloneFiles
	}
	if ss.nNSPid > 0 {
		p.VTID = ss.nsPidLast
	}
	if ss.nNSTgid > 0 {
		p.VPID = ss.nsTgidLast
	}
	if ss.nNSPgid > 0 {
		p.PGID, p.VPGID = ss.nsPgidFirst, ss.nsPgidLast
	}
	lost := false
	p.Cwd, lost = w.link(dfd, "cwd", lost)
	p.Root, lost = w.link(dfd, "root", lost)
	if b, err := w.r.readAt(dfd, "loginuid", loginMax); err == nil {
		if v, ok := parseLoginUID(b); ok {
			p.LoginUID = v
		}
	} // absent without CONFIG_AUDIT: no login uid, as libs records it
	if b, err := w.r.readAt(dfd, "cgroup", cgroupMax); err == nil {
		p.Cgroups = w.formatCgroups(b)
	} else {
		lost = lost || gone(err)
	}
	if lost && !w.alive(dfd, st.startTime) {
		return threadGone
	}
	return threadOK
}

// readShared reads what the threads of a process share, through the
// directory of its first thread.
func (w *worker) readShared(dir string, dfd int, start uint64, ss *statusInfo, ps *procShared) threadResult {
	b, err := w.r.readAt(dfd, "cmdline", argsMax)
	if err != nil {
		return w.failed(dir, err)
	}
	ps.exe, ps.args = splitCmdline(b)
	ps.exe = truncate(ps.exe, pathMax)
	// A process without a memory map (exiting) has no exe link; libs
	// then stores an empty path.
	ps.exePath, _ = w.r.readlinkAt(dfd, "exe")
	lost := false
	if b, err := w.r.readAt(dfd, "environ", envMax); err == nil {
		ps.env = nulTerminated(b)
	} else {
		lost = gone(err)
	}
	ps.fdLimit = -1
	if b, err := w.r.readAt(dfd, "limits", limitsMax); err == nil {
		if v, ok := parseFDLimit(b); ok {
			ps.fdLimit = v
		}
	}
	// A thread with one id in NSpid is in the pid namespace of the proc
	// mount, whose init is pid 1; for the others, the namespace's inode
	// tells their init.
	if ss.nNSPid == 1 {
		ps.pidNS = procRootNS
	} else if st, ok := statPath(dir + "/ns/pid"); ok {
		ps.pidNS = st.Ino
	}
	ps.bin = w.exeInfo(dir, ps.exePath)
	if lost && !w.alive(dfd, start) {
		return threadGone
	}
	ps.loaded = true
	return threadOK
}

// link reads a symbolic link of a thread; a failure leaves it empty (libs
// drops the thread instead) and says whether the thread seems gone.
func (w *worker) link(dfd int, name string, lost bool) (string, bool) {
	s, err := w.r.readlinkAt(dfd, name)
	return s, lost || err != nil && gone(err)
}

// alive reports whether the thread of dir still runs, and is the one that
// started at start (its id was not reused).
func (w *worker) alive(dfd int, start uint64) bool {
	b, err := w.r.readAt(dfd, "stat", statMax)
	if err != nil {
		return false
	}
	st, err := parseStat(b)
	return err == nil && st.startTime == start && st.state != 'Z' && st.state != 'X'
}

// failed classifies a read error of a thread: gone, or failed (noted
// with what was being read).
func (w *worker) failed(what string, err error) threadResult {
	if gone(err) {
		return threadGone
	}
	w.stats.note("%s: %v", what, err)
	return threadFailed
}
