package event

import "testing"

// textMix is a set of events covering the common parameter types.
func textMix(t testing.TB) []*Event {
	return []*Event{
		mkEvent(t, tOpenX, 100, pi64(3), ps("/etc/passwd"), p32(0x1001), p32(0o644), p32(0x803), p64(12)),
		mkEvent(t, tReadX, 100, pi64(81), make([]byte, 81), pi64(3), p32(4096)),
		mkEvent(t, tCloseX, 100, pi64(0), pi64(-1)),
		mkEvent(t, tConnectX, 100, pi64(-115), tuple6("2001:db8::1", 1234, "::1", 80), pi64(4), nil),
		mkEvent(t, tMmapX, 100, p64(0x7f12abcd0000), p32(1000), p32(100), p32(0)),
		mkEvent(t, tPollE, 100, fdl([2]int64{3, 1}, [2]int64{4, 5}), pi64(-1)),
		mkEvent(t, tExecve19X, 100, execveParams()...),
		mkEvent(t, 177, 100, pi64(0), pi64(-100), ps("x"), pi64(7), ps("y")),
		mkEvent(t, 192, 100, p32(0), p32(1000), p32(0xffffffff)),
		mkEvent(t, tSetsockX, 100, pi64(0), pi64(4), p8(1), p8(20), dynp(4, p64(1500000000)), p32(16)),
	}
}

func TestAppendArgsAllocs(t *testing.T) {
	events := textMix(t)
	for _, r := range []Resolver{nil, fakeState{}} {
		dst := make([]byte, 0, 4096)
		allocs := testing.AllocsPerRun(100, func() {
			for _, e := range events {
				dst = AppendArgs(dst[:0], e, r)
			}
		})
		if allocs != 0 {
			t.Errorf("AppendArgs with resolver %T: %v allocations per run, want 0", r, allocs)
		}
	}
}

func BenchmarkAppendArgs(b *testing.B) {
	events := textMix(b)
	for _, bc := range []struct {
		name string
		r    Resolver
	}{{"nil", nil}, {"resolver", fakeState{}}} {
		b.Run(bc.name, func(b *testing.B) {
			dst := make([]byte, 0, 4096)
			b.ReportAllocs()
			for b.Loop() {
				for _, e := range events {
					dst = AppendArgs(dst[:0], e, bc.r)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
		})
	}
}
