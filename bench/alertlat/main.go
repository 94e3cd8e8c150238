// Command alertlat measures detection latency for bench/latency.sh. It
// reads `peregrine run -o json` alert lines from standard input as they
// come, stamps each with the wall clock (CLOCK_REALTIME) the moment it is
// read, and keeps the alerts of one rule (and, with -proc, one process
// name). At the end of its input it prints the latency from the event's
// time (the system call's exit, stamped in the kernel) to the read, and,
// with -gen, from the generator's own clock reading just before each
// system call (matched in order) to the read.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

type alertLine struct {
	Rule   string `json:"rule"`
	Time   string `json:"time"`
	Fields struct {
		Proc string `json:"proc.name"`
	} `json:"output_fields"`
}

func main() {
	rule := flag.String("rule", "Read sensitive file untrusted", "rule whose alerts count")
	proc := flag.String("proc", "", "count only alerts of this proc.name")
	gen := flag.String("gen", "", "file of the generator's ns timestamps, one a line, in event order")
	label := flag.String("label", "", "label printed before the figures")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *rule, *proc, *gen, *label); err != nil {
		fmt.Fprintln(os.Stderr, "alertlat:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, rule, proc, gen, label string) error {
	var fromEvent []time.Duration
	var events, reads []int64
	r := bufio.NewReaderSize(in, 1<<20)
	for {
		line, err := r.ReadSlice('\n')
		read := time.Now().UnixNano()
		if len(line) > 0 && line[len(line)-1] == '\n' {
			var a alertLine
			if jerr := json.Unmarshal(line, &a); jerr == nil && a.Rule == rule && (proc == "" || a.Fields.Proc == proc) {
				t, terr := time.Parse(time.RFC3339Nano, a.Time)
				if terr != nil {
					return fmt.Errorf("alert time %q: %w", a.Time, terr)
				}
				events = append(events, t.UnixNano())
				reads = append(reads, read)
				fromEvent = append(fromEvent, time.Duration(read-t.UnixNano()))
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("read alerts: %w", err)
		}
	}
	printRow(out, label+" event->read", fromEvent)
	if gen == "" {
		return nil
	}
	stamps, err := readStamps(gen)
	if err != nil {
		return err
	}
	if len(stamps) != len(events) {
		fmt.Fprintf(out, "%s: %d system calls, %d alerts: no in-order match\n", label, len(stamps), len(events))
		return nil
	}
	fromCall := make([]time.Duration, len(stamps))
	toEvent := make([]time.Duration, len(stamps))
	for i, s := range stamps {
		fromCall[i] = time.Duration(reads[i] - s)
		toEvent[i] = time.Duration(events[i] - s)
	}
	printRow(out, label+" call->read", fromCall)
	printRow(out, label+" call->event", toEvent)
	return nil
}

// printRow prints count, p50, p90, p99 and max of d, in microseconds.
func printRow(out io.Writer, label string, d []time.Duration) {
	if len(d) == 0 {
		fmt.Fprintf(out, "%-30s %6d alerts\n", label, 0)
		return
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		i := int(p * float64(len(d)-1))
		return float64(d[i]) / 1e3
	}
	fmt.Fprintf(out, "%-30s %6d %10.1f %10.1f %10.1f %10.1f %10.1f\n",
		label, len(d), q(0), q(0.5), q(0.9), q(0.99), q(1))
}

func readStamps(path string) ([]int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read generator stamps: %w", err)
	}
	var out []int64
	for _, f := range strings.Fields(string(b)) {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("generator stamp %q: %w", f, err)
		}
		out = append(out, v)
	}
	return out, nil
}
