package capture

import (
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// manyProcesses is how many sleeping processes the scale test and
// benchmark add to the machine.
const manyProcesses = 2000

// startSleepers starts n sleeping processes (on two goroutines), killed
// when the test ends.
func startSleepers(tb testing.TB, n int) []*exec.Cmd {
	tb.Helper()
	cmds := make([]*exec.Cmd, n)
	tb.Cleanup(func() {
		for _, c := range cmds {
			if c != nil && c.Process != nil {
				c.Process.Kill()
				c.Wait()
			}
		}
	})
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < n; i += 2 {
				c := exec.Command("sleep", "1000")
				if err := c.Start(); err != nil {
					errs <- err
					return
				}
				cmds[i] = c
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatalf("start sleepers: %v", err)
	}
	return cmds
}

// TestSnapshotManyProcesses lists 2,000 extra processes, each with its
// parent.
func TestSnapshotManyProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 2,000 processes")
	}
	cmds := startSleepers(t, manyProcesses)
	snap, err := TakeSnapshot(SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byTID := map[int64]int{}
	for i, p := range snap.Procs {
		byTID[p.TID] = i
	}
	missing := 0
	for _, c := range cmds {
		i, ok := byTID[int64(c.Process.Pid)]
		if !ok {
			missing++
			continue
		}
		p := snap.Procs[i]
		// A child not yet past its execve still shows the test binary.
		if p.PTID != int64(os.Getpid()) || p.PID != p.TID {
			t.Errorf("sleeper %d: pid %d ptid %d", p.TID, p.PID, p.PTID)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d sleepers are not listed (stats %+v)", missing, len(cmds), snap.Stats)
	}
	if snap.Stats.Failed != 0 || snap.Stats.Processes < manyProcesses {
		t.Errorf("stats %+v", snap.Stats)
	}
	t.Logf("%d processes, %d threads, %d fds in %v", snap.Stats.Processes, snap.Stats.Threads, snap.Stats.FDs, snap.Stats.Duration)
}

// BenchmarkTakeSnapshot scans this machine's /proc.
func BenchmarkTakeSnapshot(b *testing.B) {
	benchSnapshot(b)
}

// BenchmarkTakeSnapshot2000 scans this machine's /proc with 2,000 more
// (sleeping) processes.
func BenchmarkTakeSnapshot2000(b *testing.B) {
	startSleepers(b, manyProcesses)
	benchSnapshot(b)
}

// benchSnapshot reports, beside the time per scan, the processor time
// per scan (user and system, all workers), which other load on the
// machine disturbs less.
func benchSnapshot(b *testing.B) {
	b.ReportAllocs()
	var s *Snapshot
	var before, after unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &before)
	for b.Loop() {
		var err error
		if s, err = TakeSnapshot(SnapshotOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	unix.Getrusage(unix.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() - before.Utime.Nano() + after.Stime.Nano() - before.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(s.Stats.Processes), "procs")
	b.ReportMetric(float64(s.Stats.Threads), "threads")
	b.ReportMetric(float64(s.Stats.FDs), "fds")
}
