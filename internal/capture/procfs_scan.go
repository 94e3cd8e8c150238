package capture

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"peregrine/internal/event"
)

// scanner holds what the workers of one /proc scan share: the options,
// the thread budget, and what is learned once for many processes (socket
// tables, mount tables, devices, cgroup controllers). Its caches are safe
// for concurrent use.
type scanner struct {
	opts    SnapshotOptions
	boot    uint64
	cg      *cgroupV2
	threads atomic.Int64 // threads listed so far, against opts.MaxThreads

	mu      sync.Mutex
	nets    map[uint64]*lazy[socketTable] // by network namespace inode
	mountNS map[uint64]*lazy[mountTable]  // by mount namespace inode
	devs    map[uint64]uint32             // device by mount id
}

// lazy is a value computed once, by the first worker that needs it.
type lazy[T any] struct {
	once sync.Once
	v    T
}

// procRootNS stands for the pid namespace of the proc mount in
// procResult.pidNS (its inode may not be readable: pid 1's ns links are
// closed to a scanner without CAP_SYS_PTRACE over it).
const procRootNS = ^uint64(0)

func newScanner(opts SnapshotOptions, boot uint64) *scanner {
	return &scanner{
		opts:    opts,
		boot:    boot,
		cg:      newCgroupV2(opts.ProcRoot),
		nets:    map[uint64]*lazy[socketTable]{},
		mountNS: map[uint64]*lazy[mountTable]{},
		devs:    map[uint64]uint32{},
	}
}

// worker reads processes for a scanner. Each worker has its own buffers
// and counters.
type worker struct {
	sc    *scanner
	r     *procReader
	stats SnapshotStats
}

// procResult is what reading one process gave.
type procResult struct {
	threads []event.Process
	pidNS   []uint64 // pid namespace of each thread (procRootNS, an inode, or 0)
	fds     ThreadFDs
	listed  bool // the process is listed (some thread of it is)
}

// scan reads the processes of pids on as many workers as there are
// processors, and lists them in pid order.
func (sc *scanner) scan(pids []int64, snap *Snapshot) {
	results := make([]procResult, len(pids))
	n := sc.opts.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	n = max(1, min(n, len(pids)))
	workers := make([]*worker, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{sc: sc, r: newProcReader()}
		workers[i] = w
		wg.Go(func() {
			for {
				j := int(next.Add(1) - 1)
				if j >= len(pids) {
					return
				}
				results[j] = w.process(pids[j])
			}
		})
	}
	wg.Wait()
	reapers := map[uint64]uint64{}
	for i := range results {
		r := &results[i]
		for k := range r.threads {
			if p := &r.threads[k]; p.VPID == 1 && p.TID == p.PID && r.pidNS[k] != 0 {
				reapers[r.pidNS[k]] = p.StartTS
			}
		}
	}
	for i := range results {
		r := &results[i]
		for k := range r.threads {
			r.threads[k].PidnsInitStartTS = reapers[r.pidNS[k]]
		}
		snap.Procs = append(snap.Procs, r.threads...)
		if r.listed {
			snap.Stats.Processes++
		}
		if len(r.fds.FDs) > 0 {
			snap.FDs = append(snap.FDs, r.fds)
		}
	}
	for _, w := range workers {
		snap.Stats.add(&w.stats)
	}
}

// add adds the counters of o to s.
func (s *SnapshotStats) add(o *SnapshotStats) {
	s.Threads += o.Threads
	s.FDs += o.FDs
	s.Vanished += o.Vanished
	s.KernelThreads += o.KernelThreads
	s.Zombies += o.Zombies
	s.Failed += o.Failed
	s.OverThreads += o.OverThreads
	s.OverFDs += o.OverFDs
	s.UnknownSockets += o.UnknownSockets
	for _, e := range o.Errors {
		s.note("%s", e)
	}
}

// reserve takes up to n threads from the scan's budget and returns how
// many it got.
func (sc *scanner) reserve(n int) int {
	for {
		used := sc.threads.Load()
		k := min(int64(n), int64(sc.opts.MaxThreads)-used)
		if k <= 0 {
			return 0
		}
		if sc.threads.CompareAndSwap(used, used+k) {
			return int(k)
		}
	}
}

// process reads the threads and descriptors of process pid. A process
// whose main thread exits during the scan, or whose descriptor directory
// disappears, is dropped whole. Once the thread budget is spent, further
// processes are only counted.
func (w *worker) process(pid int64) procResult {
	var res procResult
	st := &w.stats
	dir := join(w.sc.opts.ProcRoot, strconv.FormatInt(pid, 10))
	if w.sc.threads.Load() >= int64(w.sc.opts.MaxThreads) {
		st.OverThreads += w.countThreads(dir)
		return res
	}
	var ps procShared
	var p event.Process
	fdDir, fdTID := "", int64(0)
	switch w.thread(dir, pid, true, &ps, &p) {
	case threadOK:
		res.keep(&p, ps.pidNS)
		fdDir, fdTID = dir, pid
	case threadZombie:
		// The main thread exited; the others may live on, and are
		// listed (libs drops the whole process).
		st.Zombies++
	case threadKernel:
		st.KernelThreads += w.countThreads(dir)
		return res
	case threadGone:
		st.Vanished++
		return res
	case threadFailed:
		st.Failed++
		return res
	}
	tids, err := listIDs(dir + "/task")
	if err != nil && gone(err) {
		st.Vanished += len(res.threads)
		return procResult{}
	}
	for _, tid := range tids {
		if tid == pid {
			continue
		}
		tdir := dir + "/task/" + strconv.FormatInt(tid, 10)
		switch w.thread(tdir, tid, false, &ps, &p) {
		case threadOK:
			res.keep(&p, ps.pidNS)
			if fdDir == "" {
				fdDir, fdTID = tdir, tid
			}
		case threadZombie:
			st.Zombies++
		case threadKernel:
			st.KernelThreads++
		case threadGone:
			st.Vanished++
		case threadFailed:
			st.Failed++
		}
	}
	if fdDir == "" {
		return res
	}
	fds, alive := w.readFDs(fdDir)
	if !alive {
		st.Vanished += len(res.threads)
		return procResult{}
	}
	// The descriptors belong to the first thread kept, so they stay
	// whenever any thread does.
	n := w.sc.reserve(len(res.threads))
	st.OverThreads += len(res.threads) - n
	if n == 0 {
		return procResult{}
	}
	res.threads, res.pidNS = res.threads[:n], res.pidNS[:n]
	res.listed = true
	res.fds = ThreadFDs{TID: fdTID, FDs: fds}
	st.Threads += n
	st.FDs += len(fds)
	return res
}

// keep lists thread p, of pid namespace ns.
func (res *procResult) keep(p *event.Process, ns uint64) {
	res.threads = append(res.threads, *p)
	res.pidNS = append(res.pidNS, ns)
}

// countThreads counts the threads of a process that is not read.
func (w *worker) countThreads(dir string) int {
	tids, err := listIDs(dir + "/task")
	if err != nil || len(tids) == 0 {
		return 1
	}
	return len(tids)
}
