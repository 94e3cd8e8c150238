package compute

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"
)

// Sampler reads the CPU usage of containers (cgroup accounting) and of
// processes (/proc/<pid>/stat) every interval and reports, as JSON
// documents of the compute source, those whose usage stays high for a
// whole window. Round and Run are for one goroutine; Stats may be called
// from any.
type Sampler struct {
	opt     Options
	cg      *cgroupFS
	procDir string

	procs *tracker[procKey]
	conts *tracker[string]
	known map[procKey]*procInfo // what is read once per process
	round uint64

	// Scratch space reused from round to round.
	pids  []int
	buf   []byte
	path  []byte
	doc   []byte
	busy  map[string]busiest // by container full id, this round
	order []string           // containers in the order first seen this round

	rounds, events, errs atomic.Uint64
	nprocs, nconts       atomic.Int64
}

// procInfo is what the sampler keeps of one process between rounds.
type procInfo struct {
	comm      string
	container string // full container id; "" outside containers
	cgroup    string // cgroup path of the container
	round     uint64
}

// busiest is the process of a container that used the most CPU in the
// round.
type busiest struct {
	key    procKey
	info   *procInfo
	pct    float64
	cgroup string
}

// Stats count what a Sampler did.
type Stats struct {
	Rounds     uint64 // sampling rounds done
	Events     uint64 // documents reported
	Errors     uint64 // failed reads: /proc not listed, a cgroup that exists but does not read
	Processes  int64  // processes tracked after the last round
	Containers int64  // containers tracked after the last round
}

// New returns a Sampler, having detected the cgroup version of the
// machine at opt.Root.
func New(opt Options) (*Sampler, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	cg, err := detectCgroup(opt.Root)
	if err != nil {
		return nil, err
	}
	lim := limits{threshold: opt.Threshold, window: opt.Window, realert: opt.Realert}
	return &Sampler{
		opt:     opt,
		cg:      cg,
		procDir: filepath.Join(opt.Root, "proc"),
		procs:   newTracker[procKey](lim),
		conts:   newTracker[string](lim),
		known:   map[procKey]*procInfo{},
		busy:    map[string]busiest{},
		buf:     make([]byte, 0, 1024),
	}, nil
}

// CgroupVersion returns the cgroup version detected: 1 or 2.
func (s *Sampler) CgroupVersion() int { return s.cg.version }

// Options returns the options in effect, defaults filled in.
func (s *Sampler) Options() Options { return s.opt }

// Stats returns the counters.
func (s *Sampler) Stats() Stats {
	return Stats{
		Rounds: s.rounds.Load(), Events: s.events.Load(), Errors: s.errs.Load(),
		Processes: s.nprocs.Load(), Containers: s.nconts.Load(),
	}
}

// Run samples every interval until ctx ends, the first round at once,
// and calls each for every document (see Round).
func (s *Sampler) Run(ctx context.Context, each func(doc []byte, t time.Time)) {
	tick := time.NewTicker(s.opt.Interval)
	defer tick.Stop()
	for {
		s.Round(each)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Round samples once, at the time the Now option gives, and calls each
// for every document to report, in order: processes first, then
// containers. The document is reused after each returns. The error is
// for a /proc that cannot be listed; a process or a container that
// vanishes during the round is skipped.
func (s *Sampler) Round(each func(doc []byte, t time.Time)) error {
	now := s.opt.Now()
	s.rounds.Add(1)
	s.round++
	s.procs.begin()
	s.conts.begin()
	clear(s.busy)
	s.order = s.order[:0]
	var err error
	if s.pids, err = listPids(s.procDir, s.pids[:0]); err != nil {
		s.errs.Add(1)
		return err
	}
	for _, pid := range s.pids {
		s.sampleProc(pid, now, each)
	}
	for _, id := range s.order {
		s.sampleContainer(id, now, each)
	}
	s.procs.end()
	s.conts.end()
	for k, p := range s.known {
		if p.round != s.round {
			delete(s.known, k)
		}
	}
	s.nprocs.Store(int64(s.procs.len()))
	s.nconts.Store(int64(s.conts.len()))
	return nil
}

// procFile returns the path of a file of pid's /proc directory, in
// the sampler's scratch space.
func (s *Sampler) procFile(pid int, name string) string {
	s.path = append(s.path[:0], s.procDir...)
	s.path = append(s.path, '/')
	s.path = strconv.AppendInt(s.path, int64(pid), 10)
	s.path = append(s.path, '/')
	s.path = append(s.path, name...)
	return string(s.path)
}

// sampleProc reads one process and applies the window to it.
func (s *Sampler) sampleProc(pid int, now time.Time, each func([]byte, time.Time)) {
	var err error
	s.buf, err = readInto(s.procFile(pid, "stat"), s.buf)
	if err != nil {
		return // ended since the listing
	}
	st, err := parseStat(s.buf)
	if err != nil {
		return
	}
	key := procKey{pid: pid, start: st.start}
	info := s.known[key]
	if info == nil {
		info = s.newProc(key, st.comm)
	} else if info.comm != string(st.comm) {
		// It called execve: a container's first process joins the
		// container's cgroup before it runs the container's program.
		info.comm = string(st.comm)
		s.readCgroup(key.pid, info)
	}
	info.round = s.round
	v := s.procs.observe(key, st.ticks*(1e9/clockTicks), now)
	if info.container != "" {
		b, seen := s.busy[info.container]
		if !seen {
			s.order = append(s.order, info.container)
			b = busiest{pct: -2, cgroup: info.cgroup}
		}
		if v.pct > b.pct {
			b.key, b.info, b.pct = key, info, v.pct
		}
		s.busy[info.container] = b
	}
	if v.report {
		s.report(each, now, report{kind: kindProcess, v: v, proc: key, info: info, container: info.container})
	}
}

// newProc records a process seen for the first time, with its cgroup.
func (s *Sampler) newProc(key procKey, comm []byte) *procInfo {
	info := &procInfo{comm: string(comm)}
	s.known[key] = info
	s.readCgroup(key.pid, info)
	return info
}

// readCgroup reads the container of a process from its cgroup file. It
// is read when the process is first seen and after it calls execve, not
// in every round.
func (s *Sampler) readCgroup(pid int, info *procInfo) {
	info.container, info.cgroup = "", ""
	data, err := readInto(s.procFile(pid, "cgroup"), s.buf[:0])
	s.buf = data
	if err != nil {
		return
	}
	path, ok := s.cg.pathOf(data)
	if !ok {
		return
	}
	id, ok := containerID(path)
	if !ok {
		return
	}
	info.container = string(id)
	// A path that climbs (/../kubepods/...) is outside the cgroup
	// namespace the sampler runs in: its accounting is not under our
	// /sys/fs/cgroup, and the container is known by its processes only.
	if !bytes.Contains(path, []byte("/..")) {
		info.cgroup = string(path)
	}
}

// sampleContainer reads one container's cgroup and applies the window.
func (s *Sampler) sampleContainer(id string, now time.Time, each func([]byte, time.Time)) {
	b := s.busy[id]
	if b.cgroup == "" {
		return
	}
	var n uint64
	var err error
	n, s.buf, err = s.cg.usage(b.cgroup, s.buf)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.errs.Add(1)
		}
		return // the container has gone, or its cgroup cannot be read
	}
	v := s.conts.observe(id, n, now)
	if v.report {
		r := report{kind: kindContainer, v: v, container: id, cgroup: b.cgroup}
		if b.info != nil {
			r.proc, r.info, r.procPct = b.key, b.info, b.pct
		}
		s.report(each, now, r)
	}
}

// report builds the document of r and hands it over.
func (s *Sampler) report(each func([]byte, time.Time), now time.Time, r report) {
	if r.info != nil {
		r.details = readDetails(s.procDir, r.proc.pid)
	}
	if r.container != "" && s.opt.Container != nil {
		r.name, r.image = s.opt.Container(r.container)
	}
	s.doc = s.appendDoc(s.doc[:0], now, &r)
	s.events.Add(1)
	each(s.doc, now)
}
