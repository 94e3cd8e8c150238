package state_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/state"
)

func TestResolver(t *testing.T) {
	s := base(t, state.Options{})
	for _, e := range []*event.Event{
		mk(t, tSocketX, 10, 100, 3, 2, 2, 0, 0),
		mk(t, tSocketX, 11, 100, 4, 2, 1, 0, 0),
		mk(t, tConnectX, 12, 100, 0, tuple("10.0.0.1", 4000, "10.0.0.2", 80), 4, sockaddr("10.0.0.2", 80)),
		mk(t, tSocketX, 13, 100, 5, 2, 3, 1, 0),
	} {
		s.Update(e)
	}
	r := s.Resolver()
	var _ event.Resolver = r
	threads := []struct {
		tid  int64
		want event.ThreadInfo
		ok   bool
	}{
		{100, event.ThreadInfo{Comm: "bash", Cwd: "/home/u/"}, true},
		{1, event.ThreadInfo{Comm: "systemd", Cwd: "/"}, true},
		{-1, event.ThreadInfo{}, false},
		{4242, event.ThreadInfo{}, false},
	}
	for _, tc := range threads {
		got, ok := r.Thread(tc.tid)
		if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.ok {
			t.Errorf("Thread(%d) %v (-want +got):\n%s", tc.tid, ok, diff)
		}
	}
	fds := []struct {
		tid, fd int64
		want    event.FDInfo
		ok      bool
	}{
		{100, 0, event.FDInfo{Type: event.FDFileV2, L4Proto: event.L4NA, Name: "/dev/pts/0"}, true},
		// An IP socket with no role yet has no protocol letter (<4>).
		{100, 3, event.FDInfo{Type: event.FDIPv4Sock, L4Proto: event.L4NA}, true},
		{100, 4, event.FDInfo{Type: event.FDIPv4Sock, L4Proto: event.L4TCP, Name: "10.0.0.1:4000->10.0.0.2:80"}, true},
		// A raw socket shows raw from the start.
		{100, 5, event.FDInfo{Type: event.FDIPv4Sock, L4Proto: event.L4Raw}, true},
		{100, 9, event.FDInfo{}, false},
		{1, 0, event.FDInfo{}, false},
		{4242, 0, event.FDInfo{}, false},
	}
	for _, tc := range fds {
		got, ok := r.FD(tc.tid, tc.fd)
		if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.ok {
			t.Errorf("FD(%d, %d) %v (-want +got):\n%s", tc.tid, tc.fd, ok, diff)
		}
	}
	if name, ok := r.AccountName(100, 1000, false); name != "u" || !ok {
		t.Errorf("AccountName(100, 1000) = %q %v", name, ok)
	}
	// The printer renders with the resolver without allocating.
	p := event.Printer{Resolver: r}
	e := mk(t, tReadX, 20, 100, 3, raw("abc"), 4, 3)
	buf := p.AppendArgs(nil, e)
	if want := "res=3 data=abc fd=4(<4t>10.0.0.1:4000->10.0.0.2:80) size=3"; string(buf) != want {
		t.Errorf("args = %q, want %q", buf, want)
	}
	if n := testing.AllocsPerRun(100, func() { buf = p.AppendArgs(buf[:0], e) }); n != 0 {
		t.Errorf("rendering with the resolver: %.1f allocations", n)
	}
}
