package state_test

import (
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/state"
)

// TestUnknownThread checks that an event of a thread the state does not
// know creates the entry libsinsp makes, counted once, and that an execve
// completes it.
func TestUnknownThread(t *testing.T) {
	s := base(t, state.Options{})
	s.Update(mk(t, tReadX, 10, 738, 64, raw("x"), 3, 64))
	th := s.Thread(738)
	if th == nil {
		t.Fatal("no entry for the unknown thread")
	}
	if th.Comm != "<NA>" || th.Exe != "<NA>" || th.PID != 738 || th.PTID != -1 || th.EUID != 0xffffffff ||
		th.Flags&state.Incomplete == 0 || th.Proc.Cwd != "" {
		t.Errorf("unknown thread entry = %+v", th)
	}
	s.Update(mk(t, tReadX, 11, 738, 64, raw("x"), 3, 64))
	if st := s.Stats(); st.ThreadMisses != 1 || st.FDMisses != 2 {
		t.Errorf("misses = %d threads %d fds, want 1 and 2", st.ThreadMisses, st.FDMisses)
	}
	s.Update(execveX(t, 12, 738, 738, 100, "curl", []string{"-6", "x"}, "curl"))
	th = s.Thread(738)
	if th.Comm != "curl" || th.PTID != 100 || th.Flags&state.Incomplete != 0 || th.VTID != -1 || th.VPID != -1 {
		t.Errorf("after execve: %+v", th)
	}
	// procexit of an unknown thread creates nothing.
	s.Update(mk(t, tProcExitE, 13, 739, 0, 0, 0, 0, 0))
	if s.Thread(739) != nil || s.Stats().ThreadMisses != 2 {
		t.Errorf("procexit of an unknown thread: entry %v, misses %d", s.Thread(739), s.Stats().ThreadMisses)
	}
	// Internal events (procinfo) only look threads up.
	s.Update(mk(t, tProcInfoE, 14, 740, uint64(1), uint64(2)))
	if s.Thread(740) != nil || s.Stats().ThreadMisses != 2 {
		t.Errorf("procinfo of an unknown thread: entry %v, misses %d", s.Thread(740), s.Stats().ThreadMisses)
	}
}

// TestOutOfOrder checks that timestamps going back are counted and do
// not stop the state.
func TestOutOfOrder(t *testing.T) {
	s := base(t, state.Options{})
	for _, ts := range []uint64{100, 200, 150, 300, 299, 299, 400} {
		s.Update(mk(t, tReadX, ts, 100, 1, raw("x"), 0, 1))
	}
	if got := s.Stats().OutOfOrder; got != 2 {
		t.Errorf("OutOfOrder = %d, want 2", got)
	}
	if got := s.Thread(100).LastTS; got != 400 {
		t.Errorf("LastTS = %d", got)
	}
}

// TestEviction fills a small table and checks that the least recently
// active threads leave first, and never the current one.
func TestEviction(t *testing.T) {
	s := base(t, state.Options{MaxThreads: 4}) // init (1) and bash (100)
	for i, tid := range []int64{201, 202} {
		s.Update(cloneX(t, uint64(10+i), 100, tid, 100, 1, "w", 0, 0))
	}
	// Activity order now, oldest first: 1, 201, 100 (the caller, active
	// before its child was added), 202. Make 1 recent.
	s.Update(mk(t, tReadX, 20, 1, 1, raw("x"), 0, 1))
	s.Update(mk(t, tReadX, 21, 900, 1, raw("x"), 0, 1)) // unknown: evicts 201
	s.Update(mk(t, tReadX, 22, 901, 1, raw("x"), 0, 1)) // evicts 100
	for tid, want := range map[int64]bool{1: true, 100: false, 201: false, 202: true, 900: true, 901: true} {
		if got := s.Thread(tid) != nil; got != want {
			t.Errorf("thread %d present = %v, want %v", tid, got, want)
		}
	}
	st := s.Stats()
	if st.Threads != 4 || st.ThreadsEvicted != 2 || st.ThreadMisses != 2 {
		t.Errorf("stats = %+v, want 4 threads, 2 evicted, 2 misses", st)
	}
	// A table of one thread cannot make room for a second: the new one
	// is dropped and counted.
	one := state.New(state.Options{MaxThreads: 1})
	one.Update(mk(t, tReadX, 1, 5, 1, raw("x"), 0, 1))
	one.Update(cloneX(t, 2, 5, 6, 5, 1, "x", 0, 0))
	if one.Thread(5) == nil || one.Thread(6) != nil || one.Stats().ThreadsEvicted != 1 {
		t.Errorf("table of one: 5 %v, 6 %v, %+v", one.Thread(5) != nil, one.Thread(6) != nil, one.Stats())
	}
}

// TestMaxFDs checks the per-process descriptor limit.
func TestMaxFDs(t *testing.T) {
	s := base(t, state.Options{MaxFDs: 4}) // bash has 0, 1, 2
	s.Update(mk(t, tOpenX, 10, 100, 3, "/a", 1, 0, 0, uint64(0)))
	s.Update(mk(t, tOpenX, 11, 100, 4, "/b", 1, 0, 0, uint64(0)))
	s.Update(mk(t, tOpenX, 12, 100, 3, "/c", 1, 0, 0, uint64(0))) // replaces fd 3
	if fdName(s, 100, 4) != "<closed>" || fdName(s, 100, 3) != "/c" || s.Stats().FDsDropped != 1 {
		t.Errorf("fd 3 %q, fd 4 %q, %+v", fdName(s, 100, 3), fdName(s, 100, 4), s.Stats())
	}
}

// TestShortAndMalformedEvents feeds events whose parameters are missing,
// empty or of the wrong size: nothing panics and nothing is made up.
func TestShortAndMalformedEvents(t *testing.T) {
	s := base(t, state.Options{})
	events := []*event.Event{
		mk(t, tCloneX, 10, 100),                                       // no parameters
		mk(t, tCloneX, 11, 100, 300),                                  // only the result
		mk(t, tCloneX, 12, 300, 0),                                    // child side, nothing else
		mk(t, tExecveX, 13, 100, 0),                                   // success, no details
		mk(t, tOpenX, 14, 100, 5),                                     // fd only
		mk(t, tOpenatX, 15, 100, 6, empty{}, empty{}),                 // empty dirfd and name
		mk(t, tConnectX, 16, 100, 0, raw{2, 1}, 5),                    // truncated tuple
		mk(t, tConnectX, 17, 100, 0, empty{}, 5, raw{10, 0, 1}),       // no tuple, truncated address
		mk(t, tBindX, 18, 100, 0, raw{}, 5),                           // empty address
		mk(t, tAcceptX, 19, 100, 7, raw{1, 2, 3}),                     // truncated unix tuple
		mk(t, tSendtoX, 20, 100, 1, raw("x"), 5, 1, raw{99}),          // unknown family
		mk(t, tDup2X, 21, 100, 9),                                     // no oldfd
		mk(t, tPipeX, 22, 100, 0, 10),                                 // one end
		mk(t, tChdirX, 23, 100, 0),                                    // no path
		mk(t, tFchdirX, 24, 100, 0, 99),                               // unknown fd
		mk(t, tSetuidX, 25, 100, 0),                                   // no uid
		mk(t, tProcExitE, 26, 300),                                    // no parameters
		mk(t, tContainerX, 27, -1),                                    // no JSON
		mk(t, tUserAddedE, 28, -1),                                    // nothing
		mk(t, tPidfdGetfdX, 29, 100, 11, 5, 0, 0),                     // fd 5 is not a pidfd
		mk(t, tReadX, 30, 100, 1, raw("x"), raw{1, 2, 3}, 1),          // fd of the wrong size
		mk(t, tSocketpairX, 31, 100, 0, 12, 12, uint64(0), uint64(0)), // equal ends
		mk(t, event.Type(453), 32, 100),                               // a type without parameters
		mk(t, event.Type(451), 33, 100),
	}
	for _, e := range events {
		s.Update(e)
	}
	if th := s.Thread(100); th.Comm != "bash" || th.Exe != "bash" || th.Proc.Cwd != "/home/u/" {
		t.Errorf("bash after malformed events: comm %q exe %q cwd %q", th.Comm, th.Exe, th.Proc.Cwd)
	}
	if got := fdName(s, 100, 5); got != "/home/u/<NA>" {
		t.Errorf("open without a name: fd 5 = %q, want the name libsinsp gives (<NA> in the cwd)", got)
	}
	if got := fdName(s, 100, 6); got != "<NA>" {
		t.Errorf("openat without dirfd and name: fd 6 = %q", got)
	}
	var zero event.Event
	s.Update(&zero)
	s.Update(nil)
}
