package scap

import (
	"path/filepath"
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// BenchmarkConvert normalises the events of a real 2018 capture (two
// thirds of them need a conversion or are kept for their exit), over and
// over. Reports ns per event; allocations must be 0 once the per-thread
// slots exist.
func BenchmarkConvert(b *testing.B) {
	for _, file := range []string{"libs_curl_google.scap", "libs_single_ipv6_conn.scap"} {
		b.Run(file, func(b *testing.B) {
			path := testenv.Shared(b, filepath.Join("captures", file))
			var evs []event.Event
			convRun(b, path, NewConverter(), func(raw, _ *event.Event, _ bool, _ error) {
				var cp event.Event
				raw.Clone(&cp)
				evs = append(evs, cp)
			})
			c := NewConverter()
			for i := range evs { // warm up: slots and buffers
				c.Convert(&evs[i])
			}
			c.Reset()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := i % len(evs)
				if k == 0 {
					// Reading the capture again: without this, threads
					// would carry enter events from its end into its start.
					c.Reset()
				}
				if _, _, err := c.Convert(&evs[k]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestConvertNoAllocs holds the hot-path promise: once the thread slots
// exist, normalising a capture allocates nothing.
func TestConvertNoAllocs(t *testing.T) {
	path := testenv.Shared(t, filepath.Join("captures", "libs_curl_google.scap"))
	var evs []event.Event
	convRun(t, path, NewConverter(), func(raw, _ *event.Event, _ bool, _ error) {
		var cp event.Event
		raw.Clone(&cp)
		evs = append(evs, cp)
	})
	c := NewConverter()
	pass := func() {
		c.Reset()
		for i := range evs {
			if _, _, err := c.Convert(&evs[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	pass()
	if a := testing.AllocsPerRun(5, pass); a != 0 {
		t.Errorf("%v allocations per pass over %d events, want 0", a, len(evs))
	}
}
