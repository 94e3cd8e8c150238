package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
	_ "time/tzdata" // --tz works where the system has no zoneinfo

	"github.com/spf13/cobra"

	"peregrine/internal/event"
	"peregrine/internal/scap"
)

type eventsOptions struct {
	read     string
	output   string
	raw      bool
	count    uint64
	write    string
	compress bool
	tz       string
}

func newEventsCmd() *cobra.Command {
	var o eventsOptions
	cmd := &cobra.Command{
		Use:   "events -r FILE [-o text|json] [--raw] [-n N] [-w OUT [-z]]",
		Short: "Print or copy the events of a capture file",
		Long: `Read a scap capture file (plain or gzip; written by sysdig, Falco or Peregrine)
and print one line per event, or copy its events to a new capture file.

Old captures that hold an enter and an exit event per system call are normalised
as current Falco sees them: one exit event that carries the enter parameters.
--raw prints the events as they are stored instead.

The text line is sysdig's: evt.num time cpu proc.name (tid) dir type params.
The machine state follows the events, so that proc.name and the annotations of
the params are sysdig's: fd=3(<f>/etc/hosts), ptid=3200(bash), uid=0(root).
With --raw there is no state: proc.name comes from the capture's process list
(<NA> when the thread is not in it) and params carry no state annotations.
With -o json each line is an object with evt.num, evt.time (ns since the epoch),
evt.cpu, evt.dir, evt.type, thread.tid, proc.name, evt.args and evt.params.

-w OUT writes the events as stored, with the capture's metadata, to OUT (gzip with -z),
as 'sysdig -r IN -w OUT' does; nothing is printed then.`,
		Example: `  peregrine events -r capture.scap
  peregrine events -r capture.scap.gz -o json | jq 'select(."evt.type" == "execve")'
  peregrine events -r old.scap --raw -n 20
  peregrine events -r in.scap -w out.scap -z
  ssh host cat /var/log/capture.scap.gz | peregrine events -r -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.read == "" {
				return usageError{errors.New("events: -r FILE is required")}
			}
			if o.output != "text" && o.output != "json" {
				return usageError{fmt.Errorf("events: -o %q: want text or json", o.output)}
			}
			if o.compress && o.write == "" {
				return usageError{errors.New("events: -z needs -w OUT")}
			}
			loc := time.Local
			if o.tz != "" {
				var err error
				if loc, err = time.LoadLocation(o.tz); err != nil {
					return usageError{fmt.Errorf("events: --tz %q: %w", o.tz, err)}
				}
			}
			return runEvents(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o, loc)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.read, "read", "r", "", "capture file to read (plain or gzip; - for standard input)")
	f.StringVarP(&o.output, "output", "o", "text", "output format: text or json")
	f.BoolVar(&o.raw, "raw", false, "show events as stored, without enter/exit normalisation")
	f.Uint64VarP(&o.count, "count", "n", 0, "stop after N events (0: all)")
	f.StringVarP(&o.write, "write", "w", "", "write the events to this capture file instead of printing them")
	f.BoolVarP(&o.compress, "compress", "z", false, "gzip the file written with -w")
	f.StringVar(&o.tz, "tz", "", "time zone of the times printed, e.g. UTC or Europe/Paris (default: local)")
	_ = cmd.MarkFlagFilename("read", "scap", "gz")
	_ = cmd.MarkFlagFilename("write", "scap")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runEvents(stdin io.Reader, stdout, stderr io.Writer, o eventsOptions, loc *time.Location) error {
	r, err := openCapture(o.read, stdin)
	if err != nil {
		return err
	}
	defer r.Close()
	if o.write != "" {
		return copyEvents(stderr, r, o)
	}
	src := scap.NewSource(r, o.raw)
	out := bufio.NewWriterSize(stdout, 256<<10)
	lines := &event.Lines{Printer: event.Printer{BufLimit: event.DefaultBufLimit}, Location: loc}
	if o.output == "json" {
		lines.Printer.BufLimit = 0 // JSON consumers get whole buffers
	}
	var (
		line []byte
		num  uint64
		es   *eventState // nil with --raw: the state expects normalised events
	)
	if !o.raw {
		es = &eventState{}
	}
	for o.count == 0 || num < o.count {
		e, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Flush()
			return fmt.Errorf("%s: %w (after %d events)", o.read, err, num)
		}
		num++
		comm := src.Comm(e.TID())
		if es != nil {
			comm = es.update(src.Meta(), e, &lines.Printer)
		}
		if o.output == "json" {
			line = lines.AppendJSON(line[:0], num, e, comm)
		} else {
			line = lines.AppendText(line[:0], num, e, comm)
		}
		if _, err := out.Write(line); err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if num == 0 {
		fmt.Fprintf(stderr, "peregrine: %s: no events\n", o.read)
	}
	reportSkipped(stderr, o.read, src.Stats())
	return nil
}

// openCapture opens a capture file, or stdin for "-".
func openCapture(name string, stdin io.Reader) (*scap.Reader, error) {
	if name == "-" {
		r, err := scap.NewReader(stdin)
		if err != nil {
			return nil, fmt.Errorf("standard input: %w", err)
		}
		return r, nil
	}
	return scap.Open(name)
}

// copyEvents writes the events of r, as stored, to o.write.
func copyEvents(stderr io.Writer, r *scap.Reader, o eventsOptions) error {
	f, err := os.Create(o.write)
	if err != nil {
		return err
	}
	w, err := scap.NewWriter(f, r.Meta(), scap.WriterOptions{Gzip: o.compress})
	if err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", o.write, err)
	}
	n, err := scap.Copy(w, r, o.count)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy %s to %s: %w (after %d events)", o.read, o.write, err, n)
	}
	st := r.Stats()
	fmt.Fprintf(stderr, "peregrine: wrote %d events in %d section(s) to %s\n", n, st.Sections, o.write)
	reportSkipped(stderr, o.read, scap.SourceStats{Reader: st})
	return nil
}

// reportSkipped says on stderr what was read but not shown, so that nothing
// is lost silently.
func reportSkipped(stderr io.Writer, name string, st scap.SourceStats) {
	if n := st.Reader.UnknownEvents; n > 0 {
		fmt.Fprintf(stderr, "peregrine: %s: skipped %d events of types this build does not know\n", name, n)
	}
	if n := st.Reader.UnknownBlocks; n > 0 {
		fmt.Fprintf(stderr, "peregrine: %s: skipped %d blocks of unknown type\n", name, n)
	}
	if st.Unconverted > 0 {
		fmt.Fprintf(stderr, "peregrine: %s: %d events could not be normalised and are shown as stored (last: %v)\n", name, st.Unconverted, st.LastError)
	}
}
