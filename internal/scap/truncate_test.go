package scap

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// blockEnds returns the offsets where blocks end in an uncompressed
// capture (the clean places to stop).
func blockEnds(b []byte) map[int]bool {
	ends := map[int]bool{}
	for off := 0; off+8 <= len(b); {
		off += int(le.Uint32(b[off+4:]))
		ends[off] = true
	}
	return ends
}

// blockStart returns the offset of the block that holds byte cut.
func blockStart(b []byte, cut int) int64 {
	off := 0
	for off+8 <= len(b) {
		next := off + int(le.Uint32(b[off+4:]))
		if cut < next {
			break
		}
		off = next
	}
	return int64(off)
}

// A capture cut anywhere ends cleanly (io.EOF) exactly when the cut falls
// between blocks, and otherwise with ErrTruncated naming the block that
// was cut, without panicking.
func TestTruncatedEverywhere(t *testing.T) {
	for _, file := range []string{"libs_sample.scap", "falco_empty.scap", "libs_curl_google.scap"} {
		t.Run(file, func(t *testing.T) {
			full := uncompressed(t, testenv.Shared(t, "captures/"+file))
			ends := blockEnds(full)
			want, _, err := drain(full)
			if err != io.EOF {
				t.Fatal(err)
			}
			cuts := 0
			for cut := 0; cut < len(full); cut += step(cut) {
				cuts++
				n, _, err := drain(full[:cut])
				var fe *FormatError
				switch {
				case cut < 8:
					if !errors.Is(err, ErrNotScap) {
						t.Fatalf("cut at %d: %v, want ErrNotScap", cut, err)
					}
				case ends[cut]:
					if err != io.EOF {
						t.Fatalf("cut at block end %d: %v, want io.EOF", cut, err)
					}
				case !errors.Is(err, ErrTruncated) || !errors.As(err, &fe):
					t.Fatalf("cut at %d: %v, want a truncation FormatError", cut, err)
				case fe.Offset != blockStart(full, cut):
					t.Fatalf("cut at %d: error names offset %d, the block starts at %d", cut, fe.Offset, blockStart(full, cut))
				}
				if n > want {
					t.Fatalf("cut at %d: %d events, more than the %d of the whole file", cut, n, want)
				}
			}
			t.Logf("%d cuts of %d bytes", cuts, len(full))
		})
	}
}

// step visits every offset of the first 2 KiB (section header and
// machine info, the start of the lists) and then every 101st byte.
func step(cut int) int {
	if cut < 2048 {
		return 1
	}
	return 101
}

// A gzip capture cut anywhere ends with ErrTruncated (the gzip stream has
// no end), never with a panic or a clean end.
func TestTruncatedGzip(t *testing.T) {
	full, err := os.ReadFile(testenv.Shared(t, "captures/libs_single_ipv6_conn.scap"))
	if err != nil {
		t.Fatal(err)
	}
	for cut := 10; cut < len(full)-8; cut += 101 {
		if _, _, err := drain(full[:cut]); !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrNotScap) {
			t.Fatalf("cut at %d of %d: %v, want ErrTruncated", cut, len(full), err)
		}
	}
}

// A block header that claims far more than the stream holds costs memory
// in proportion to the stream, not to the claim.
func TestLyingLengthsBoundMemory(t *testing.T) {
	ev := closeX(t, 1, 3)
	head := shb(1, 2)
	tests := []struct {
		name string
		data []byte
	}{
		{"large event claims 60 MiB", cat(head, withTotal(blk(blockEVV2Large, cat(u16b(0), ev)), 60<<20, false), make([]byte, 1000))},
		{"process list claims 250 MiB", cat(head, withTotal(blk(blockPLV9, plEntryV9(1, "sh", nil)), 250<<20, false), make([]byte, 1000))},
		{"unknown block claims 4 GiB", cat(head, evV2(0, ev), withTotal(blk(0x999, nil), 0xfffffffc, false), make([]byte, 1000))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := drain(tc.data)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTruncated) {
				t.Errorf("error %v, want ErrTruncated", err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
				t.Errorf("allocated %d bytes for a %d-byte stream", got, len(tc.data))
			}
		})
	}
}

// Reading a plain capture allocates nothing per event.
func TestNextDoesNotAllocate(t *testing.T) {
	data := uncompressed(t, testenv.Shared(t, "captures/libs_single_ipv6_conn.scap"))
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var e event.Event
	allocs := testing.AllocsPerRun(1000, func() {
		if err := r.Next(&e); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per event", allocs)
	}
}
