package compute

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// step is one sample of a series in a window test: the time since the
// start, and the CPU used in the interval before it (percent of one CPU),
// or a counter given outright.
type step struct {
	at      time.Duration
	pct     float64
	counter uint64 // when set, the raw counter (for resets)
	gone    bool   // the key is not observed in this round
}

// seen is what a test keeps of a verdict that reports.
type seen struct {
	At        time.Duration
	Recovered bool
	Since     time.Duration
	Duration  time.Duration
	AvgPct    int
	MinPct    int
}

// TestTrackerWindow drives one series with a fake clock and fake counter
// readings through the window rules: threshold 80%, window 30 s, realert
// 60 s, samples every 10 s.
func TestTrackerWindow(t *testing.T) {
	lim := limits{threshold: 80, window: 30 * time.Second, realert: 60 * time.Second}
	s := func(sec int, pct float64) step { return step{at: time.Duration(sec) * time.Second, pct: pct} }
	sec := func(n int) time.Duration { return time.Duration(n) * time.Second }
	tests := []struct {
		name  string
		steps []step
		want  []seen
	}{
		{
			name:  "stays above for the window: one event when the window is full",
			steps: []step{s(0, 0), s(10, 95), s(20, 90), s(30, 100), s(40, 100)},
			want:  []seen{{At: sec(30), Since: 0, Duration: sec(30), AvgPct: 95, MinPct: 90}},
		},
		{
			name:  "a dip in the window: no event, the run starts again",
			steps: []step{s(0, 0), s(10, 95), s(20, 50), s(30, 100), s(40, 100), s(50, 100)},
			want:  []seen{{At: sec(50), Since: sec(20), Duration: sec(30), AvgPct: 100, MinPct: 100}},
		},
		{
			name:  "exactly at the threshold counts as above",
			steps: []step{s(0, 0), s(10, 80), s(20, 80), s(30, 80)},
			want:  []seen{{At: sec(30), Since: 0, Duration: sec(30), AvgPct: 80, MinPct: 80}},
		},
		{
			name:  "never above for long enough",
			steps: []step{s(0, 0), s(10, 99), s(20, 99), s(30, 10), s(40, 99), s(50, 99), s(60, 79)},
		},
		{
			name: "re-alert after the realert interval, not before",
			steps: []step{s(0, 0), s(10, 90), s(20, 90), s(30, 90), s(40, 90), s(50, 90), s(60, 90),
				s(70, 90), s(80, 90), s(90, 90), s(100, 90)},
			want: []seen{
				{At: sec(30), Since: 0, Duration: sec(30), AvgPct: 90, MinPct: 90},
				{At: sec(90), Since: 0, Duration: sec(90), AvgPct: 90, MinPct: 90},
			},
		},
		{
			name:  "under the threshold for a whole window after a high event: a normal event",
			steps: []step{s(0, 0), s(10, 90), s(20, 90), s(30, 90), s(40, 90), s(50, 5), s(60, 7), s(70, 3), s(80, 5)},
			want: []seen{
				{At: sec(30), Since: 0, Duration: sec(30), AvgPct: 90, MinPct: 90},
				{At: sec(70), Recovered: true, Since: sec(40), Duration: sec(30), AvgPct: 5, MinPct: 3},
			},
		},
		{
			name: "a dip after a high event: no new event before the realert interval",
			steps: []step{s(0, 0), s(10, 90), s(20, 90), s(30, 90), s(40, 10), s(50, 90), s(60, 90), s(70, 90),
				s(80, 90), s(90, 90)},
			want: []seen{
				{At: sec(30), Since: 0, Duration: sec(30), AvgPct: 90, MinPct: 90},
				{At: sec(90), Since: sec(40), Duration: sec(50), AvgPct: 90, MinPct: 90},
			},
		},
		{
			name:  "idle from the start: no normal event without a high one",
			steps: []step{s(0, 0), s(10, 1), s(20, 1), s(30, 1), s(40, 1), s(50, 1)},
		},
		{
			name: "a counter that goes back (a cgroup made anew) starts afresh",
			steps: []step{s(0, 0), s(10, 90), s(20, 90), {at: sec(25), counter: 1}, s(35, 90), s(45, 90),
				s(55, 90)},
			want: []seen{{At: sec(55), Since: sec(25), Duration: sec(30), AvgPct: 90, MinPct: 90}},
		},
		{
			name:  "a key gone from a round is forgotten: its return is a first sample",
			steps: []step{s(0, 0), s(10, 90), s(20, 90), {at: sec(30), gone: true}, s(40, 90), s(50, 90), s(60, 90), s(70, 90)},
			want:  []seen{{At: sec(70), Since: sec(40), Duration: sec(30), AvgPct: 90, MinPct: 90}},
		},
		{
			name:  "usage above one CPU (several threads)",
			steps: []step{s(0, 0), s(10, 190), s(20, 200), s(30, 210)},
			want:  []seen{{At: sec(30), Since: 0, Duration: sec(30), AvgPct: 200, MinPct: 190}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTracker[string](lim)
			base := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
			var counter uint64 = 5e9 // a counter that did not start at zero
			last := time.Duration(0)
			var got []seen
			for _, st := range tc.steps {
				tr.begin()
				if st.counter != 0 {
					counter = st.counter
				} else if !st.gone {
					counter += uint64(st.pct / 100 * float64(st.at-last))
				}
				last = st.at
				if !st.gone {
					v := tr.observe("c", counter, base.Add(st.at))
					if v.report {
						got = append(got, seen{
							At: st.at, Recovered: v.recovered, Since: v.since.Sub(base), Duration: v.duration,
							AvgPct: int(v.avgPct + 0.5), MinPct: int(v.minPct + 0.5),
						})
					}
				}
				tr.end()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTrackerForgets checks that end drops the keys a round did not
// observe and keeps the others.
func TestTrackerForgets(t *testing.T) {
	tr := newTracker[int](limits{threshold: 80, window: time.Minute, realert: time.Minute})
	now := time.Unix(1000, 0)
	tr.begin()
	for k := range 3 {
		tr.observe(k, 0, now)
	}
	if n := tr.end(); n != 0 || tr.len() != 3 {
		t.Fatalf("first round: %d forgotten, %d kept", n, tr.len())
	}
	tr.begin()
	tr.observe(1, 10, now.Add(time.Second))
	if n := tr.end(); n != 2 || tr.len() != 1 {
		t.Fatalf("second round: %d forgotten, %d kept; want 2 and 1", n, tr.len())
	}
	if v := tr.observe(0, 1e9, now.Add(2*time.Second)); v.pct != -1 {
		t.Errorf("a forgotten key came back with a usage %g, want a first sample", v.pct)
	}
}
