package capture

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// rig is an open capture whose events a goroutine clones into a channel,
// for tests to wait on.
type rig struct {
	t    testing.TB
	c    *Capture
	ch   chan *event.Event
	stop chan struct{}
	done chan struct{}
}

// waitLimit bounds every wait for an expected event.
const waitLimit = 10 * time.Second

func openRig(t testing.TB, opts Options) *rig {
	t.Helper()
	testenv.Root(t)
	c, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, c: c, ch: make(chan *event.Event, 1<<16), stop: make(chan struct{}), done: make(chan struct{})}
	go r.read()
	t.Cleanup(r.close)
	return r
}

func (r *rig) read() {
	defer close(r.done)
	for {
		e, err := r.c.Next()
		if err != nil {
			return
		}
		var cl event.Event
		e.Clone(&cl)
		select {
		case r.ch <- &cl:
		case <-r.stop:
			return
		}
	}
}

func (r *rig) close() {
	close(r.stop)
	if err := r.c.Close(); err != nil {
		r.t.Errorf("close: %v", err)
	}
	<-r.done
}

// waitFor returns the first event for which match is true, failing the
// test after waitLimit.
func (r *rig) waitFor(what string, match func(*event.Event) bool) *event.Event {
	r.t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case e := <-r.ch:
			if match(e) {
				return e
			}
		case <-timeout:
			r.t.Fatalf("no %s event within %v (stats %+v)", what, waitLimit, r.c.Stats())
			return nil
		}
	}
}

// collect waits until each of match has matched an event, in any order,
// and returns the events by name.
func (r *rig) collect(match map[string]func(*event.Event) bool) map[string]*event.Event {
	r.t.Helper()
	got := map[string]*event.Event{}
	timeout := time.After(waitLimit)
	for len(got) < len(match) {
		select {
		case e := <-r.ch:
			for name, m := range match {
				if got[name] == nil && m(e) {
					got[name] = e
				}
			}
		case <-timeout:
			var missing []string
			for name := range match {
				if got[name] == nil {
					missing = append(missing, name)
				}
			}
			r.t.Fatalf("no %v event within %v (stats %+v)", missing, waitLimit, r.c.Stats())
		}
	}
	return got
}

// waitType waits for an event of type typ by thread tid.
func (r *rig) waitType(typ event.Type, tid int, more ...func(*event.Event) bool) *event.Event {
	r.t.Helper()
	return r.waitFor(fmt.Sprintf("%s (type %d) of thread %d", typ.Name(), typ, tid), func(e *event.Event) bool {
		if e.Type() != typ || e.TID() != int64(tid) {
			return false
		}
		for _, m := range more {
			if !m(e) {
				return false
			}
		}
		return true
	})
}

// onThread runs f on a locked OS thread and returns its thread id. With
// discard the thread is thrown away afterwards (f changed its
// credentials, namespaces or name).
func onThread(discard bool, f func(tid int)) int {
	ch := make(chan int)
	go func() {
		runtime.LockOSThread()
		if !discard {
			defer runtime.UnlockOSThread()
		}
		tid := unix.Gettid()
		f(tid)
		ch <- tid
	}()
	return <-ch
}

// param returns parameter name of e.
func param(t testing.TB, e *event.Event, name string) event.Value {
	t.Helper()
	i := e.Info().ParamIndex(name)
	v, ok := e.Value(i)
	if i < 0 || !ok {
		t.Fatalf("%s event has no parameter %q", e.TypeName(), name)
	}
	return v
}

// check compares the parameters of e with want: an int64 is compared
// with the integer value, a string with the flag or enum names of a
// parameter that has names and with the text of a string parameter,
// []string with a NUL-separated list, nil means empty.
func check(t testing.TB, e *event.Event, want map[string]any) {
	t.Helper()
	for name, w := range want {
		v := param(t, e, name)
		switch w := w.(type) {
		case nil:
			if len(v.Raw) != 0 {
				t.Errorf("%s %s: %q, want empty", e.TypeName(), name, v.Raw)
			}
		case int:
			got, ok := v.Int()
			if !ok || got != int64(w) {
				t.Errorf("%s %s = %d (%v), want %d", e.TypeName(), name, got, ok, w)
			}
		case int64:
			got, ok := v.Int()
			if !ok || got != w {
				t.Errorf("%s %s = %d (%v), want %d", e.TypeName(), name, got, ok, w)
			}
		case uint64:
			got, ok := v.Uint()
			if !ok || got != w {
				t.Errorf("%s %s = %d (%v), want %d", e.TypeName(), name, got, ok, w)
			}
		case string:
			if got := text(v); got != w {
				t.Errorf("%s %s = %q, want %q", e.TypeName(), name, got, w)
			}
		case []string:
			got := list(v.Raw)
			if strings.Join(got, "\x00") != strings.Join(w, "\x00") {
				t.Errorf("%s %s = %q, want %q", e.TypeName(), name, got, w)
			}
		default:
			t.Fatalf("check: %T for %s", w, name)
		}
	}
}

// text renders a flag, enum or string parameter.
func text(v event.Value) string {
	if v.Info != nil && v.Info.Names != nil {
		u, _ := v.Uint()
		switch v.Type {
		case event.PTEnumFlags8, event.PTEnumFlags16, event.PTEnumFlags32:
			s, _ := v.Info.Names.Lookup(uint32(u))
			return s
		}
		return string(v.Info.Names.AppendNames(nil, uint32(u)))
	}
	if v.Type == event.PTBytebuf {
		return string(v.Raw)
	}
	return string(v.Str())
}

// list splits a NUL-separated list.
func list(raw []byte) []string {
	s := strings.TrimSuffix(string(raw), "\x00")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

// errno returns the negative errno a failed call reports.
func errno(err error) int64 {
	if e, ok := err.(unix.Errno); ok {
		return -int64(e)
	}
	return 0
}
