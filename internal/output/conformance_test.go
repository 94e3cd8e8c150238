package output

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConformance runs every sink against its real peer: it delivers
// every alert in order, counts and reports what a stalled peer made it
// drop, and closes without leaving a goroutine behind.
func TestConformance(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name+"/delivers", func(t *testing.T) {
			leak := noLeak(t)
			const n = 300
			p := k.newPeer(t, false)
			o := New(Options{QueueCapacity: n, DropReportInterval: -1}, p.sink(t))
			var want []string
			for i := range n {
				a := testAlert(i)
				want = append(want, a.Output)
				o.Send(a)
			}
			if err := o.Close(closeCtx(t)); err != nil {
				t.Fatalf("Close: %v", err)
			}
			got := p.received(t, n)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("received (-want +got):\n%s", diff)
			}
			st := o.Stats()[0]
			if st.Sent != n || st.Lost() != 0 || st.QueueLen != 0 {
				t.Errorf("stats %+v, want %d sent and nothing lost", st, n)
			}
			leak()
		})
		t.Run(k.name+"/drops", func(t *testing.T) {
			leak := noLeak(t)
			const n = 3000 // more than a pipe, a socket or a FIFO buffers
			p := k.newPeer(t, true)
			o := New(Options{QueueCapacity: 1, DropReportInterval: -1}, p.sink(t))
			for i := range n {
				o.Send(testAlert(i)) // must not block on the stalled peer
			}
			st := o.Stats()[0]
			if st.Dropped == 0 {
				t.Fatalf("stats %+v: nothing dropped with a stalled peer", st)
			}
			p.release()
			eventually(t, "the queue to drain", func() bool {
				s := o.Stats()[0]
				return s.Sent+s.Dropped+s.Failed == n
			})
			mid := o.Stats()[0]
			if mid.Failed != 0 || mid.Sent+mid.Dropped != n {
				t.Fatalf("stats %+v after the release: want sent+dropped = %d", mid, n)
			}
			// Close reports the drops through the sink.
			if err := o.Close(closeCtx(t)); err != nil {
				t.Fatalf("Close: %v", err)
			}
			end := o.Stats()[0]
			if end.Sent != mid.Sent+1 || end.Dropped != mid.Dropped || end.Lost() != mid.Dropped {
				t.Errorf("stats %+v at the end, %+v before Close: want one more sent (the drop report)", end, mid)
			}
			got := p.received(t, int(end.Sent))
			if uint64(len(got)) != end.Sent {
				t.Fatalf("received %d lines, stats say %d sent", len(got), end.Sent)
			}
			// In order: the alerts that got through, then the report.
			last := -1
			for _, line := range got[:len(got)-1] {
				i := alertIndex(line)
				if i <= last {
					t.Fatalf("alert %d after alert %d: order lost (line %q)", i, last, line)
				}
				last = i
			}
			report := got[len(got)-1]
			wantReport := "Alerts lost by outputs: " + itoa(mid.Dropped) + " since the last report"
			if !strings.Contains(report, wantReport) || !strings.Contains(report, k.name+": "+itoa(mid.Dropped)+" dropped (queue full)") {
				t.Errorf("last line %q is not the drop report (%q)", report, wantReport)
			}
			leak()
		})
	}
}
