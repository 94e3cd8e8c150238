package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"peregrine/internal/event"
)

// Options configure a capture. The zero value captures every supported
// event type with the defaults below.
type Options struct {
	// Types are the event types to capture; nil means every type in
	// [Capture.SupportedTypes]. Types the capture does not produce are
	// ignored.
	Types []event.Type
	// RingSize is the size of the BPF ring buffer in bytes: a power of
	// two, at least a page (default 8 MiB).
	RingSize int
	// Snaplen is how many bytes of I/O data (read, write, send, receive,
	// the image of init_module) events carry; 0 (the default) carries
	// none. At most 16384.
	Snaplen int
	// WakeupBatch is how many events a CPU writes before it wakes the
	// reader (default 64). Between wakeups the reader finds events on its
	// poll timer.
	WakeupBatch int
	// PollInterval bounds how long an event may wait in the ring buffer
	// when no wakeup comes (default 5 ms).
	PollInterval time.Duration
	// Generic captures system calls that have no event type of their own
	// as the generic event (type 1, with the PPM_SC code and the x86_64
	// number). Off by default.
	Generic bool
}

// Defaults and limits of Options.
const (
	DefaultRingSize     = 8 << 20
	DefaultWakeupBatch  = 64
	DefaultPollInterval = 5 * time.Millisecond
	MaxSnaplen          = 16384
)

// Stats are the capture's counters: the kernel side's summed over CPUs,
// then user space's. Seen = Sent + DroppedFull + DroppedOther + Filtered.
type Stats struct {
	Seen         uint64 // system call and process exits observed
	Sent         uint64 // events written into the ring buffer
	DroppedFull  uint64 // events lost because the ring buffer was full
	DroppedOther uint64 // events lost for another reason (too large)
	Filtered     uint64 // exits not captured (type not wanted)
	Incomplete   uint64 // parameters left empty because a read failed
	Delivered    uint64 // events returned by Next
	Malformed    uint64 // records Next skipped as malformed
}

// Dropped returns the events lost, whatever the reason.
func (s Stats) Dropped() uint64 { return s.DroppedFull + s.DroppedOther }

// Capture is a live capture of system calls. Next, SetTypes and Stats may
// be called from different goroutines; Next itself is for one goroutine
// at a time. Close may be called from any goroutine, also while Next is
// waiting: it stops Next, which then returns io.EOF.
type Capture struct {
	opts    Options
	tab     *tables
	objs    probeObjects
	links   []link.Link
	ring    *ring
	ncpu    int
	closed  atomic.Bool
	stopped atomic.Bool // Stop detached the programs: Next drains the ring

	mu     sync.Mutex // held by Next, and by Close to free the ring
	ringMu sync.Mutex // guards setting ring to nil, and waking it
	ev     event.Event
	lent   bool // Next returned an event that may still be in use
	del    atomic.Uint64
	bad    atomic.Uint64

	typesMu sync.Mutex // serialises SetTypes, Stats and Close
	final   Stats      // kernel counters at Close
}

// SupportedTypes returns the event types a capture with these options
// produces, in increasing order.
func SupportedTypes(opts Options) ([]event.Type, error) {
	t, err := buildTables(opts.Generic)
	if err != nil {
		return nil, err
	}
	return t.supported(), nil
}

// SupportedTypes returns the event types c produces, in increasing order.
func (c *Capture) SupportedTypes() []event.Type { return c.tab.supported() }

// Next returns the next event. The event is a view of the ring buffer's
// memory: it stays valid until the next call to Next, also when Close is
// called in between; clone it to keep it. Next waits for an event as long
// as it takes; after Stop, once the events written before it are read, and
// after Close, it returns io.EOF.
func (c *Capture) Next() (*event.Event, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lent = false
	for {
		if c.ring == nil {
			return nil, io.EOF
		}
		if c.closed.Load() {
			c.dropRing()
			return nil, io.EOF
		}
		rec, err := c.ring.next(c.opts.PollInterval, &c.closed, &c.stopped)
		if errors.Is(err, errClosed) {
			continue
		}
		if errors.Is(err, errDrained) {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("read ring buffer: %w", err)
		}
		if len(rec) < recPrefix {
			c.bad.Add(1)
			continue
		}
		if err := c.ev.Load(rec[recPrefix:]); err != nil {
			c.bad.Add(1)
			continue
		}
		c.ev.CPU = uint16(binary.LittleEndian.Uint32(rec))
		c.ev.BlockFlags = 0
		c.del.Add(1)
		c.lent = true
		return &c.ev, nil
	}
}

// dropRing frees the ring buffer's memory (c.mu held).
func (c *Capture) dropRing() {
	c.ringMu.Lock()
	if c.ring != nil {
		c.ring.close()
		c.ring = nil
	}
	c.ringMu.Unlock()
}

// recPrefix is the record prefix before each event (bpf/layout.h).
const recPrefix = 8

// SetTypes changes the event types captured, live: system calls whose
// event type is not in types are dropped in the kernel from the next
// system call on. nil means every supported type.
func (c *Capture) SetTypes(types []event.Type) error {
	c.typesMu.Lock()
	defer c.typesMu.Unlock()
	if c.closed.Load() {
		return errors.New("set capture types: capture closed")
	}
	all := types == nil
	wanted := func(t event.Type) bool {
		if all {
			return true
		}
		for _, w := range types {
			if w == t {
				return true
			}
		}
		return false
	}
	var want [nrSlots]uint32
	for typ, nrs := range c.tab.byType {
		if !wanted(typ) {
			continue
		}
		for _, nr := range nrs {
			want[nr] = 1
		}
	}
	keys := make([]uint32, nrSlots)
	for i := range keys {
		keys[i] = uint32(i)
	}
	if _, err := c.objs.Want.BatchUpdate(keys, want[:], nil); err != nil {
		for i := range keys {
			if err := c.objs.Want.Update(keys[i], want[i], ebpf.UpdateAny); err != nil {
				return fmt.Errorf("set capture types: update filter of system call %d: %w", i, err)
			}
		}
	}
	cfg, err := c.config()
	if err != nil {
		return err
	}
	cfg.Procexit = 0
	if wanted(procExitType) {
		cfg.Procexit = 1
	}
	if err := c.objs.Settings.Update(uint32(0), cfg, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("set capture types: update settings: %w", err)
	}
	return nil
}

func (c *Capture) config() (probeConfig, error) {
	var cfg probeConfig
	if err := c.objs.Settings.Lookup(uint32(0), &cfg); err != nil {
		return cfg, fmt.Errorf("read capture settings: %w", err)
	}
	return cfg, nil
}

// Stats returns the counters. After Close it returns those at Close.
func (c *Capture) Stats() Stats {
	c.typesMu.Lock()
	s := c.final
	if !c.closed.Load() {
		s = c.kernelStats()
	}
	c.typesMu.Unlock()
	s.Delivered = c.del.Load()
	s.Malformed = c.bad.Load()
	return s
}

// kernelStats sums the per-CPU counters.
func (c *Capture) kernelStats() Stats {
	var s Stats
	per := make([]probeCounters, c.ncpu)
	if err := c.objs.Stats.Lookup(uint32(0), per); err != nil {
		return s
	}
	for _, p := range per {
		s.Seen += p.Seen
		s.Sent += p.Sent
		s.DroppedFull += p.DropFull
		s.DroppedOther += p.DropOther
		s.Filtered += p.Filtered
		s.Incomplete += p.Incomplete
	}
	return s
}

// Stop detaches the programs, so that no new event comes, and lets Next
// return the events already in the ring buffer before it returns io.EOF:
// the clean end of a capture, losing nothing that happened before it.
// Stats stay readable; Close still frees everything. It may be called from
// any goroutine, more than once, and before Close or not at all.
func (c *Capture) Stop() error {
	c.typesMu.Lock()
	defer c.typesMu.Unlock()
	if c.closed.Load() || c.stopped.Load() {
		return nil
	}
	var errs []error
	for _, l := range c.links {
		if err := l.Close(); err != nil {
			errs = append(errs, fmt.Errorf("detach: %w", err))
		}
	}
	c.links = nil
	c.stopped.Store(true)
	c.ringMu.Lock()
	if c.ring != nil {
		c.ring.interrupt() // a waiting Next looks again, and finds the end
	}
	c.ringMu.Unlock()
	return errors.Join(errs...)
}

// Close detaches the programs, stops a waiting Next and frees the maps
// and the ring buffer (if Next lent out an event, its memory is freed by
// the next call to Next, which returns io.EOF). It may be called more than
// once.
func (c *Capture) Close() error {
	c.typesMu.Lock()
	if c.closed.Load() {
		c.typesMu.Unlock()
		return nil
	}
	var errs []error
	for _, l := range c.links {
		if err := l.Close(); err != nil {
			errs = append(errs, fmt.Errorf("detach: %w", err))
		}
	}
	c.final = c.kernelStats()
	c.closed.Store(true)
	c.typesMu.Unlock()
	c.ringMu.Lock()
	if c.ring != nil {
		c.ring.interrupt()
	}
	c.ringMu.Unlock()
	// The ring's memory goes now, unless the last event Next returned may
	// still be in use: then the next call to Next frees it.
	c.mu.Lock()
	if !c.lent {
		c.dropRing()
	}
	c.mu.Unlock()
	c.typesMu.Lock()
	if err := c.objs.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close BPF objects: %w", err))
	}
	c.typesMu.Unlock()
	return errors.Join(errs...)
}
