package capture_test

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/capture"
	"peregrine/internal/event"
	"peregrine/internal/scap"
	"peregrine/internal/state"
	"peregrine/internal/testenv"
)

// meta converts a snapshot into capture metadata, as a capture writer
// does.
func meta(s *capture.Snapshot) *scap.Meta {
	m := &scap.Meta{Machine: &s.Machine, Interfaces: s.Interfaces, Users: s.Users, Groups: s.Groups, Procs: s.Procs}
	for _, l := range s.FDs {
		m.FDLists = append(m.FDLists, scap.FDList{TID: l.TID, FDs: l.FDs})
	}
	return m
}

// listenerFD opens a loopback TCP listener and returns it with its
// descriptor number.
func listenerFD(t *testing.T) (*net.TCPListener, int64) {
	t.Helper()
	ln, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	rc, err := ln.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd int64
	rc.Control(func(f uintptr) { fd = int64(f) })
	return ln, fd
}

func TestSnapshotCaptureRoundTrip(t *testing.T) {
	testenv.Root(t)
	listenerFD(t)
	snap, err := capture.TakeSnapshot(capture.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := scap.NewWriter(&buf, meta(snap), scap.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := scap.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := r.Meta()
	// Capture files do not store start times.
	want := meta(snap)
	procs := make([]event.Process, len(want.Procs))
	for i, p := range want.Procs {
		p.StartTS = 0
		procs[i] = p
	}
	want.Procs = procs
	opts := []cmp.Option{cmpopts.EquateComparable(netip.Addr{}), cmpopts.IgnoreFields(scap.Meta{}, "Version", "ProcTails")}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("capture metadata read back (-wrote +read):\n%s", diff)
	}
	if len(got.Procs) == 0 || len(got.FDLists) == 0 || len(got.Users) == 0 || len(got.Interfaces) == 0 {
		t.Errorf("read back %d threads, %d fd lists, %d users, %d addresses", len(got.Procs), len(got.FDLists),
			len(got.Users), len(got.Interfaces))
	}
}

func TestSnapshotBootstrapsState(t *testing.T) {
	testenv.Root(t)
	ln, lnFD := listenerFD(t)
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "open.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
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

	pid := int64(os.Getpid())
	th := s.Thread(pid)
	if th == nil {
		t.Fatalf("the state does not know the test process %d", pid)
	}
	exe, _ := os.Executable()
	cwd, _ := os.Getwd()
	if th.ExePath != exe || th.PTID != int64(os.Getppid()) || th.Proc.Cwd != cwd+"/" && th.Proc.Cwd != cwd {
		t.Errorf("thread exepath %q ptid %d cwd %q; want %q %d %q", th.ExePath, th.PTID, th.Proc.Cwd, exe, os.Getppid(), cwd)
	}
	if s.Thread(int64(os.Getppid())) == nil {
		t.Error("the state does not know the test's parent")
	}
	if u := s.User("", 0); u == nil || u.Name != "root" {
		t.Errorf("user 0 = %+v, want root", u)
	}
	fd := th.Proc.FDs.Get(lnFD)
	wantName := fmt.Sprintf("127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)
	if fd == nil || fd.Type != event.FDIPv4ServSock || fd.Name != wantName {
		t.Errorf("listener fd %d = %+v, want a server socket named %s", lnFD, fd, wantName)
	}
	ff := th.Proc.FDs.Get(int64(f.Fd()))
	if ff == nil || ff.Type != event.FDFileV2 || ff.Name != f.Name() {
		t.Errorf("file fd %d = %+v, want %s", f.Fd(), ff, f.Name())
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if ff != nil && ff.Ino != st.Ino {
		t.Errorf("file fd inode %d, want %d", ff.Ino, st.Ino)
	}
}
