package engine_test

import (
	"bytes"
	"context"
	"testing"

	"peregrine/internal/alert"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/scap"
)

// TestReplayOddCapture replays a capture whose events refer to threads and
// descriptors nobody created, go back in time and reuse a pid, through the
// upstream rules: no panic, the misses and the disorder are counted, and
// the state knows the reused pid as its new program.
func TestReplayOddCapture(t *testing.T) {
	var b event.Builder
	var buf bytes.Buffer
	w, err := scap.NewWriter(&buf, &scap.Meta{Procs: []event.Process{
		{TID: 100, PID: 100, PTID: 1, Comm: "bash", Exe: "/bin/bash", SID: -1, VPGID: -1, VTID: -1, VPID: -1, PGID: -1, LoginUID: event.NoLoginUID},
	}}, scap.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	write := func() {
		t.Helper()
		var e event.Event
		if err := b.Build(&e); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&e); err != nil {
			t.Fatal(err)
		}
	}
	// A read on fd 7 of an unknown thread, and on an unknown fd of bash.
	b.Reset(7, 2000, 555) // read exit: res, data, fd, size
	b.Int(event.PTErrno, 3)
	b.Raw([]byte("abc"))
	b.Int(event.PTFD, 7)
	b.Uint(event.PTUint32, 3)
	write()
	b.Reset(7, 1000, 100) // out of order
	b.Int(event.PTErrno, 3)
	b.Raw([]byte("abc"))
	b.Int(event.PTFD, 9)
	b.Uint(event.PTUint32, 3)
	write()
	// bash forks 200 twice: the second clone reuses the pid of a child
	// whose exit the capture lost.
	for i, ts := range []uint64{3000, 4000} {
		b.Reset(223, ts, 100) // clone exit in the parent: res = child tid
		b.Int(event.PTPID, 200)
		b.String("/bin/bash")
		b.Raw(nil)
		b.Int(event.PTPID, 100)
		b.Int(event.PTPID, 100)
		b.Int(event.PTPID, 1)
		b.String("/")
		for k := 0; k < 14; k++ {
			b.Empty()
		}
		write()
		b.Reset(293, ts+1, 200) // execve exit of the child
		b.Int(event.PTErrno, 0)
		b.String([]string{"/usr/bin/id", "/usr/bin/nc"}[i])
		b.Raw([]byte("-e\x00/bin/sh\x00"))
		b.Int(event.PTPID, 200)
		b.Int(event.PTPID, 200)
		b.Int(event.PTPID, 100)
		b.String("/")
		b.Uint(event.PTUint64, 1024)
		b.Uint(event.PTUint64, 0)
		b.Uint(event.PTUint64, 0)
		b.Uint(event.PTUint32, 0)
		b.Uint(event.PTUint32, 0)
		b.Uint(event.PTUint32, 0)
		b.String([]string{"id", "nc"}[i])
		write()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	eng := newEngine(t, upstream(t), engine.Options{Matching: rules.MatchAll})
	r, err := scap.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.RunCapture(context.Background(), scap.NewSource(r, false), func(*alert.Alert) {}); err != nil {
		t.Fatal(err)
	}
	c := eng.Counters()
	if c.Events != 6 {
		t.Fatalf("%d events", c.Events)
	}
	st := c.State
	if st.ThreadMisses != 1 || st.FDMisses < 2 || st.OutOfOrder != 1 {
		t.Errorf("misses: %d threads, %d fds; %d out of order", st.ThreadMisses, st.FDMisses, st.OutOfOrder)
	}
	th := eng.State().Thread(200)
	if th == nil || th.Comm != "nc" || th.PTID != 100 {
		t.Fatalf("thread 200 = %+v", th)
	}
}
