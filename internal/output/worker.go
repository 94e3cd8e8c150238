package output

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"peregrine/internal/alert"
)

// item is one queued alert; internal marks the drop reports, whose own
// losses are counted but do not call for another report. An item with a
// mark is no alert: the worker closes mark when it gets there.
type item struct {
	a        *alert.Alert
	internal bool
	mark     chan struct{}
}

// worker is one sink, its queue, its goroutine and its counters.
type worker struct {
	name  string
	sink  Sink
	log   *slog.Logger
	queue chan item
	wake  chan struct{} // a reopen was requested
	done  chan struct{} // closed when run returns

	reopen atomic.Bool

	sent, dropped, failed, abandoned atomic.Uint64
	// The parts of dropped and failed that were drop reports.
	droppedInternal, failedInternal atomic.Uint64

	// Owned by run.
	failing  uint64 // consecutive failures, for the log
	closeErr error  // the sink's Close, read after done
	// Alerts the sink accepted are numbered; internalSeqs holds the
	// numbers of the drop reports among the recent ones, so that a loss
	// of buffered alerts ([LostError]) says which were drop reports.
	seq          uint64
	internalSeqs []uint64
}

func newWorker(name string, s Sink, capacity int, log *slog.Logger) *worker {
	return &worker{
		name:  name,
		sink:  s,
		log:   log,
		queue: make(chan item, capacity),
		wake:  make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
}

// offer queues it, or drops it when the queue is full. It never blocks.
func (w *worker) offer(it item) {
	select {
	case w.queue <- it:
	default:
		w.countDrop(it.internal)
	}
}

func (w *worker) countDrop(internal bool) {
	w.dropped.Add(1)
	if internal {
		w.droppedInternal.Add(1)
	}
}

func (w *worker) requestReopen() {
	w.reopen.Store(true)
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) stats() SinkStats {
	return SinkStats{
		Name:      w.name,
		Sent:      w.sent.Load(),
		Dropped:   w.dropped.Load(),
		Failed:    w.failed.Load(),
		Abandoned: w.abandoned.Load(),
		QueueLen:  len(w.queue),
		QueueCap:  cap(w.queue),
	}
}

// run writes the queue in order until it is closed and empty, then
// flushes and closes the sink. After ctx is cancelled, what is left is
// counted as abandoned without being written.
func (w *worker) run(ctx context.Context) {
	defer close(w.done)
	for {
		select {
		case it, ok := <-w.queue:
			if !ok {
				w.flush()
				w.closeErr = w.sink.Close()
				return
			}
			if it.mark != nil {
				w.flush()
				close(it.mark)
				continue
			}
			w.doReopen()
			w.deliver(ctx, it)
			if len(w.queue) == 0 {
				w.flush()
			}
		case <-w.wake:
			w.doReopen()
		}
	}
}

func (w *worker) deliver(ctx context.Context, it item) {
	if ctx.Err() != nil {
		w.abandoned.Add(1)
		return
	}
	err := w.sink.Write(ctx, it.a)
	switch {
	case err == nil:
		w.sent.Add(1)
		w.seq++
		if it.internal {
			if len(w.internalSeqs) == maxInternalSeqs {
				w.internalSeqs = append(w.internalSeqs[:0], w.internalSeqs[1:]...)
			}
			w.internalSeqs = append(w.internalSeqs, w.seq)
		}
		if w.failing > 0 {
			w.log.Info("output recovered", "output", w.name, "failed", w.failing)
			w.failing = 0
		}
	case ctx.Err() != nil:
		w.abandoned.Add(1)
	default:
		w.failed.Add(1)
		if it.internal {
			w.failedInternal.Add(1)
		}
		w.unsend(err)
		if w.failing == 0 {
			w.log.Warn("output write failed", "output", w.name, "error", err)
		}
		w.failing++
	}
}

// flush flushes a buffering sink; alerts lost in its buffer move from
// sent to failed.
func (w *worker) flush() {
	f, ok := w.sink.(Flusher)
	if !ok {
		return
	}
	err := f.Flush()
	if err == nil {
		w.internalSeqs = w.internalSeqs[:0] // written: no longer at risk
		return
	}
	if w.failing == 0 {
		w.log.Warn("output flush failed", "output", w.name, "error", err)
	}
	w.failing++
	w.unsend(err)
}

// maxInternalSeqs bounds the drop reports remembered between flushes.
const maxInternalSeqs = 64

// unsend moves the alerts that err says were lost after their acceptance
// ([LostError]: the last N accepted) from sent to failed.
func (w *worker) unsend(err error) {
	var lost *LostError
	if !errors.As(err, &lost) || lost.N <= 0 {
		return
	}
	n := min(uint64(lost.N), w.sent.Load())
	w.sent.Add(^(n - 1))
	w.failed.Add(n)
	var internal uint64
	for _, s := range w.internalSeqs {
		if s > w.seq-n {
			internal++
		}
	}
	w.failedInternal.Add(internal)
	w.internalSeqs = w.internalSeqs[:0]
}

func (w *worker) doReopen() {
	if !w.reopen.Swap(false) {
		return
	}
	r, ok := w.sink.(Reopener)
	if !ok {
		return
	}
	w.flush()
	if err := r.Reopen(); err != nil {
		w.log.Warn("output reopen failed", "output", w.name, "error", err)
	}
}
