package capture

import "testing"

// BenchmarkTakeSnapshot scans this machine's /proc.
func BenchmarkTakeSnapshot(b *testing.B) {
	b.ReportAllocs()
	var threads, fds int
	for b.Loop() {
		s, err := TakeSnapshot(SnapshotOptions{})
		if err != nil {
			b.Fatal(err)
		}
		threads, fds = s.Stats.Threads, s.Stats.FDs
	}
	b.ReportMetric(float64(threads), "threads")
	b.ReportMetric(float64(fds), "fds")
}
