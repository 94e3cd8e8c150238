package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The peers of the agent tests: what the agent's outputs and web server
// talk to, and the helpers that wait for them.

// agentDeadline bounds every wait of the agent tests: the machine is
// shared, and a race-detector build of the agent is slow.
const agentDeadline = 60 * time.Second

// waitFor polls cond until it holds, or fails the test after d with what
// and the agent's output.
func waitFor(t *testing.T, lc *liveCmd, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v\nstdout:\n%s\nstderr:\n%s", what, d, lc.stdout.String(), lc.stderr.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// signal sends sig to the agent.
func (lc *liveCmd) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := lc.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// webURL is the base URL the agent says its web server listens on.
func (lc *liveCmd) webURL(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`web server on (https?://\S+)`).FindStringSubmatch(lc.stderr.String())
	if m == nil {
		t.Fatalf("the agent did not say where its web server is:\n%s", lc.stderr.String())
	}
	return m[1]
}

// freePort returns a TCP port of 127.0.0.1 that nothing listened on a
// moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// writeFile writes text to path, failing the test on error.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readSensitive runs `cat /etc/shadow MARKER`, which Falco's stable rule
// "Read sensitive file untrusted" reports; the marker (a path that does
// not exist) is in the alert's proc.cmdline.
func readSensitive(t *testing.T, marker string) {
	t.Helper()
	err := exec.Command("/bin/cat", "/etc/shadow", marker).Run()
	if _, ok := err.(*exec.ExitError); !ok {
		// cat reads /etc/shadow, then fails on the marker: exit 1.
		t.Fatalf("cat /etc/shadow %s: %v", marker, err)
	}
}

// sensitiveRule is the stable rule readSensitive triggers.
const sensitiveRule = "Read sensitive file untrusted"

// lines is a list of strings appended to by one goroutine and read by
// another.
type lines struct {
	mu sync.Mutex
	l  []string
}

func (l *lines) add(s string) {
	l.mu.Lock()
	l.l = append(l.l, s)
	l.mu.Unlock()
}

func (l *lines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.l...)
}

// with returns the entries that contain sub.
func (l *lines) with(sub string) []string {
	var out []string
	for _, s := range l.all() {
		if strings.Contains(s, sub) {
			out = append(out, s)
		}
	}
	return out
}

// syslogServer is a syslog daemon on a unix datagram socket: it keeps
// every message it receives.
type syslogServer struct {
	path string
	msgs lines
}

func startSyslogServer(t *testing.T, path string) *syslogServer {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	s := &syslogServer{path: path}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1<<16)
		for {
			n, _, err := c.ReadFromUnix(buf)
			if err != nil {
				return
			}
			s.msgs.add(string(buf[:n]))
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
	return s
}

// syslogMessage is a syslog message taken apart.
type syslogMessage struct {
	pri       int
	timestamp string
	host, tag string
	pid       int
	msg       string
}

var (
	// The HOST is left out for a local daemon (unix sockets), as syslog(3)
	// does.
	rfc3164Line = regexp.MustCompile(`^<(\d{1,3})>([A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d) (?:(\S+) )?([^\s\[]+)\[(\d+)\]: (.*)$`)
	rfc5424Line = regexp.MustCompile(`^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\d+) - - (.*)$`)
)

// parseSyslog reads an RFC 3164 ("<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG")
// or RFC 5424 ("<PRI>1 TIMESTAMP HOST APP PROCID - - MSG") message.
func parseSyslog(s string, rfc5424 bool) (syslogMessage, bool) {
	re := rfc3164Line
	if rfc5424 {
		re = rfc5424Line
	}
	m := re.FindStringSubmatch(s)
	if m == nil {
		return syslogMessage{}, false
	}
	pri, _ := strconv.Atoi(m[1])
	pid, _ := strconv.Atoi(m[5])
	return syslogMessage{pri: pri, timestamp: m[2], host: m[3], tag: m[4], pid: pid, msg: m[6]}, true
}

// receivedPost is one request an httpReceiver took.
type receivedPost struct {
	header http.Header
	body   []byte // decompressed
}

// httpReceiver keeps the POSTs it receives, as Falcosidekick would take
// them; until release is closed (when it is not nil) it holds every
// request.
type httpReceiver struct {
	mu      sync.Mutex
	posts   []receivedPost
	bad     []string // requests that were not what an alert's should be
	arrived int      // requests that reached the handler
	release chan struct{}
}

func (h *httpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.arrived++
	h.mu.Unlock()
	if h.release != nil {
		select {
		case <-h.release:
		case <-r.Context().Done():
			return
		}
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			h.fail(w, "gzip: "+err.Error())
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		h.fail(w, "body: "+err.Error())
		return
	}
	if r.Method != http.MethodPost {
		h.fail(w, "method "+r.Method)
		return
	}
	h.mu.Lock()
	h.posts = append(h.posts, receivedPost{header: r.Header.Clone(), body: b})
	h.mu.Unlock()
}

func (h *httpReceiver) fail(w http.ResponseWriter, why string) {
	h.mu.Lock()
	h.bad = append(h.bad, why)
	h.mu.Unlock()
	http.Error(w, why, http.StatusBadRequest)
}

// received returns the posts so far, and the requests that were wrong.
func (h *httpReceiver) received() ([]receivedPost, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]receivedPost(nil), h.posts...), append([]string(nil), h.bad...)
}

// postWith returns the first post whose body holds sub.
func (h *httpReceiver) postWith(sub string) (receivedPost, bool) {
	posts, _ := h.received()
	for _, p := range posts {
		if bytes.Contains(p.body, []byte(sub)) {
			return p, true
		}
	}
	return receivedPost{}, false
}

// scrape gets url (a /metrics endpoint) and parses it with Prometheus's
// text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("GET %s: content type %q, want Prometheus's text format", url, ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: the text parser refuses it: %v", url, err)
	}
	return fams
}

// metricValue sums the samples of the family name whose labels include
// want; found says whether any matched.
func metricValue(fams map[string]*dto.MetricFamily, name string, want map[string]string) (sum float64, found bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		have := make(map[string]string)
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		ok := true
		for k, v := range want {
			if have[k] != v {
				ok = false
			}
		}
		if !ok {
			continue
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	return sum, found
}

// getJSON gets url and decodes its JSON body into v; it returns the raw
// body.
func getJSON(t *testing.T, url string, v any) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v: %s", url, resp.Status, err, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: content type %q", url, ct)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, b)
	}
	return string(b)
}

// sinkSummary is one "peregrine: output NAME: ..." line of the agent's
// summary.
type sinkSummary struct {
	sent, dropped, failed, abandoned uint64
}

func (s sinkSummary) total() uint64 { return s.sent + s.dropped + s.failed + s.abandoned }

var outputSummaryLine = regexp.MustCompile(`(?m)^peregrine: output (\S+): (\d+) sent, (\d+) dropped \(queue full\), (\d+) failed, (\d+) abandoned at the end$`)

// outputSummaries reads the output lines of the agent's summary, by
// output name.
func outputSummaries(stderr string) map[string]sinkSummary {
	out := make(map[string]sinkSummary)
	for _, m := range outputSummaryLine.FindAllStringSubmatch(stderr, -1) {
		n := func(i int) uint64 { v, _ := strconv.ParseUint(m[i], 10, 64); return v }
		out[m[1]] = sinkSummary{sent: n(2), dropped: n(3), failed: n(4), abandoned: n(5)}
	}
	return out
}

// metricCheck is what a /metrics sample must show: the samples of the
// family name whose labels include labels, summed, between min and max
// (found with every label; max < min: absent).
type metricCheck struct {
	name     string
	labels   map[string]string
	min, max float64
}

// atLeast and exactly make metricChecks.
func atLeast(name string, labels map[string]string, min float64) metricCheck {
	return metricCheck{name, labels, min, math.Inf(1)}
}

func exactly(name string, labels map[string]string, v float64) metricCheck {
	return metricCheck{name, labels, v, v}
}

func absent(name string, labels map[string]string) metricCheck {
	return metricCheck{name, labels, 1, 0}
}

func (c metricCheck) holds(fams map[string]*dto.MetricFamily) (float64, bool) {
	v, found := metricValue(fams, c.name, c.labels)
	if c.max < c.min {
		return v, !found
	}
	return v, found && v >= c.min && v <= c.max
}

// checkMetrics scrapes url until every check holds, within agentDeadline,
// then reports those that do not. Before each scrape it opens busy (a
// file no rule of the test alerts on): the engine copies its counters
// for a scrape between two events, so the counters of an idle engine
// can lag behind what it did.
func checkMetrics(t *testing.T, url, busy string, checks ...metricCheck) {
	t.Helper()
	deadline := time.Now().Add(agentDeadline)
	for {
		if err := os.WriteFile(busy, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		fams := scrape(t, url)
		ok := true
		for _, c := range checks {
			if _, h := c.holds(fams); !h {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			for _, c := range checks {
				if v, h := c.holds(fams); !h {
					t.Errorf("%s: %s%v is %v, want %v to %v (none when max < min)", url, c.name, c.labels, v, c.min, c.max)
				}
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
