package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"peregrine/internal/capture"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/state"
)

type captureOptions struct {
	write    string
	duration time.Duration
	compress bool
	filter   string
	ringSize int
	snaplen  int
	quiet    bool
}

func newCaptureCmd() *cobra.Command {
	o := captureOptions{ringSize: capture.DefaultRingSize}
	cmd := &cobra.Command{
		Use:   "capture -w FILE [--duration D] [-z] [FILTER]",
		Short: "Record this host's system calls to a capture file (needs root)",
		Long: `Record the system calls of every process of this host into a scap capture file,
which peregrine replay and events, sysdig and Wireshark read. The file starts with
the machine, its interfaces, users and groups, and every process and open
descriptor (a /proc scan), so that a reader knows who did what from the first
event.

FILTER (Falco syntax, as for 'peregrine events') keeps the matching events; the
events that build the state they need (clones, execs, opens ...) are kept too,
flagged state-only: readers apply them but do not show them.

It stops after --duration, or on SIGINT or SIGTERM, and always leaves a complete
file. A summary goes to standard error unless -q.`,
		Example: `  sudo peregrine capture -w host.scap --duration 30s
  sudo peregrine capture -w shells.scap.gz -z 'evt.type in (execve, execveat) and proc.name in (bash, sh)'`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("capture: one FILTER at most (quote it), got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.write == "" {
				return usageError{errors.New("capture: -w FILE is required")}
			}
			if len(args) == 1 {
				o.filter = args[0]
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if o.duration > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, o.duration)
				defer cancel()
			}
			return runCapture(ctx, cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.write, "write", "w", "", "capture file to write")
	f.DurationVar(&o.duration, "duration", 0, "stop after this long, e.g. 30s or 5m (0: until SIGINT or SIGTERM)")
	f.BoolVarP(&o.compress, "compress", "z", false, "gzip the capture file")
	f.IntVar(&o.ringSize, "ring-size", o.ringSize, "size of the kernel ring buffer in bytes (a power of two)")
	f.IntVar(&o.snaplen, "snaplen", 0, "bytes of read/write data events carry (0: none)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no summary on standard error")
	_ = cmd.MarkFlagFilename("write", "scap")
	return cmd
}

func runCapture(ctx context.Context, stderr io.Writer, o captureOptions) error {
	// With a filter, the state follows the events so that it can be
	// evaluated; only the filter's types and the state's are captured.
	var (
		st    *state.State
		bind  *state.Binder
		filt  *rules.Filter
		types []event.Type // nil: everything the capture supports
	)
	if o.filter != "" {
		st = state.New(state.Options{})
		bind = st.Binder()
		var err error
		if filt, err = rules.CompileFilter(o.filter, rules.Options{Binder: bind}); err != nil {
			return usageError{fmt.Errorf("capture: filter: %w", err)}
		}
		types = engine.Types(filt)
	}
	capt, err := capture.Open(capture.Options{Types: types, RingSize: o.ringSize, Snaplen: o.snaplen})
	if err != nil {
		return fmt.Errorf("start capture (run as root): %w", err)
	}
	defer capt.Close()
	snap, err := capture.TakeSnapshot(capture.SnapshotOptions{})
	if err != nil {
		return fmt.Errorf("scan /proc: %w", err)
	}
	if st != nil {
		st.Bootstrap(engine.SnapshotBootstrap(snap))
	}
	f, w, err := createCapture(o.write, engine.SnapshotMeta(snap), o.compress)
	if err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		capt.Close() // unblocks Next
	}()
	var num, written, stateOnly uint64
	var werr error
	for {
		e, err := capt.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			werr = err
			break
		}
		num++
		if st != nil {
			bind.SetNum(num)
			st.Update(e)
			if !filt.Match(e.Type()) {
				if i := e.Info(); i == nil || i.Flags&event.ModifiesState == 0 {
					continue
				}
				e.BlockFlags |= event.StateOnly
				stateOnly++
			}
		}
		if werr = w.Write(e); werr != nil {
			break
		}
		written++
	}
	if err := w.Close(); werr == nil {
		werr = err
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("capture to %s: %w", o.write, werr)
	}
	if !o.quiet {
		cs := capt.Stats()
		fmt.Fprintf(stderr, "peregrine: wrote %d events (%d of them state-only) and %d processes to %s; kernel side: %d seen, %d dropped\n",
			written, stateOnly, snap.Stats.Processes, o.write, cs.Seen, cs.Dropped())
	}
	return nil
}
