package scap

import (
	"bytes"
	"io"
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// benchEvents is the size of the capture the benchmarks read.
const benchEvents = 1_000_000

// benchCapture builds, with the Writer, a capture of at least benchEvents
// events by repeating the events of every shared capture (with the
// metadata of libs_sample). It returns the plain and gzip forms and the
// number of events.
func benchCapture(b *testing.B) (plain, gz []byte, n int) {
	b.Helper()
	var all []recorded
	var meta *Meta
	for _, path := range testenv.Captures(b) {
		r, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		var e event.Event
		for r.Next(&e) == nil {
			all = append(all, recorded{CPU: e.CPU, Flags: e.BlockFlags, Bytes: bytes.Clone(e.Bytes())})
		}
		if meta == nil || len(r.Meta().Procs) > len(meta.Procs) {
			meta = r.Meta()
		}
		r.Close()
	}
	for _, gzip := range []bool{false, true} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, meta, WriterOptions{Gzip: gzip})
		if err != nil {
			b.Fatal(err)
		}
		var e event.Event
		n = 0
		for n < benchEvents {
			for _, rec := range all {
				if err := e.Load(rec.Bytes); err != nil {
					b.Fatal(err)
				}
				e.CPU, e.BlockFlags = rec.CPU, rec.Flags
				if err := w.Write(&e); err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if gzip {
			gz = buf.Bytes()
		} else {
			plain = buf.Bytes()
		}
	}
	return plain, gz, n
}

// BenchmarkRead reads events (one per op) from an in-memory capture of a
// million events, plain and gzip, without looking at them. MB/s counts
// uncompressed bytes.
func BenchmarkRead(b *testing.B) { benchRead(b, false) }

// BenchmarkReadDecode is BenchmarkRead touching every parameter of every
// event through event.Event.Param.
func BenchmarkReadDecode(b *testing.B) { benchRead(b, true) }

func benchRead(b *testing.B, decode bool) {
	plain, gz, n := benchCapture(b)
	b.Logf("%d events: %d bytes plain, %d gzip", n, len(plain), len(gz))
	for _, bc := range []struct {
		name string
		data []byte
	}{{"plain", plain}, {"gzip", gz}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(plain) / n))
			b.ReportAllocs()
			r, err := NewReader(bytes.NewReader(bc.data))
			if err != nil {
				b.Fatal(err)
			}
			var e event.Event
			sum := 0
			b.ResetTimer()
			for b.Loop() {
				err := r.Next(&e)
				if err == io.EOF {
					b.StopTimer()
					if r, err = NewReader(bytes.NewReader(bc.data)); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					err = r.Next(&e)
				}
				if err != nil {
					b.Fatal(err)
				}
				if decode {
					for i := range e.NumParams() {
						if p := e.Param(i); len(p) > 0 {
							sum += int(p[0]) + len(p)
						}
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			if sum == -1 {
				b.Log(sum)
			}
		})
	}
}
