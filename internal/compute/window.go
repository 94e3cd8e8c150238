package compute

import "time"

// series is the recent history of one CPU counter: a container's cgroup
// or one process.
type series struct {
	last   uint64    // counter at the last sample, CPU nanoseconds
	lastAt time.Time // when it was read

	// The current run: the samples in a row on the same side of the
	// threshold.
	above  bool
	since  time.Time // start of the run; zero before the first interval
	used   uint64    // CPU nanoseconds used in the run
	minPct float64   // lowest interval of the run, percent of one CPU

	high    bool      // a high event was raised and no normal event since
	alerted time.Time // when the last high event was raised
	round   uint64    // the sampling round that last saw the counter
}

// verdict is what one sample of a series means.
type verdict struct {
	pct    float64 // usage over the last interval, percent of one CPU; -1 without one
	report bool    // raise an event (see recovered)
	// recovered: the event says the usage has been under the threshold
	// for the window after a high event; otherwise it says it has been
	// at or above it.
	recovered bool
	avgPct    float64       // average over the run, percent of one CPU
	minPct    float64       // lowest interval of the run
	since     time.Time     // start of the run
	duration  time.Duration // length of the run
}

// limits are the window rules.
type limits struct {
	threshold float64 // percent of one CPU
	window    time.Duration
	realert   time.Duration
}

// tracker holds the series of one kind of counter, by key, and applies
// the window rules to each new sample: a high event when every interval
// of a whole window is at or above the threshold, again after realert if
// it still is; a normal event when, after that, every interval of a
// whole window is under it.
type tracker[K comparable] struct {
	lim    limits
	series map[K]*series
	round  uint64
}

func newTracker[K comparable](lim limits) *tracker[K] {
	return &tracker[K]{lim: lim, series: map[K]*series{}}
}

// begin starts a sampling round; counters not observed before end are
// forgotten there.
func (t *tracker[K]) begin() { t.round++ }

// observe takes the counter of key (CPU nanoseconds so far) read at now.
// The first sample of a key only sets its baseline. A counter that went
// backwards (a cgroup made anew under the same id) or a clock that did
// not move starts the key afresh, as a first sample does.
func (t *tracker[K]) observe(key K, counter uint64, now time.Time) verdict {
	s := t.series[key]
	if s == nil {
		t.series[key] = &series{last: counter, lastAt: now, round: t.round}
		return verdict{pct: -1}
	}
	s.round = t.round
	if counter < s.last || !now.After(s.lastAt) {
		*s = series{last: counter, lastAt: now, round: t.round}
		return verdict{pct: -1}
	}
	delta, start := counter-s.last, s.lastAt
	pct := float64(delta) / float64(now.Sub(start)) * 100
	s.last, s.lastAt = counter, now
	above := pct >= t.lim.threshold
	if s.since.IsZero() || above != s.above {
		s.above, s.since, s.used, s.minPct = above, start, 0, pct
	}
	s.used += delta
	s.minPct = min(s.minPct, pct)
	v := verdict{pct: pct}
	run := now.Sub(s.since)
	if run < t.lim.window {
		return v
	}
	switch {
	case above && (!s.high || now.Sub(s.alerted) >= t.lim.realert):
		s.high, s.alerted = true, now
	case !above && s.high:
		s.high = false
		v.recovered = true
	default:
		return v
	}
	v.report = true
	v.since, v.duration = s.since, run
	v.avgPct, v.minPct = float64(s.used)/float64(run)*100, s.minPct
	return v
}

// end finishes a round: the keys it did not observe (a container gone,
// a process ended) are forgotten. It returns how many were.
func (t *tracker[K]) end() int {
	n := 0
	for k, s := range t.series {
		if s.round != t.round {
			delete(t.series, k)
			n++
		}
	}
	return n
}

// len returns how many keys are tracked.
func (t *tracker[K]) len() int { return len(t.series) }
