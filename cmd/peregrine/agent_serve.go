package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"

	"peregrine/internal/alert"
	"peregrine/internal/config"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/metrics"
	"peregrine/internal/rules"
	"peregrine/internal/server"
)

// startServer starts the web server when the configuration enables it:
// /healthz, /versions, and /metrics when metrics are enabled too (as
// Falco: metrics.enabled and webserver.prometheus_metrics_enabled).
func (a *agent) startServer(cfg *config.Config) (*server.Server, error) {
	ws := cfg.Webserver
	if !ws.Enabled {
		return nil, nil
	}
	sc := server.Config{
		Address:     ws.ListenAddress,
		Port:        ws.ListenPort,
		HealthzPath: ws.K8sHealthzEndpoint,
		Versions:    a.versions,
		Health: func() error {
			if !a.watching.Load() {
				return errors.New("not watching: the capture is starting or has stopped")
			}
			return nil
		},
		Log: a.log,
	}
	if ws.SSLEnabled {
		sc.TLS = server.TLS{Enabled: true, CertFile: ws.SSLCertificate}
		if a.k8s != nil {
			sc.TLS.ClientCAFile = cfg.K8sAudit.ClientCA
		}
	}
	if cfg.Metrics.Enabled && ws.PrometheusMetricsEnabled {
		m, err := metrics.New(a.snapshot, metricsOptions(cfg.Metrics), a.log)
		if err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		sc.Metrics = m.Handler()
	}
	srv, err := server.New(sc)
	if err != nil {
		return nil, fmt.Errorf("web server: %w", err)
	}
	if a.k8s != nil {
		if err := a.k8s.mount(srv); err != nil {
			return nil, err
		}
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("web server: %w", err)
	}
	scheme := "http"
	if ws.SSLEnabled {
		scheme = "https"
	}
	a.note("web server on %s://%s (health %s, metrics %v)", scheme, srv.Addr(), sc.HealthzPath, sc.Metrics != nil)
	return srv, nil
}

// metricsOptions turns the metrics.*_enabled switches into groups left
// out.
func metricsOptions(m config.Metrics) metrics.Options {
	var o metrics.Options
	if !m.RulesCountersEnabled {
		o.Skip |= metrics.GroupRules
	}
	if !m.ResourceUtilizationEnabled {
		o.Skip |= metrics.GroupResources
	}
	if !m.StateCountersEnabled {
		o.Skip |= metrics.GroupState
	}
	if !m.KernelEventCountersEnabled {
		o.Skip |= metrics.GroupKernel
	}
	o.HostRoot = os.Getenv("HOST_ROOT")
	return o
}

// versions is what /versions answers.
func (a *agent) versions() server.Versions {
	ev := rules.EngineVersion()
	v := server.NewVersions(version, uint32(ev.Major), uint32(ev.Minor), uint32(ev.Patch))
	return v
}

// snapshot gathers the counters for a scrape, from the goroutines that
// own them: the engine publishes its own (engine.Published), the capture
// and the outputs count atomically.
func (a *agent) snapshot() metrics.Snapshot {
	c := a.eng.Published(context.Background())
	rs := a.eng.Ruleset()
	s := metrics.Snapshot{
		Version:       version,
		Hostname:      hostname(),
		KernelRelease: kernelRelease(),
		Start:         a.start,
		EngineName:    "ebpf",
		Source:        "syscall",
		Events:        c.Events,
		Alerts:        c.Alerts,
		RulesLoaded:   rs.Active(),
	}
	for t, n := range c.EventsByType {
		if n > 0 {
			s.EventsByType = append(s.EventsByType, metrics.TypeCount{Type: event.Type(t).Name(), Count: n})
		}
	}
	if a.capt != nil {
		cs := a.capt.Stats()
		s.Kernel = &metrics.KernelCounters{Seen: cs.Seen, Sent: cs.Sent, DroppedFull: cs.DroppedFull, DroppedOther: cs.DroppedOther, Filtered: cs.Filtered}
	}
	st := c.State
	s.State = metrics.StateCounters{
		Threads: st.Threads, FDs: st.FDs, Containers: st.Containers,
		ThreadsAdded: st.ThreadsAdded, ThreadsRemoved: st.ThreadsRemoved, FDsAdded: st.FDsAdded, FDsRemoved: st.FDsRemoved,
		ThreadMisses: st.ThreadMisses, FDMisses: st.FDMisses, ThreadsEvicted: st.ThreadsEvicted,
	}
	s.Containers = metrics.ContainerCounters{Waits: c.ContainerWaits, Late: c.ContainerLate}
	for _, r := range rs.Rules() {
		if !r.Enabled {
			continue
		}
		s.Rules = append(s.Rules, metrics.RuleMatches{Name: r.Name, Priority: r.Priority, Source: r.Source, Tags: r.Tags, Matches: c.AlertsByName[r.Name]})
	}
	if a.k8s != nil {
		a.k8s.rules.addMetrics(&s)
		s.Sources = append(s.Sources, a.k8s.sourceCounters())
	}
	if a.compute != nil {
		a.compute.rules.addMetrics(&s)
	}
	s.Rules = append(s.Rules, metrics.RuleMatches{Name: engine.DropRule, Priority: alert.PriorityCritical, Source: "syscall", Matches: c.DropAlerts})
	a.outMu.RLock()
	stats := a.outs.Stats()
	a.outMu.RUnlock()
	for _, o := range stats {
		s.Outputs = append(s.Outputs, metrics.OutputCounters{Name: o.Name, Sent: o.Sent, Dropped: o.Dropped, Failed: o.Failed, Abandoned: o.Abandoned, Queued: o.QueueLen, Capacity: o.QueueCap})
	}
	a.reloads.mu.Lock()
	s.Reloads = metrics.ReloadCounters{OK: a.reloads.ok, Failed: a.reloads.failed, Last: a.reloads.last}
	a.reloads.mu.Unlock()
	a.reloadMu.Lock()
	rulesFiles, cfgFiles := slices.Clone(a.rules), slices.Clone(a.cfg.Files)
	a.reloadMu.Unlock()
	s.RulesFiles = digests(rulesFiles)
	s.ConfigFiles = digests(cfgFiles)
	return s
}

// digests hashes the files (a directory's *.yaml files), for the metrics
// that say which rules and configuration run.
func digests(paths []string) []metrics.FileDigest {
	var out []metrics.FileDigest
	add := func(p string) {
		f, err := os.Open(p)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err == nil {
			out = append(out, metrics.FileDigest{Name: p, SHA256: hex.EncodeToString(h.Sum(nil))})
		}
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			m, _ := filepath.Glob(filepath.Join(p, "*.yaml"))
			for _, g := range m {
				add(g)
			}
			continue
		}
		add(p)
	}
	return out
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

func kernelRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}
