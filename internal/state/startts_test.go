package state_test

import (
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/field"
	"peregrine/internal/state"
)

// TestStartFromScan checks that a thread a /proc scan gives with its start
// time has start-time fields, and one a capture's process list gives
// without it has none.
func TestStartFromScan(t *testing.T) {
	cat := field.Default()
	f, arg, ok := cat.Lookup(field.SourceSyscall, "proc.pid.ts")
	if !ok {
		t.Fatal("no proc.pid.ts")
	}
	for _, tc := range []struct {
		start uint64
		want  int
	}{{start: 1_700_000_000_000_000_000, want: 1}, {start: 0, want: 0}} {
		s := state.New(state.Options{})
		p := event.ProcessDefaults()
		p.TID, p.PID, p.Comm, p.StartTS = 7, 7, "sleep", tc.start
		s.Bootstrap(state.Bootstrap{Procs: []event.Process{p}})
		ext, err := s.Binder().Bind(f, arg)
		if err != nil {
			t.Fatal(err)
		}
		s.Update(mk(t, tCloseX, 1_800_000_000_000_000_000, 7, 0, 3))
		vals := ext(nil)
		if len(vals) != tc.want || tc.want == 1 && vals[0].N != tc.start {
			t.Errorf("start %d: proc.pid.ts = %+v", tc.start, vals)
		}
	}
}
