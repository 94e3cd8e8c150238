package state

import (
	"fmt"
	"strconv"

	"peregrine/internal/field"
)

// The process fields that look beyond the event's thread: its parent, its
// ancestors (proc.aname[N] and friends), its session and process group
// leaders, and the threads of its process.

// mainOf returns the main thread of t's process, nil when it is gone.
func (s *State) mainOf(t *Thread) *Thread {
	if t.IsMain() {
		return t
	}
	return s.threads[t.PID]
}

// parentOf returns the thread t's PTID names, nil when unknown.
func (s *State) parentOf(t *Thread) *Thread { return s.threads[t.PTID] }

// lineage walks the ancestors of a thread, parent first, as libsinsp's
// traverse_parent_state does: it stops at an unknown parent and, with a
// second pointer moving twice as fast, at a loop in the parent links (a
// corrupt or reused pid could make one), so a walk always ends.
type lineage struct {
	s          *State
	slow, fast *Thread
	started    bool
}

func (s *State) ancestors(t *Thread) lineage {
	l := lineage{s: s, slow: s.parentOf(t)}
	if l.slow != nil {
		l.fast = s.parentOf(l.slow)
	}
	return l
}

// next returns the next ancestor, nil at the end.
func (l *lineage) next() *Thread {
	if l.started && l.slow != nil {
		l.slow = l.s.parentOf(l.slow)
		for range 2 {
			if l.fast != nil {
				l.fast = l.s.parentOf(l.fast)
			}
			if l.slow != nil && (l.slow == l.fast || l.slow.TID == l.slow.PTID) {
				l.slow = nil
			}
		}
	}
	l.started = true
	if l.slow == nil || l.slow.TID == -1 {
		l.slow = nil
		return nil
	}
	return l.slow
}

// ancestor returns the thread n generations above t's main thread (n = 0
// is the main thread itself), nil when the chain breaks first.
func (s *State) ancestor(t *Thread, n int) *Thread {
	a := s.mainOf(t)
	for ; a != nil && n > 0; n-- {
		a = s.parentOf(a)
	}
	return a
}

// lineageBindings are the parent, ancestor, session and group fields.
var lineageBindings = map[string]bindFunc{
	"proc.ppid": threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		m := s.mainOf(t)
		if m == nil || !validXID(m.PTID) {
			return field.Value{}, false
		}
		return field.Int(m.PTID), true
	}),
	"proc.pname":    parentValue(func(_ *State, p *Thread) (field.Value, bool) { return str(p.Comm), true }),
	"proc.pexe":     parentValue(func(_ *State, p *Thread) (field.Value, bool) { return str(p.Exe), true }),
	"proc.pexepath": parentValue(func(_ *State, p *Thread) (field.Value, bool) { return str(p.ExePath), true }),
	"proc.pvpid":    parentValue(func(_ *State, p *Thread) (field.Value, bool) { return field.Int(p.VPID), p.VPID >= 0 }),
	"proc.ppid.ts":  parentValue(func(_ *State, p *Thread) (field.Value, bool) { return timeValue(startTS(p)), startTS(p) != 0 }),
	"proc.pcmdline": parentText(appendCmdline),
	"proc.ppid.duration": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			t, e := b.thread(), b.event()
			if t == nil || e == nil {
				return dst
			}
			p := b.s.parentOf(t)
			if p == nil {
				return dst
			}
			return appendSince(dst, e.Timestamp(), startTS(p))
		}
	}),
	"proc.aname":    ancestorField(func(a *Thread) string { return a.Comm }),
	"proc.aexe":     ancestorField(func(a *Thread) string { return a.Exe }),
	"proc.aexepath": ancestorField(func(a *Thread) string { return a.ExePath }),
	"proc.apid":     bindAncestorPID,
	"proc.acmdline": ancestorText(appendCmdline),
	"proc.aargs":    ancestorText(func(dst []byte, a *Thread) []byte { return appendJoined(dst, a.Args, ' ') }),
	"proc.aenv":     bindAncestorEnv,
	"proc.loginshellid": threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		m := s.mainOf(t)
		if m == nil {
			return field.Value{}, false
		}
		var shell *Thread
		if isShell(m.Comm) {
			shell = m
		}
		for l := s.ancestors(m); ; {
			a := l.next()
			if a == nil {
				break
			}
			if isShell(a.Comm) {
				shell = a
			}
		}
		if shell == nil {
			return field.Value{}, false
		}
		return field.Int(shell.PID), true
	}),
	"proc.sname":         leaderField(bySession, func(l *Thread) string { return l.Comm }),
	"proc.sid.exe":       leaderField(bySession, func(l *Thread) string { return l.Exe }),
	"proc.sid.exepath":   leaderField(bySession, func(l *Thread) string { return l.ExePath }),
	"proc.vpgid.name":    leaderField(byVPGID, func(l *Thread) string { return l.Comm }),
	"proc.vpgid.exe":     leaderField(byVPGID, func(l *Thread) string { return l.Exe }),
	"proc.vpgid.exepath": leaderField(byVPGID, func(l *Thread) string { return l.ExePath }),
	"proc.pgid.name":     leaderField(byPGID, func(l *Thread) string { return l.Comm }),
	"proc.pgid.exe":      leaderField(byPGID, func(l *Thread) string { return l.Exe }),
	"proc.pgid.exepath":  leaderField(byPGID, func(l *Thread) string { return l.ExePath }),
	"proc.nthreads": threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		if t.Proc == nil {
			return field.Value{}, false
		}
		return field.Uint(uint64(t.Proc.Threads)), true
	}),
	"proc.nchilds": threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		if t.Proc == nil {
			return field.Value{}, false
		}
		n := t.Proc.Threads
		if m := s.threads[t.PID]; m != nil && m.Flags&Exited == 0 && n > 0 {
			n--
		}
		return field.Uint(uint64(n)), true
	}),
}

// validXID reports whether a thread or process id is one libsinsp shows:
// -1 or a 32-bit id (some sources put other numbers there).
func validXID(id int64) bool { return id >= -1 && id <= 1<<32-1 }

// isShell reports whether a command name ends in "sh", libsinsp's test for
// a login shell.
func isShell(comm string) bool { return len(comm) >= 2 && comm[len(comm)-2:] == "sh" }

// threadValueOf is threadValue for functions that need the state.
func threadValueOf(fn func(s *State, t *Thread) (field.Value, bool)) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil {
				return dst
			}
			if v, ok := fn(b.s, t); ok {
				return append(dst, v)
			}
			return dst
		}
	})
}

// parentValue binds a field of the thread's parent (by its PTID).
func parentValue(fn func(s *State, p *Thread) (field.Value, bool)) bindFunc {
	return threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		p := s.parentOf(t)
		if p == nil {
			return field.Value{}, false
		}
		return fn(s, p)
	})
}

// parentText binds a text rendered from the thread's parent.
func parentText(render func(dst []byte, p *Thread) []byte) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 256)
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil {
				return dst
			}
			p := b.s.parentOf(t)
			if p == nil {
				return dst
			}
			buf = render(buf[:0], p)
			return append(dst, field.String(buf))
		}
	})
}

// ancestorIndex reads the generation argument of an ancestor field: -1
// for none (every ancestor).
func ancestorIndex(f *field.Field, arg field.Arg) (int, error) {
	if !arg.Present() {
		return -1, nil
	}
	n, err := arg.Index()
	if err != nil {
		return 0, fmt.Errorf("field %s: %w", f.Name, err)
	}
	return n, nil
}

// ancestorField binds a string field of an ancestor: with an index, of
// the ancestor that many generations above the process (0 is the process
// itself); without one, of every ancestor, parent first, for a check that
// holds when one of them passes (libsinsp's meaning in conditions). In an
// output libsinsp prints the process's own value for the form without an
// index; an extractor cannot tell the two uses apart, so an output shows
// the parent's (no upstream rule prints that form).
func ancestorField(get func(a *Thread) string) bindFunc {
	return func(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
		n, err := ancestorIndex(f, arg)
		if err != nil {
			return nil, err
		}
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil {
				return dst
			}
			if n >= 0 {
				if a := b.s.ancestor(t, n); a != nil {
					return append(dst, str(get(a)))
				}
				return dst
			}
			m := b.s.mainOf(t)
			if m == nil {
				return dst
			}
			for l := b.s.ancestors(m); ; {
				a := l.next()
				if a == nil {
					return dst
				}
				dst = append(dst, str(get(a)))
			}
		}, nil
	}
}

// bindAncestorPID binds proc.apid, proc.apid[N].
func bindAncestorPID(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	n, err := ancestorIndex(f, arg)
	if err != nil {
		return nil, err
	}
	return func(dst []field.Value) []field.Value {
		t := b.thread()
		if t == nil {
			return dst
		}
		if n >= 0 {
			if a := b.s.ancestor(t, n); a != nil && validXID(a.PID) {
				return append(dst, field.Int(a.PID))
			}
			return dst
		}
		m := b.s.mainOf(t)
		if m == nil {
			return dst
		}
		for l := b.s.ancestors(m); ; {
			a := l.next()
			if a == nil {
				return dst
			}
			dst = append(dst, field.Int(a.PID))
		}
	}, nil
}

// ancestorText binds a rendered text of an ancestor (proc.acmdline,
// proc.aargs), with or without index as ancestorField. Without an index
// every ancestor's text goes into the one buffer; the values are sliced
// from it once it is complete, so that growing it cannot leave a value
// pointing at old memory.
func ancestorText(render func(dst []byte, a *Thread) []byte) bindFunc {
	return func(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
		n, err := ancestorIndex(f, arg)
		if err != nil {
			return nil, err
		}
		buf := make([]byte, 0, 512)
		ends := make([]int, 0, 16)
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil {
				return dst
			}
			if n >= 0 {
				a := b.s.ancestor(t, n)
				if a == nil {
					return dst
				}
				buf = render(buf[:0], a)
				return append(dst, field.String(buf))
			}
			m := b.s.mainOf(t)
			if m == nil {
				return dst
			}
			buf, ends = buf[:0], ends[:0]
			for l := b.s.ancestors(m); ; {
				a := l.next()
				if a == nil {
					break
				}
				buf = render(buf, a)
				ends = append(ends, len(buf))
			}
			start := 0
			for _, end := range ends {
				dst = append(dst, field.String(buf[start:end:end]))
				start = end
			}
			return dst
		}, nil
	}
}

// maxEnvAncestors bounds the walk of proc.aenv[NAME], as in libsinsp.
const maxEnvAncestors = 20

// bindAncestorEnv binds proc.aenv: without an argument the environment of
// every ancestor (for a check on any of them); proc.aenv[N] the
// environment N generations up (0: the process); proc.aenv[NAME] the
// first non-empty value of NAME among the ancestors, parent first.
func bindAncestorEnv(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if arg.Present() {
		if n, err := strconv.Atoi(arg.Text); err != nil || n < 0 {
			return ancestorEnvVar(b, arg.Text), nil
		}
	}
	return ancestorText(func(dst []byte, a *Thread) []byte { return appendJoined(dst, b.s.envOf(a), ' ') })(b, f, arg)
}

func ancestorEnvVar(b *Binder, name string) field.Extractor {
	return func(dst []field.Value) []field.Value {
		t := b.thread()
		if t == nil {
			return dst
		}
		m := b.s.mainOf(t)
		if m == nil {
			return dst
		}
		v := ""
		for a, i := b.s.parentOf(m), 0; a != nil && i < maxEnvAncestors; a, i = b.s.parentOf(a), i+1 {
			if v = envValue(b.s.envOf(a), name); v != "" {
				break
			}
		}
		return append(dst, str(v))
	}
}

// Leader kinds: which id groups processes.
type leaderKind uint8

const (
	bySession leaderKind = iota
	byVPGID
	byPGID
)

// leader returns the leader of t's session or process group: the process
// whose pid is the id when the ids are host ids, else the eldest ancestor
// that shares the id (the leader may have exited, or the id may be one of
// a pid namespace). Unknown ids (-1) have no leader.
func (s *State) leader(t *Thread, kind leaderKind) *Thread {
	id := groupID(t, kind)
	if id < 0 {
		return nil
	}
	hostIDs := kind == byPGID || !(t.VTID >= 0 && t.VTID != t.TID)
	if hostIDs {
		if l := s.threads[id]; l != nil {
			return l
		}
	}
	l := t
	for it := s.ancestors(t); ; {
		a := it.next()
		if a == nil || groupID(a, kind) != id {
			return l
		}
		l = a
	}
}

func groupID(t *Thread, kind leaderKind) int64 {
	switch kind {
	case bySession:
		return t.SID
	case byVPGID:
		return t.VPGID
	}
	return t.PGID
}

// leaderField binds a string of the session or group leader.
func leaderField(kind leaderKind, get func(l *Thread) string) bindFunc {
	return threadValueOf(func(s *State, t *Thread) (field.Value, bool) {
		l := s.leader(t, kind)
		if l == nil {
			return field.Value{}, false
		}
		return str(get(l)), true
	})
}
