package engine_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"peregrine/internal/alert"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/scap"
	"peregrine/internal/testenv"
)

// bigCapture returns a plain capture of n events: the events of a few
// shared captures repeated, times shifted so that they keep increasing,
// with the first capture's metadata (as bench/mkcapture builds one).
func bigCapture(b *testing.B, n int) []byte {
	b.Helper()
	var (
		meta   *scap.Meta
		events [][]byte
		cpus   []uint16
		first  uint64
		last   uint64
	)
	for _, name := range []string{"libs_curl_google.scap", "libs_single_ipv6_conn.scap", "falco_ping_sendto.scap", "falco_psp_write_tmp_test.scap", "libs_sample.scap"} {
		r, err := scap.Open(testenv.Shared(b, filepath.Join("captures", name)))
		if err != nil {
			b.Fatal(err)
		}
		if meta == nil {
			meta = r.Meta()
		}
		var e event.Event
		for {
			err := r.Next(&e)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if first == 0 || e.Timestamp() < first {
				first = e.Timestamp()
			}
			last = max(last, e.Timestamp())
			events = append(events, append([]byte(nil), e.Bytes()...))
			cpus = append(cpus, e.CPU)
		}
		r.Close()
	}
	var buf bytes.Buffer
	w, err := scap.NewWriter(&buf, meta, scap.WriterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	span := last - first + 1
	var e event.Event
	tmp := make([]byte, 0, 1<<16)
	for i := 0; i < n; i++ {
		k := i % len(events)
		tmp = append(tmp[:0], events[k]...)
		binary.LittleEndian.PutUint64(tmp, binary.LittleEndian.Uint64(tmp)+uint64(i/len(events))*span)
		if err := e.Load(tmp); err != nil {
			b.Fatal(err)
		}
		e.CPU = cpus[k]
		if err := w.Write(&e); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkReplay replays a 2,000,000-event capture (plain, in memory)
// through the normaliser, the state engine and the stable, incubating and
// sandbox rules: one op is one whole replay.
func BenchmarkReplay(b *testing.B) {
	const n = 2_000_000
	data := bigCapture(b, n)
	eng := newEngine(b, upstream(b), engine.Options{Matching: rules.MatchAll})
	var alerts int
	emit := func(*alert.Alert) { alerts++ }
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	var events uint64
	for b.Loop() {
		r, err := scap.NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		before := eng.Counters().Events
		if err := eng.RunCapture(context.Background(), scap.NewSource(r, false), emit); err != nil {
			b.Fatal(err)
		}
		events += eng.Counters().Events - before
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(events), "allocs/event")
	b.ReportMetric(float64(alerts), "alerts")
}
