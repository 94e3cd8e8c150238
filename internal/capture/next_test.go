package capture

import (
	"testing"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// Next reads events in place: no allocation per event.
func TestNextAllocs(t *testing.T) {
	testenv.Root(t)
	c, err := Open(Options{Types: []event.Type{5}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < 2000; i++ {
		unix.Close(-1)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := c.Next(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Next allocates %.1f times per event", allocs)
	}
}

// BenchmarkNext measures reading events (close exits written beforehand
// in batches by the benchmark's own thread).
func BenchmarkNext(b *testing.B) {
	testenv.Root(b)
	c, err := Open(Options{Types: []event.Type{5}, RingSize: 64 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ReportAllocs()
	for i := 0; i < b.N; {
		b.StopTimer()
		n := min(b.N-i, 100000)
		for k := 0; k < n; k++ {
			unix.Close(-1)
		}
		b.StartTimer()
		for k := 0; k < n; k++ {
			if _, err := c.Next(); err != nil {
				b.Fatal(err)
			}
		}
		i += n
	}
}
