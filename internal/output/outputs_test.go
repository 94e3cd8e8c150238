package output

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
)

// syncBuffer is a bytes.Buffer safe to read while a sink writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestBackpressure: a sink that stalls for ever costs the sender nothing
// (Send never blocks), its drops are counted exactly, the other sinks get
// every alert, and Close gives up on it at its deadline, counting what it
// abandons.
func TestBackpressure(t *testing.T) {
	leak := noLeak(t)
	const capacity, n = 100, 400
	stall := newStallSink("stall")
	var out syncBuffer
	path := filepath.Join(t.TempDir(), "alerts.txt")
	file, err := NewFile(FileOptions{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordSink{name: "rec"}
	o := New(Options{QueueCapacity: capacity, DropReportInterval: -1}, stall, NewStdout(StdoutOptions{W: &out}), file, rec)
	var want []string
	for i := 0; i < n; i += capacity {
		// A batch no bigger than a queue, then wait for the healthy sinks
		// to drain, so that only the stalled sink may drop.
		for j := i; j < i+capacity; j++ {
			a := testAlert(j)
			want = append(want, a.Output)
			o.Send(a)
			if j == 0 {
				<-stall.entered // in the stalled Write; the queue behind it is empty
			}
		}
		eventually(t, "the healthy sinks to drain", func() bool {
			st := o.Stats()
			return st[1].Sent == uint64(i+capacity) && st[2].Sent == uint64(i+capacity) && st[3].Sent == uint64(i+capacity)
		})
	}
	st := o.Stats()
	// One alert in the stalled Write, a full queue behind it, the rest dropped.
	if got := st[0]; got.Dropped != n-capacity-1 || got.QueueLen != capacity || got.Sent != 0 {
		t.Errorf("stalled sink: %+v, want %d dropped and %d queued", got, n-capacity-1, capacity)
	}
	for _, s := range st[1:] {
		if s.Sent != n || s.Lost() != 0 {
			t.Errorf("sink %s: %+v, want all %d sent", s.Name, s, n)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err = o.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "output stall: 101 alerts abandoned at close") {
		t.Errorf("Close: %v, want the abandoned alerts of the stalled sink named", err)
	}
	end := o.Stats()
	// The drop report found the stalled sink's queue full: dropped too.
	if got := end[0]; got.Abandoned != capacity+1 || got.Dropped != n-capacity || got.Sent != 0 || got.QueueLen != 0 {
		t.Errorf("stalled sink at the end: %+v", got)
	}
	for _, s := range end[1:] {
		if s.Sent != n+1 || s.Lost() != 0 {
			t.Errorf("sink %s at the end: %+v, want %d alerts and the drop report", s.Name, s, n)
		}
	}
	lines := splitLines(out.String())
	if diff := cmp.Diff(want, lines[:len(lines)-1]); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if r := lines[len(lines)-1]; !strings.Contains(r, "stall: 299 dropped (queue full)") {
		t.Errorf("last stdout line %q: want the drop report", r)
	}
	if got := rec.got(); len(got) != n+1 || got[n].Rule != DropRule {
		t.Errorf("recording sink: %d alerts, want %d and the drop report", len(got), n)
	}
	leak()
}

// TestDropReport: a report names each sink that lost alerts since the
// last one, with counts; losing a report does not call for another.
func TestDropReport(t *testing.T) {
	var logs syncBuffer
	stall := newStallSink("stall")
	rec := &recordSink{name: "rec"}
	o := New(Options{QueueCapacity: 1, DropReportInterval: -1, Hostname: "h1",
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}, stall, rec)
	defer func() { close(stall.release); o.Close(closeCtx(t)) }()

	for i := range 5 {
		o.Send(testAlert(i))
		if i == 0 {
			<-stall.entered // the first alert is in Write, the second will wait in the queue
		}
		eventually(t, "the recording sink", func() bool { return len(rec.got()) == i+1 })
	}
	o.report()
	eventually(t, "the report", func() bool { return len(rec.got()) == 6 })
	r := rec.got()[5]
	wantFields := []alert.Field{
		{Name: "n_drops", JSON: "3"}, {Name: "n_drops_total", JSON: "3"},
		{Name: "output.stall.n_dropped", JSON: "3"}, {Name: "output.stall.n_failed", JSON: "0"},
	}
	if diff := cmp.Diff(wantFields, r.Fields); diff != "" {
		t.Errorf("report fields (-want +got):\n%s", diff)
	}
	wantMsg := "Alerts lost by outputs: 3 since the last report, 3 in all (stall: 3 dropped (queue full), 0 failed (delivery error))"
	if r.Rule != DropRule || r.Priority != alert.PriorityCritical || r.Source != "internal" || r.Hostname != "h1" ||
		r.Message != wantMsg || !strings.HasSuffix(r.Output, ": Critical "+wantMsg) {
		t.Errorf("report %+v", r)
	}
	if !strings.Contains(logs.String(), "alerts lost by output") || !strings.Contains(logs.String(), "output=stall dropped=3") {
		t.Errorf("log %q: want a warning naming the sink", logs.String())
	}
	// The stalled sink dropped the report itself: counted, but no new report.
	if st := o.Stats()[0]; st.Dropped != 4 {
		t.Errorf("stalled sink %+v: want the report dropped too", st)
	}
	o.report()
	if got := len(rec.got()); got != 6 {
		t.Errorf("%d alerts after a report whose only news is its own drop, want 6", got)
	}
	// A new loss: the next report counts it and the lost report.
	o.Send(testAlert(9))
	eventually(t, "the recording sink", func() bool { return len(rec.got()) == 7 })
	o.report()
	eventually(t, "the second report", func() bool { return len(rec.got()) == 8 })
	if r := rec.got()[7]; r.Rule != DropRule || r.Fields[0].JSON != "2" || r.Fields[1].JSON != "5" {
		t.Errorf("second report %+v: want 2 new losses, 5 in all", r)
	}
}

// TestDropReportPeriodic: without anyone asking, drops are reported.
func TestDropReportPeriodic(t *testing.T) {
	stall := newStallSink("stall")
	rec := &recordSink{name: "rec"}
	o := New(Options{QueueCapacity: 1, DropReportInterval: time.Millisecond}, stall, rec)
	defer func() { close(stall.release); o.Close(closeCtx(t)) }()
	for i := range 10 {
		o.Send(testAlert(i))
	}
	eventually(t, "a drop report", func() bool {
		for _, a := range rec.got() {
			if a.Rule == DropRule {
				return true
			}
		}
		return false
	})
}

// flakySink fails the alerts whose index is odd.
type flakySink struct{ recordSink }

func (s *flakySink) Write(ctx context.Context, a *alert.Alert) error {
	if alertIndex(a.Output)%2 == 1 {
		return errors.New("refused")
	}
	return s.recordSink.Write(ctx, a)
}

// TestFailures: failed writes are counted, logged when the sink starts
// failing and when it recovers, and reported.
func TestFailures(t *testing.T) {
	var logs syncBuffer
	s := &flakySink{recordSink{name: "flaky"}}
	o := New(Options{DropReportInterval: -1, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, s)
	for i := range 10 {
		o.Send(testAlert(i))
	}
	eventually(t, "the sink", func() bool { st := o.Stats()[0]; return st.Sent+st.Failed == 10 })
	if err := o.Close(closeCtx(t)); err != nil {
		t.Fatal(err)
	}
	st := o.Stats()[0]
	if st.Sent != 6 || st.Failed != 5 || st.Dropped != 0 { // the report is sent too
		t.Errorf("stats %+v, want 5 failed and 5 alerts and the report sent", st)
	}
	got := s.got()
	if r := got[len(got)-1]; r.Rule != DropRule || !strings.Contains(r.Message, "flaky: 0 dropped (queue full), 5 failed (delivery error)") {
		t.Errorf("last alert %+v: want the report", r)
	}
	if c := strings.Count(logs.String(), "output write failed"); c != 5 {
		t.Errorf("%d failures logged, want each first failure after a success (5):\n%s", c, logs.String())
	}
	if !strings.Contains(logs.String(), "output recovered") {
		t.Errorf("log %q: want the recovery", logs.String())
	}
	if !s.closed {
		t.Error("sink not closed")
	}
}

// failWriter refuses every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestLostInBuffer: alerts a buffering sink accepted and then lost with
// its buffer move from sent to failed.
func TestLostInBuffer(t *testing.T) {
	const n = 50
	o := New(Options{DropReportInterval: -1}, NewStdout(StdoutOptions{W: failWriter{}, Buffered: true}))
	for i := range n {
		o.Send(testAlert(i))
	}
	eventually(t, "the sink", func() bool { return o.Stats()[0].Failed == n })
	o.Close(closeCtx(t))
	if st := o.Stats()[0]; st.Sent != 0 || st.Failed != n+1 {
		t.Errorf("stats %+v, want every alert (and the report) failed", st)
	}
}

// TestSendAfterClose: an alert sent after Close is counted as dropped.
func TestSendAfterClose(t *testing.T) {
	rec := &recordSink{name: "rec"}
	o := New(Options{}, rec)
	if err := o.Close(closeCtx(t)); err != nil {
		t.Fatal(err)
	}
	o.Send(testAlert(1))
	if st := o.Stats()[0]; st.Dropped != 1 || st.Sent != 0 {
		t.Errorf("stats %+v, want 1 dropped", st)
	}
	if err := o.Close(closeCtx(t)); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestNames: sinks of the same kind are told apart.
func TestNames(t *testing.T) {
	o := New(Options{}, &recordSink{name: "http"}, &recordSink{name: "http"}, &recordSink{name: "file"})
	defer o.Close(closeCtx(t))
	var names []string
	for _, s := range o.Stats() {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"http", "http#2", "file"}, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

// TestConcurrentSendClose: senders on several goroutines race with Close;
// nothing panics and every alert offered is in exactly one counter.
func TestConcurrentSendClose(t *testing.T) {
	leak := noLeak(t)
	const senders, each = 4, 2000
	var out syncBuffer
	stall := newStallSink("stall")
	o := New(Options{QueueCapacity: 64, DropReportInterval: time.Millisecond},
		NewStdout(StdoutOptions{W: &out, Buffered: true}), &recordSink{name: "rec"}, stall)
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				o.Send(testAlert(g*each + i))
			}
		}()
	}
	time.Sleep(time.Millisecond) // let some alerts through before Close
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	o.Close(ctx)
	wg.Wait()
	close(stall.release)
	want := uint64(senders*each + o.rep.sent) // the drop reports are offered too
	for _, s := range o.Stats() {
		if total := s.Sent + s.Lost(); total != want || s.QueueLen != 0 {
			t.Errorf("%s: %+v accounts for %d alerts, want %d (%d reports)", s.Name, s, total, want, o.rep.sent)
		}
	}
	leak()
}
