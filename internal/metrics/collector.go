package metrics

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Groups selects groups of metrics, named after Falco's metrics.*_enabled
// switches.
type Groups uint8

// The groups of metrics that can be turned off. Those not listed (the
// agent's identity, events, alerts, outputs, reloads) are always on.
const (
	GroupRules     Groups = 1 << iota // rules_counters_enabled: falcosecurity_falco_rules_matches_total
	GroupResources                    // resource_utilization_enabled: CPU and memory of the agent and the host
	GroupState                        // state_counters_enabled: thread, descriptor and container tables
	GroupKernel                       // kernel_event_counters_enabled: the live capture's kernel side
	GroupGoRuntime                    // the client library's process_* and go_* collectors
)

// Options configure a [Collector] and the registry of [New].
type Options struct {
	// Skip lists the groups to leave out; the zero value exports all of
	// them, as Falco does by default.
	Skip Groups

	// HostRoot is where the host's file system is mounted when the agent
	// runs in a container (Falco's HOST_ROOT), for the host's /proc.
	HostRoot string

	// ContainerMemoryPath is the file holding the memory charged to the
	// agent's cgroup (Falco's FALCO_CGROUP_MEM_PATH); empty to find it
	// from /proc/self/cgroup.
	ContainerMemoryPath string
}

// Collector is a prometheus.Collector that turns a [Snapshot] into
// metrics. It calls its snapshot function once per Collect. It is safe
// for concurrent use if the snapshot function is.
//
// A Collector is unchecked (Describe sends nothing): the labels of the
// rule counters depend on the tags of the rules loaded, which a reload
// changes.
type Collector struct {
	snap func() Snapshot
	opt  Options
	d    descs
	proc procFS
	now  func() time.Time
}

// NewCollector returns a Collector that reads snap.
func NewCollector(snap func() Snapshot, opt Options) *Collector {
	return &Collector{
		snap: snap,
		opt:  opt,
		d:    newDescs(),
		proc: procFS{
			self:    "/proc/self",
			host:    filepath.Join("/", opt.HostRoot, "proc"),
			cgroup:  "/sys/fs/cgroup",
			memPath: opt.ContainerMemoryPath,
		},
		now: time.Now,
	}
}

// Describe sends nothing: the Collector is unchecked.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

// Collect takes a snapshot and sends its metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	s := c.snap()
	e := emitter{ch}
	hs, hsErr := c.proc.readHostStat()
	c.collectIdentity(e, s)
	if hsErr == nil {
		e.gauge(c.d.numCPUs, float64(hs.cpus))
		if !hs.boot.IsZero() {
			e.gauge(c.d.bootTS, float64(hs.boot.UnixNano()))
		}
	}
	c.collectEvents(e, s)
	if c.opt.Skip&GroupKernel == 0 && s.Kernel != nil {
		c.collectKernel(e, *s.Kernel)
	}
	if c.opt.Skip&GroupState == 0 {
		c.collectState(e, s.State)
	}
	if c.opt.Skip&GroupRules == 0 {
		collectRules(e, s.Rules)
	}
	c.collectOutputs(e, s.Outputs)
	c.collectSources(e, s.Sources)
	if c.opt.Skip&GroupResources == 0 {
		c.collectResources(e)
		if hsErr == nil {
			e.gauge(c.d.hostCPU, hs.cpuRatio)
			e.gauge(c.d.hostProcsRunning, float64(hs.procsRunning))
		}
	}
}

// emitter sends constant metrics, mending label values that are not
// valid UTF-8 (which the client library would refuse) on the way.
type emitter struct{ ch chan<- prometheus.Metric }

func (e emitter) send(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
	for i, l := range labels {
		labels[i] = strings.ToValidUTF8(l, "\uFFFD")
	}
	m, err := prometheus.NewConstMetric(d, t, v, labels...)
	if err != nil {
		m = prometheus.NewInvalidMetric(d, err)
	}
	e.ch <- m
}

func (e emitter) counter(d *prometheus.Desc, v uint64, labels ...string) {
	e.send(d, prometheus.CounterValue, float64(v), labels...)
}

func (e emitter) gauge(d *prometheus.Desc, v float64, labels ...string) {
	e.send(d, prometheus.GaugeValue, v, labels...)
}

// collectIdentity sends Falco's wrapper metrics: who and what is running,
// since when, with which files.
func (c *Collector) collectIdentity(e emitter, s Snapshot) {
	e.gauge(c.d.versionInfo, 1, s.Version)
	e.gauge(c.d.hostnameInfo, 1, s.Hostname)
	if s.KernelRelease != "" {
		e.gauge(c.d.kernelInfo, 1, s.KernelRelease)
	}
	if s.EngineName != "" {
		e.gauge(c.d.engineInfo, 1, s.EngineName, sourceOr(s.Source))
	}
	for _, f := range fileLabels(s.RulesFiles) {
		e.gauge(c.d.rulesFileInfo, 1, f.Name, f.SHA256)
	}
	for _, f := range fileLabels(s.ConfigFiles) {
		e.gauge(c.d.configFileInfo, 1, f.Name, f.SHA256)
	}
	if !s.Start.IsZero() {
		e.gauge(c.d.startTS, float64(s.Start.UnixNano()))
		e.send(c.d.duration, prometheus.CounterValue, max(0, c.now().Sub(s.Start).Seconds()))
	}
	reload := s.Reloads.Last
	if reload.IsZero() {
		reload = s.Start
	}
	if !reload.IsZero() {
		e.gauge(c.d.reloadTS, float64(reload.UnixNano()))
	}
	e.counter(c.d.reloads, s.Reloads.OK, "ok")
	e.counter(c.d.reloads, s.Reloads.Failed, "failed")
	e.gauge(c.d.rulesLoaded, float64(s.RulesLoaded))
}

// fileLabels names files by their base name, as Falco does, unless two
// files share one: then those keep their path.
func fileLabels(files []FileDigest) []FileDigest {
	seen := make(map[string]int, len(files))
	for _, f := range files {
		seen[filepath.Base(f.Name)]++
	}
	out := make([]FileDigest, len(files))
	for i, f := range files {
		out[i] = f
		if base := filepath.Base(f.Name); seen[base] == 1 {
			out[i].Name = base
		}
	}
	return out
}

func sourceOr(s string) string {
	if s == "" {
		return "syscall"
	}
	return s
}

func (c *Collector) collectEvents(e emitter, s Snapshot) {
	e.counter(c.d.events, s.Events)
	for _, t := range s.EventsByType {
		if t.Count > 0 {
			e.counter(c.d.eventsByType, t.Count, t.Type)
		}
	}
	e.counter(c.d.alerts, s.Alerts)
	e.counter(c.d.contWaits, s.Containers.Waits)
	e.counter(c.d.contLate, s.Containers.Late)
}

// collectKernel sends the kernel-side counters under Falco's names (whose
// n_evts counts the events the probes tried to send, lost ones included,
// and whose scratch map drops are the events too large to send) and ours.
func (c *Collector) collectKernel(e emitter, k KernelCounters) {
	e.counter(c.d.nEvts, k.Sent+k.DroppedFull+k.DroppedOther)
	e.counter(c.d.nDropsBuffer, k.DroppedFull)
	e.counter(c.d.nDropsScratch, k.DroppedOther)
	e.counter(c.d.nDrops, k.DroppedFull+k.DroppedOther)
	e.counter(c.d.kSeen, k.Seen)
	e.counter(c.d.kSent, k.Sent)
	e.counter(c.d.kDropped, k.DroppedFull, "ring_full")
	e.counter(c.d.kDropped, k.DroppedOther, "too_large")
	e.counter(c.d.kFiltered, k.Filtered)
}

func (c *Collector) collectState(e emitter, st StateCounters) {
	// Falco exports the table sizes as gauges despite the _total suffix.
	e.gauge(c.d.nThreads, float64(st.Threads))
	e.gauge(c.d.nFDs, float64(st.FDs))
	e.gauge(c.d.nContainers, float64(st.Containers))
	e.counter(c.d.addedThreads, st.ThreadsAdded)
	e.counter(c.d.removedThreads, st.ThreadsRemoved)
	e.counter(c.d.addedFDs, st.FDsAdded)
	e.counter(c.d.remFDs, st.FDsRemoved)
	e.counter(c.d.failedThreads, st.ThreadMisses)
	e.counter(c.d.failedFDs, st.FDMisses)
	e.counter(c.d.threadsEvicted, st.ThreadsEvicted)
}

// collectRules sends one falcosecurity_falco_rules_matches_total per rule,
// zero counts included (Falco leaves those out, which makes the first
// match of a rule invisible to rate()). Each tag becomes a label
// tag_<tag>="true", its name mended to Prometheus' label syntax.
func collectRules(e emitter, rules []RuleMatches) {
	for _, r := range rules {
		labels := prometheus.Labels{
			"rule_name": strings.ToValidUTF8(r.Name, "\uFFFD"),
			"priority":  strconv.Itoa(int(r.Priority)),
			"source":    sourceOr(r.Source),
		}
		for _, t := range r.Tags {
			labels[tagLabel(t)] = "true"
		}
		d := prometheus.NewDesc(ruleMatchesName, ruleMatchesHelp, nil, labels)
		e.counter(d, r.Matches)
	}
}

// tagLabel turns a rule tag into a label name: "tag_" and the tag with
// every character outside [A-Za-z0-9_] replaced by "_" (MITRE tags such
// as T1059.004 have dots, which Falco prints unmended and Prometheus
// refuses).
func tagLabel(tag string) string {
	var b strings.Builder
	b.Grow(4 + len(tag))
	b.WriteString("tag_")
	for _, r := range tag {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// collectOutputs sends each sink's counters and Falco's single queue drop
// counter, the sum of the sinks' drops.
func (c *Collector) collectOutputs(e emitter, outs []OutputCounters) {
	var drops uint64
	for _, o := range outs {
		drops += o.Dropped
		e.counter(c.d.outSent, o.Sent, o.Name)
		e.counter(c.d.outDropped, o.Dropped, o.Name)
		e.counter(c.d.outFailed, o.Failed, o.Name)
		e.counter(c.d.outAbandoned, o.Abandoned, o.Name)
		e.gauge(c.d.outQueued, float64(o.Queued), o.Name)
		e.gauge(c.d.outCapacity, float64(o.Capacity), o.Name)
	}
	e.counter(c.d.outputDrops, drops)
}

// collectSources sends the counters of the sources received over HTTP.
func (c *Collector) collectSources(e emitter, srcs []SourceCounters) {
	for _, s := range srcs {
		e.counter(c.d.srcEvents, s.Events, s.Source)
		e.counter(c.d.srcSkipped, s.Skipped, s.Source)
		for _, r := range []struct {
			result string
			n      uint64
		}{
			{"accepted", s.Accepted}, {"unauthorized", s.Unauthorized}, {"too_large", s.TooLarge},
			{"bad_request", s.BadRequest}, {"bad_method", s.BadMethod}, {"queue_full", s.QueueFull},
		} {
			e.counter(c.d.srcReqs, r.n, s.Source, r.result)
		}
		e.gauge(c.d.srcQueued, float64(s.Queued), s.Source)
		e.gauge(c.d.srcCapacity, float64(s.Capacity), s.Source)
	}
}

// collectResources sends what /proc says about the agent and the host's
// memory and files (Collect adds the host's CPU); a value that cannot be
// read is left out.
func (c *Collector) collectResources(e emitter) {
	if v, err := c.proc.cpuRatio(); err == nil {
		e.gauge(c.d.cpu, v)
	}
	if rss, vsz, err := c.proc.memory(); err == nil {
		e.gauge(c.d.rss, float64(rss))
		e.gauge(c.d.vsz, float64(vsz))
	}
	if v, err := c.proc.pss(); err == nil {
		e.gauge(c.d.pss, float64(v))
	}
	if v, err := c.proc.containerMemory(); err == nil {
		e.gauge(c.d.containerMem, float64(v))
	}
	if v, err := c.proc.hostMemoryUsed(); err == nil {
		e.gauge(c.d.hostMem, float64(v))
	}
	if v, err := c.proc.openFiles(); err == nil {
		e.gauge(c.d.hostFDs, float64(v))
	}
}
