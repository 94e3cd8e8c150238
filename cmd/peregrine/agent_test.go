package main

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/output"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/testenv"
)

// End-to-end tests of the agent: `peregrine run -c peregrine.yaml` as a
// process of its own, as root, with real peers (a syslog daemon on a unix
// socket, HTTP and HTTPS receivers, a program, a file) and its web server
// scraped with Prometheus's parser.

// agentOutputNames are the outputs TestAgentOutputs enables.
var agentOutputNames = []string{"stdout", "file", "syslog", "program", "http"}

// TestAgentOutputs runs the agent with every output enabled and checks
// that one alert reaches each of them, byte for byte the same Falco JSON,
// whose members are checked one by one; that the syslog messages have the
// right header (PRI = facility*8 + Warning's 4); that the HTTP receiver
// gets the headers configured; that /healthz, /versions and /metrics
// answer (the latter parsed with Prometheus's text parser, counting the
// match and the deliveries); and that the summary after SIGINT accounts
// for every alert of every output, each of which holds them all. Two
// runs: plain HTTP, RFC 3164, a file and a program opened per alert; and
// HTTPS verified with a CA file, gzipped bodies, RFC 5424 to a unixgram://
// address, a file and a program kept open.
func TestAgentOutputs(t *testing.T) {
	testenv.Root(t)
	rulesPath := testenv.Shared(t, "upstream-rules/falco_rules.yaml")
	wantTags := ruleTags(t, rulesPath, sensitiveRule)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		tls       bool
		keepAlive bool   // file_output and program_output
		scheme    string // of syslog_output.address
		rfc5424   bool
		facility  string
		code      int // the facility's
		compress  bool
	}{
		{name: "plain", scheme: "unix", facility: "user", code: 1},
		{name: "tls", tls: true, keepAlive: true, scheme: "unixgram", rfc5424: true, facility: "local3", code: 19, compress: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			syslog := startSyslogServer(t, dir+"/syslog.sock")
			recv := &httpReceiver{}
			var srv *httptest.Server
			if tc.tls {
				srv = httptest.NewTLSServer(recv)
			} else {
				srv = httptest.NewServer(recv)
			}
			t.Cleanup(srv.Close)
			format := "rfc3164"
			if tc.rfc5424 {
				format = "rfc5424"
			}
			var tlsKeys string
			if tc.tls {
				ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
				writeFile(t, dir+"/ca.pem", string(ca))
				tlsKeys = fmt.Sprintf("  ca_cert: %s\n", dir+"/ca.pem")
			}
			cfgPath := dir + "/peregrine.yaml"
			writeFile(t, cfgPath, fmt.Sprintf(`rules_files: [%[1]s]
json_output: true
peregrine:
  docker: false
  ring_size: 67108864
stdout_output:
  enabled: true
file_output:
  enabled: true
  keep_alive: %[2]t
  filename: %[3]s/file.jsonl
program_output:
  enabled: true
  keep_alive: %[2]t
  program: cat >> %[3]s/program.jsonl
syslog_output:
  enabled: true
  address: %[4]s://%[3]s/syslog.sock
  format: %[5]s
  facility: %[6]s
  tag: peregrine-e2e
http_output:
  enabled: true
  url: %[7]s/falco
  user_agent: peregrine-e2e/1
  compress_uploads: %[8]t
  custom_headers:
    X-Peregrine-Test: %[9]s
%[10]swebserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: 1 # --set gives the port
  prometheus_metrics_enabled: true
metrics:
  enabled: true
  output_rule: false
`, rulesPath, tc.keepAlive, dir, tc.scheme, format, tc.facility, srv.URL, tc.compress, tc.name, tlsKeys))
			port := freePort(t)
			start := time.Now()
			lc := startPeregrine(t, "watching", "run", "-c", cfgPath, "--set", fmt.Sprintf("webserver.listen_port=%d", port))
			if !strings.Contains(lc.stderr.String(), "outputs: [stdout file syslog program http]") {
				t.Errorf("the agent does not list the outputs:\n%s", lc.stderr.String())
			}
			marker := fmt.Sprintf("/nonexistent/peregrine-outputs-%s-%d", tc.name, os.Getpid())
			readSensitive(t, marker)

			// Each output has the alert.
			fileHas := func(path string) func() bool {
				return func() bool { b, _ := os.ReadFile(path); return strings.Contains(string(b), marker) }
			}
			waitFor(t, lc, agentDeadline, "stdout alert", func() bool { return strings.Contains(lc.stdout.String(), marker) })
			waitFor(t, lc, agentDeadline, "file_output alert", fileHas(dir+"/file.jsonl"))
			waitFor(t, lc, agentDeadline, "program_output alert", fileHas(dir+"/program.jsonl"))
			waitFor(t, lc, agentDeadline, "syslog_output alert", func() bool { return len(syslog.msgs.with(marker)) > 0 })
			waitFor(t, lc, agentDeadline, "http_output alert", func() bool { _, ok := recv.postWith(marker); return ok })

			want := lineWith(t, "stdout", lc.stdout.String(), marker)
			checkFalcoJSON(t, want, marker, host, wantTags, start)
			for _, f := range []string{"file.jsonl", "program.jsonl"} {
				b, _ := os.ReadFile(dir + "/" + f)
				if got := lineWith(t, f, string(b), marker); got != want {
					t.Errorf("%s holds\n%s\nstdout\n%s", f, got, want)
				}
			}
			// RFC 3164 to a local socket leaves the host out, as syslog(3).
			wantHost := host
			if !tc.rfc5424 {
				wantHost = ""
			}
			msg, ok := parseSyslog(syslog.msgs.with(marker)[0], tc.rfc5424)
			switch {
			case !ok:
				t.Errorf("syslog message is not %s: %q", format, syslog.msgs.with(marker)[0])
			case msg.pri != tc.code*8+4 || msg.tag != "peregrine-e2e" || msg.pid != lc.cmd.Process.Pid || msg.host != wantHost:
				t.Errorf("syslog header: PRI %d tag %q pid %d host %q; want %d, peregrine-e2e, %d, %q",
					msg.pri, msg.tag, msg.pid, msg.host, tc.code*8+4, lc.cmd.Process.Pid, wantHost)
			case msg.msg != want:
				t.Errorf("syslog message holds\n%s\nstdout\n%s", msg.msg, want)
			}
			if tc.rfc5424 {
				if _, err := time.Parse(time.RFC3339Nano, msg.timestamp); err != nil {
					t.Errorf("RFC 5424 timestamp %q: %v", msg.timestamp, err)
				}
			}
			post, _ := recv.postWith(marker)
			if string(post.body) != want {
				t.Errorf("HTTP body\n%s\nstdout\n%s", post.body, want)
			}
			h := post.header
			wantEnc := ""
			if tc.compress {
				wantEnc = "gzip"
			}
			if h.Get("Content-Type") != "application/json" || h.Get("User-Agent") != "peregrine-e2e/1" ||
				h.Get("X-Peregrine-Test") != tc.name || h.Get("Content-Encoding") != wantEnc {
				t.Errorf("HTTP headers: %v", h)
			}

			// The web server, on the port --set gave.
			base := lc.webURL(t)
			if want := fmt.Sprintf("http://127.0.0.1:%d", port); base != want {
				t.Fatalf("web server on %s, want %s (--set webserver.listen_port)", base, want)
			}
			checkHealthAndVersions(t, base)
			checks := []metricCheck{
				atLeast("falcosecurity_falco_rules_matches_total", map[string]string{"rule_name": sensitiveRule, "priority": "4"}, 1),
				atLeast("falcosecurity_scap_n_evts_total", nil, 1),
				exactly("falcosecurity_falco_outputs_queue_num_drops_total", nil, 0),
				exactly("peregrine_output_dropped_total", nil, 0),
				exactly("peregrine_output_failed_total", nil, 0),
			}
			for _, o := range agentOutputNames {
				checks = append(checks, atLeast("peregrine_output_sent_total", map[string]string{"output": o}, 1))
			}
			checkMetrics(t, base+"/metrics", dir+"/busy", checks...)

			lc.stop(t)
			sums := outputSummaries(lc.stderr.String())
			if got := slices.Sorted(maps.Keys(sums)); !slices.Equal(got, slices.Sorted(slices.Values(agentOutputNames))) {
				t.Fatalf("summary of outputs %v:\n%s", got, lc.stderr.String())
			}
			// Every output was offered the same alerts and delivered them
			// all; each holds as many as it says it sent.
			stdoutLines := jsonLines(t, lc.stdout.String())
			n := uint64(len(stdoutLines))
			b1, _ := os.ReadFile(dir + "/file.jsonl")
			b2, _ := os.ReadFile(dir + "/program.jsonl")
			posts, bad := recv.received()
			held := map[string]uint64{
				"stdout":  n,
				"file":    uint64(strings.Count(string(b1), "\n")),
				"program": uint64(strings.Count(string(b2), "\n")),
				"syslog":  uint64(len(syslog.msgs.all())),
				"http":    uint64(len(posts)),
			}
			for _, o := range agentOutputNames {
				if s := sums[o]; s != (sinkSummary{sent: n}) || held[o] != n {
					t.Errorf("output %s: summary %+v, holds %d alerts; stdout printed %d", o, s, held[o], n)
				}
			}
			if len(bad) > 0 {
				t.Errorf("bad requests to the HTTP receiver: %v", bad)
			}
		})
	}
}

// lineWith returns the line of text that holds marker.
func lineWith(t *testing.T, where, text, marker string) string {
	t.Helper()
	for l := range strings.Lines(text) {
		if strings.Contains(l, marker) {
			return strings.TrimSuffix(l, "\n")
		}
	}
	t.Fatalf("%s: no line with %s:\n%s", where, marker, text)
	return ""
}

// ruleTags returns the tags of the rule name in the rules file, sorted.
func ruleTags(t *testing.T, path, name string) []string {
	t.Helper()
	spec, _, err := loader.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range spec.Rules {
		if r.Name == name {
			return slices.Sorted(slices.Values(r.Tags))
		}
	}
	t.Fatalf("%s: no rule %q", path, name)
	return nil
}

// falcoTime is how Falco writes "time": RFC 3339, UTC, nanoseconds.
var falcoTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$`)

// checkFalcoJSON checks an alert of `cat /etc/shadow MARKER` member by
// member against Falco's JSON with its default json_include_* switches.
func checkFalcoJSON(t *testing.T, line, marker, host string, tags []string, start time.Time) {
	t.Helper()
	var a map[string]any
	if err := json.Unmarshal([]byte(line), &a); err != nil {
		t.Fatalf("alert %q: %v", line, err)
	}
	keys := slices.Sorted(maps.Keys(a))
	if d := cmp.Diff([]string{"hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"}, keys); d != "" {
		t.Errorf("members (-Falco +ours):\n%s", d)
	}
	for k, v := range map[string]string{"hostname": host, "priority": "Warning", "rule": sensitiveRule, "source": "syscall"} {
		if a[k] != v {
			t.Errorf("%s: %v, want %q", k, a[k], v)
		}
	}
	var gotTags []string
	if l, ok := a["tags"].([]any); ok {
		for _, x := range l {
			s, _ := x.(string)
			gotTags = append(gotTags, s)
		}
	}
	if d := cmp.Diff(tags, gotTags); d != "" {
		t.Errorf("tags (-rule +alert):\n%s", d)
	}
	ts, _ := a["time"].(string)
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !falcoTime.MatchString(ts) || err != nil {
		t.Errorf("time %q is not Falco's RFC 3339 UTC with nanoseconds (%v)", ts, err)
	} else if at.Before(start.Add(-5*time.Second)) || at.After(time.Now().Add(5*time.Second)) {
		t.Errorf("time %s: not the time of an event of this run (started %s)", ts, start.UTC().Format(time.RFC3339Nano))
	}
	out, _ := a["output"].(string)
	prefix := at.Local().Format("15:04:05.000000000") + ": Warning Sensitive file opened for reading by non-trusted program | file=/etc/shadow "
	if !strings.HasPrefix(out, prefix) || !strings.Contains(out, "command=cat /etc/shadow "+marker+" ") {
		t.Errorf("output %q: want the prefix %q and the command", out, prefix)
	}
	f, _ := a["output_fields"].(map[string]any)
	want := map[string]any{"fd.name": "/etc/shadow", "proc.name": "cat", "proc.cmdline": "cat /etc/shadow " + marker, "user.uid": 0.0, "user.name": "root"}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("output_fields[%q]: %#v, want %#v", k, f[k], v)
		}
	}
	if et := f["evt.type"]; et != "openat" && et != "open" && et != "openat2" {
		t.Errorf("output_fields[evt.type]: %v", et)
	}
}

// checkHealthAndVersions checks /healthz (Falco's body, byte for byte)
// and /versions.
func checkHealthAndVersions(t *testing.T, base string) {
	t.Helper()
	var health map[string]string
	if body := getJSON(t, base+"/healthz", &health); body != `{"status": "ok"}` {
		t.Errorf("/healthz: %q", body)
	}
	var v map[string]string
	getJSON(t, base+"/versions", &v)
	ev := rules.EngineVersion()
	want := map[string]string{
		"peregrine_version":     version,
		"engine_version":        strconv.Itoa(int(ev.Minor)),
		"engine_version_semver": fmt.Sprintf("%d.%d.%d", ev.Major, ev.Minor, ev.Patch),
		"go_version":            runtime.Version(),
	}
	if d := cmp.Diff(want, v); d != "" {
		t.Errorf("/versions (-want +got):\n%s", d)
	}
	resp, err := http.Get(base + "/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/nothing-here: %s, want 404", resp.Status)
	}
}

// TestAgentBackpressure stalls the HTTP output (its receiver holds every
// request) behind a queue of 2 while 40 alerts are raised: standard output
// still prints each of the 40 (neither detection nor the other outputs are
// held up), the engine counts 40 matches, the HTTP output drops
// what its queue cannot hold, /metrics shows those drops (ours per output
// and Falco's outputs queue counter), a periodic drop report (a Critical
// alert of source internal) appears on standard output while the agent
// runs, and after the receiver lets go and the agent stops, every alert is
// accounted for: each output was offered the same alerts (sent + dropped
// + failed + abandoned), standard output printed every one it sent, and
// the receiver got exactly what the HTTP output says it sent.
func TestAgentBackpressure(t *testing.T) {
	testenv.Root(t)
	// A rule of our own: on a shared host, other alerts of the stable
	// rules would overflow standard output's queue of 2 too.
	dir := t.TempDir()
	rulesPath, prefix := dir+"/rules.yaml", dir+"/bp-"
	writeFile(t, rulesPath, markerRules("BP", prefix))
	recv := &httpReceiver{release: make(chan struct{})}
	srv := httptest.NewServer(recv)
	t.Cleanup(srv.Close)
	var once sync.Once
	release := func() { once.Do(func() { close(recv.release) }) }
	t.Cleanup(release) // before srv.Close, which waits for the handlers

	cfgPath := dir + "/peregrine.yaml"
	writeFile(t, cfgPath, fmt.Sprintf(`rules_files: [%s]
json_output: true
peregrine: {docker: false, ring_size: 67108864}
outputs_queue:
  capacity: 2
stdout_output: {enabled: true}
http_output:
  enabled: true
  url: %s/
  timeout: 10m # the receiver holds the requests; no retry
webserver: {enabled: true, listen_address: 127.0.0.1, listen_port: %d, prometheus_metrics_enabled: true}
metrics: {enabled: true, output_rule: false}
`, rulesPath, srv.URL, freePort(t)))
	lc := startPeregrine(t, "watching", "run", "-c", cfgPath)
	base := lc.webURL(t)

	// Each alert is printed before the next is raised: the queues are
	// per output, and a burst would overflow standard output's queue of
	// 2 as well (counted and reported as any drop). The HTTP output
	// stalls from the first alert on.
	const n, capacity = 40, 2
	markers := make([]string, n)
	for i := range markers {
		markers[i] = fmt.Sprintf("%s%03d", prefix, i)
		touch(t, markers[i])
		waitFor(t, lc, agentDeadline, "alert "+markers[i]+" on standard output", func() bool {
			return strings.Contains(lc.stdout.String(), markers[i])
		})
	}
	// One request held by the receiver and two alerts in the queue: the
	// HTTP output took at most 3 of the 40.
	minDrops := float64(n - capacity - 1)
	checkMetrics(t, base+"/metrics", dir+"/busy",
		atLeast("peregrine_output_dropped_total", map[string]string{"output": "http"}, minDrops),
		atLeast("falcosecurity_falco_outputs_queue_num_drops_total", nil, minDrops),
		atLeast("peregrine_output_sent_total", map[string]string{"output": "stdout"}, n),
		exactly("peregrine_output_dropped_total", map[string]string{"output": "stdout"}, 0),
		exactly("peregrine_output_queue_capacity", map[string]string{"output": "http"}, capacity),
		exactly("falcosecurity_falco_rules_matches_total", map[string]string{"rule_name": "Test open marker BP"}, n))
	// The periodic report, before the end.
	waitFor(t, lc, agentDeadline, "a drop report on standard output", func() bool {
		return hasRule(lc.stdout.String(), output.DropRule)
	})

	release()
	lc.stop(t)
	alerts := jsonLines(t, lc.stdout.String())
	seen := make(map[string]int)
	var reported, lastTotal, sumReports float64
	reports := 0
	for _, a := range alerts {
		f, _ := a["output_fields"].(map[string]any)
		file, _ := f["fd.name"].(string)
		for _, mk := range markers {
			if file == mk {
				seen[mk]++
			}
		}
		if a["rule"] != output.DropRule {
			continue
		}
		reports++
		if a["source"] != "internal" || a["priority"] != "Critical" {
			t.Errorf("drop report: source %v, priority %v", a["source"], a["priority"])
		}
		d, _ := f["output.http.n_dropped"].(float64)
		reported += d
		nd, _ := f["n_drops"].(float64)
		sumReports += nd
		lastTotal, _ = f["n_drops_total"].(float64)
	}
	for _, mk := range markers {
		if seen[mk] != 1 {
			t.Errorf("alert of %s printed %d times", mk, seen[mk])
		}
	}
	sums := outputSummaries(lc.stderr.String())
	st, ht := sums["stdout"], sums["http"]
	posts, bad := recv.received()
	switch {
	case st.dropped != 0 || st.failed != 0 || st.abandoned != 0 || st.sent != uint64(len(alerts)):
		t.Errorf("stdout: %+v; it printed %d alerts", st, len(alerts))
	case ht.total() != st.total():
		t.Errorf("http was offered %d alerts (%+v), stdout %d", ht.total(), ht, st.total())
	case ht.failed != 0 || ht.abandoned != 0 || float64(ht.dropped) < minDrops:
		t.Errorf("http: %+v, want no failure, nothing abandoned, at least %v dropped", ht, minDrops)
	case ht.sent != uint64(len(posts)) || len(bad) > 0:
		t.Errorf("http sent %d alerts, the receiver took %d (bad requests: %v)", ht.sent, len(posts), bad)
	}
	// The reports add up: each says what was lost since the previous one,
	// and the HTTP output's drops of real alerts are all in them.
	if reported < minDrops || reported > float64(ht.dropped) || lastTotal != sumReports {
		t.Errorf("%d drop reports: http drops %v in them (summary %d), running total %v, sum %v",
			reports, reported, ht.dropped, lastTotal, sumReports)
	}
}
