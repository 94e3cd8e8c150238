package output

import (
	"context"
	"io"
	"testing"
	"time"

	"peregrine/internal/alert"
)

// nopSink takes alerts and does nothing: the cost of Outputs alone.
type nopSink struct{}

func (nopSink) Name() string                              { return "nop" }
func (nopSink) Write(context.Context, *alert.Alert) error { return nil }
func (nopSink) Close() error                              { return nil }

// benchSend sends b.N alerts to sinks and reports the drops per alert;
// release, if any, lets stalled sinks go before Close.
func benchSend(b *testing.B, release func(), sinks ...Sink) {
	o := New(Options{DropReportInterval: -1}, sinks...)
	a := testAlert(1)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		o.Send(a)
	}
	b.StopTimer()
	if release != nil {
		release()
	}
	o.Close(context.Background())
	var dropped uint64
	for _, s := range o.Stats() {
		dropped += s.Dropped
	}
	b.ReportMetric(float64(dropped)/float64(b.N), "drops/op")
}

// benchQueued sends b.N alerts in batches no bigger than the queues and
// waits (timer stopped) for the sinks to drain between batches: the cost
// of Send when the alert is queued, not dropped.
func benchQueued(b *testing.B, sinks ...Sink) {
	const batch = 4096
	o := New(Options{QueueCapacity: batch, DropReportInterval: -1}, sinks...)
	a := testAlert(1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		for range min(batch, b.N-i) {
			o.Send(a)
		}
		b.StopTimer()
		for j := range sinks {
			for o.Stats()[j].QueueLen > 0 {
				time.Sleep(10 * time.Microsecond)
			}
		}
		b.StartTimer()
	}
	b.StopTimer()
	o.Close(context.Background())
	for _, s := range o.Stats() {
		if s.Dropped != 0 {
			b.Fatalf("%s dropped %d", s.Name, s.Dropped)
		}
	}
}

func BenchmarkSendQueued(b *testing.B) {
	b.Run("nop", func(b *testing.B) { benchQueued(b, nopSink{}) })
	b.Run("nop x3", func(b *testing.B) { benchQueued(b, nopSink{}, nopSink{}, nopSink{}) })
}

// BenchmarkSend sends as fast as it can: the queues fill and most alerts
// take the drop path (drops/op says how many).
func BenchmarkSend(b *testing.B) {
	b.Run("nop", func(b *testing.B) { benchSend(b, nil, nopSink{}) })
	b.Run("nop x3", func(b *testing.B) { benchSend(b, nil, nopSink{}, nopSink{}, nopSink{}) })
	b.Run("stdout text", func(b *testing.B) { benchSend(b, nil, NewStdout(StdoutOptions{W: io.Discard})) })
	b.Run("stdout json", func(b *testing.B) {
		benchSend(b, nil, NewStdout(StdoutOptions{W: io.Discard, Format: Format{JSON: true, JSONOptions: alert.DefaultJSON()}}))
	})
	b.Run("stalled", func(b *testing.B) {
		s := newStallSink("stall")
		s.entered = make(chan struct{}, 1)
		benchSend(b, func() { close(s.release) }, s)
	})
}

// BenchmarkWrite is the cost of a sink's goroutine per alert.
func BenchmarkWrite(b *testing.B) {
	a := testAlert(1)
	for _, tc := range []struct {
		name string
		s    Sink
	}{
		{"stdout text", NewStdout(StdoutOptions{W: io.Discard})},
		{"stdout json", NewStdout(StdoutOptions{W: io.Discard, Format: Format{JSON: true, JSONOptions: alert.DefaultJSON()}})},
		{"stdout json static", NewStdout(StdoutOptions{W: io.Discard, Format: Format{JSON: true, JSONOptions: alert.DefaultJSON(),
			StaticFields: map[string]string{"cluster": "eu-1", "env": "prod"}}})},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				tc.s.Write(context.Background(), a)
			}
		})
	}
}
