package state

import (
	"peregrine/internal/event"
)

// The life of table entries: adding threads within the size limit,
// removing them (after their exit, when a new thread takes their id, or to
// make room), reparenting their children as libsinsp does, and reusing the
// memory of what was removed.

// na is what libsinsp shows for text it does not know.
const na = "<NA>"

// removal says why a thread leaves the table.
type removal uint8

const (
	removeExited   removal = iota // it exited (or an execve of its process ended it)
	removeReplaced                // a new thread took its id: its exit was lost
	removeEvicted                 // the table was full
)

// newThread returns a zeroed thread with the "unknown" defaults libsinsp
// gives a fresh entry.
func (s *State) newThread() *Thread {
	u := &s.upd
	var t *Thread
	if n := len(u.freeThreads); n > 0 {
		t = u.freeThreads[n-1]
		u.freeThreads = u.freeThreads[:n-1]
		*t = Thread{}
	} else {
		t = new(Thread)
	}
	t.PTID, t.VTID, t.VPID, t.SID, t.VPGID, t.PGID = -1, -1, -1, -1, -1, -1
	t.FDLimit = -1
	t.LoginUID = event.NoLoginUID
	return t
}

// newProc returns an empty process record, reusing a released one.
func (s *State) newProc() *Proc {
	u := &s.upd
	if n := len(u.freeProcs); n > 0 {
		p := u.freeProcs[n-1]
		u.freeProcs = u.freeProcs[:n-1]
		return p
	}
	return &Proc{FDs: NewFDTable()}
}

// releaseProc returns p and its descriptors to the free lists.
func (s *State) releaseProc(p *Proc) {
	u := &s.upd
	for _, fd := range p.FDs.fds {
		s.freeFD(fd)
	}
	s.stats.FDs -= len(p.FDs.fds)
	s.stats.FDsRemoved += uint64(len(p.FDs.fds))
	clear(p.FDs.fds)
	p.Cwd, p.Threads, p.refs = "", 0, 0
	if len(u.freeProcs) < freeListMax {
		u.freeProcs = append(u.freeProcs, p)
	}
}

// addIncomplete adds the entry libsinsp makes for a thread it meets
// without knowing it (see [Incomplete]); nil when the table is full and
// nothing can be evicted.
func (s *State) addIncomplete(tid int64) *Thread {
	t := s.newThread()
	t.TID, t.PID = tid, tid
	t.Comm, t.Exe = na, na
	t.UID, t.EUID, t.GID = noID, noID, noID
	t.Flags = Incomplete
	t.Proc = s.newProc()
	if !s.addThread(t) {
		return nil
	}
	return t
}

// noID is the uid or gid meaning "none" (libsinsp's 0xffffffff).
const noID = 0xffffffff

// addThread puts t, a live thread with its Proc set, into the table,
// evicting the least recently active threads past MaxThreads. It reports
// false, and forgets t, when nothing can be evicted.
func (s *State) addThread(t *Thread) bool {
	// Hold t's Proc while making room: an evicted thread may share it.
	t.Proc.refs++
	for len(s.threads) >= s.opts.MaxThreads {
		if !s.evictOne() {
			s.stats.ThreadsEvicted++
			if t.Proc.refs--; t.Proc.refs == 0 {
				s.releaseProc(t.Proc)
			}
			s.freeThread(t)
			return false
		}
	}
	s.threads[t.TID] = t
	if t.Flags&Exited == 0 {
		t.Proc.Threads++
	}
	s.countChild(t.PTID, 1)
	s.pushFront(t)
	s.stats.ThreadsAdded++
	return true
}

// evictOne removes the least recently active thread that is not the
// current event's.
func (s *State) evictOne() bool {
	for t := s.upd.tail; t != nil; t = t.lruPrev {
		if t != s.cur.thread {
			s.removeThread(t, 0, removeEvicted)
			return true
		}
	}
	return false
}

// removeThread takes t out of the table. A thread that exited or was
// replaced first hands its children to a reaper (reaper, when it is a
// thread of the table, else the one libsinsp's find_new_reaper picks). As
// in libsinsp, an exited main thread stays while other threads of its
// process live, and leaves with the last of them.
func (s *State) removeThread(t *Thread, reaper int64, why removal) {
	if s.threads[t.TID] != t {
		return
	}
	if why != removeEvicted && s.upd.children[t.TID] > 0 {
		s.reparent(t, reaper)
	}
	p, pid, main := t.Proc, t.PID, t.IsMain()
	if why == removeExited && main && p.Threads > 0 {
		return
	}
	s.unlinkThread(t)
	switch why {
	case removeExited:
		s.stats.ThreadsRemoved++
	case removeReplaced:
		s.stats.ThreadsReplaced++
	case removeEvicted:
		s.stats.ThreadsEvicted++
	}
	if !main && p.refs > 0 && p.Threads == 0 {
		// (Never the current event's thread, which its handler still uses.)
		if m := s.threads[pid]; m != nil && m.Proc == p && m.Flags&Exited != 0 && m != s.cur.thread {
			s.removeThread(m, 0, removeExited)
		}
	}
	s.freeThread(t)
}

// unlinkThread removes t from the table, the recency list, its parent's
// child count and its Proc.
func (s *State) unlinkThread(t *Thread) {
	delete(s.threads, t.TID)
	s.unlinkLRU(t)
	s.countChild(t.PTID, -1)
	pr := t.Proc
	if t.Flags&Exited == 0 {
		pr.Threads--
	}
	pr.refs--
	if pr.refs <= 0 {
		s.releaseProc(pr)
	}
	if s.cur.thread == t {
		s.cur.thread, s.cur.fd = nil, nil
	}
}

// freeThread keeps t for reuse.
func (s *State) freeThread(t *Thread) {
	u := &s.upd
	t.Proc = nil
	if len(u.freeThreads) < freeListMax {
		u.freeThreads = append(u.freeThreads, t)
	}
}

// reparent gives the children of t (the threads whose parent it is) to
// the reaper: reaperTID when the table has it, else another live thread of
// t's process, else the nearest ancestor that is a (sub)reaper; with none,
// their parent becomes 0, as libsinsp does.
func (s *State) reparent(t *Thread, reaperTID int64) {
	var r *Thread
	if reaperTID > 0 {
		if x := s.threads[reaperTID]; x != nil && x != t && x.Flags&Incomplete == 0 {
			r = x
		}
	}
	if r == nil {
		r = s.findReaper(t)
	}
	var to int64
	if r != nil {
		to = r.TID
		if r.PID != t.PID {
			r.Flags |= Reaper
		}
	}
	for _, c := range s.threads {
		if c.PTID == t.TID && c != t {
			s.setParent(c, to)
		}
	}
}

// findReaper returns the thread that adopts the orphans of t, following
// the kernel's find_new_reaper as libsinsp does: a live thread of the
// same process, else the nearest live ancestor marked as a reaper (init
// processes and subreapers); nil when there is none.
func (s *State) findReaper(t *Thread) *Thread {
	live := t.Proc.Threads
	if t.Flags&Exited == 0 {
		live--
	}
	if live > 0 {
		for _, x := range s.threads {
			if x.PID == t.PID && x != t && x.Flags&Exited == 0 {
				return x
			}
		}
	}
	a := s.threads[t.PTID]
	for steps := 0; a != nil && a != t && steps < len(s.threads); steps++ {
		if a.Flags&(Reaper|Exited) == Reaper {
			return a
		}
		if a.PTID == a.TID {
			break
		}
		a = s.threads[a.PTID]
	}
	return nil
}

// setParent changes the parent of t, keeping the child counts.
func (s *State) setParent(t *Thread, ptid int64) {
	if t.PTID == ptid {
		return
	}
	if s.threads[t.TID] == t {
		s.countChild(t.PTID, -1)
		s.countChild(ptid, 1)
	}
	t.PTID = ptid
}

// countChild adds d to the number of table threads whose parent is ptid.
func (s *State) countChild(ptid int64, d int32) {
	c := s.upd.children
	if c == nil {
		c = map[int64]int32{}
		s.upd.children = c
	}
	if n := c[ptid] + d; n > 0 {
		c[ptid] = n
	} else {
		delete(c, ptid)
	}
}

// The recency list.

func (s *State) pushFront(t *Thread) {
	u := &s.upd
	t.lruPrev, t.lruNext = nil, u.head
	if u.head != nil {
		u.head.lruPrev = t
	}
	u.head = t
	if u.tail == nil {
		u.tail = t
	}
}

func (s *State) unlinkLRU(t *Thread) {
	u := &s.upd
	if t.lruPrev != nil {
		t.lruPrev.lruNext = t.lruNext
	} else if u.head == t {
		u.head = t.lruNext
	}
	if t.lruNext != nil {
		t.lruNext.lruPrev = t.lruPrev
	} else if u.tail == t {
		u.tail = t.lruPrev
	}
	t.lruPrev, t.lruNext = nil, nil
}

// touch marks t as the most recently active thread.
func (s *State) touch(t *Thread) {
	if s.upd.head == t {
		return
	}
	s.unlinkLRU(t)
	s.pushFront(t)
}
