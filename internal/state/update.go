package state

import (
	"peregrine/internal/event"
)

// Event types the update engine acts on (PPME_* numbers; upstream never
// renumbers them). Exit types unless named E.
const (
	evOpenE          event.Type = 2
	evOpen           event.Type = 3
	evClose          event.Type = 5
	evSocket         event.Type = 19
	evBind           event.Type = 21
	evConnectE       event.Type = 22
	evConnect        event.Type = 23
	evSendto         event.Type = 31
	evRecvfrom       event.Type = 35
	evSocketpair     event.Type = 43
	evSendmsg        event.Type = 49
	evRecvmsg        event.Type = 53
	evCreat          event.Type = 59
	evPipe           event.Type = 61
	evEventfd        event.Type = 63
	evChdir          event.Type = 95
	evFchdir         event.Type = 97
	evSignalfd       event.Type = 127
	evTimerfdCreate  event.Type = 137
	evInotifyInit    event.Type = 139
	evGetrlimit      event.Type = 141
	evSetrlimit      event.Type = 143
	evPrlimit        event.Type = 145
	evFcntl          event.Type = 151
	evSchedSwitch    event.Type = 152
	evBrk            event.Type = 159
	evMmap           event.Type = 161
	evMmap2          event.Type = 163
	evMunmap         event.Type = 165
	evProcExit       event.Type = 186
	evSetresuid      event.Type = 193
	evSetresgid      event.Type = 195
	evSetuid         event.Type = 199
	evSetgid         event.Type = 201
	evClone          event.Type = 223
	evFork           event.Type = 225
	evVfork          event.Type = 227
	evContainer      event.Type = 228
	evAccept         event.Type = 247
	evContainerJSON  event.Type = 272
	evSetsid         event.Type = 275
	evExecve         event.Type = 293
	evSetpgid        event.Type = 295
	evOpenat         event.Type = 307
	evUserfaultfd    event.Type = 321
	evContainerJSON2 event.Type = 324
	evOpenat2        event.Type = 327
	evExecveat       event.Type = 331
	evClone3         event.Type = 335
	evOpenByHandleAt event.Type = 337
	evIOUringSetup   event.Type = 339
	evCapset         event.Type = 353
	evUserAdded      event.Type = 354
	evUserDeleted    event.Type = 356
	evGroupAdded     event.Type = 358
	evGroupDeleted   event.Type = 360
	evDup2           event.Type = 363
	evDup3           event.Type = 365
	evDup            event.Type = 367
	evBPF            event.Type = 369
	evEpollCreate    event.Type = 375
	evEpollCreate1   event.Type = 377
	evAccept4        event.Type = 389
	evPipe2          event.Type = 393
	evInotifyInit1   event.Type = 395
	evEventfd2       event.Type = 397
	evSignalfd4      event.Type = 399
	evPrctl          event.Type = 401
	evMemfdCreate    event.Type = 405
	evPidfdGetfd     event.Type = 407
	evPidfdOpen      event.Type = 409
	evSetreuid       event.Type = 427
	evSetregid       event.Type = 429
)

// updater is the bookkeeping of State.Update: work deferred to the next
// event, free lists, the recency list of the thread table and scratch
// space. Its zero value is ready once prepare has run.
type updater struct {
	ready   bool
	started bool   // an event was applied: the capture's start is known
	lastTS  uint64 // the timestamp of the previous event

	// fdParam[t] is the index of the parameter naming the descriptor an
	// event of type t acts on, -1 for none.
	fdParam []int8

	// Work left for the next event: libsinsp keeps a closed descriptor
	// and an exited thread until the event that closed them has been
	// seen by the rules.
	closing   bool
	closeProc *Proc
	closeNum  int64
	closeFD   *FD
	exiting   bool
	exitTID   int64
	exitReap  int64 // reaper_tid of the procexit event, 0 when unknown
	renamed   *FD   // descriptor whose NameChanged flag is to be cleared

	// Recency list of the thread table, most recently active first.
	head, tail *Thread

	// children counts, by tid, the threads of the table whose parent it
	// is (whether the parent is in the table or not).
	children map[int64]int32

	// Structures of removed threads and closed descriptors, reused.
	freeThreads []*Thread
	freeProcs   []*Proc
	freeFDs     []*FD

	// synth is the thread of container events, as libsinsp makes one for
	// them (tid -1, named after the container), with an empty process.
	synth     Thread
	synthProc Proc

	buf []byte // scratch for names

	// names interns descriptor names, so that a path opened again and
	// again is one string; seenJSON maps container JSON already applied
	// to its container. Both are bounded (internMax).
	names    map[string]string
	seenJSON map[string]string
}

// internMax bounds the intern tables; a full table starts over.
const internMax = 4096

// intern returns b as a string, shared with earlier equal names.
func (s *State) intern(b []byte) string {
	u := &s.upd
	if str, ok := u.names[string(b)]; ok {
		return str
	}
	if u.names == nil || len(u.names) >= internMax {
		u.names = make(map[string]string, 256)
	}
	str := string(b)
	u.names[str] = str
	return str
}

// freeListMax bounds each free list.
const freeListMax = 1024

// prepare fills the per-type tables on first use.
func (s *State) prepare() {
	u := &s.upd
	u.fdParam = make([]int8, event.NumTypes())
	for t := range u.fdParam {
		u.fdParam[t] = fdParamIndex(event.Type(t))
	}
	u.synthProc.FDs = NewFDTable()
	if u.children == nil {
		u.children = map[int64]int32{}
	}
	u.ready = true
}

// fdParamIndex returns the parameter of events of type t that names the
// descriptor they act on (libsinsp's lastevent fd), or -1: the "fd"
// parameter, else the one of the few events that name it otherwise
// (splice and sendfile act on their output, dup on the old descriptor),
// else the first descriptor parameter that is not the return value.
func fdParamIndex(t event.Type) int8 {
	info := t.Info()
	if info == nil || info.Flags&event.UsesFD == 0 {
		return -1
	}
	for _, name := range [...]string{"fd", "fd_out", "out_fd", "fdout", "oldfd"} {
		if i := info.ParamIndex(name); i >= 0 && info.Params[i].Type == event.PTFD {
			return int8(i)
		}
	}
	for i := range info.Params {
		if info.Params[i].Type == event.PTFD && (t.Dir() == event.Enter || i > 0) {
			return int8(i)
		}
	}
	return -1
}

// Update applies event e to the state. It first finishes what the
// previous event left pending (a descriptor it closed, a thread that
// exited), then makes e current: its thread, and the descriptor it acts on
// ([State.Current]). Then it applies the change e describes.
//
// Events are expected as [scap.Source] delivers them: exit events that
// carry their enter parameters, and the few enter events the normaliser
// passes on. An event of a thread the state does not know creates an
// [Incomplete] entry for it, as libsinsp does (counted in
// Stats.ThreadMisses); a descriptor it does not know is counted in
// Stats.FDMisses and left unknown. A failed system call changes nothing
// but is still current. Missing or malformed parameters count as unknown;
// Update never panics on event content.
//
// Update does not allocate for events that change no state; events that
// create threads or descriptors reuse the structures of removed ones.
// Pointers the state hands out (threads, descriptors) are valid until the
// next Update.
func (s *State) Update(e *event.Event) {
	u := &s.upd
	if !u.ready {
		s.prepare()
	}
	s.finishPrevious()
	s.stats.Events++
	s.cur = current{ev: e}
	if e == nil || !e.Loaded() {
		return
	}
	ts := e.Timestamp()
	if !u.started {
		u.started = true
		s.stampStart(ts)
	}
	if ts < u.lastTS {
		s.stats.OutOfOrder++
	}
	u.lastTS = ts
	typ := e.Type()
	info := typ.Info()
	if info == nil {
		// A type this build does not know: only its thread is known.
		s.cur.thread = s.threads[e.TID()]
		return
	}
	switch typ {
	case evContainer, evContainerJSON, evContainerJSON2:
		s.applyContainer(e, typ)
		return
	case evUserAdded, evUserDeleted, evGroupAdded, evGroupDeleted:
		s.applyAccount(e, typ)
		return
	case evClone, evFork, evVfork, evClone3:
		s.applyClone(e, typ)
		return
	}
	t := s.eventThread(e, typ, info)
	if t == nil {
		return
	}
	s.cur.thread = t
	t.LastTS = ts
	s.touch(t)
	if info.Flags&event.UsesFD != 0 {
		s.lookupFD(e, typ, t)
	}
	s.apply(e, typ, t)
}

// eventThread returns the thread of e. For most events an unknown thread
// gets an Incomplete entry (libsinsp looks it up in /proc and, reading a
// capture, makes such an entry); events that only look threads up
// (procexit, scheduler and internal events) do not create one.
func (s *State) eventThread(e *event.Event, typ event.Type, info *event.Info) *Thread {
	tid := e.TID()
	if t := s.threads[tid]; t != nil {
		return t
	}
	if info.Flags&event.SkipParseReset != 0 || typ == evSchedSwitch {
		return nil
	}
	s.stats.ThreadMisses++
	if typ == evProcExit || tid < 0 {
		return nil
	}
	return s.addIncomplete(tid)
}

// lookupFD makes the descriptor e acts on current.
func (s *State) lookupFD(e *event.Event, typ event.Type, t *Thread) {
	i := s.upd.fdParam[typ]
	if i < 0 {
		return
	}
	n, ok := paramInt(e, int(i))
	if !ok {
		return
	}
	s.cur.fdNum, s.cur.hasFD = n, true
	if n < 0 {
		return
	}
	if fd := t.Proc.FDs.Get(n); fd != nil {
		s.cur.fd = fd
		return
	}
	// A failed close of an unknown descriptor is the normal EBADF, not
	// a gap in the state (libsinsp does not count it either).
	if typ == evClose {
		if res, ok := paramInt(e, 0); ok && res < 0 {
			return
		}
	}
	s.stats.FDMisses++
}

// apply dispatches e to the handler of its type.
func (s *State) apply(e *event.Event, typ event.Type, t *Thread) {
	switch typ {
	case evExecve, evExecveat:
		s.applyExecve(e, t)
	case evProcExit:
		s.applyProcExit(e, t)
	case evChdir, evFchdir:
		s.applyChdir(e, typ, t)
	case evSetuid, evSetgid, evSetresuid, evSetresgid, evSetreuid, evSetregid:
		s.applyCredentials(e, typ, t)
	case evPrctl, evCapset, evSetsid, evSetpgid:
		s.applyProcMisc(e, typ, t)
	case evGetrlimit, evSetrlimit, evPrlimit:
		s.applyRlimit(e, typ, t)
	case evBrk, evMmap, evMmap2, evMunmap, evSchedSwitch:
		s.applyMemory(e, typ, t)
	case evOpen, evCreat, evOpenat, evOpenat2, evOpenByHandleAt:
		s.applyOpen(e, typ, t)
	case evClose:
		s.applyClose(e, t)
	case evDup, evDup2, evDup3, evFcntl:
		s.applyDup(e, typ, t)
	case evPipe, evPipe2:
		s.applyPipe(e, typ, t)
	case evEventfd, evEventfd2, evSignalfd, evSignalfd4, evTimerfdCreate, evInotifyInit,
		evInotifyInit1, evEpollCreate, evEpollCreate1, evUserfaultfd, evIOUringSetup, evBPF:
		s.applySimpleFD(e, typ, t)
	case evMemfdCreate, evPidfdOpen, evPidfdGetfd:
		s.applyNamedFD(e, typ, t)
	case evSocket:
		s.applySocket(e, t)
	case evSocketpair:
		s.applySocketpair(e, t)
	case evBind:
		s.applyBind(e, t)
	case evConnect:
		s.applyConnect(e, t)
	case evAccept, evAccept4:
		s.applyAccept(e, t)
	case evSendto, evSendmsg, evRecvfrom, evRecvmsg:
		s.applyDatagram(e, typ, t)
	}
}

// finishPrevious completes what the previous event deferred: the removal
// of the descriptor it closed and of the thread that exited, and the
// end of its fd.name_changed.
func (s *State) finishPrevious() {
	u := &s.upd
	if u.renamed != nil {
		u.renamed.Flags &^= NameChanged
		u.renamed = nil
	}
	if u.closing {
		u.closing = false
		p := u.closeProc
		if p.refs > 0 && p.FDs.Get(u.closeNum) == u.closeFD {
			s.dropFD(p, u.closeNum)
		}
		u.closeProc, u.closeFD = nil, nil
	}
	if u.exiting {
		u.exiting = false
		if t := s.threads[u.exitTID]; t != nil && t.Flags&Exited != 0 {
			s.removeThread(t, u.exitReap, removeExited)
		}
	}
}

// stampStart gives the threads of the process list, whose start the
// capture does not record, the time of its first event.
func (s *State) stampStart(ts uint64) {
	for _, t := range s.threads {
		if t.Flags&FromProcList != 0 && t.CloneTS == 0 {
			t.CloneTS = ts
		}
	}
}

// markRenamed sets fd.name_changed on fd for the current event.
func (s *State) markRenamed(fd *FD) {
	fd.Flags |= NameChanged
	s.upd.renamed = fd
}
