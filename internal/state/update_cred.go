package state

import (
	"peregrine/internal/event"
)

// Per-thread attributes that system calls change: working directory,
// credentials, capabilities, session, subreaper, descriptor limit and
// memory figures. Each follows the libsinsp parser of the same name.

// applyChdir handles chdir and fchdir: on success the process's working
// directory becomes the path (resolved against the old one) or the
// descriptor's name, with a trailing '/' as libsinsp keeps it.
func (s *State) applyChdir(e *event.Event, typ event.Type, t *Thread) {
	if res, ok := paramInt(e, 0); !ok || res < 0 {
		return
	}
	if typ == evFchdir {
		if s.cur.fd != nil {
			setCwd(s, t.Proc, s.cur.fd.Name)
		}
		return
	}
	if dir := paramStr(e, 1); dir != nil {
		setCwd(s, t.Proc, dir)
	}
}

// setCwd sets the working directory of p to dir resolved against the
// current one, ending with '/'.
func setCwd[S ~string | ~[]byte](s *State, p *Proc, dir S) {
	b := appendPath(s.upd.buf[:0], p.Cwd, dir)
	if len(b) == 0 || b[len(b)-1] != '/' {
		b = append(b, '/')
	}
	s.upd.buf = b
	setString(&p.Cwd, b)
}

// PPM_* values used below.
const (
	prSetName           = 15
	prSetChildSubreaper = 36
	prGetChildSubreaper = 37
	rlimitNoFile        = 7
)

// applyCredentials handles setuid, setgid and their setres and setre
// forms. libsinsp tracks one uid, the effective one (user.uid); the real
// one changes with setuid from root and with the forms that name it. An
// id of -1 leaves the value alone.
func (s *State) applyCredentials(e *event.Event, typ event.Type, t *Thread) {
	if res, ok := paramInt(e, 0); !ok || res != 0 {
		return
	}
	id := func(i int) (uint32, bool) {
		v, ok := paramUint(e, i)
		if !ok || uint32(v) == noID {
			return 0, false
		}
		return uint32(v), true
	}
	switch typ {
	case evSetuid:
		if uid, ok := id(1); ok {
			if t.EUID == 0 {
				t.UID = uid
			}
			t.EUID = uid
		}
	case evSetresuid, evSetreuid:
		if ruid, ok := id(1); ok {
			t.UID = ruid
		}
		if euid, ok := id(2); ok {
			t.EUID = euid
		}
	case evSetgid:
		if gid, ok := id(1); ok {
			t.GID = gid
		}
	case evSetresgid, evSetregid:
		if egid, ok := id(2); ok {
			t.GID = egid
		}
	}
}

// applyProcMisc handles prctl (the child subreaper attribute, and
// PR_SET_NAME, which renames the thread: proc.name then shows the new name,
// as ps does; libsinsp ignores it and keeps the name of the executed
// program, which hides a process that renames itself, e.g. a miner posing
// as "[kworker/0:1]"), capset, setsid and setpgid (which libsinsp does not
// follow either).
func (s *State) applyProcMisc(e *event.Event, typ event.Type, t *Thread) {
	res, ok := paramInt(e, 0)
	if !ok || res < 0 {
		return
	}
	switch typ {
	case evPrctl:
		opt, _ := paramUint(e, 1)
		if opt == prSetName {
			if name := paramStr(e, 2); len(name) > 0 && string(name) != t.Comm {
				t.Comm = string(name)
			}
			return
		}
		if opt != prSetChildSubreaper && opt != prGetChildSubreaper {
			return
		}
		if arg, ok := paramInt(e, 3); ok {
			if arg != 0 {
				t.Flags |= Reaper
			} else {
				t.Flags &^= Reaper
			}
		}
	case evCapset:
		if v, ok := paramUint(e, 1); ok {
			t.CapInheritable = v
		}
		if v, ok := paramUint(e, 2); ok {
			t.CapPermitted = v
		}
		if v, ok := paramUint(e, 3); ok {
			t.CapEffective = v
		}
	case evSetsid:
		t.SID = res
	}
}

// applyRlimit follows the descriptor limit (RLIMIT_NOFILE) of the
// process, kept on its main thread as libsinsp does.
func (s *State) applyRlimit(e *event.Event, typ event.Type, t *Thread) {
	res, ok := paramInt(e, 0)
	if !ok {
		return
	}
	var (
		target         = t
		resIdx, curIdx = 3, 1
	)
	if typ == evPrlimit {
		if res != 0 {
			return
		}
		resIdx = 6
		pid, ok := paramInt(e, 5)
		if !ok {
			return
		}
		if pid != 0 {
			if target = s.threads[pid]; target == nil {
				return
			}
		}
	} else if res < 0 {
		return
	}
	if r, ok := paramUint(e, resIdx); !ok || r != rlimitNoFile {
		return
	}
	cur, ok := paramInt(e, curIdx)
	if !ok || cur == -1 {
		return
	}
	if m := s.threads[target.PID]; m != nil {
		target = m
	}
	target.FDLimit = cur
}

// applyMemory takes the memory figures of brk, mmap, munmap and the
// scheduler's switch events.
func (s *State) applyMemory(e *event.Event, typ event.Type, t *Thread) {
	if typ == evSchedSwitch {
		if _, ok := paramUint(e, 5); !ok {
			return
		}
		t.PFMajor, _ = paramUint(e, 1)
		t.PFMinor, _ = paramUint(e, 2)
		m := t
		if x := s.threads[t.PID]; x != nil {
			m = x
		}
		size, _ := paramUint(e, 3)
		rss, _ := paramUint(e, 4)
		swap, _ := paramUint(e, 5)
		m.VMSizeKB, m.VMRSSKB, m.VMSwapKB = uint32(size), uint32(rss), uint32(swap)
		return
	}
	if size, ok := paramUint(e, 1); ok {
		t.VMSizeKB = uint32(size)
	}
	if swap, ok := paramUint(e, 3); ok {
		rss, _ := paramUint(e, 2)
		t.VMRSSKB, t.VMSwapKB = uint32(rss), uint32(swap)
	}
}
