package capture

import (
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// checkBalance checks that every exit the kernel side saw is accounted
// for.
func checkBalance(t *testing.T, s Stats) {
	t.Helper()
	if s.Seen != s.Sent+s.DroppedFull+s.DroppedOther+s.Filtered {
		t.Errorf("seen %d != sent %d + dropped %d+%d + filtered %d", s.Seen, s.Sent, s.DroppedFull, s.DroppedOther, s.Filtered)
	}
	if s.Delivered > s.Sent || s.Malformed != 0 {
		t.Errorf("delivered %d of %d sent, %d malformed", s.Delivered, s.Sent, s.Malformed)
	}
}

// Only the types asked for leave the kernel, and the set can change live.
func TestFilter(t *testing.T) {
	r := openRig(t, Options{Types: []event.Type{307}})
	dir := t.TempDir()
	dirfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dirfd)
	nameIs := func(param_, want string) func(*event.Event) bool {
		return func(e *event.Event) bool { return text(param(t, e, param_)) == want }
	}
	// onlyUntil waits for the marker, failing on any event of another type
	// than typ on the way.
	onlyUntil := func(typ event.Type, marker func(*event.Event) bool) {
		t.Helper()
		r.waitFor("marker", func(e *event.Event) bool {
			if e.Type() != typ {
				t.Fatalf("event of type %d (%s) arrived; only %d is captured", e.Type(), e.TypeName(), typ)
			}
			return marker(e)
		})
	}
	tid := onThread(false, func(int) {
		fd := sys(unix.SYS_OPENAT, dirfd, ".", unix.O_RDONLY, 0)
		sys(unix.SYS_MKDIRAT, dirfd, "m0", 0o700)
		sys(unix.SYS_CLOSE, int(fd))
		sys(unix.SYS_OPENAT, dirfd, "m0", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	})
	onlyUntil(307, func(e *event.Event) bool { return e.TID() == int64(tid) && nameIs("name", "m0")(e) })

	if err := r.c.SetTypes([]event.Type{305}); err != nil {
		t.Fatal(err)
	}
	tid = onThread(false, func(int) { sys(unix.SYS_MKDIRAT, dirfd, "m1", 0o700) })
	r.waitType(305, tid, nameIs("path", "m1"))
	tid = onThread(false, func(int) {
		sys(unix.SYS_OPENAT, dirfd, "m1", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		sys(unix.SYS_MKDIRAT, dirfd, "m2", 0o700)
	})
	onlyUntil(305, func(e *event.Event) bool { return e.TID() == int64(tid) && nameIs("path", "m2")(e) })
	if s := r.c.Stats(); s.Filtered == 0 || s.Sent == 0 {
		t.Errorf("stats %+v: want filtered and sent exits", s)
	}
}

// The counters account for every exit, and Close keeps their last values.
func TestCountersBalance(t *testing.T) {
	testenv.Root(t)
	c, err := Open(Options{Types: []event.Type{5, 307}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		unix.Close(-1)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	s := c.Stats()
	checkBalance(t, s)
	if s.Sent < 1000 || s.Filtered == 0 {
		t.Errorf("stats %+v: want at least 1000 close events sent and some exits filtered", s)
	}
	if _, err := c.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after Close: %v, want io.EOF", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// A one-page ring buffer that nobody reads during a storm of system calls:
// events are dropped, counted, and capture goes on.
func TestFlood(t *testing.T) {
	testenv.Root(t)
	c, err := Open(Options{Types: []event.Type{5}, RingSize: 4096, WakeupBatch: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	const storm = 200000
	for i := 0; i < storm; i++ {
		unix.Close(-1)
	}
	s := c.Stats()
	if s.DroppedFull == 0 || s.Sent == 0 {
		t.Errorf("after %d closes into a 4 KiB ring: stats %+v; want drops and sends", storm, s)
	}
	if s.Sent+s.DroppedFull < storm {
		t.Errorf("sent %d + dropped %d < %d closes", s.Sent, s.DroppedFull, storm)
	}
	// The reader drains what fits and goes on with new events.
	got := make(chan int, 1)
	go func() {
		n := 0
		for {
			if _, err := c.Next(); err != nil {
				got <- n
				return
			}
			n++
		}
	}()
	deadline := time.Now().Add(waitLimit)
	for c.Stats().Delivered < s.Sent+10 && time.Now().Before(deadline) {
		unix.Close(-1)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-got:
		if uint64(n) < s.Sent {
			t.Errorf("read %d events, %d were sent before the reader started", n, s.Sent)
		}
	case <-time.After(waitLimit):
		t.Fatal("Next did not return after Close")
	}
	checkBalance(t, c.Stats())
}

// Close stops a Next that waits for an event that never comes.
func TestCloseUnblocksNext(t *testing.T) {
	testenv.Root(t)
	c, err := Open(Options{Types: []event.Type{411}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Next()
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Next returned before Close: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	c.Close()
	select {
	case err := <-done:
		if !errors.Is(err, io.EOF) {
			t.Errorf("Next after Close: %v, want io.EOF", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Next did not return after Close")
	}
}

// With Generic, a system call without its own event type comes as the
// generic event, named after the system call.
func TestGeneric(t *testing.T) {
	r := openRig(t, Options{Generic: true, Types: []event.Type{genericType}})
	tid := onThread(false, func(int) { sys(unix.SYS_GETPPID) })
	e := r.waitType(genericType, tid, func(e *event.Event) bool { return e.TypeName() == "getppid" })
	check(t, e, map[string]any{"nativeID": unix.SYS_GETPPID})
	if !slices.Contains(r.c.SupportedTypes(), genericType) {
		t.Error("generic type not supported")
	}
	without, err := SupportedTypes(Options{})
	if err != nil || slices.Contains(without, genericType) || !slices.Contains(without, 293) {
		t.Errorf("SupportedTypes without Generic: %v, %v", without, err)
	}
}

func TestOpenOptions(t *testing.T) {
	for _, o := range []Options{{RingSize: 5000}, {RingSize: 1024}, {Snaplen: MaxSnaplen + 1}, {Snaplen: -1}} {
		if c, err := Open(o); err == nil {
			c.Close()
			t.Errorf("Open(%+v) accepted", o)
		}
	}
}

// A parameter the kernel side cannot read is left empty and counted as
// incomplete; the event still comes.
func TestIncompleteParams(t *testing.T) {
	r := openRig(t, Options{Types: []event.Type{307}})
	before := r.c.Stats().Incomplete
	tid := onThread(false, func(int) { sys(unix.SYS_OPENAT, atFDCWD, uintptr(1), unix.O_RDONLY, 0) })
	e := r.waitType(307, tid)
	check(t, e, map[string]any{"fd": errno(unix.EFAULT), "dirfd": atFDCWD, "name": nil})
	if after := r.c.Stats().Incomplete; after <= before {
		t.Errorf("incomplete parameters %d -> %d, want more", before, after)
	}
}

// Stop ends a capture without losing what came before it: Next returns
// every event already in the ring buffer, then io.EOF; nothing comes
// after. A Next waiting on an empty ring returns at once.
func TestStopDrains(t *testing.T) {
	testenv.Root(t)
	c, err := Open(Options{Types: []event.Type{5}}) // close exits
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const n = 5000
	for i := 0; i < n; i++ {
		unix.Close(-4242) // EBADF, fd -4242: ours
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		unix.Close(-4242) // after the stop: must not come
	}
	ours := 0
	for {
		e, err := c.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if fd, _ := param(t, e, "fd").Int(); fd == -4242 {
			ours++
		}
	}
	if ours != n {
		t.Errorf("%d of our %d closes read before the end, want all and no more", ours, n)
	}
	st := c.Stats()
	if st.Sent != st.Delivered+st.Malformed || st.Dropped() != 0 {
		t.Errorf("after the drain: %+v; want every event sent delivered", st)
	}
	if _, err := c.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after the end: %v", err)
	}

	// A waiting Next returns when Stop comes.
	c2, err := Open(Options{Types: []event.Type{411}})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	done := make(chan error, 1)
	go func() {
		_, err := c2.Next()
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	c2.Stop()
	select {
	case err := <-done:
		if !errors.Is(err, io.EOF) {
			t.Errorf("waiting Next after Stop: %v, want io.EOF", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Next did not return after Stop")
	}
}
