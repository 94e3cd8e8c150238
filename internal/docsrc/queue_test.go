package docsrc

import (
	"context"
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
	// Batches queued when the context ends are still given.
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

func TestNewWebhookChecks(t *testing.T) {
	if _, err := NewWebhook(WebhookOptions{Token: []byte("x")}); err == nil {
		t.Error("webhook without a queue")
	}
	if _, err := NewWebhook(WebhookOptions{Queue: NewQueue(1)}); err == nil {
		t.Error("webhook without authentication")
	}
}
