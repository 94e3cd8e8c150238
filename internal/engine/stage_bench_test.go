package engine_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/scap"
)

// BenchmarkStageRead measures the reading stage of a replay alone: read,
// normalise and copy into batches, over the capture of BenchmarkReplay.
func BenchmarkStageRead(b *testing.B) {
	data := bigCapture(b, 2_000_000)
	var events uint64
	buf := make([]byte, 0, 1<<20)
	var dst event.Event
	for b.Loop() {
		r, _ := scap.NewReader(bytes.NewReader(data))
		src := scap.NewSource(r, false)
		for {
			ev, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if len(buf) > 1<<19 {
				buf = buf[:0]
			}
			buf = ev.CopyInto(&dst, buf)
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
