package capture

import (
	"testing"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// Now reads the clock of the events' timestamps: an event of a system call
// made between two readings is stamped between them.
func TestNow(t *testing.T) {
	r := openRig(t, Options{Types: []event.Type{5}})
	for i := range 3 {
		before, err := r.c.Now()
		if err != nil {
			t.Fatal(err)
		}
		tid := onThread(false, func(int) { unix.Close(-4242) })
		after, err := r.c.Now()
		if err != nil {
			t.Fatal(err)
		}
		e := r.waitType(5, tid, func(e *event.Event) bool {
			fd, _ := param(t, e, "fd").Int()
			return fd == -4242
		})
		if ts := e.Timestamp(); ts < before || ts > after {
			t.Errorf("round %d: event stamped %d, outside [%d, %d] read around its system call", i, ts, before, after)
		}
	}
}

// After Close, Now fails.
func TestNowClosed(t *testing.T) {
	testenv.Root(t)
	c, err := Open(Options{Types: []event.Type{411}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Now(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.Now(); err == nil {
		t.Error("Now after Close: no error")
	}
}
