package container

import (
	"errors"
	"time"
)

// Stats are the counters of a [Cache] since it was made.
type Stats struct {
	Hits   uint64 // Get or Wait found the Info
	Misses uint64 // Get or Wait found none (yet)

	Fetches   uint64 // fetches that ended, whatever their outcome
	Failures  uint64 // fetches that failed for another reason than ErrNotFound
	NotFound  uint64 // fetches the runtime answered with "no such container"
	Evictions uint64 // entries dropped to keep the cache within MaxEntries
	Rejected  uint64 // requests dropped: the cache was full of fetches in flight

	Waits        uint64 // Wait calls that had to wait for a fetch
	WaitTimeouts uint64 // of those, the ones whose context ended first
	Streams      uint64 // event streams Watch opened
	StreamBreaks uint64 // of those, the ones that broke

	Entries  int // containers in the cache now
	InFlight int // of those, how many have a fetch queued or running

	// Latency of the fetches that ended: the Fetches took LatencyTotal
	// together and LatencyMax at most; LatencyBuckets[i] counts those
	// that took at most LatencyBounds()[i], and the last bucket those
	// that took longer.
	LatencyTotal   time.Duration
	LatencyMax     time.Duration
	LatencyBuckets [len(latencyBounds) + 1]uint64
}

// latencyBounds are the upper bounds of the latency buckets.
var latencyBounds = [...]time.Duration{
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2500 * time.Millisecond, 5 * time.Second,
}

// LatencyBounds returns the upper bounds of Stats.LatencyBuckets (the
// last bucket has none), for a Prometheus histogram.
func LatencyBounds() []time.Duration {
	return append([]time.Duration(nil), latencyBounds[:]...)
}

// record counts a fetch that took d and ended with err.
func (s *Stats) record(d time.Duration, err error) {
	s.Fetches++
	switch {
	case err == nil:
	case errors.Is(err, ErrNotFound):
		s.NotFound++
	default:
		s.Failures++
	}
	s.LatencyTotal += d
	s.LatencyMax = max(s.LatencyMax, d)
	i := 0
	for i < len(latencyBounds) && d > latencyBounds[i] {
		i++
	}
	s.LatencyBuckets[i]++
}

// Stats returns the cache's counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.st
	s.Entries = len(c.entries)
	for _, e := range c.entries {
		if e.done != nil {
			s.InFlight++
		}
	}
	return s
}
