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

	"peregrine/internal/alert"
	"peregrine/internal/capture"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/scap"
	"peregrine/internal/state"
)

type captureOptions struct {
	write       string
	duration    time.Duration
	compress    bool
	fullFDTypes bool
	filter      string
	ringSize    int
	snaplen     int
	dockerHost  string
	noDocker    bool
	quiet       bool
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

Container metadata (name, image, labels) from the Docker Engine goes into the
file as container events, as sysdig and Falco write them (--no-docker: container
ids only). Descriptor types that sysdig 0.29.3 cannot read are written as
"unsupported" in the start-up lists unless --full-fd-types.

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
				// Checked now, before anything starts.
				if _, err := rules.CompileFilter(o.filter, rules.Options{Binder: state.New(state.Options{}).Binder()}); err != nil {
					return usageError{fmt.Errorf("capture: filter: %w", err)}
				}
			}
			if err := checkCaptureFlags(o.ringSize, o.snaplen); err != nil {
				return usageError{fmt.Errorf("capture: %w", err)}
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
	f.BoolVar(&o.fullFDTypes, "full-fd-types", false, "keep the newest descriptor types in the fd lists (BPF, memfd, pidfd ...), which sysdig 0.29.3 cannot read")
	f.IntVar(&o.ringSize, "ring-size", o.ringSize, "size of the kernel ring buffer in bytes (a power of two)")
	f.IntVar(&o.snaplen, "snaplen", 0, "bytes of read/write data events carry (0: none)")
	f.StringVar(&o.dockerHost, "docker-host", "", "Docker Engine address (default: $DOCKER_HOST or unix:///var/run/docker.sock)")
	f.BoolVar(&o.noDocker, "no-docker", false, "do not ask the Docker Engine for container metadata")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no start-up note and no summary on standard error")
	_ = cmd.MarkFlagFilename("write", "scap")
	return cmd
}

func runCapture(ctx context.Context, stderr io.Writer, o captureOptions) (err error) {
	// The capture is an engine without rules that records what it
	// processes: the state follows the events (a FILTER is evaluated on
	// it), and container metadata from the runtime goes into the file as
	// container events, where it became known.
	eo := engine.Options{}
	var cleanup func()
	if !o.noDocker {
		eo.Containers, cleanup = dockerCache(ctx, o.dockerHost, stderr, o.quiet)
		defer cleanup()
	}
	fw := &filterWriter{}
	eo.Record = fw
	eng, _, err := engine.New(&rules.Spec{}, eo)
	if err != nil {
		return err
	}
	var types []event.Type // nil: everything the capture supports
	if o.filter != "" {
		if fw.filt, err = rules.CompileFilter(o.filter, rules.Options{Binder: eng.State().Binder()}); err != nil {
			return usageError{fmt.Errorf("capture: filter: %w", err)}
		}
		types = engine.Types(fw.filt)
	}
	capt, err := startCapture(capture.Options{Types: types, RingSize: o.ringSize, Snaplen: o.snaplen})
	if err != nil {
		return err
	}
	defer capt.Close()
	snap, err := capture.TakeSnapshot(capture.SnapshotOptions{})
	if err != nil {
		return fmt.Errorf("scan /proc: %w", err)
	}
	eng.Bootstrap(engine.SnapshotBootstrap(snap))
	f, w, err := createCapture(o.write, engine.SnapshotMeta(snap), scap.WriterOptions{Gzip: o.compress, LegacyFDTypes: !o.fullFDTypes})
	if err != nil {
		return err
	}
	fw.w = w
	if !o.quiet {
		fmt.Fprintf(stderr, "peregrine: writing %s (%d processes at the start); SIGINT or SIGTERM stops\n", o.write, snap.Stats.Processes)
	}
	go func() {
		<-ctx.Done()
		capt.Stop() // detach; Next drains what came before, then ends
	}()
	runErr := eng.Run(context.Background(), engine.LiveSource{C: capt}, func(*alert.Alert) {})
	_, werr := eng.Recorded()
	werr = errors.Join(werr, w.Close(), f.Close())
	if werr != nil {
		return fmt.Errorf("capture to %s: %w", o.write, werr)
	}
	if runErr != nil && ctx.Err() == nil {
		return runErr
	}
	if !o.quiet {
		cs := capt.Stats()
		fmt.Fprintf(stderr, "peregrine: wrote %d events (%d of them state-only, %d container descriptions) and %d processes to %s; kernel side: %d seen, %d dropped\n",
			fw.written, fw.stateOnly, fw.containers, snap.Stats.Processes, o.write, cs.Seen, cs.Dropped())
		if d := cs.Dropped(); d > 0 {
			fmt.Fprintf(stderr, "peregrine: %d events were lost (ring buffer full %d): the capture has gaps; try a larger --ring-size\n", d, cs.DroppedFull)
		}
	}
	return nil
}

// filterWriter writes what the engine records to a capture: everything
// without a filter; with one, the matching events, and those that build
// the state flagged state-only (readers apply them, do not show them).
// Container descriptions always go in (state-only with a filter).
type filterWriter struct {
	w                              *scap.Writer
	filt                           *rules.Filter
	written, stateOnly, containers uint64
}

func (fw *filterWriter) Write(e *event.Event) error {
	switch {
	case e.Type() == state.ContainerEventType:
		fw.containers++
		if fw.filt != nil {
			e.BlockFlags |= event.StateOnly // state for the selected events, not one of them
		}
	case fw.filt != nil && !fw.filt.Match(e.Type()):
		if i := e.Info(); i == nil || i.Flags&event.ModifiesState == 0 {
			return nil
		}
		e.BlockFlags |= event.StateOnly
		fw.stateOnly++
	}
	fw.written++
	return fw.w.Write(e)
}
