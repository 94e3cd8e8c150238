package capture_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"peregrine/internal/capture"
	"peregrine/internal/event"
	"peregrine/internal/state"
	"peregrine/internal/testenv"
)

// Live events fed to the state engine, after a /proc snapshot: the state
// knows a shell the test starts, its program, arguments, working
// directory, and the file it opened on descriptor 3, and then the cat it
// runs (a child of the shell).
func TestStateFromLiveEvents(t *testing.T) {
	testenv.Root(t)
	c, err := capture.Open(capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	snap, err := capture.TakeSnapshot(capture.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := state.Bootstrap{Machine: &snap.Machine, Procs: snap.Procs, Users: snap.Users, Groups: snap.Groups}
	for _, l := range snap.FDs {
		b.FDs = append(b.FDs, state.ThreadFDs{TID: l.TID, FDs: l.FDs})
	}
	s := state.New(state.Options{})
	s.Bootstrap(b)

	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "watched.txt")
	if err := os.WriteFile(file, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The shell opens the file on fd 3, then waits on a fifo so that it is
	// alive while the test looks at the state; cat runs as its child.
	fifo := filepath.Join(dir, "go")
	if err := exec.Command("mkfifo", fifo).Run(); err != nil {
		t.Fatal(err)
	}
	sh := exec.Command("/bin/sh", "-c", "exec 3<"+file+"; /bin/cat "+file+" >/dev/null; read x <"+fifo)
	sh.Dir = dir
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		os.WriteFile(fifo, []byte("go\n"), 0)
		sh.Wait()
	}()
	pid := int64(sh.Process.Pid)

	var catPID int64
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		e, err := c.Next()
		if err != nil {
			t.Fatal(err)
		}
		s.Update(e)
		if e.Type() == 293 && catPID == 0 {
			if th := s.Thread(e.TID()); th != nil && th.Comm == "cat" && th.PTID == pid {
				catPID = th.TID
			}
		}
		if catPID != 0 && e.Type() == 186 && e.TID() == catPID {
			break
		}
	}
	if catPID == 0 {
		t.Fatalf("no execve of cat by the shell %d seen", pid)
	}
	th := s.Thread(pid)
	if th == nil {
		t.Fatalf("the state does not know the shell %d", pid)
	}
	if th.Comm != "sh" || th.Exe != "/bin/sh" || th.Proc.Cwd != dir+"/" && th.Proc.Cwd != dir {
		t.Errorf("shell comm %q exe %q cwd %q; want sh, /bin/sh, %s", th.Comm, th.Exe, th.Proc.Cwd, dir)
	}
	if len(th.Args) != 2 || th.Args[0] != "-c" {
		t.Errorf("shell args %q", th.Args)
	}
	if th.PTID <= 0 || s.Thread(th.PTID) == nil {
		t.Errorf("shell parent %d unknown to the state", th.PTID)
	}
	fd := th.Proc.FDs.Get(3)
	if fd == nil || fd.Name != file || fd.Type != event.FDFileV2 {
		t.Errorf("shell fd 3 = %+v, want the file %s", fd, file)
	}
	st := s.Stats()
	if st.Events == 0 {
		t.Errorf("state stats %+v", st)
	}
	t.Logf("state: %+v; capture: %+v", st, c.Stats())
}
