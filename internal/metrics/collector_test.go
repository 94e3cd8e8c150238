package metrics

import (
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"peregrine/internal/alert"
)

var (
	testStart  = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	testNow    = testStart.Add(90 * time.Second)
	testReload = testStart.Add(30 * time.Second)
)

// fullSnapshot has every field set to a distinct value.
func fullSnapshot() Snapshot {
	return Snapshot{
		Version:       "1.2.3",
		Hostname:      "node-1",
		KernelRelease: "6.18.0",
		Start:         testStart,
		EngineName:    "ebpf",
		Events:        1000,
		EventsByType: []TypeCount{
			{Type: "openat", Count: 600},
			{Type: "execve", Count: 400},
			{Type: "connect", Count: 0},
		},
		Kernel: &KernelCounters{Seen: 5000, Sent: 1000, DroppedFull: 30, DroppedOther: 2, Filtered: 3968},
		State: StateCounters{
			Threads: 310, FDs: 4200, Containers: 3,
			ThreadsAdded: 400, ThreadsRemoved: 90, FDsAdded: 5000, FDsRemoved: 800,
			ThreadMisses: 7, FDMisses: 11, ThreadsEvicted: 1,
		},
		Containers:  ContainerCounters{Waits: 5, Late: 2},
		RulesLoaded: 2,
		Rules: []RuleMatches{
			{Name: "Read sensitive file untrusted", Priority: alert.PriorityWarning, Tags: []string{"T1555", "container", "maturity_stable", "mitre_credential_access"}, Matches: 11},
			{Name: "Drop and execute new binary in container", Priority: alert.PriorityCritical, Source: "syscall", Tags: []string{"T1059.004", "PCI_DSS_11.5.1"}, Matches: 0},
		},
		Alerts: 12,
		Outputs: []OutputCounters{
			{Name: "stdout", Sent: 12, Queued: 0, Capacity: 1000},
			{Name: "http", Sent: 8, Dropped: 3, Failed: 1, Abandoned: 2, Queued: 4, Capacity: 16},
		},
		Sources:     []SourceCounters{{Source: "k8s_audit", Events: 400, Skipped: 3, Accepted: 9, Unauthorized: 4, TooLarge: 1, BadRequest: 2, BadMethod: 5, QueueFull: 6, Queued: 7, Capacity: 64}},
		Reloads:     ReloadCounters{OK: 2, Failed: 1, Last: testReload},
		RulesFiles:  []FileDigest{{Name: "/etc/peregrine/rules.d/falco_rules.yaml", SHA256: "aa11"}},
		ConfigFiles: []FileDigest{{Name: "/etc/peregrine/peregrine.yaml", SHA256: "bb22"}},
	}
}

// testCollector is a Collector over snap that reads the fake /proc of
// TestProcFS and whose clock stands at testNow.
func testCollector(t *testing.T, snap func() Snapshot, opt Options) *Collector {
	c := NewCollector(snap, opt)
	c.proc = fakeProc(t, map[string]string{
		"self/stat":                           fakeStat,
		"self/status":                         fakeStatus,
		"self/smaps_rollup":                   fakeSmaps,
		"self/cgroup":                         "0::/\n",
		"proc/uptime":                         fakeUptime,
		"proc/meminfo":                        fakeMeminfo,
		"proc/stat":                           fakeHostStat,
		"proc/sys/fs/file-nr":                 fakeFileNr,
		"cgroup/memory/memory.usage_in_bytes": "123456789\n",
	})
	c.now = func() time.Time { return testNow }
	return c
}

// scrape serves c's registry over HTTP, fetches /metrics and parses the
// Prometheus text format.
func scrape(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	ts := httptest.NewServer(m.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("scrape: %s: %s", resp.Status, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("content type %q", ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse scrape: %v", err)
	}
	return fams
}

// registryOf registers c alone in a Metrics that logs to t.
func registryOf(t *testing.T, c *Collector) *Metrics {
	reg := prometheus.NewRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	return &Metrics{reg: reg, log: slog.New(slog.NewTextHandler(testWriter{t}, nil))}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Errorf("scrape logged: %s", b)
	return len(b), nil
}

// sample is one series as the test expects it.
type sample struct {
	typ    dto.MetricType
	labels map[string]string
	value  float64
}

// series returns the samples of family name, sorted by their labels.
func series(fams map[string]*dto.MetricFamily, name string) []sample {
	f, ok := fams[name]
	if !ok {
		return nil
	}
	var out []sample
	for _, m := range f.GetMetric() {
		s := sample{typ: f.GetType(), labels: map[string]string{}}
		for _, l := range m.GetLabel() {
			s.labels[l.GetName()] = l.GetValue()
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			s.value = m.GetCounter().GetValue()
		case dto.MetricType_GAUGE:
			s.value = m.GetGauge().GetValue()
		default:
			s.value = math.NaN()
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return labelKey(out[i].labels) < labelKey(out[j].labels) })
	return out
}

func labelKey(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k, v := range l {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

const (
	counter = dto.MetricType_COUNTER
	gauge   = dto.MetricType_GAUGE
)

func one(typ dto.MetricType, v float64, labels ...string) []sample {
	return []sample{{typ: typ, labels: pairs(labels...), value: v}}
}

func pairs(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestScrape(t *testing.T) {
	snap := fullSnapshot()
	fams := scrape(t, registryOf(t, testCollector(t, func() Snapshot { return snap }, Options{})))
	mib := func(kib float64) float64 { return kib * 1024 }
	tests := []struct {
		name string
		want []sample
	}{
		// Falco's wrapper metrics.
		{"falcosecurity_falco_version_info", one(gauge, 1, "version", "1.2.3")},
		{"falcosecurity_evt_hostname_info", one(gauge, 1, "hostname", "node-1")},
		{"falcosecurity_falco_kernel_release_info", one(gauge, 1, "kernel_release", "6.18.0")},
		{"falcosecurity_scap_engine_name_info", one(gauge, 1, "engine_name", "ebpf", "evt_source", "syscall")},
		{"falcosecurity_falco_sha256_rules_files_info", one(gauge, 1, "file_name", "falco_rules.yaml", "sha256", "aa11")},
		{"falcosecurity_falco_sha256_config_files_info", one(gauge, 1, "file_name", "peregrine.yaml", "sha256", "bb22")},
		{"falcosecurity_falco_start_timestamp_nanoseconds", one(gauge, float64(testStart.UnixNano()))},
		{"falcosecurity_falco_duration_seconds_total", one(counter, 90)},
		{"falcosecurity_falco_reload_timestamp_nanoseconds", one(gauge, float64(testReload.UnixNano()))},
		{"falcosecurity_falco_host_boot_timestamp_nanoseconds", one(gauge, 1700000000e9)},
		{"falcosecurity_falco_host_num_cpus_total", one(gauge, 2)},
		{"falcosecurity_falco_outputs_queue_num_drops_total", one(counter, 3)},
		// Falco's resource utilization.
		{"falcosecurity_falco_cpu_usage_ratio", one(gauge, 0.2)},
		{"falcosecurity_falco_memory_rss_bytes", one(gauge, mib(40960))},
		{"falcosecurity_falco_memory_vsz_bytes", one(gauge, mib(900000))},
		{"falcosecurity_falco_memory_pss_bytes", one(gauge, mib(30000))},
		{"falcosecurity_falco_container_memory_used_bytes", one(gauge, 123456789)},
		{"falcosecurity_falco_host_cpu_usage_ratio", one(gauge, 0.5)},
		{"falcosecurity_falco_host_memory_used_bytes", one(gauge, mib(4000000))},
		{"falcosecurity_falco_host_procs_running_total", one(gauge, 3)},
		{"falcosecurity_falco_host_open_fds_total", one(gauge, 2112)},
		// Falco's kernel counters.
		{"falcosecurity_scap_n_evts_total", one(counter, 1032)},
		{"falcosecurity_scap_n_drops_buffer_total", one(counter, 30)},
		{"falcosecurity_scap_n_drops_scratch_map_total", one(counter, 2)},
		{"falcosecurity_scap_n_drops_total", one(counter, 32)},
		// Falco's state counters.
		{"falcosecurity_scap_n_threads_total", one(gauge, 310)},
		{"falcosecurity_scap_n_fds_total", one(gauge, 4200)},
		{"falcosecurity_scap_n_containers_total", one(gauge, 3)},
		{"falcosecurity_scap_n_added_threads_total", one(counter, 400)},
		{"falcosecurity_scap_n_removed_threads_total", one(counter, 90)},
		{"falcosecurity_scap_n_added_fds_total", one(counter, 5000)},
		{"falcosecurity_scap_n_removed_fds_total", one(counter, 800)},
		{"falcosecurity_scap_n_failed_thread_lookups_total", one(counter, 7)},
		{"falcosecurity_scap_n_failed_fd_lookups_total", one(counter, 11)},
		// Falco's rule counters: every tag a label, dots mended.
		{"falcosecurity_falco_rules_matches_total", []sample{
			{counter, pairs("rule_name", "Drop and execute new binary in container", "priority", "2", "source", "syscall",
				"tag_T1059_004", "true", "tag_PCI_DSS_11_5_1", "true"), 0},
			{counter, pairs("rule_name", "Read sensitive file untrusted", "priority", "4", "source", "syscall",
				"tag_T1555", "true", "tag_container", "true", "tag_maturity_stable", "true", "tag_mitre_credential_access", "true"), 11},
		}},
		// Ours.
		{"peregrine_events_total", one(counter, 1000)},
		{"peregrine_events_by_type_total", []sample{
			{counter, pairs("evt_type", "execve"), 400},
			{counter, pairs("evt_type", "openat"), 600},
		}},
		{"peregrine_kernel_events_seen_total", one(counter, 5000)},
		{"peregrine_kernel_events_sent_total", one(counter, 1000)},
		{"peregrine_kernel_events_dropped_total", []sample{
			{counter, pairs("reason", "ring_full"), 30},
			{counter, pairs("reason", "too_large"), 2},
		}},
		{"peregrine_kernel_events_filtered_total", one(counter, 3968)},
		{"peregrine_state_threads_evicted_total", one(counter, 1)},
		{"peregrine_container_metadata_waits_total", one(counter, 5)},
		{"peregrine_container_metadata_late_total", one(counter, 2)},
		{"peregrine_rules_loaded", one(gauge, 2)},
		{"peregrine_alerts_total", one(counter, 12)},
		{"peregrine_output_sent_total", []sample{{counter, pairs("output", "http"), 8}, {counter, pairs("output", "stdout"), 12}}},
		{"peregrine_output_dropped_total", []sample{{counter, pairs("output", "http"), 3}, {counter, pairs("output", "stdout"), 0}}},
		{"peregrine_output_failed_total", []sample{{counter, pairs("output", "http"), 1}, {counter, pairs("output", "stdout"), 0}}},
		{"peregrine_output_abandoned_total", []sample{{counter, pairs("output", "http"), 2}, {counter, pairs("output", "stdout"), 0}}},
		{"peregrine_output_queue_length", []sample{{gauge, pairs("output", "http"), 4}, {gauge, pairs("output", "stdout"), 0}}},
		{"peregrine_output_queue_capacity", []sample{{gauge, pairs("output", "http"), 16}, {gauge, pairs("output", "stdout"), 1000}}},
		{"peregrine_reloads_total", []sample{{counter, pairs("result", "failed"), 1}, {counter, pairs("result", "ok"), 2}}},
		{"peregrine_source_events_total", []sample{{counter, pairs("source", "k8s_audit"), 400}}},
		{"peregrine_source_records_skipped_total", []sample{{counter, pairs("source", "k8s_audit"), 3}}},
		{"peregrine_source_requests_total", []sample{
			{counter, pairs("result", "accepted", "source", "k8s_audit"), 9},
			{counter, pairs("result", "bad_method", "source", "k8s_audit"), 5},
			{counter, pairs("result", "bad_request", "source", "k8s_audit"), 2},
			{counter, pairs("result", "queue_full", "source", "k8s_audit"), 6},
			{counter, pairs("result", "too_large", "source", "k8s_audit"), 1},
			{counter, pairs("result", "unauthorized", "source", "k8s_audit"), 4},
		}},
		{"peregrine_source_queue_length", []sample{{gauge, pairs("source", "k8s_audit"), 7}}},
		{"peregrine_source_queue_capacity", []sample{{gauge, pairs("source", "k8s_audit"), 64}}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			got := series(fams, tt.name)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(sample{}), cmp.Comparer(func(a, b float64) bool {
				return a == b || math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(a))
			})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for name := range fams {
		if !seen[name] {
			t.Errorf("scrape has %s, which the test does not check", name)
		}
	}
}

func TestScrapeSkip(t *testing.T) {
	snap := fullSnapshot()
	tests := []struct {
		skip   Groups
		absent []string
	}{
		{GroupRules, []string{"falcosecurity_falco_rules_matches_total"}},
		{GroupResources, []string{"falcosecurity_falco_cpu_usage_ratio", "falcosecurity_falco_memory_rss_bytes", "falcosecurity_falco_host_cpu_usage_ratio", "falcosecurity_falco_host_open_fds_total"}},
		{GroupState, []string{"falcosecurity_scap_n_threads_total", "falcosecurity_scap_n_failed_fd_lookups_total", "peregrine_state_threads_evicted_total"}},
		{GroupKernel, []string{"falcosecurity_scap_n_evts_total", "falcosecurity_scap_n_drops_total", "peregrine_kernel_events_seen_total"}},
	}
	for _, tt := range tests {
		c := testCollector(t, func() Snapshot { return snap }, Options{Skip: tt.skip})
		fams := scrape(t, registryOf(t, c))
		for _, name := range tt.absent {
			if _, ok := fams[name]; ok {
				t.Errorf("Skip %b: %s still exported", tt.skip, name)
			}
		}
		// The identity stays whatever is skipped.
		if _, ok := fams["falcosecurity_falco_host_num_cpus_total"]; !ok {
			t.Errorf("Skip %b: host_num_cpus gone", tt.skip)
		}
	}
}

// TestScrapeEdgeCases checks snapshots that must not break a scrape: an
// empty one, one from a replay (no kernel counters), rule names that are
// not UTF-8, files sharing a base name.
func TestScrapeEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		snap  Snapshot
		check func(t *testing.T, fams map[string]*dto.MetricFamily)
	}{
		{
			name: "zero snapshot",
			check: func(t *testing.T, fams map[string]*dto.MetricFamily) {
				for _, name := range []string{"falcosecurity_falco_start_timestamp_nanoseconds", "falcosecurity_falco_duration_seconds_total",
					"falcosecurity_falco_reload_timestamp_nanoseconds", "falcosecurity_scap_n_evts_total", "falcosecurity_scap_engine_name_info"} {
					if _, ok := fams[name]; ok {
						t.Errorf("%s exported without a value", name)
					}
				}
				if got := series(fams, "falcosecurity_falco_outputs_queue_num_drops_total"); len(got) != 1 || got[0].value != 0 {
					t.Errorf("queue drops without outputs: %v", got)
				}
			},
		},
		{
			name: "replay: reload time is the start",
			snap: Snapshot{Start: testStart, EngineName: "replay", Source: "syscall"},
			check: func(t *testing.T, fams map[string]*dto.MetricFamily) {
				if got := series(fams, "falcosecurity_falco_reload_timestamp_nanoseconds"); len(got) != 1 || got[0].value != float64(testStart.UnixNano()) {
					t.Errorf("reload timestamp: %v", got)
				}
				if _, ok := fams["peregrine_kernel_events_sent_total"]; ok {
					t.Error("kernel counters without a kernel")
				}
			},
		},
		{
			name: "invalid UTF-8 and odd tags",
			snap: Snapshot{Rules: []RuleMatches{{Name: "bad \xff name", Tags: []string{"a-b", "a.b", "", "ü"}, Matches: 1}}},
			check: func(t *testing.T, fams map[string]*dto.MetricFamily) {
				want := []sample{{counter, pairs("rule_name", "bad \uFFFD name", "priority", "0", "source", "syscall",
					"tag_a_b", "true", "tag_", "true", "tag__", "true"), 1}}
				if diff := cmp.Diff(want, series(fams, ruleMatchesName), cmp.AllowUnexported(sample{})); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "files sharing a base name keep their paths",
			snap: Snapshot{RulesFiles: []FileDigest{{"/a/rules.yaml", "1"}, {"/b/rules.yaml", "2"}, {"/b/extra.yaml", "3"}}},
			check: func(t *testing.T, fams map[string]*dto.MetricFamily) {
				want := []sample{
					{gauge, pairs("file_name", "/a/rules.yaml", "sha256", "1"), 1},
					{gauge, pairs("file_name", "/b/rules.yaml", "sha256", "2"), 1},
					{gauge, pairs("file_name", "extra.yaml", "sha256", "3"), 1},
				}
				if diff := cmp.Diff(want, series(fams, "falcosecurity_falco_sha256_rules_files_info"), cmp.AllowUnexported(sample{})); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testCollector(t, func() Snapshot { return tt.snap }, Options{})
			tt.check(t, scrape(t, registryOf(t, c)))
		})
	}
}

// TestScrapeAfterReload checks that the rule counters follow the rules a
// reload loads, with other tags, between two scrapes of one registry.
func TestScrapeAfterReload(t *testing.T) {
	var mu sync.Mutex
	snap := Snapshot{Rules: []RuleMatches{{Name: "A", Tags: []string{"x"}, Matches: 1}}}
	c := testCollector(t, func() Snapshot { mu.Lock(); defer mu.Unlock(); return snap }, Options{})
	m := registryOf(t, c)
	if got := series(scrape(t, m), ruleMatchesName); len(got) != 1 || got[0].labels["tag_x"] != "true" {
		t.Fatalf("before the reload: %v", got)
	}
	mu.Lock()
	snap = Snapshot{Rules: []RuleMatches{
		{Name: "A", Tags: []string{"y", "z"}, Matches: 1},
		{Name: "B", Priority: alert.PriorityDebug, Matches: 4},
	}}
	mu.Unlock()
	want := []sample{
		{counter, pairs("rule_name", "A", "priority", "0", "source", "syscall", "tag_y", "true", "tag_z", "true"), 1},
		{counter, pairs("rule_name", "B", "priority", "7", "source", "syscall"), 4},
	}
	if diff := cmp.Diff(want, series(scrape(t, m), ruleMatchesName), cmp.AllowUnexported(sample{})); diff != "" {
		t.Errorf("after the reload (-want +got):\n%s", diff)
	}
}

func TestTagLabel(t *testing.T) {
	tests := []struct{ tag, want string }{
		{"container", "tag_container"},
		{"T1059.004", "tag_T1059_004"},
		{"NIST_800-53_AC-2", "tag_NIST_800_53_AC_2"},
		{"mitre persistence", "tag_mitre_persistence"},
		{"", "tag_"},
		{"é", "tag__"},
	}
	for _, tt := range tests {
		if got := tagLabel(tt.tag); got != tt.want {
			t.Errorf("tagLabel(%q) = %q, want %q", tt.tag, got, tt.want)
		}
		if !model.LegacyValidation.IsValidLabelName(tagLabel(tt.tag)) {
			t.Errorf("tagLabel(%q) is not a valid label name", tt.tag)
		}
	}
}

// TestScrapeUTF8 checks that a scraper that accepts UTF-8 names
// (Prometheus 3 asks for them) gets the same mended tag labels as one
// that does not: the client library would otherwise pass "T1059.004"
// through quoted.
func TestScrapeUTF8(t *testing.T) {
	snap := Snapshot{Rules: []RuleMatches{{Name: "r", Tags: []string{"T1059.004"}, Matches: 1}}}
	ts := httptest.NewServer(registryOf(t, testCollector(t, func() Snapshot { return snap }, Options{})).Handler())
	defer ts.Close()
	req, err := http.NewRequest("GET", ts.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/plain;version=1.0.0;escaping=allow-utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `tag_T1059_004="true"`) || strings.Contains(string(b), "T1059.004") {
		t.Errorf("UTF-8 scrape of the rule counters:\n%s", grepLines(string(b), ruleMatchesName))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if strings.Contains(line, sub) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
