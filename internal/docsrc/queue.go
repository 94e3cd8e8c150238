package docsrc

import (
	"context"
	"sync/atomic"
)

// Queue carries batches from the goroutines that receive them (HTTP
// handlers) to the one that evaluates them. It is bounded and never
// blocks a sender: when it is full, Offer refuses and counts it. Safe for
// concurrent use.
type Queue struct {
	ch                chan []byte
	accepted, refused atomic.Uint64
}

// NewQueue returns a queue that holds up to n batches (at least 1).
func NewQueue(n int) *Queue {
	return &Queue{ch: make(chan []byte, max(n, 1))}
}

// Offer queues a batch, or returns false at once when the queue is full.
// The queue owns the batch from then on.
func (q *Queue) Offer(batch []byte) bool {
	select {
	case q.ch <- batch:
		q.accepted.Add(1)
		return true
	default:
		q.refused.Add(1)
		return false
	}
}

// Run calls fn for each batch, in order, on the calling goroutine, until
// ctx is done. The batches queued then (they were acknowledged) are
// evaluated before it returns, up to the queue's capacity.
func (q *Queue) Run(ctx context.Context, fn func(batch []byte)) {
	for {
		select {
		case <-ctx.Done():
			for range cap(q.ch) {
				select {
				case b := <-q.ch:
					fn(b)
				default:
					return
				}
			}
			return
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
