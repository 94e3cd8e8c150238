package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"peregrine/internal/config"
	"peregrine/internal/docsrc"
	"peregrine/internal/output"
	"peregrine/internal/server"
)

// Reload: the configuration and the rules are read and checked again,
// every part is built aside, and only then swapped in; anything wrong
// keeps what runs and says why. The rules switch between two events (the
// engine's hot reload: no event lost, none matched twice, the state
// untouched); the outputs are replaced when their settings changed, the
// old ones delivering what they hold. Settings read only at start-up
// (capture, web server, logs) keep their values until a restart, and a
// reload that changes them says so.

// outputsConfig are the settings the outputs are built from.
type outputsConfig struct {
	JSON                                bool
	IncOutput, IncTags, IncMsg, IncFlds bool
	Buffered                            bool
	Queue                               config.OutputsQueue
	Static                              map[string]string
	Stdout                              config.StdoutOutput
	File                                config.FileOutput
	Syslog                              config.SyslogOutput
	Program                             config.ProgramOutput
	HTTP                                config.HTTPOutput
}

func outputsOf(c *config.Config) outputsConfig {
	return outputsConfig{
		JSON: c.JSONOutput, IncOutput: c.JSONIncludeOutputProperty, IncTags: c.JSONIncludeTagsProperty,
		IncMsg: c.JSONIncludeMessageProperty, IncFlds: c.JSONIncludeOutputFieldsProperty,
		Buffered: c.BufferedOutputs, Queue: c.OutputsQueue, Static: c.StaticFields,
		Stdout: c.StdoutOutput, File: c.FileOutput, Syslog: c.SyslogOutput, Program: c.ProgramOutput, HTTP: c.HTTPOutput,
	}
}

// reloadLoop runs the reloads asked for, one at a time.
func (a *agent) reloadLoop(ctx context.Context, reload <-chan string, srv *server.Server) {
	for {
		select {
		case <-ctx.Done():
			return
		case why := <-reload:
			err := a.reload(ctx, why)
			a.reloads.mu.Lock()
			if err != nil {
				a.reloads.failed++
			} else {
				a.reloads.ok++
				a.reloads.last = time.Now()
			}
			a.reloads.mu.Unlock()
			if err != nil {
				a.log.Error("reload refused: the configuration and rules in effect stay", "cause", why, "error", err.Error())
				continue
			}
			if srv != nil {
				if err := srv.ReloadCertificate(); err != nil {
					a.log.Error("web server certificate not reloaded", "error", err.Error())
				}
			}
		}
	}
}

// reload reads, checks and swaps in the configuration and the rules.
func (a *agent) reload(ctx context.Context, why string) error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	cfg, warns, err := config.Load(a.flags.path, a.flags.sets)
	for _, w := range warns {
		a.log.Warn("configuration", "warning", w.String())
	}
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	if err := applyRunFlags(a.cmd, &a.opts, cfg); err != nil {
		return err
	}
	eo, err := ruleOptions(cfg)
	if err != nil {
		return err
	}
	paths, err := rulePaths(cfg.RulesFiles, io.Discard, true)
	if err != nil {
		return err
	}
	spec, _, err := loadRules(paths, io.Discard, true)
	if err != nil {
		return err
	}
	p, diags, err := a.eng.PrepareWith(spec, eo)
	if err != nil {
		return errors.Join(err, diagnosticsError(diags))
	}
	var k8sRules *docsrc.Evaluator // the k8s_audit rules, swapped in with the others
	if a.k8s != nil {
		if k8sRules, _, err = a.k8s.rules.prepare(spec, eo); err != nil {
			return err
		}
	}
	var computeRules *docsrc.Evaluator // the compute rules, likewise
	if a.compute != nil {
		if computeRules, _, err = a.compute.rules.prepare(spec, eo); err != nil {
			return err
		}
	}
	// New outputs are built before the switch, so that one that cannot
	// start refuses the whole reload.
	oc := outputsOf(cfg)
	changed := !reflect.DeepEqual(oc, a.outCfg)
	var outs *output.Outputs
	var names []string
	if changed {
		if outs, names, err = buildOutputs(cfg, a.stdout, a.log); err != nil {
			return err
		}
	}
	// The switch waits for an event stamped after the kernel filter was
	// widened; a quiet host may send none for a long time, so the agent
	// makes one: close(-1), an event the state always asks for, which
	// fails at once and changes nothing.
	nudged := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-nudged:
				return
			case <-t.C:
				unix.Close(-1)
			}
		}
	}()
	at, err := a.eng.Reload(ctx, p, a.capt)
	close(nudged)
	if err != nil {
		if outs != nil {
			closeSoon(outs, a.log, "outputs of a refused reload")
		}
		return fmt.Errorf("rules: %w", err)
	}
	if k8sRules != nil {
		a.k8s.rules.swap(k8sRules)
	}
	if computeRules != nil {
		a.compute.rules.swap(computeRules)
	}
	if changed {
		a.outMu.Lock()
		old := a.outs
		a.outs, a.outNames, a.outCfg = outs, names, oc
		a.outMu.Unlock()
		closeSoon(old, a.log, "outputs replaced by a reload")
	}
	for _, k := range restartOnly(a.cfg, cfg) {
		a.log.Warn("setting changed; it takes effect at the next start", "key", k)
	}
	a.cfg, a.rules = cfg, paths
	a.log.Info("reloaded", "cause", why, "rules", a.eng.Ruleset().Active(), "from_event", at, "outputs_rebuilt", changed)
	return nil
}

// closeSoon closes outputs in the background, within a bound.
func closeSoon(outs *output.Outputs, log *slog.Logger, what string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), outputsCloseTimeout)
		defer cancel()
		if err := outs.Close(ctx); err != nil {
			log.Error(what, "error", err.Error())
		}
	}()
}

// restartOnly names the settings that differ between old and new and
// that only a restart applies.
func restartOnly(old, new *config.Config) []string {
	var keys []string
	diff := func(key string, a, b any) {
		if !reflect.DeepEqual(a, b) {
			keys = append(keys, key)
		}
	}
	diff("peregrine", old.Peregrine, new.Peregrine)
	diff("webserver", old.Webserver, new.Webserver)
	diff("k8s_audit", old.K8sAudit, new.K8sAudit)
	diff("compute", old.Compute, new.Compute)
	diff("metrics", old.Metrics, new.Metrics)
	diff("log_level", old.LogLevel, new.LogLevel)
	diff("log_stderr", old.LogStderr, new.LogStderr)
	diff("log_syslog", old.LogSyslog, new.LogSyslog)
	diff("watch_config_files", old.WatchConfigFiles, new.WatchConfigFiles)
	return keys
}

// watchInterval is how often watch looks at the files.
const watchInterval = time.Second

// watch asks for a reload when a configuration or rule file changes
// (its size or modification time, or a file added to or removed from a
// rules directory). A change is acted on once it has held still for one
// interval, so that an editor's save is read whole.
func (a *agent) watch(ctx context.Context, reload chan<- string) {
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	last := a.fileStamps()
	pending := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := a.fileStamps()
		if !slices.Equal(now, last) {
			last, pending = now, true
			continue
		}
		if pending {
			pending = false
			select {
			case reload <- "file change":
			default:
			}
		}
	}
}

// fileStamps describes the watched files: the configuration's and the
// rules' (a directory's *.yaml and *.yml too).
func (a *agent) fileStamps() []string {
	a.reloadMu.Lock()
	files := append(append([]string(nil), a.cfg.Files...), a.rules...)
	a.reloadMu.Unlock()
	var out []string
	stamp := func(p string) {
		fi, err := os.Stat(p)
		if err != nil {
			out = append(out, p+" missing")
			return
		}
		out = append(out, fmt.Sprintf("%s %d %d", p, fi.Size(), fi.ModTime().UnixNano()))
	}
	for _, f := range files {
		stamp(f)
		if fi, err := os.Stat(f); err == nil && fi.IsDir() {
			for _, pat := range []string{"*.yaml", "*.yml"} {
				m, _ := filepath.Glob(filepath.Join(f, pat))
				for _, g := range m {
					stamp(g)
				}
			}
		}
	}
	return out
}
