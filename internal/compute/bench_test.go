package compute

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkRound measures one sampling round over a fake machine of N
// processes spread over N/10 containers (cgroup v1), every process and
// container already known (the steady state: each round reads each
// /proc/<pid>/stat and each container's cpuacct.usage once).
func BenchmarkRound(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("procs=%d", n), func(b *testing.B) {
			ft := newFakeTree(b, 1)
			for pid := 1; pid <= n; pid++ {
				id := ""
				if pid%10 != 0 {
					id = fmt.Sprintf("%064x", pid%(n/10+1))
				}
				ft.proc(pid, "p", uint64(pid), 0, id, "p")
				if id != "" {
					ft.container(id, 1)
				}
			}
			clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
			s, err := New(Options{Root: ft.root, CPUs: 2, Now: clock.now})
			if err != nil {
				b.Fatal(err)
			}
			each := func([]byte, time.Time) {}
			s.Round(each) // first round: cgroups read, baselines set
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				clock.t = clock.t.Add(time.Second)
				if err := s.Round(each); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			st := s.Stats()
			b.ReportMetric(float64(st.Processes), "procs")
			b.ReportMetric(float64(st.Containers), "containers")
		})
	}
}

// BenchmarkRoundLive measures a round over this machine's own /proc and
// cgroups.
func BenchmarkRoundLive(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Skipf("no cgroup accounting here: %v", err)
	}
	each := func([]byte, time.Time) {}
	s.Round(each)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := s.Round(each); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(s.Stats().Processes), "procs")
}
