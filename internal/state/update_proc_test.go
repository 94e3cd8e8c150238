package state_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/event"
	"peregrine/internal/state"
)

// procView is what the tests compare of a thread.
type procView struct {
	TID, PID, PTID int64
	Comm, Exe      string
	ExePath        string
	Args           []string
	Cwd            string
	UID, EUID      uint32
	GID            uint32
	LoginUID       uint32
	Container      string
	Flags          state.ThreadFlags
	FDs            map[int64]string
}

func view(s *state.State, tid int64) *procView {
	t := s.Thread(tid)
	if t == nil {
		return nil
	}
	v := &procView{TID: t.TID, PID: t.PID, PTID: t.PTID, Comm: t.Comm, Exe: t.Exe, ExePath: t.ExePath,
		Args: t.Args, Cwd: t.Proc.Cwd, UID: t.UID, EUID: t.EUID, GID: t.GID, LoginUID: t.LoginUID,
		Container: t.Container, Flags: t.Flags, FDs: map[int64]string{}}
	t.Proc.FDs.Each(func(fd *state.FD) bool {
		v.FDs[fd.Num] = fd.Name
		return true
	})
	return v
}

var ptys = map[int64]string{0: "/dev/pts/0", 1: "/dev/pts/0", 2: "/dev/pts/0"}

// TestForkExecOpenClose follows a shell forking a child that execs a
// program, which opens, moves and closes files and exits.
func TestForkExecOpenClose(t *testing.T) {
	s := base(t, state.Options{})
	steps := []struct {
		name string
		ev   *event.Event
		// after the event: the current thread and descriptor name, and
		// the views of threads.
		curTID int64
		curFD  string
		want   map[int64]*procView
	}{
		{
			name:   "fork in the caller creates the child",
			ev:     cloneX(t, 10, 100, 200, 100, 1, "bash", 0, 1000),
			curTID: 100, curFD: "-",
			want: map[int64]*procView{200: {TID: 200, PID: 200, PTID: 100, Comm: "bash", Exe: "/bin/bash",
				ExePath: "/bin/bash", Args: []string{"-c", "x"}, Cwd: "/home/u/", UID: 1000, EUID: 1000, GID: 1000,
				LoginUID: event.NoLoginUID, FDs: ptys}},
		},
		{
			name:   "the child's own clone exit changes nothing",
			ev:     cloneX(t, 11, 200, 0, 200, 100, "bash", 0, 1000),
			curTID: 200, curFD: "-",
			want: map[int64]*procView{200: {TID: 200, PID: 200, PTID: 100, Comm: "bash", Exe: "/bin/bash",
				ExePath: "/bin/bash", Args: []string{"-c", "x"}, Cwd: "/home/u/", UID: 1000, EUID: 1000, GID: 1000,
				LoginUID: event.NoLoginUID, FDs: ptys}},
		},
		{
			name:   "execve replaces the program",
			ev:     execveX(t, 12, 200, 200, 100, "cat", []string{"notes.txt"}, "cat"),
			curTID: 200, curFD: "-",
			want: map[int64]*procView{200: {TID: 200, PID: 200, PTID: 100, Comm: "cat", Exe: "cat",
				ExePath: "/usr/bin/cat", Args: []string{"notes.txt"}, Cwd: "/home/u/", UID: 1000, EUID: 1000, GID: 1000,
				LoginUID: 1000, Flags: state.ExeWritable, FDs: ptys}},
		},
		{
			name:   "open of a relative path resolves against the cwd",
			ev:     mk(t, tOpenX, 13, 200, 3, "notes.txt", 1, 0, 0x801, uint64(42)),
			curTID: 200, curFD: "/home/u/notes.txt",
		},
		{
			name:   "chdir moves the process",
			ev:     mk(t, tChdirX, 14, 200, 0, "../../tmp/./work/"),
			curTID: 200, curFD: "-",
		},
		{
			name:   "openat AT_FDCWD follows the new cwd",
			ev:     mk(t, tOpenatX, 15, 200, 4, -100, "out//x.log", 0x106, 0644, 0x801, uint64(43)),
			curTID: 200, curFD: "/tmp/work/out/x.log",
		},
		{
			name:   "openat relative to a directory descriptor",
			ev:     mk(t, tOpenatX, 16, 200, 5, 4, "y", 1, 0, 0x801, uint64(44)),
			curTID: 200, curFD: "/tmp/work/out/x.log/y",
		},
		{
			name:   "close shows the descriptor during its event",
			ev:     mk(t, tCloseX, 17, 200, 0, 3),
			curTID: 200, curFD: "/home/u/notes.txt",
			want: map[int64]*procView{200: {TID: 200, PID: 200, PTID: 100, Comm: "cat", Exe: "cat",
				ExePath: "/usr/bin/cat", Args: []string{"notes.txt"}, Cwd: "/tmp/work/", UID: 1000, EUID: 1000, GID: 1000,
				LoginUID: 1000, Flags: state.ExeWritable,
				FDs: map[int64]string{0: "/dev/pts/0", 1: "/dev/pts/0", 2: "/dev/pts/0", 3: "/home/u/notes.txt",
					4: "/tmp/work/out/x.log", 5: "/tmp/work/out/x.log/y"}}},
		},
		{
			name:   "and removes it at the next event",
			ev:     mk(t, tReadX, 18, 200, 10, raw("0123456789"), 3, 10),
			curTID: 200, curFD: "-",
			want: map[int64]*procView{200: {TID: 200, PID: 200, PTID: 100, Comm: "cat", Exe: "cat",
				ExePath: "/usr/bin/cat", Args: []string{"notes.txt"}, Cwd: "/tmp/work/", UID: 1000, EUID: 1000, GID: 1000,
				LoginUID: 1000, Flags: state.ExeWritable,
				FDs: map[int64]string{0: "/dev/pts/0", 1: "/dev/pts/0", 2: "/dev/pts/0",
					4: "/tmp/work/out/x.log", 5: "/tmp/work/out/x.log/y"}}},
		},
		{
			name:   "procexit keeps the thread during its event",
			ev:     mk(t, tProcExitE, 19, 200, 0, 0, 0, 0, 100),
			curTID: 200, curFD: "-",
		},
		{
			name:   "and the next event removes it",
			ev:     mk(t, tReadX, 20, 100, 1, raw("x"), 0, 1),
			curTID: 100, curFD: "/dev/pts/0",
			want: map[int64]*procView{200: nil},
		},
	}
	for _, st := range steps {
		s.Update(st.ev)
		tid, fd := current(s)
		if tid != st.curTID || fd != st.curFD {
			t.Errorf("%s: current thread %d fd %q, want %d %q", st.name, tid, fd, st.curTID, st.curFD)
		}
		for id, want := range st.want {
			if diff := cmp.Diff(want, view(s, id), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: thread %d (-want +got):\n%s", st.name, id, diff)
			}
		}
	}
	want := state.Stats{Events: 11, Threads: 2, ThreadsAdded: 3, ThreadsRemoved: 1, FDsAdded: 3 + 3 + 3,
		FDsRemoved: 1 + 5, FDs: 3, FDMisses: 1 /* the read of the closed fd 3 */}
	if diff := cmp.Diff(want, s.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

// TestThreads follows a process with a second thread: the thread shares
// the descriptors and the directory; the main thread that exits first
// stays until the last thread goes.
func TestThreads(t *testing.T) {
	s := base(t, state.Options{})
	const clThread, clFiles = 1 << 13, 1 << 0
	for _, e := range []*event.Event{
		cloneX(t, 10, 100, 101, 100, 1, "bash", clThread|clFiles, 0),
		mk(t, tOpenX, 11, 101, 7, "/etc/hosts", 1, 0, 0, uint64(0)),
	} {
		s.Update(e)
	}
	th := s.Thread(101)
	if th == nil || th.PID != 100 || th.PTID != 1 || th.Proc != s.Thread(100).Proc {
		t.Fatalf("thread 101 = %+v, want pid 100, ptid 1 and the process of 100", th)
	}
	if got := fdName(s, 100, 7); got != "/etc/hosts" {
		t.Errorf("fd 7 of the main thread = %q", got)
	}
	s.Update(mk(t, tProcExitE, 12, 100, 0, 0, 0, 0, 0))
	s.Update(mk(t, tReadX, 13, 101, 1, raw("x"), 7, 1))
	if m := s.Thread(100); m == nil || m.Flags&state.Exited == 0 {
		t.Fatalf("exited main thread = %+v, want kept while 101 lives", m)
	}
	if got := fdName(s, 101, 7); got != "/etc/hosts" {
		t.Errorf("fd 7 after the main thread's exit = %q", got)
	}
	s.Update(mk(t, tProcExitE, 14, 101, 0, 0, 0, 0, 0))
	s.Update(mk(t, tReadX, 15, 1, 1, raw("x"), 0, 1))
	if s.Thread(100) != nil || s.Thread(101) != nil {
		t.Errorf("threads 100 and 101 still there after both exits")
	}
	st := s.Stats()
	if st.Threads != 1 || st.ThreadsRemoved != 2 || st.FDs != 0 {
		t.Errorf("stats = %+v, want 1 thread, 2 removed, no descriptors", st)
	}
}

// TestCloneOrder covers the child's clone exit coming first, a vfork (the
// child creates itself), and pid reuse from both sides.
func TestCloneOrder(t *testing.T) {
	tests := []struct {
		name     string
		events   func(t *testing.T) []*event.Event
		tid      int64
		wantComm string
		wantPTID int64
		replaced uint64
		added    uint64
	}{
		{
			name: "child first, caller later",
			events: func(t *testing.T) []*event.Event {
				return []*event.Event{
					cloneX(t, 10, 200, 0, 200, 100, "bash", 0, 0),
					cloneX(t, 11, 100, 200, 100, 1, "bash", 0, 0),
				}
			},
			tid: 200, wantComm: "bash", wantPTID: 100, added: 1,
		},
		{
			name: "vfork: only the child's exit creates it",
			events: func(t *testing.T) []*event.Event {
				return []*event.Event{
					mk(t, tVforkX, 10, 100, 200, "/bin/bash", nul(), 100, 100, 1, "/", int64(1), uint64(0), uint64(0),
						0, 0, 0, "bash", nul(), 1<<27, 0, 0, 100, 100, uint64(0)),
					mk(t, tVforkX, 11, 200, 0, "/bin/bash", nul(), 200, 200, 100, "/", int64(1), uint64(0), uint64(0),
						0, 0, 0, "bash", nul(), 1<<27, 0, 0, 200, 200, uint64(0)),
				}
			},
			tid: 200, wantComm: "bash", wantPTID: 100, added: 1,
		},
		{
			name: "pid reuse: the caller replaces a stale thread",
			events: func(t *testing.T) []*event.Event {
				return []*event.Event{
					cloneX(t, 10, 100, 300, 100, 1, "old", 0, 0),
					cloneX(t, 20, 100, 300, 100, 1, "new", 0, 0),
				}
			},
			tid: 300, wantComm: "new", wantPTID: 100, replaced: 1, added: 2,
		},
		{
			name: "pid reuse: the child replaces an entry older than 2s",
			events: func(t *testing.T) []*event.Event {
				return []*event.Event{
					cloneX(t, 10, 100, 300, 100, 1, "old", 0, 0),
					cloneX(t, 5_000_000_000, 300, 0, 300, 1, "new", 0, 0),
				}
			},
			tid: 300, wantComm: "new", wantPTID: 1, replaced: 1, added: 2,
		},
		{
			name: "pid reuse of a thread of the process list, child side",
			events: func(t *testing.T) []*event.Event {
				return []*event.Event{cloneX(t, 10, 100, 0, 100, 1, "sshd", 0, 0)}
			},
			tid: 100, wantComm: "sshd", wantPTID: 1, replaced: 1, added: 1,
		},
		{
			name: "pid reuse of a thread of the process list",
			events: func(t *testing.T) []*event.Event {
				return []*event.Event{cloneX(t, 10, 1, 100, 1, 0, "sshd", 0, 0)}
			},
			tid: 100, wantComm: "sshd", wantPTID: 1, replaced: 1, added: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base(t, state.Options{})
			before := s.Stats()
			for _, e := range tc.events(t) {
				s.Update(e)
			}
			th := s.Thread(tc.tid)
			if th == nil || th.Comm != tc.wantComm || th.PTID != tc.wantPTID {
				t.Fatalf("thread %d = %+v, want comm %q ptid %d", tc.tid, th, tc.wantComm, tc.wantPTID)
			}
			st := s.Stats()
			if st.ThreadsReplaced != tc.replaced || st.ThreadsAdded-before.ThreadsAdded != tc.added {
				t.Errorf("replaced %d added %d, want %d %d", st.ThreadsReplaced, st.ThreadsAdded-before.ThreadsAdded, tc.replaced, tc.added)
			}
		})
	}
}

// TestCredentials covers setuid, setresuid, capset, setsid and the
// subreaper flag.
func TestCredentials(t *testing.T) {
	s := base(t, state.Options{})
	s.Update(cloneX(t, 10, 100, 200, 100, 1, "su", 0, 0))
	tests := []struct {
		name string
		ev   *event.Event
		uid  uint32
		euid uint32
	}{
		{"setuid from root sets both", mk(t, tSetuidX, 11, 200, 0, 1000), 1000, 1000},
		{"failed setresuid changes nothing", mk(t, tSetresuidX, 12, 200, -1, 0, 0, 0), 1000, 1000},
		{"setresuid -1 keeps a value", mk(t, tSetresuidX, 13, 200, 0, -1, 2000, -1), 1000, 2000},
		{"setuid as non-root sets the effective uid", mk(t, tSetuidX, 14, 200, 0, 33), 1000, 33},
	}
	for _, tc := range tests {
		s.Update(tc.ev)
		th := s.Thread(200)
		if th.UID != tc.uid || th.EUID != tc.euid {
			t.Errorf("%s: uid %d euid %d, want %d %d", tc.name, th.UID, th.EUID, tc.uid, tc.euid)
		}
	}
	s.Update(mk(t, tCapsetX, 20, 200, 0, uint64(1), uint64(2), uint64(3)))
	s.Update(mk(t, tSetsidX, 21, 200, 200))
	s.Update(mk(t, tPrctlX, 22, 200, 0, 36, empty{}, int64(1)))
	s.Update(mk(t, tPrctlX, 23, 200, 0, 15, "renamed", int64(0)))
	th := s.Thread(200)
	if th.CapInheritable != 1 || th.CapPermitted != 2 || th.CapEffective != 3 || th.SID != 200 ||
		th.Flags&state.Reaper == 0 || th.Comm != "renamed" {
		t.Errorf("after capset, setsid, prctl: %+v", th)
	}
	// A failed PR_SET_NAME, or one without a name, renames nothing.
	s.Update(mk(t, tPrctlX, 24, 200, -22, 15, "other", int64(0)))
	s.Update(mk(t, tPrctlX, 25, 200, 0, 15, empty{}, int64(0)))
	if th := s.Thread(200); th.Comm != "renamed" {
		t.Errorf("comm %q after a failed rename", th.Comm)
	}
}

// TestExitReparent checks who adopts the children of an exiting process.
func TestExitReparent(t *testing.T) {
	tests := []struct {
		name       string
		reaper     int64 // reaper_tid of the procexit
		subreaper  bool  // 100 makes itself a subreaper
		wantParent int64
	}{
		{"the reaper the event names", 1, false, 1},
		{"no reaper named: the nearest subreaper", 0, true, 100},
		{"no reaper named, no subreaper: init", 0, false, 1},
		{"a reaper the table lacks is ignored", 4242, true, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base(t, state.Options{})
			if tc.subreaper {
				s.Update(mk(t, tPrctlX, 9, 100, 0, 36, empty{}, int64(1)))
			}
			s.Update(cloneX(t, 10, 100, 200, 100, 1, "bash", 0, 0))
			s.Update(cloneX(t, 11, 200, 300, 200, 100, "bash", 0, 0))
			s.Update(cloneX(t, 12, 200, 301, 200, 100, "bash", 0, 0))
			s.Update(mk(t, tProcExitE, 13, 200, 0, 0, 0, 0, tc.reaper))
			s.Update(mk(t, tReadX, 14, 300, 1, raw("x"), 0, 1))
			if s.Thread(200) != nil {
				t.Fatal("exited thread 200 still in the table")
			}
			for _, c := range []int64{300, 301} {
				if got := s.Thread(c).PTID; got != tc.wantParent {
					t.Errorf("parent of %d = %d, want %d", c, got, tc.wantParent)
				}
			}
		})
	}
}

// TestExecveParent checks the parent an execve names against the table's:
// the kernel's word wins when the table has that parent alive in another
// process, and not when it names a thread the table lacks or a sibling
// thread of the same parent.
func TestExecveParent(t *testing.T) {
	tests := []struct {
		name       string
		ptid       int64 // parent the execve names
		wantParent int64
	}{
		{"a live parent the table knows", 100, 100},
		{"a parent the table lacks (it exited meanwhile)", 4242, 1},
		{"another thread of the current parent's process", 1001, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base(t, state.Options{})
			s.Update(cloneX(t, 9, 1, 1001, 1, 0, "systemd", 0x2000, 0)) // a thread of init (PPM CLONE_THREAD)
			s.Update(cloneX(t, 10, 100, 200, 100, 1, "bash", 0, 0))
			s.Update(cloneX(t, 11, 200, 300, 200, 100, "bash", 0, 0))
			// 200 exits naming no reaper: the table, knowing no
			// subreaper, gives 300 to init.
			s.Update(mk(t, tProcExitE, 12, 200, 0, 0, 0, 0, int64(0)))
			s.Update(mk(t, tReadX, 12, 300, 1, raw("x"), 0, 1)) // (the exit applies at the next event)
			if got := s.Thread(300).PTID; got != 1 {
				t.Fatalf("parent after the exit = %d, want 1", got)
			}
			s.Update(execveX(t, 13, 300, 300, tc.ptid, "/bin/sh", []string{"-c", "x"}, "sh"))
			if got := s.Thread(300).PTID; got != tc.wantParent {
				t.Errorf("parent after the execve = %d, want %d", got, tc.wantParent)
			}
		})
	}
}
