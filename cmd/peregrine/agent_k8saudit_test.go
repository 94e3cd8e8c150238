package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/testenv"
)

// selfSignedServer writes a certificate for 127.0.0.1 and its key to one
// PEM file and returns a pool that trusts it.
func selfSignedServer(t *testing.T, path string) *x509.CertPool {
	t.Helper()
	c := testenv.SelfSigned(t, 7, "peregrine")
	testenv.WriteFile(t, path, c.CertPEM, c.KeyPEM)
	return c.Pool()
}

// auditBatches returns the audit corpus as EventList bodies of n events.
func auditBatches(t *testing.T, n int) [][]byte {
	events, _ := k8sCorpus(t)
	data, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var out [][]byte
	for len(lines) > 0 {
		k := min(n, len(lines))
		out = append(out, []byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[`+strings.Join(lines[:k], ",")+`]}`))
		lines = lines[k:]
	}
	return out
}

// k8sAlertCounts counts the k8s_audit alerts among the agent's JSON lines.
func k8sAlertCounts(t *testing.T, stdout string) map[string]int {
	got := map[string]int{}
	for l := range strings.Lines(stdout) {
		var a struct{ Rule, Source string }
		if json.Unmarshal([]byte(l), &a) == nil && a.Source == "k8s_audit" {
			got[a.Rule]++
		}
	}
	return got
}

// TestAgentK8sAudit runs the agent with the k8s_audit webhook on its
// HTTPS web server (a token from a file, a queue of one batch), next to
// the syscall rules: the corpus posted as the API server's webhook
// backend posts it raises the golden alerts on the agent's outputs; no
// token, a wrong one, an oversize body, invalid JSON and a wrong method
// are refused with their status; a flood of concurrent batches gets 200s
// and 503s only, each counted in the summary, while /healthz answers and
// a later batch is still evaluated.
func TestAgentK8sAudit(t *testing.T) {
	testenv.Root(t)
	dir := t.TempDir()
	pool := selfSignedServer(t, dir+"/server.pem")
	const token = "k8s-audit-e2e-token"
	writeFile(t, dir+"/token", token+"\n")
	cfgPath := dir + "/peregrine.yaml"
	writeFile(t, cfgPath, fmt.Sprintf(`rules_files: [%s, %s]
rule_matching: all
json_output: true
peregrine:
  docker: false
stdout_output:
  enabled: true
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: %d
  ssl_enabled: true
  ssl_certificate: %s/server.pem
  prometheus_metrics_enabled: true
metrics:
  enabled: true
  output_rule: false
k8s_audit:
  enabled: true
  path: /k8s-audit
  token_file: %s/token
  max_body_bytes: 262144
  queue: 1
`, testenv.Shared(t, "upstream-rules/falco_rules.yaml"), testenv.Shared(t, "upstream-rules/k8s_audit_rules.yaml"), freePort(t), dir, dir))
	lc := startPeregrine(t, "watching", "run", "-c", cfgPath)
	base := lc.webURL(t)
	url := base + "/k8s-audit"
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: time.Minute}
	send := func(method, auth string, body []byte) int {
		t.Helper()
		req, err := http.NewRequest(method, url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	bearer := "Bearer " + token

	// The corpus, batch by batch (a full queue is retried, as the API
	// server does).
	corpus := auditBatches(t, 8)
	corpusEvents := 0
	for _, b := range corpus {
		corpusEvents += strings.Count(string(b), `"kind":"Event",`)
	}
	for i, b := range corpus {
		for st := send("POST", bearer, b); st != 200; st = send("POST", bearer, b) {
			if st != 503 {
				t.Fatalf("batch %d: status %d", i, st)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	_, golden := k8sCorpus(t)
	want := goldenRuleCounts(t, golden)
	total := 0
	for _, n := range want {
		total += n
	}
	waitFor(t, lc, agentDeadline, "the corpus's k8s_audit alerts", func() bool {
		n := 0
		for _, v := range k8sAlertCounts(t, lc.stdout.String()) {
			n += v
		}
		return n >= total
	})
	if diff := cmp.Diff(want, k8sAlertCounts(t, lc.stdout.String())); diff != "" {
		t.Errorf("k8s_audit alerts by rule (-golden +got):\n%s", diff)
	}
	// /metrics counts the k8s_audit rules' matches.
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	found := false
	for l := range strings.Lines(string(text)) {
		if strings.HasPrefix(l, "falcosecurity_falco_rules_matches_total{") && strings.Contains(l, `rule_name="Create Privileged Pod"`) && strings.Contains(l, `source="k8s_audit"`) {
			found = strings.HasSuffix(strings.TrimSpace(l), " 2")
			if !found {
				t.Errorf("metric %s: want 2", strings.TrimSpace(l))
			}
		}
	}
	if !found {
		t.Errorf("/metrics has no k8s_audit rule matches for Create Privileged Pod:\n%s", text)
	}

	// Abuse.
	valid := auditBatches(t, 40)[0]
	for _, tc := range []struct {
		name, method, auth string
		body               []byte
		status             int
	}{
		{"no token", "POST", "", valid, 401},
		{"wrong token", "POST", "Bearer nope", valid, 401},
		{"oversize", "POST", bearer, append([]byte("["), bytes.Repeat([]byte(" "), 300<<10)...), 413},
		{"invalid JSON", "POST", bearer, []byte(`{"kind":"EventList","items":[`), 400},
		{"GET", "GET", bearer, nil, 405},
	} {
		if st := send(tc.method, tc.auth, tc.body); st != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, st, tc.status)
		}
	}

	// A flood: every answer is 200 or 503, at once.
	const flood = 40
	statuses := make(chan int, flood)
	var wg sync.WaitGroup
	for range flood {
		wg.Go(func() { statuses <- send("POST", bearer, valid) })
	}
	wg.Wait()
	close(statuses)
	codes := map[int]int{}
	for st := range statuses {
		codes[st]++
	}
	if codes[200]+codes[503] != flood || codes[200] == 0 {
		t.Errorf("flood statuses %v: want 200s and 503s only", codes)
	}
	if st := send("GET", "", nil); st != 405 {
		t.Errorf("webhook GET after the flood: %d", st)
	}
	resp, err = c.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/healthz after the flood: %v %v", resp, err)
	}
	resp.Body.Close()
	accepted := 0
	for i := 0; accepted == 0; i++ {
		if st := send("POST", bearer, auditBatches(t, 1)[0]); st == 200 {
			accepted++
		} else if i > 1000 {
			t.Fatalf("no batch accepted after the flood (last status %d)", st)
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	// /metrics counts the requests by answer.
	resp, err = c.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	text, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for result, want := range map[string]int{"unauthorized": 2, "too_large": 1, "bad_request": 1, "bad_method": 2} {
		line := fmt.Sprintf(`peregrine_source_requests_total{result=%q,source="k8s_audit"} %d`, result, want)
		if !strings.Contains(string(text), line+"\n") {
			t.Errorf("/metrics lacks %s", line)
		}
	}
	// Each event of the corpus once, each batch of the flood the queue
	// took (40 events), and the last one.
	wantEvents := corpusEvents + codes[200]*40 + 1
	wantAccepted := len(corpus) + codes[200] + 1
	lc.stop(t)
	m := regexp.MustCompile(`k8s_audit: (\d+) events, (\d+) alerts, 0 records skipped; requests: (\d+) accepted, 2 unauthorized, 1 too large, 1 bad, 2 wrong method, (\d+) refused \(queue full\)`).FindStringSubmatch(lc.stderr.String())
	if m == nil {
		t.Fatalf("no k8s_audit summary:\n%s", lc.stderr.String())
	}
	events, _ := strconv.Atoi(m[1])
	acc, _ := strconv.Atoi(m[3])
	refused, _ := strconv.Atoi(m[4])
	if events != wantEvents || acc != wantAccepted || refused < codes[503] {
		t.Errorf("summary %q: want %d events, %d accepted, at least %d refused", m[0], wantEvents, wantAccepted, codes[503])
	}
}

// k8sReloadRules is a k8s_audit rules file whose one rule is named after
// tag.
func k8sReloadRules(tag string) string {
	return fmt.Sprintf(`- rule: Test configmap created %s
  desc: a config map is created
  condition: ka.verb=create and ka.target.resource=configmaps
  output: config map %%ka.target.name created by %%ka.user.name (%s)
  priority: WARNING
  source: k8s_audit
`, tag, tag)
}

// TestAgentK8sAuditReload: SIGHUP reloads the k8s_audit rules with the
// others: a batch posted after the reload raises the new rule only, and
// the rule broken by a later edit is refused while the rules in effect
// keep alerting.
func TestAgentK8sAuditReload(t *testing.T) {
	testenv.Root(t)
	dir := t.TempDir()
	pool := selfSignedServer(t, dir+"/server.pem")
	writeFile(t, dir+"/token", "reload-token")
	k8sRules := dir + "/k8s.yaml"
	writeFile(t, k8sRules, k8sReloadRules("A"))
	cfgPath := dir + "/peregrine.yaml"
	writeFile(t, cfgPath, fmt.Sprintf(`rules_files: [%s, %s]
json_output: true
peregrine: {docker: false}
webserver: {enabled: true, listen_address: 127.0.0.1, listen_port: %d, ssl_enabled: true, ssl_certificate: %s/server.pem}
k8s_audit: {enabled: true, token_file: %s/token}
`, testenv.Shared(t, "upstream-rules/falco_rules.yaml"), k8sRules, freePort(t), dir, dir))
	lc := startPeregrine(t, "watching", "run", "-c", cfgPath)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: time.Minute}
	var configmap string
	for _, b := range auditBatches(t, 1) {
		if strings.Contains(string(b), `"auditID":"a18-configmap-creds"`) {
			configmap = string(b)
		}
	}
	post := func() {
		t.Helper()
		req, _ := http.NewRequest("POST", lc.webURL(t)+"/k8s-audit", strings.NewReader(configmap))
		req.Header.Set("Authorization", "Bearer reload-token")
		resp, err := c.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("post: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	count := func(rule string) int { return k8sAlertCounts(t, lc.stdout.String())[rule] }
	post()
	waitFor(t, lc, agentDeadline, "rule A", func() bool { return count("Test configmap created A") == 1 })

	writeFile(t, k8sRules, k8sReloadRules("B"))
	lc.signal(t, syscall.SIGHUP)
	waitFor(t, lc, agentDeadline, "the reload", func() bool { return strings.Contains(lc.stderr.String(), "msg=reloaded ") })
	post()
	waitFor(t, lc, agentDeadline, "rule B", func() bool { return count("Test configmap created B") == 1 })
	if n := count("Test configmap created A"); n != 1 {
		t.Errorf("rule A alerted %d times, want once (before the reload)", n)
	}

	writeFile(t, k8sRules, strings.Replace(k8sReloadRules("C"), "ka.verb=create", "ka.verb=create and ka.nope=1", 1))
	lc.signal(t, syscall.SIGHUP)
	waitFor(t, lc, agentDeadline, "the refused reload", func() bool { return strings.Contains(lc.stderr.String(), "reload refused") })
	post()
	waitFor(t, lc, agentDeadline, "rule B after the refused reload", func() bool { return count("Test configmap created B") == 2 })
	lc.stop(t)
	if !strings.Contains(lc.stderr.String(), "k8s_audit: 3 events, 3 alerts") {
		t.Errorf("summary:\n%s", lc.stderr.String())
	}
}
