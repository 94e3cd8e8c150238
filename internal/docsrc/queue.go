package docsrc

import (
	"context"
	"sync"
	"sync/atomic"
)

// Queue carries batches from the goroutines that receive them (HTTP
// handlers) to the one that evaluates them. It is bounded and never
// blocks a sender: when it is full, or closed because its Run ended,
// Offer refuses and counts it. Safe for concurrent use.
type Queue struct {
	ch                chan []byte
	accepted, refused atomic.Uint64

	// mu orders Offer against the end of Run: an Offer holds it for
	// reading, the close takes it whole, so that no batch gets in after
	// Run has drained the queue.
	mu     sync.RWMutex
	closed bool
}

// NewQueue returns a queue that holds up to n batches (at least 1).
func NewQueue(n int) *Queue {
	return &Queue{ch: make(chan []byte, max(n, 1))}
}

// Offer queues a batch, or returns false at once when the queue is full
// or closed. The queue owns the batch from then on. A batch Offer took is
// evaluated: Run gives every one queued before it ends.
func (q *Queue) Offer(batch []byte) bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if !q.closed {
		select {
		case q.ch <- batch:
			q.accepted.Add(1)
			return true
		default:
		}
	}
	q.refused.Add(1)
	return false
}

// Run calls fn for each batch, in order, on the calling goroutine, until
// ctx is done. It then closes the queue (Offer refuses from then on) and
// gives the batches still queued (they were acknowledged) before it
// returns. Run is called once.
func (q *Queue) Run(ctx context.Context, fn func(batch []byte)) {
	for {
		select {
		case <-ctx.Done():
			q.mu.Lock()
			q.closed = true
			q.mu.Unlock()
			for {
				select {
				case b := <-q.ch:
					fn(b)
				default:
					return
				}
			}
		case b := <-q.ch:
			fn(b)
		}
	}
}

// Len returns the number of batches waiting.
func (q *Queue) Len() int { return len(q.ch) }

// Cap returns how many batches the queue holds.
func (q *Queue) Cap() int { return cap(q.ch) }

// Accepted and Refused count the batches Offer took and turned away.
func (q *Queue) Accepted() uint64 { return q.accepted.Load() }

// Refused counts the batches Offer turned away because the queue was
// full.
func (q *Queue) Refused() uint64 { return q.refused.Load() }
