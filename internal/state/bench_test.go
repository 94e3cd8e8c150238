package state_test

import (
	"errors"
	"io"
	"runtime"
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/scap"
	"peregrine/internal/state"
	"peregrine/internal/testenv"
)

// loadCaptures reads the metadata and the normalised events (cloned) of
// every shared capture.
func loadCaptures(tb testing.TB) ([]state.Bootstrap, []*event.Event) {
	tb.Helper()
	var (
		boots  []state.Bootstrap
		events []*event.Event
	)
	for _, path := range testenv.Captures(tb) {
		r, err := scap.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		src := scap.NewSource(r, false)
		boots = append(boots, metaBootstrap(src.Meta()))
		for {
			e, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				tb.Fatal(err)
			}
			c := new(event.Event)
			e.Clone(c)
			events = append(events, c)
		}
		r.Close()
	}
	return boots, events
}

// BenchmarkUpdate applies the events of all shared captures, over and
// over, to one state bootstrapped with all their process lists; one op is
// one pass. Run it with -benchtime=100x or more for a million events.
// It reports the time and the heap allocations per event.
func BenchmarkUpdate(b *testing.B) {
	boots, events := loadCaptures(b)
	s := state.New(state.Options{})
	for _, bt := range boots {
		s.Bootstrap(bt)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, e := range events {
			s.Update(e)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	n := float64(b.N) * float64(len(events))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/event")
	b.ReportMetric(n, "events")
}

// TestReplayAllocations replays the shared captures twice over on a warm
// state and checks that allocations stay rare: only events that create
// threads, descriptors or names allocate, and the free lists keep even
// those few.
func TestReplayAllocations(t *testing.T) {
	boots, events := loadCaptures(t)
	s := state.New(state.Options{})
	for _, bt := range boots {
		s.Bootstrap(bt)
	}
	for _, e := range events {
		s.Update(e)
	}
	allocs := testing.AllocsPerRun(3, func() {
		for _, e := range events {
			s.Update(e)
		}
	})
	perEvent := allocs / float64(len(events))
	t.Logf("%d events per pass, %.0f allocations per pass, %.4f per event", len(events), allocs, perEvent)
	if perEvent > 0.01 {
		t.Errorf("%.4f allocations per event, want under 0.01", perEvent)
	}
}

// TestUpdateDoesNotAllocate checks events that change no state: reading
// and writing known descriptors, a failed close, memory and scheduler
// events, a datagram on a connected TCP socket, and unknown types.
func TestUpdateDoesNotAllocate(t *testing.T) {
	s := base(t, state.Options{})
	for _, e := range []*event.Event{
		mk(t, tSocketX, 1, 100, 5, 2, 1, 6, 0),
		mk(t, tConnectX, 2, 100, 0, tuple("10.0.0.1", 4000, "10.0.0.2", 80), 5, sockaddr("10.0.0.2", 80)),
	} {
		s.Update(e)
	}
	tests := []struct {
		name string
		ev   *event.Event
	}{
		{"read", mk(t, tReadX, 10, 100, 3, raw("abc"), 0, 3)},
		{"read of an unknown fd", mk(t, tReadX, 11, 100, 3, raw("abc"), 77, 3)},
		{"failed close", mk(t, tCloseX, 12, 100, -9, 77)},
		{"sendto on a TCP connection", mk(t, tSendtoX, 13, 100, 3, raw("GET"), 5, 3, tuple("10.0.0.1", 4000, "10.0.0.2", 80))},
		{"recvfrom on a TCP connection", mk(t, tRecvfromX, 14, 100, 3, raw("200"), tuple("10.0.0.2", 80, "10.0.0.1", 4000), 5, 3)},
		{"setuid to the same uid", mk(t, tSetuidX, 15, 100, 0, 0)},
		{"procinfo", mk(t, tProcInfoE, 16, 100, uint64(1), uint64(2))},
		{"a type this build does not know", mk(t, event.Type(453), 17, 100)},
		{"listen", mk(t, tListenX, 18, 100, 0, 5, 10)},
	}
	for _, tc := range tests {
		if n := testing.AllocsPerRun(100, func() { s.Update(tc.ev) }); n != 0 {
			t.Errorf("%s: %.1f allocations per Update", tc.name, n)
		}
	}
}
