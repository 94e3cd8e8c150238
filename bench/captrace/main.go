// Command captrace holds one tracing setup in place for bench/overhead.sh:
// the counting floor, or Peregrine's capture with every system call
// filtered out in the kernel, or shipping every event to a reader that
// drains them. It prints "ready" once attached and, on SIGTERM or SIGINT,
// its counters.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"peregrine/internal/capture"
	"peregrine/internal/event"
)

func main() {
	mode := flag.String("mode", "floor", "floor, filtered or all")
	flag.Parse()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	if err := run(*mode, stop); err != nil {
		fmt.Fprintln(os.Stderr, "captrace:", err)
		os.Exit(1)
	}
}

func run(mode string, stop chan os.Signal) error {
	switch mode {
	case "floor":
		f, err := capture.OpenFloor()
		if err != nil {
			return err
		}
		fmt.Println("ready")
		<-stop
		enter, exit, err := f.Counts()
		fmt.Fprintf(os.Stderr, "floor: %d enters, %d exits\n", enter, exit)
		return errorsJoin(err, f.Close())
	case "filtered", "all":
		opts := capture.Options{Generic: true}
		if mode == "filtered" {
			// A type no workload here produces: every exit is filtered.
			opts.Types = []event.Type{411}
		}
		c, err := capture.Open(opts)
		if err != nil {
			return err
		}
		done := make(chan uint64)
		go func() {
			var n uint64
			for {
				if _, err := c.Next(); err != nil {
					done <- n
					return
				}
				n++
			}
		}()
		fmt.Println("ready")
		<-stop
		err = c.Close()
		n := <-done
		fmt.Fprintf(os.Stderr, "%s: read %d events; %+v\n", mode, n, c.Stats())
		return err
	}
	return fmt.Errorf("unknown mode %q", mode)
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
