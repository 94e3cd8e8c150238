package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"peregrine/internal/alert"
	"peregrine/internal/capture"
	"peregrine/internal/config"
	"peregrine/internal/engine"
	"peregrine/internal/logging"
	"peregrine/internal/output"
	"peregrine/internal/scap"
)

// outputsCloseTimeout bounds how long the outputs may take to deliver
// what they hold when the agent stops or a reload replaces them.
const outputsCloseTimeout = 10 * time.Second

// agent is `peregrine run`: the live pipeline and what runs around it
// (outputs, web server, reloads, signals).
type agent struct {
	cmd            *cobra.Command
	flags          agentFlags
	opts           runOptions
	stdout, stderr io.Writer
	log            *slog.Logger

	eng      *engine.Engine
	capt     *capture.Capture
	start    time.Time
	watching atomic.Bool // the engine runs on the live capture: /healthz
	k8s      *docWebhook // the k8s_audit webhook; nil when not enabled
	compute  *computeRun // the compute sampler; nil when not running

	outMu    sync.RWMutex // held for reading while an alert is sent
	outs     *output.Outputs
	outNames []string
	outCfg   outputsConfig

	reloadMu sync.Mutex
	cfg      *config.Config // the configuration in effect
	rules    []string       // the rule files in effect
	reloads  reloadCounts
}

// reloadCounts count the reloads, for the metrics.
type reloadCounts struct {
	mu         sync.Mutex
	ok, failed uint64
	last       time.Time
}

func (a *agent) note(format string, args ...any) {
	if !a.opts.quiet {
		fmt.Fprintf(a.stderr, "peregrine: "+format+"\n", args...)
	}
}

// emit hands an alert to the outputs in effect.
func (a *agent) emit(al *alert.Alert) {
	a.outMu.RLock()
	a.outs.Send(al)
	a.outMu.RUnlock()
}

func (a *agent) run(ctx context.Context, cfg *config.Config) (err error) {
	a.start = time.Now()
	a.cfg = cfg
	// SIGHUP and SIGUSR1 end a process that does not catch them: caught
	// from the start, those that come during the start-up wait in sigs.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGUSR1)
	defer signal.Stop(sigs)
	log, logCloser, err := logging.Open(logOptions(cfg, a.stderr))
	if err != nil {
		return usageError{fmt.Errorf("run: log_syslog: %w", err)}
	}
	defer logCloser.Close()
	a.log = log
	for _, n := range unsupportedNotes(cfg) {
		a.note("%s", n)
	}
	eo, err := ruleOptions(cfg)
	if err != nil {
		return usageError{fmt.Errorf("run: %w", err)}
	}
	eo.ContainerWait = cfg.Peregrine.ContainerWait
	if a.rules, err = rulePaths(cfg.RulesFiles, a.stderr, a.opts.quiet); err != nil {
		return err
	}
	spec, warnings, err := loadRules(a.rules, a.stderr, true)
	if err != nil {
		return err
	}
	// The outputs before anything else starts: one that cannot start
	// stops the agent here, not after it has begun to watch.
	if a.outs, a.outNames, err = buildOutputs(cfg, a.stdout, log); err != nil {
		return err
	}
	a.outCfg = outputsOf(cfg)
	defer a.closeOutputs()
	if len(a.outNames) == 0 {
		a.note("no output is enabled: alerts are counted, and go nowhere")
	}
	if cfg.Peregrine.Docker {
		cache, closeCache := dockerCache(ctx, cfg.Peregrine.DockerHost, a.stderr, a.opts.quiet)
		defer closeCache()
		eo.Containers = cache
	}
	var rec lateRecorder
	p := cfg.Peregrine
	if p.Write != "" {
		eo.Record = &rec
	}
	eng, cdiags, err := engine.New(spec, eo)
	if err != nil {
		return errors.Join(err, diagnosticsError(cdiags))
	}
	a.eng = eng
	k8s, kdiags, err := newK8sAudit(cfg, spec, eo)
	if err != nil {
		return err
	}
	a.k8s, warnings = k8s, warnings+len(kdiags)
	cs, csdiags, err := newCompute(cfg, spec, eo, a)
	if err != nil {
		return err
	}
	a.compute, warnings = cs, warnings+len(csdiags)
	// Capture first, then scan /proc: a process that starts in between
	// is in both, and the state takes the events' word for it.
	capt, err := startCapture(capture.Options{Types: engine.Types(eng.Ruleset()), RingSize: p.RingSize, Snaplen: p.Snaplen})
	if err != nil {
		return err
	}
	defer capt.Close()
	a.capt = capt
	snap, err := capture.TakeSnapshot(capture.SnapshotOptions{})
	if err != nil {
		return fmt.Errorf("scan /proc: %w", err)
	}
	eng.Bootstrap(engine.SnapshotBootstrap(snap))
	if p.Write != "" {
		f, w, cerr := createCapture(p.Write, engine.SnapshotMeta(snap), scap.WriterOptions{Gzip: p.Compress, LegacyFDTypes: !p.FullFDTypes})
		if cerr != nil {
			return cerr
		}
		rec.w = w
		defer func() {
			if cerr := errors.Join(w.Close(), f.Close()); cerr != nil && err == nil {
				err = fmt.Errorf("record to %s: %w", p.Write, cerr)
			}
		}()
	}
	srv, err := a.startServer(cfg)
	if err != nil {
		return err
	}
	if srv != nil {
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		}()
	}
	a.note("watching %d processes (%d threads) with %s; %d rule warnings; outputs: %v",
		snap.Stats.Processes, snap.Stats.Threads, rulesInEffect(eng.Ruleset().Active(), k8s, cs), warnings+len(cdiags), a.outNames)

	// SIGHUP (and, with watch_config_files, a changed file) reloads the
	// configuration and the rules; SIGUSR1 reopens the output files.
	bg, stopBG := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stopBG(); wg.Wait() }()
	reload := make(chan string, 1)
	wg.Go(func() { a.signals(bg, sigs, reload) })
	wg.Go(func() { a.reloadLoop(bg, reload, srv) })
	if cfg.WatchConfigFiles {
		wg.Go(func() { a.watch(bg, reload) })
	}
	if k8s != nil {
		wg.Go(func() { k8s.run(bg, a.emit, a) })
		defer func() { a.note("%s", k8s.summary()) }()
	}
	if cs != nil {
		wg.Go(func() { cs.run(bg, a.emit) })
		defer func() { a.note("%s", cs.summary()) }()
	}
	go func() {
		<-ctx.Done()
		capt.Stop() // detach; Next drains what came before, then ends
	}()
	a.watching.Store(true)
	runErr := eng.Run(context.Background(), engine.LiveSource{C: capt}, a.emit)
	a.watching.Store(false)
	// A reload in progress ends (its context does) before the outputs
	// close, so none it built is left open.
	stopBG()
	wg.Wait()
	if !a.opts.quiet {
		writeLiveSummary(a.stderr, eng, capt.Stats())
	}
	if p.Write != "" {
		n, rerr := eng.Recorded()
		if rerr != nil {
			return fmt.Errorf("record to %s (%d events recorded, then the recording stopped): %w", p.Write, n, rerr)
		}
		a.note("recorded %d events to %s", n, p.Write)
	}
	if runErr != nil && ctx.Err() == nil {
		return runErr
	}
	return nil
}

// closeOutputs delivers what the outputs hold, within a bound, and says
// what was lost on the way.
func (a *agent) closeOutputs() {
	a.outMu.Lock()
	outs := a.outs
	a.outMu.Unlock()
	if outs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), outputsCloseTimeout)
	defer cancel()
	if err := outs.Close(ctx); err != nil {
		fmt.Fprintf(a.stderr, "peregrine: outputs: %v\n", err)
	}
	if !a.opts.quiet {
		writeOutputSummary(a.stderr, outs.Stats())
	}
}

// writeOutputSummary says what each output delivered and lost.
func writeOutputSummary(w io.Writer, stats []output.SinkStats) {
	for _, s := range stats {
		fmt.Fprintf(w, "peregrine: output %s: %d sent, %d dropped (queue full), %d failed, %d abandoned at the end\n",
			s.Name, s.Sent, s.Dropped, s.Failed, s.Abandoned)
	}
}

// logOptions are the agent's own logs: to standard error and/or the
// local syslog daemon.
func logOptions(cfg *config.Config, stderr io.Writer) logging.Options {
	o := logging.Options{Level: cfg.LogLevel, Syslog: cfg.LogSyslog}
	if cfg.LogStderr {
		o.Stderr = stderr
	}
	return o
}

// rulePaths are the rule files of the configuration, or the default
// ones.
func rulePaths(paths []string, stderr io.Writer, quiet bool) ([]string, error) {
	if len(paths) > 0 {
		return paths, nil
	}
	paths, err := defaultRules()
	if err != nil {
		return nil, err
	}
	if !quiet {
		fmt.Fprintf(stderr, "peregrine: rules from %s\n", paths[0])
	}
	return paths, nil
}

// signals serves SIGHUP (reload) and SIGUSR1 (reopen the output files).
func (a *agent) signals(ctx context.Context, sigs <-chan os.Signal, reload chan<- string) {
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-sigs:
			switch s {
			case syscall.SIGHUP:
				select {
				case reload <- "SIGHUP":
				default: // one is pending already
				}
			case syscall.SIGUSR1:
				a.outMu.RLock()
				a.outs.Reopen()
				a.outMu.RUnlock()
				a.log.Info("outputs reopened", "signal", "SIGUSR1")
			}
		}
	}
}
