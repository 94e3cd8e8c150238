package engine_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"peregrine/internal/alert"
	"peregrine/internal/engine"
	"peregrine/internal/event"
)

// lossySource yields a few events and says it lost some.
type lossySource struct {
	ev    event.Event
	left  int
	lost  uint64
	seen  uint64
	built bool
}

func (s *lossySource) Next() (*event.Event, error) {
	if s.left == 0 {
		return nil, io.EOF
	}
	s.left--
	s.seen += 10
	s.lost += 3
	if !s.built {
		var b event.Builder
		b.Reset(7, 1, 1) // a read exit
		b.Int(event.PTErrno, 0)
		b.Raw(nil)
		b.Int(event.PTFD, 0)
		b.Uint(event.PTUint32, 0)
		var e event.Event
		if err := b.Build(&e); err != nil {
			panic(err)
		}
		e.Clone(&s.ev)
		s.built = true
	}
	return &s.ev, nil
}

func (s *lossySource) Drops() (uint64, uint64) { return s.lost, s.seen }

func TestDropAlerts(t *testing.T) {
	eng := newEngine(t, []string{filepath.Join("testdata", "psp_2019.yaml")}, engine.Options{})
	var got []*alert.Alert
	src := &lossySource{left: 10000}
	if err := eng.Run(context.Background(), src, func(a *alert.Alert) { got = append(got, a) }); err != nil {
		t.Fatal(err)
	}
	// The engine looks every 4096 events: one alert at the first look,
	// none at the second (within ten seconds of the first), one at the end
	// for the rest.
	if len(got) != 2 {
		t.Fatalf("%d alerts", len(got))
	}
	for _, a := range got {
		if a.Rule != engine.DropRule || a.Priority != alert.PriorityCritical {
			t.Fatalf("alert %+v", a)
		}
	}
	if got[0].Fields[0].JSON != "12288" || got[1].Fields[0].JSON != "17712" || got[1].Fields[2].JSON != "30000" {
		t.Fatalf("fields %+v / %+v", got[0].Fields, got[1].Fields)
	}
	if c := eng.Counters(); c.DropAlerts != 2 || c.Alerts != 2 {
		t.Fatalf("counters %+v", c)
	}
}
