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
	"peregrine/internal/container"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/scap"
)

type runOptions struct {
	rules       []string
	output      string
	priority    string
	matching    string
	appendOut   string
	dockerHost  string
	noDocker    bool
	ringSize    int
	snaplen     int
	write       string
	compress    bool
	fullFDTypes bool
	quiet       bool
}

func newRunCmd() *cobra.Command {
	o := runOptions{output: "text", priority: "debug", matching: "first", ringSize: capture.DefaultRingSize}
	var af agentFlags
	cmd := &cobra.Command{
		Use:   "run [--rules PATH]... [-o text|json]",
		Short: "Watch this host live and print alerts as rules match (needs root)",
		Long: `Watch every process of this host and its containers through eBPF (tracepoints
only: no kernel module, no kprobes), keep the state of the machine, evaluate the
rules on each system call and print an alert as soon as one matches: Falco's
lines ("time: Priority message") or, with -o json, Falco's JSON alerts.

Start-up: the BPF programs are loaded and capturing first, then /proc is scanned
for the processes and descriptors that exist already, so that a process started
before the agent is known when it acts. Only the system calls that the rules and
the state engine need leave the kernel.

Container metadata (name, image, labels, Kubernetes pod) comes from the Docker
Engine (DOCKER_HOST or /var/run/docker.sock; --docker-host to choose,
--no-docker to go without); an alert waits for it at most 250 ms, then prints <NA>.

-w FILE records what the engine processed (the /proc scan, every event it
received, and the container metadata it was given, where it was given) as a scap
capture: the run's own evidence, which "peregrine replay" turns back into the
same alerts, and sysdig or Falco can read.

Events the kernel side could not hand over (ring buffer full) are counted and
reported as "Peregrine internal: event drops" alerts: no loss is silent.
SIGINT or SIGTERM stops cleanly (programs detached) and prints a summary on
standard error unless -q.

--rules as for replay (or rules_files in the configuration): without them,
$PEREGRINE_RULES when set, else /etc/peregrine/rules.d when it exists, else
Peregrine's own rules, embedded in the binary.

Configuration: -c FILE (default /etc/peregrine/peregrine.yaml when it exists)
with Falco's keys (rules_files, priority, json_output, stdout_output, file_output,
syslog_output, program_output, http_output, outputs_queue, append_output,
webserver, metrics, log_level ...; every key is in deploy/peregrine.yaml), --set
key=value on top, and the flags above on top of both. A configuration with any
error does not start; "peregrine config validate" lists every problem.

Each output has its own bounded queue: a slow or dead output never holds up
detection; what it drops is counted (summary, /metrics) and reported as a
"Peregrine internal: alerts dropped by outputs" alert.

Signals: SIGHUP reloads the configuration and the rules (checked first: anything
wrong keeps what runs, and the log says why; the rules switch between two events,
the state is kept); so does a change of their files with watch_config_files.
SIGUSR1 reopens the output file (log rotation) and restarts a kept-alive program.`,
		Example: `  sudo peregrine run
  sudo peregrine run --rules /etc/falco/falco_rules.yaml --rules my_rules.yaml -o json | tee alerts.jsonl
  sudo peregrine run -c /etc/peregrine/peregrine.yaml --set http_output.enabled=true --set http_output.url=http://sidekick:2801/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.output != "text" && o.output != "json" {
				return usageError{fmt.Errorf("run: -o %q: want text or json", o.output)}
			}
			cfg, err := loadConfig(af, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := applyRunFlags(cmd, &o, cfg); err != nil {
				return usageError{fmt.Errorf("run: %w", err)}
			}
			if err := checkCaptureFlags(cfg.Peregrine.RingSize, cfg.Peregrine.Snaplen); err != nil {
				return usageError{fmt.Errorf("run: %w", err)}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			a := &agent{cmd: cmd, flags: af, opts: o, stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr()}
			return a.run(ctx, cfg)
		},
	}
	af.add(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&o.rules, "rules", nil, "rule file or directory (repeatable)")
	f.StringVarP(&o.output, "output", "o", o.output, "alert format: text or json")
	f.StringVar(&o.priority, "priority", o.priority, "minimum priority of the rules to run (emergency ... debug)")
	f.StringVar(&o.matching, "rule-matching", o.matching, "alert on the first matching rule or on all of them: first or all")
	f.StringVar(&o.appendOut, "append-output", engine.ContainerOutput, "output format added to every rule's output (\"\" for none)")
	f.StringVar(&o.dockerHost, "docker-host", "", "Docker Engine address (default: $DOCKER_HOST or unix:///var/run/docker.sock)")
	f.BoolVar(&o.noDocker, "no-docker", false, "do not ask the Docker Engine for container metadata")
	f.IntVar(&o.ringSize, "ring-size", o.ringSize, "size of the kernel ring buffer in bytes (a power of two)")
	f.IntVar(&o.snaplen, "snaplen", 0, "bytes of read/write data events carry (0: none)")
	f.StringVarP(&o.write, "write", "w", "", "also record the events the engine processed to this capture file")
	f.BoolVarP(&o.compress, "compress", "z", false, "gzip the -w capture file")
	f.BoolVar(&o.fullFDTypes, "full-fd-types", false, "keep the newest descriptor types in the fd lists (BPF, memfd, pidfd ...), which sysdig 0.29.3 cannot read")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no start-up notes and no summary on standard error")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// engineOptions reads the --priority, --rule-matching and --append-output
// flags.
func engineOptions(priority, matching, appendOut string) (engine.Options, error) {
	eo := engine.Options{AppendOutput: appendOut}
	switch matching {
	case "first":
		eo.Matching = rules.MatchFirst
	case "all":
		eo.Matching = rules.MatchAll
	default:
		return eo, fmt.Errorf("--rule-matching %q: want first or all", matching)
	}
	p, err := alert.ParsePriority(priority)
	if err != nil {
		return eo, fmt.Errorf("--priority: %w", err)
	}
	eo.MinPriority, eo.HasMinPriority = p, true
	return eo, nil
}

// loadRules loads the rule files (or the default ones) into a spec.
func loadRules(paths []string, stderr io.Writer, quiet bool) (*rules.Spec, int, error) {
	if len(paths) == 0 {
		var err error
		if paths, err = defaultRules(); err != nil {
			return nil, 0, err
		}
		if !quiet {
			fmt.Fprintf(stderr, "peregrine: rules from %s\n", paths[0])
		}
	}
	spec, diags, err := loadRuleFiles(paths)
	if err != nil {
		if d := diagnosticsError(diags); d != nil {
			return nil, 0, fmt.Errorf("rules do not load:\n%w", d) // every error, file:line:col
		}
		return nil, 0, err
	}
	return spec, len(diags), nil
}

// dockerCache connects to the Docker Engine for container metadata, or
// returns nil (with a note) when it does not answer.
func dockerCache(ctx context.Context, host string, stderr io.Writer, quiet bool) (*container.Cache, func()) {
	d, err := container.NewDocker(host)
	if err == nil {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = d.Ping(pctx)
		cancel()
	}
	if err != nil {
		if !quiet {
			fmt.Fprintf(stderr, "peregrine: no container metadata (Docker Engine: %v); container ids only\n", err)
		}
		if d != nil {
			d.Close()
		}
		return nil, func() {}
	}
	cache := container.NewCache(d, container.Config{})
	wctx, cancel := context.WithCancel(ctx)
	go cache.Watch(wctx, d, 5*time.Second)
	pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
	cache.Prefetch(pctx)
	pcancel()
	return cache, func() { cancel(); cache.Close(); d.Close() }
}

// checkCaptureFlags checks --ring-size and --snaplen before anything starts.
func checkCaptureFlags(ringSize, snaplen int) error {
	if ringSize < 4096 || ringSize&(ringSize-1) != 0 {
		return fmt.Errorf("--ring-size %d: want a power of two of at least 4096 (default %d)", ringSize, capture.DefaultRingSize)
	}
	if snaplen < 0 || snaplen > capture.MaxSnaplen {
		return fmt.Errorf("--snaplen %d: want 0 to %d", snaplen, capture.MaxSnaplen)
	}
	return nil
}

// startCapture starts the BPF capture, saying what is missing when the
// kernel refuses.
func startCapture(opts capture.Options) (*capture.Capture, error) {
	c, err := capture.Open(opts)
	if errors.Is(err, os.ErrPermission) {
		return nil, fmt.Errorf("start capture: %w (run as root, or with CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("start capture: %w", err)
	}
	return c, nil
}

// lateRecorder is an engine recorder whose writer comes after the engine.
type lateRecorder struct{ w *scap.Writer }

func (r *lateRecorder) Write(e *event.Event) error { return r.w.Write(e) }

// writeLiveSummary says what the run saw.
func writeLiveSummary(w io.Writer, eng *engine.Engine, cs capture.Stats) {
	c := eng.Counters()
	fmt.Fprintf(w, "peregrine: %d events, %d alerts; kernel side: %d seen, %d sent, %d dropped (ring buffer full %d), %d filtered out\n",
		c.Events, c.Alerts, cs.Seen, cs.Sent, cs.Dropped(), cs.DroppedFull, cs.Filtered)
	for i, r := range eng.Ruleset().Rules() {
		if n := c.AlertsByRule[i]; n > 0 {
			fmt.Fprintf(w, "  %6d  %-13s %s\n", n, r.Priority, r.Name)
		}
	}
	if c.DropAlerts > 0 {
		fmt.Fprintf(w, "  %6d  %-13s %s\n", c.DropAlerts, alert.PriorityCritical, engine.DropRule)
	}
	st := c.State
	fmt.Fprintf(w, "peregrine: state: %d threads, %d misses of threads, %d of descriptors; containers waited for %d times (%d too late)\n",
		st.Threads, st.ThreadMisses, st.FDMisses, c.ContainerWaits, c.ContainerLate)
}
