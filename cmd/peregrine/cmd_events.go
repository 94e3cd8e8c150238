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
	filter   string
	format   string
}

func newEventsCmd() *cobra.Command {
	var o eventsOptions
	cmd := &cobra.Command{
		Use:   "events -r FILE [FILTER] [-p FORMAT] [-o text|json] [--raw] [-n N] [-w OUT [-z]]",
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

FILTER is a condition in the Falco rule language (no macros or lists), as sysdig
takes one: only the events it matches are printed, or written with -w. Any syscall
field can be used ('peregrine fields' lists them). evt.num keeps counting every
event, matching or not.

-p FORMAT prints each event as FORMAT, text with %field tokens, as sysdig -p does:
'%evt.num %proc.name %fd.name'. As in sysdig, an event one of whose fields has no
value is not printed, unless FORMAT starts with '*' (the field then prints <NA>).
With -o json, -p gives one object per event holding the values of its fields.

-n N stops after N events printed (or written).

-w OUT writes the events as stored, with the capture's metadata, to OUT (gzip with -z),
as 'sysdig -r IN -w OUT' does; nothing is printed then.

A FILTER, -p and the state annotations need normalised events: --raw goes without.`,
		Example: `  peregrine events -r capture.scap
  peregrine events -r capture.scap.gz -o json | jq 'select(."evt.type" == "execve")'
  peregrine events -r old.scap --raw -n 20
  peregrine events -r in.scap -w out.scap -z
  ssh host cat /var/log/capture.scap.gz | peregrine events -r -
  peregrine events -r capture.scap 'evt.type in (execve, execveat)' -p '%evt.num %proc.name %proc.cmdline'
  peregrine events -r capture.scap 'fd.name startswith /etc and evt.is_open_write=true' -w etc-writes.scap`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("events: one FILTER at most (quote it), got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.filter = args[0]
			}
			if o.raw && (o.filter != "" || o.format != "") {
				return usageError{errors.New("events: a FILTER and -p need the state, which needs normalised events: drop --raw")}
			}
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
	f.StringVarP(&o.format, "print", "p", "", "print each event with this format of %field tokens, as sysdig -p")
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
	if o.write != "" && o.filter == "" {
		return copyEvents(stderr, r, o)
	}
	src := scap.NewSource(r, o.raw)
	var es *eventState // nil with --raw: the state expects normalised events
	if !o.raw {
		es = newEventState(loc)
	}
	sel, err := newEventSelection(es, o)
	if err != nil {
		return err
	}
	if o.write != "" {
		return writeSelected(stderr, src, r.Meta(), es, sel, o)
	}
	out := bufio.NewWriterSize(stdout, 256<<10)
	lines := &event.Lines{Printer: event.Printer{BufLimit: event.DefaultBufLimit}, Location: loc}
	if o.output == "json" {
		lines.Printer.BufLimit = 0 // JSON consumers get whole buffers
	}
	if es != nil {
		lines.Printer.Resolver = es.st.Resolver()
	}
	var (
		line    []byte
		num     uint64
		printed uint64
	)
	for o.count == 0 || printed < o.count {
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
			comm = es.update(src.Meta(), num, e)
		}
		if e.BlockFlags&event.StateOnly != 0 || !sel.match(e) {
			continue // state-only events update the state but are not shown
		}
		var ok bool
		switch {
		case sel.format != nil && o.output == "json":
			line, ok = append(sel.format.AppendJSON(line[:0]), '\n'), true
		case sel.format != nil:
			line, ok = sel.format.Append(line[:0])
			line = append(line, '\n')
		case o.output == "json":
			line, ok = lines.AppendJSON(line[:0], num, e, comm), true
		default:
			line, ok = lines.AppendText(line[:0], num, e, comm), true
		}
		if !ok {
			continue
		}
		printed++
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
	f, w, err := createCapture(o.write, r.Meta(), scap.WriterOptions{Gzip: o.compress})
	if err != nil {
		return err
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

// createCapture creates a capture file with the metadata of meta.
func createCapture(path string, meta *scap.Meta, opt scap.WriterOptions) (*os.File, *scap.Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	w, err := scap.NewWriter(f, meta, opt)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, w, nil
}
