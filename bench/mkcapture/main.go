// Command mkcapture builds a large capture for benchmarks by repeating the
// events of existing captures: the first capture's metadata, then the events
// of all of them, over and over, with times shifted so that they keep
// increasing, until -n events are written.
//
//	go run ./bench/mkcapture -n 1000000 -o /tmp/big.scap ../shared/captures/*.scap
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"peregrine/internal/event"
	"peregrine/internal/scap"
)

func main() {
	n := flag.Uint64("n", 1_000_000, "number of events to write")
	out := flag.String("o", "", "capture file to write")
	gz := flag.Bool("z", false, "gzip the output")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("mkcapture: ")
	if *out == "" || flag.NArg() == 0 {
		log.Fatal("usage: mkcapture -n N -o OUT CAPTURE...")
	}
	if err := build(*out, *n, *gz, flag.Args()); err != nil {
		log.Fatal(err)
	}
}

type recorded struct {
	cpu   uint16
	flags uint32
	b     []byte
}

func build(out string, n uint64, gz bool, inputs []string) error {
	var (
		meta   *scap.Meta
		events []recorded
		first  uint64
		last   uint64
	)
	for _, in := range inputs {
		r, err := scap.Open(in)
		if err != nil {
			return err
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
				r.Close()
				return fmt.Errorf("%s: %w", in, err)
			}
			ts := e.Timestamp()
			if first == 0 || ts < first {
				first = ts
			}
			last = max(last, ts)
			events = append(events, recorded{e.CPU, e.BlockFlags, append([]byte(nil), e.Bytes()...)})
		}
		r.Close()
	}
	if len(events) == 0 {
		return errors.New("no events in the inputs")
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w, err := scap.NewWriter(f, meta, scap.WriterOptions{Gzip: gz})
	if err != nil {
		f.Close()
		return err
	}
	span := last - first + 1
	var e event.Event
	for i := uint64(0); i < n; i++ {
		rec := events[i%uint64(len(events))]
		lap := i / uint64(len(events))
		b := append([]byte(nil), rec.b...)
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)+lap*span)
		if err := e.Load(b); err != nil {
			return err
		}
		e.CPU, e.BlockFlags = rec.cpu, rec.flags
		if err := w.Write(&e); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}
