package engine_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"peregrine/internal/alert"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/scap"
	"peregrine/internal/testenv"
)

// Helpers of the reload tests: a source that replays the shared captures
// over and over, rule sets written inline, and the alerts of a run keyed
// by event number.

// sharedCaptures returns the contents of every shared capture.
func sharedCaptures(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range testenv.Captures(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		t.Fatal("no shared captures")
	}
	return out
}

// loopSource replays captures one after the other, round after round, as
// a CaptureSource: each capture is a new section. It plays rounds rounds,
// or with rounds 0 until Finish is called, and then one more round.
type loopSource struct {
	t      testing.TB
	data   [][]byte
	rounds int
	cur    *scap.Source
	i      int // the capture being played
	played int // rounds played to their end

	delivered atomic.Uint64
	finishing atomic.Bool
	limit     int // rounds to play, once known
	tick      chan struct{}
}

// tickEvery is how often (in events) a loopSource signals its progress.
const tickEvery = 256

func newLoopSource(t testing.TB, data [][]byte, rounds int) *loopSource {
	s := &loopSource{t: t, data: data, rounds: rounds, limit: rounds, tick: make(chan struct{}, 1)}
	s.open()
	return s
}

func (s *loopSource) open() {
	r, err := scap.NewReader(bytes.NewReader(s.data[s.i]))
	if err != nil {
		s.t.Fatal(err)
	}
	s.cur = scap.NewSource(r, false)
}

// Next returns the next event of the current capture, going on to the
// next capture at its end.
func (s *loopSource) Next() (*event.Event, error) {
	for {
		ev, err := s.cur.Next()
		if err == nil {
			if n := s.delivered.Add(1); n%tickEvery == 0 {
				select {
				case s.tick <- struct{}{}:
				default:
				}
			}
			return ev, nil
		}
		if !errors.Is(err, io.EOF) {
			return nil, err
		}
		if s.i++; s.i == len(s.data) {
			s.i = 0
			s.played++
			if s.limit == 0 && s.finishing.Load() {
				s.limit = s.played + 1
			}
			if s.limit > 0 && s.played >= s.limit {
				return nil, io.EOF
			}
		}
		s.open()
	}
}

// Meta returns the metadata of the capture being played.
func (s *loopSource) Meta() *scap.Meta { return s.cur.Meta() }

// Finish ends an endless source after the next whole round.
func (s *loopSource) Finish() { s.finishing.Store(true) }

// waitDelivered waits until the source has delivered n events.
func (s *loopSource) waitDelivered(ctx context.Context, n uint64) error {
	for s.delivered.Load() < n {
		select {
		case <-s.tick:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// spec loads one rule file given as text.
func spec(t testing.TB, text string) *rules.Spec {
	t.Helper()
	var l loader.Loader
	sp, diags, err := l.LoadFiles(loader.File{Name: "rules.yaml", Data: []byte(text)})
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	return sp
}

// alertKey is one alert: the event it is about, its rule and output.
type alertKey struct {
	num    uint64
	rule   string
	output string
}

// collector gathers alerts; its emit is called by the engine's goroutine.
type collector struct {
	t      testing.TB
	mu     sync.Mutex
	alerts []alertKey
}

func (c *collector) emit(a *alert.Alert) {
	num, err := strconv.ParseUint(field(a, "evt.num"), 10, 64)
	if err != nil {
		c.t.Errorf("alert %q: evt.num %q: %v", a.Rule, field(a, "evt.num"), err)
	}
	c.mu.Lock()
	c.alerts = append(c.alerts, alertKey{num: num, rule: a.Rule, output: a.Output})
	c.mu.Unlock()
}

// reference replays rounds rounds of data with the rules of text alone
// and returns its alerts by event number, and the number of events.
func reference(t testing.TB, data [][]byte, rounds int, text string, opt engine.Options) (map[uint64][]alertKey, uint64) {
	t.Helper()
	eng, diags, err := engine.New(spec(t, text), opt)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	c := &collector{t: t}
	if err := eng.RunCapture(context.Background(), newLoopSource(t, data, rounds), c.emit); err != nil {
		t.Fatal(err)
	}
	byNum := map[uint64][]alertKey{}
	for _, a := range c.alerts {
		byNum[a.num] = append(byNum[a.num], a)
	}
	return byNum, eng.Counters().Events
}
