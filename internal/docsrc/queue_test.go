package docsrc

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// The queue takes what it holds, refuses the rest at once, and gives the
// batches in order.
func TestQueue(t *testing.T) {
	q := NewQueue(2)
	for i, want := range []bool{true, true, false, false} {
		if got := q.Offer([]byte{byte(i)}); got != want {
			t.Errorf("offer %d: %v, want %v", i, got, want)
		}
	}
	if q.Accepted() != 2 || q.Refused() != 2 || q.Len() != 2 || q.Cap() != 2 {
		t.Errorf("accepted %d refused %d len %d cap %d", q.Accepted(), q.Refused(), q.Len(), q.Cap())
	}
	ctx, cancel := context.WithCancel(context.Background())
	var got []byte
	q.Run(ctx, func(b []byte) {
		got = append(got, b...)
		if len(got) == 2 {
			cancel()
		}
	})
	if string(got) != "\x00\x01" {
		t.Errorf("batches %q", got)
	}
	// Once Run has ended, the queue is closed: Offer refuses.
	if q.Offer([]byte("late")) {
		t.Error("offer after Run ended: accepted")
	}
	if q.Refused() != 3 {
		t.Errorf("refused %d, want 3", q.Refused())
	}
	// Batches queued when the context ends are still given.
	q = NewQueue(2)
	q.Offer([]byte("a"))
	q.Offer([]byte("b"))
	done, stop := context.WithCancel(context.Background())
	stop()
	got = got[:0]
	q.Run(done, func(b []byte) { got = append(got, b...) })
	if string(got) != "ab" {
		t.Errorf("batches left at the end: %q, want ab", got)
	}
	if NewQueue(0).Cap() != 1 {
		t.Error("a queue of 0 holds nothing")
	}
}

// Every batch Offer accepts is given to Run's function, also when senders
// keep offering while Run ends (a webhook during shutdown): none is
// acknowledged and then lost.
func TestQueueAcceptedAreRun(t *testing.T) {
	for range 20 {
		q := NewQueue(4)
		ctx, cancel := context.WithCancel(context.Background())
		var run atomic.Uint64
		done := make(chan struct{})
		go func() {
			q.Run(ctx, func([]byte) { run.Add(1) })
			close(done)
		}()
		var senders sync.WaitGroup
		for range 4 {
			senders.Go(func() {
				for range 200 {
					q.Offer([]byte("x"))
				}
			})
		}
		cancel()
		senders.Wait()
		<-done
		if q.Accepted() != run.Load() {
			t.Fatalf("accepted %d batches, ran %d", q.Accepted(), run.Load())
		}
		if q.Accepted()+q.Refused() != 800 {
			t.Fatalf("accepted %d + refused %d, want 800", q.Accepted(), q.Refused())
		}
	}
}

func TestNewWebhookChecks(t *testing.T) {
	if _, err := NewWebhook(WebhookOptions{Token: []byte("x")}); err == nil {
		t.Error("webhook without a queue")
	}
	if _, err := NewWebhook(WebhookOptions{Queue: NewQueue(1)}); err == nil {
		t.Error("webhook without authentication")
	}
}
