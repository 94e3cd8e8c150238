package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"peregrine/internal/alert"
)

// Options tune [Outputs]. Zero fields take the defaults.
type Options struct {
	// QueueCapacity is the number of alerts each sink's queue holds
	// (default [DefaultQueueCapacity]); when it is full, a new alert is
	// dropped for that sink and counted. Falco's outputs_queue.capacity,
	// except that 0 means the default, never unbounded.
	QueueCapacity int
	// DropReportInterval is the shortest time between two drop reports
	// (default [DefaultDropReportInterval]); a negative value turns the
	// periodic reports off (Close still makes one).
	DropReportInterval time.Duration
	// Logger receives the warnings: drops, failing and recovering sinks,
	// alerts abandoned at Close. Nil discards them.
	Logger *slog.Logger
	// Hostname goes in the drop reports (default: os.Hostname).
	Hostname string
}

// Defaults of [Options].
const (
	DefaultQueueCapacity      = 10000
	DefaultDropReportInterval = 10 * time.Second
)

// closeGrace is how long Close waits, after its deadline, for the sinks'
// goroutines to notice that their writes were cancelled.
const closeGrace = time.Second

// Outputs sends alerts to sinks, each behind its own bounded queue and
// goroutine. Its methods are safe for concurrent use.
type Outputs struct {
	opt     Options
	log     *slog.Logger
	workers []*worker

	mu     sync.RWMutex // Send holds it to read closed and ended; Close to set them
	closed bool         // Close began: alerts are refused
	ended  bool         // the queues are closed: drop reports are refused too

	abort      context.CancelFunc // cancels the sinks' writes
	stopReport chan struct{}
	reportDone chan struct{}
	rep        reporter

	closeOnce sync.Once
	closeErr  error
}

// New starts one goroutine per sink and returns the Outputs that feeds
// them. Sinks with the same name are told apart in [SinkStats] as
// "name", "name#2", ...
func New(opt Options, sinks ...Sink) *Outputs {
	if opt.QueueCapacity <= 0 {
		opt.QueueCapacity = DefaultQueueCapacity
	}
	if opt.DropReportInterval == 0 {
		opt.DropReportInterval = DefaultDropReportInterval
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, abort := context.WithCancel(context.Background())
	o := &Outputs{
		opt:        opt,
		log:        log,
		abort:      abort,
		stopReport: make(chan struct{}),
		reportDone: make(chan struct{}),
	}
	seen := make(map[string]int)
	for _, s := range sinks {
		name := s.Name()
		seen[name]++
		if n := seen[name]; n > 1 {
			name += "#" + strconv.Itoa(n)
		}
		w := newWorker(name, s, opt.QueueCapacity, log)
		o.workers = append(o.workers, w)
		go w.run(ctx)
	}
	o.rep.last = make([]reported, len(o.workers))
	if opt.DropReportInterval > 0 {
		go o.reportLoop(opt.DropReportInterval)
	} else {
		close(o.reportDone)
	}
	return o
}

// Send offers a to every sink and returns at once, whatever the sinks
// are doing: a sink whose queue is full drops a (counted in its
// [SinkStats.Dropped]), the others queue it. After Close, every sink
// drops it. The sinks read a later: the caller must not change it.
func (o *Outputs) Send(a *alert.Alert) { o.send(a, false) }

func (o *Outputs) send(a *alert.Alert, internal bool) {
	o.mu.RLock()
	// After Close began, only its drop reports get through, until the
	// queues close.
	refuse := o.ended || (o.closed && !internal)
	for _, w := range o.workers {
		if refuse {
			w.countDrop(internal)
		} else {
			w.offer(item{a: a, internal: internal})
		}
	}
	o.mu.RUnlock()
}

// SinkStats counts what became of the alerts offered to one sink. Each
// alert is in one counter, or still queued.
type SinkStats struct {
	Name      string
	Sent      uint64 // delivered
	Dropped   uint64 // refused because the queue was full (or Outputs was closed)
	Failed    uint64 // the sink could not deliver them (after its retries)
	Abandoned uint64 // still queued, or being written, when Close ran out of time
	QueueLen  int    // alerts waiting in the queue now
	QueueCap  int    // the queue's capacity
}

// Lost returns the alerts that did not reach the sink.
func (s SinkStats) Lost() uint64 { return s.Dropped + s.Failed + s.Abandoned }

// Stats returns the counters of each sink, in the order given to [New].
func (o *Outputs) Stats() []SinkStats {
	st := make([]SinkStats, len(o.workers))
	for i, w := range o.workers {
		st[i] = w.stats()
	}
	return st
}

// Reopen asks every sink that can ([Reopener]) to let go of its file,
// process or connection and to take a new one before its next write
// (SIGUSR1, after logrotate moved the file). It returns at once; each
// sink reopens in its own goroutine, before the next alert it writes.
func (o *Outputs) Reopen() {
	for _, w := range o.workers {
		w.requestReopen()
	}
}

// Close stops accepting alerts and sends a drop report if anything was
// lost since the previous one; it waits until every sink has written its
// queue, sends another report if writing it lost alerts, and waits until
// every sink has written that, flushed and closed. When ctx is done
// first, the writes still running are cancelled and what is still queued
// is counted as abandoned. The error names each sink that abandoned
// alerts, could not be stopped, or failed to close. Later calls return
// the same error.
func (o *Outputs) Close(ctx context.Context) error {
	o.closeOnce.Do(func() { o.closeErr = o.close(ctx) })
	return o.closeErr
}

func (o *Outputs) close(ctx context.Context) error {
	close(o.stopReport)
	<-o.reportDone
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	// The drops are final now (only Send drops), so report them first: a
	// sink that does not drain in time must not hold the news back.
	o.report()
	if o.drain(ctx) {
		o.report() // failures while draining
	}
	o.mu.Lock()
	o.ended = true
	for _, w := range o.workers {
		close(w.queue)
	}
	o.mu.Unlock()

	timedOut := false
	for _, w := range o.workers {
		select {
		case <-w.done:
			continue
		case <-ctx.Done():
			timedOut = true
		}
		break
	}
	if timedOut {
		o.abort()
		grace := time.NewTimer(closeGrace)
		defer grace.Stop()
	wait:
		for _, w := range o.workers {
			select {
			case <-w.done:
			case <-grace.C:
				break wait
			}
		}
	}
	o.abort()

	var errs []error
	for _, w := range o.workers {
		select {
		case <-w.done:
			if n := w.abandoned.Load(); n > 0 {
				o.log.Warn("output abandoned alerts at close", "output", w.name, "abandoned", n)
				errs = append(errs, fmt.Errorf("output %s: %d alerts abandoned at close", w.name, n))
			}
			if w.closeErr != nil {
				errs = append(errs, fmt.Errorf("output %s: close: %w", w.name, w.closeErr))
			}
		default:
			n := len(w.queue) + 1
			o.log.Warn("output still writing after close", "output", w.name, "queued", n)
			errs = append(errs, fmt.Errorf("output %s: a write did not return after its cancellation; %d alerts undelivered", w.name, n))
		}
	}
	return errors.Join(errs...)
}

// drain waits until every sink has written what was queued before the
// call, or until ctx is done, and reports which.
func (o *Outputs) drain(ctx context.Context) bool {
	marks := make([]chan struct{}, len(o.workers))
	var full []int
	for i, w := range o.workers {
		marks[i] = make(chan struct{})
		select {
		case w.queue <- item{mark: marks[i]}:
		default:
			full = append(full, i)
		}
	}
	for _, i := range full {
		select {
		case o.workers[i].queue <- item{mark: marks[i]}:
		case <-ctx.Done():
			return false
		}
	}
	for _, m := range marks {
		select {
		case <-m:
		case <-ctx.Done():
			return false
		}
	}
	return true
}
