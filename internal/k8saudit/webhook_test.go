package k8saudit_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/docsrc"
	"peregrine/internal/rules"
	"peregrine/internal/server"
)

const testToken = "s3cr3t-audit-token"

// webhookEnv is the webhook on the agent's web server (internal/server),
// over TLS with client CAs, in front of the upstream k8s_audit rules.
type webhookEnv struct {
	pki    *testPKI
	url    string // of the webhook
	health string // of /healthz
	wh     *docsrc.Webhook
	queue  *docsrc.Queue
	ev     *docsrc.Evaluator

	mu     sync.Mutex
	alerts map[string]int // by rule
}

// startWebhook serves the webhook; run starts the goroutine that
// evaluates the queue (the flood test starts it later).
func startWebhook(t *testing.T, opt docsrc.WebhookOptions, queue int, run bool) *webhookEnv {
	t.Helper()
	env := &webhookEnv{pki: newPKI(t), ev: upstreamEvaluator(t, rules.MatchAll), alerts: map[string]int{}}
	env.queue = docsrc.NewQueue(queue)
	opt.Queue = env.queue
	wh, err := docsrc.NewWebhook(opt)
	if err != nil {
		t.Fatal(err)
	}
	env.wh = wh
	srv, err := server.New(server.Config{Address: "127.0.0.1", TLS: server.TLS{Enabled: true, CertFile: env.pki.serverFile, ClientCAFile: env.pki.caFile}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Handle("/k8s-audit", wh); err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	env.url = fmt.Sprintf("https://%s/k8s-audit", srv.Addr())
	env.health = fmt.Sprintf("https://%s/healthz", srv.Addr())
	if run {
		env.run(t)
	}
	return env
}

// run evaluates the queued batches until the test ends.
func (env *webhookEnv) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		env.queue.Run(ctx, func(b []byte) {
			if err := env.ev.Batch(b, env.emit, func(err error) { t.Errorf("record: %v", err) }); err != nil {
				t.Errorf("batch: %v", err)
			}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func (env *webhookEnv) emit(a *alert.Alert) {
	env.mu.Lock()
	env.alerts[a.Rule]++
	env.mu.Unlock()
}

// client returns an HTTPS client that trusts the test CA, presenting the
// API server's client certificate when withCert.
func (env *webhookEnv) client(withCert bool) *http.Client {
	cfg := &tls.Config{RootCAs: env.pki.pool}
	if withCert {
		cfg.Certificates = []tls.Certificate{env.pki.client}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, MaxConnsPerHost: 0}, Timeout: time.Minute}
}

// post sends body with the given Authorization header ("" for none) and
// returns the status.
func post(t *testing.T, c *http.Client, method, url, auth string, body io.Reader) int {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
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

// eventLists returns the corpus as EventList bodies of at most n events,
// as the API server's webhook backend batches them.
func eventLists(t *testing.T, n int) [][]byte {
	t.Helper()
	data, err := os.ReadFile("testdata/events.jsonl")
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

// waitDocs waits until the evaluator has seen n documents: the queue is
// drained on another goroutine. The bound only stops a hung test.
func waitDocs(t *testing.T, ev *docsrc.Evaluator, n uint64) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ev.Counters().Docs < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("evaluated %d documents, want %d", ev.Counters().Docs, n)
		}
	}
}

// goldenCounts counts the alerts each rule raises over the corpus.
func goldenCounts(t *testing.T) map[string]int {
	want := map[string]int{}
	for _, rs := range readGolden(t) {
		for _, r := range rs {
			want[r]++
		}
	}
	return want
}

// TestWebhookCorpus posts the corpus, in EventList batches, over HTTPS:
// with the bearer token, and with a client certificate (mutual TLS); every
// rule of the golden list fires as often as replay says.
func TestWebhookCorpus(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opt      docsrc.WebhookOptions
		auth     string
		withCert bool
	}{
		{name: "token", opt: docsrc.WebhookOptions{Token: []byte(testToken)}, auth: "Bearer " + testToken},
		{name: "client certificate", opt: docsrc.WebhookOptions{ClientCert: true}, withCert: true},
		{name: "both", opt: docsrc.WebhookOptions{Token: []byte(testToken), ClientCert: true}, auth: "Bearer " + testToken, withCert: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := startWebhook(t, tc.opt, 8, true)
			c := env.client(tc.withCert)
			batches := eventLists(t, 7)
			for i, body := range batches {
				if st := post(t, c, "POST", env.url, tc.auth, bytes.NewReader(body)); st != http.StatusOK {
					t.Fatalf("batch %d: status %d", i, st)
				}
			}
			waitDocs(t, env.ev, uint64(len(readGolden(t))))
			env.mu.Lock()
			defer env.mu.Unlock()
			if diff := cmp.Diff(goldenCounts(t), env.alerts); diff != "" {
				t.Errorf("alerts by rule (-golden +got):\n%s", diff)
			}
			if s := env.wh.Stats(); s != (docsrc.WebhookStats{Accepted: uint64(len(batches))}) {
				t.Errorf("stats %+v, want %d accepted", s, len(batches))
			}
		})
	}
}

// TestWebhookAbuse: requests without the right credentials, too large,
// not JSON or with the wrong method are refused with their status and
// counted; nothing reaches the rules; a valid batch afterwards does.
func TestWebhookAbuse(t *testing.T) {
	env := startWebhook(t, docsrc.WebhookOptions{Token: []byte(testToken), MaxBodyBytes: 64 << 10}, 4, true)
	c := env.client(false)
	valid := eventLists(t, 3)[0]
	huge := bytes.Repeat([]byte(" "), 70<<10)
	huge[0] = '['
	for _, tc := range []struct {
		name   string
		method string
		auth   string
		body   io.Reader
		status int
	}{
		{"no token", "POST", "", bytes.NewReader(valid), 401},
		{"wrong token", "POST", "Bearer not-the-token", bytes.NewReader(valid), 401},
		{"token prefix", "POST", "Bearer " + testToken[:5], bytes.NewReader(valid), 401},
		{"basic auth", "POST", "Basic " + testToken, bytes.NewReader(valid), 401},
		{"oversize", "POST", "Bearer " + testToken, bytes.NewReader(huge), 413},
		{"oversize without length", "POST", "Bearer " + testToken, io.MultiReader(bytes.NewReader(huge)), 413},
		{"invalid JSON", "POST", "Bearer " + testToken, strings.NewReader(`{"kind":"EventList","items":[{"auditID":`), 400},
		{"not an object", "POST", "Bearer " + testToken, strings.NewReader(`"EventList"`), 400},
		{"empty", "POST", "Bearer " + testToken, strings.NewReader(""), 400},
		{"GET", "GET", "Bearer " + testToken, nil, 405},
		{"PUT", "PUT", "Bearer " + testToken, bytes.NewReader(valid), 405},
	} {
		if st := post(t, c, tc.method, env.url, tc.auth, tc.body); st != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, st, tc.status)
		}
	}
	want := docsrc.WebhookStats{Unauthorized: 4, TooLarge: 2, BadBody: 3, BadMethod: 2}
	if s := env.wh.Stats(); s != want {
		t.Errorf("stats %+v, want %+v", s, want)
	}
	if n := env.ev.Counters().Docs; n != 0 {
		t.Errorf("%d documents evaluated from refused requests", n)
	}
	// A client certificate alone does not replace the token.
	if st := post(t, env.client(true), "POST", env.url, "", bytes.NewReader(valid)); st != 401 {
		t.Errorf("client certificate without token: status %d, want 401", st)
	}
	if st := post(t, c, "POST", env.url, "Bearer "+testToken, bytes.NewReader(valid)); st != 200 {
		t.Fatalf("valid batch after the abuse: status %d", st)
	}
	waitDocs(t, env.ev, 3)
}

// TestWebhookClientCertRequired: with client certificates required, a
// client without one is refused, even with a valid token.
func TestWebhookClientCertRequired(t *testing.T) {
	env := startWebhook(t, docsrc.WebhookOptions{Token: []byte(testToken), ClientCert: true}, 4, true)
	valid := eventLists(t, 3)[0]
	if st := post(t, env.client(false), "POST", env.url, "Bearer "+testToken, bytes.NewReader(valid)); st != 401 {
		t.Errorf("no client certificate: status %d, want 401", st)
	}
	if st := post(t, env.client(true), "POST", env.url, "Bearer "+testToken, bytes.NewReader(valid)); st != 200 {
		t.Errorf("client certificate and token: status %d, want 200", st)
	}
	// The health check needs no certificate.
	if st := post(t, env.client(false), "GET", env.health, "", nil); st != 200 {
		t.Errorf("/healthz without a client certificate: status %d", st)
	}
}

// TestWebhookFlood: more concurrent batches than the queue holds while
// the evaluation is stalled: the queue takes what it holds, every other
// request gets 503 at once (no handler blocks), each is counted, the
// health check still answers, and once the evaluation runs the queued
// batches and later ones are evaluated.
func TestWebhookFlood(t *testing.T) {
	const queue, requests = 3, 60
	env := startWebhook(t, docsrc.WebhookOptions{Token: []byte(testToken)}, queue, false)
	c := env.client(false)
	body := eventLists(t, 5)[0]
	statuses := make(chan int, requests)
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() { statuses <- post(t, c, "POST", env.url, "Bearer "+testToken, bytes.NewReader(body)) })
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for st := range statuses {
		got[st]++
	}
	if diff := cmp.Diff(map[int]int{200: queue, 503: requests - queue}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if s := env.wh.Stats(); s != (docsrc.WebhookStats{Accepted: queue, QueueFull: requests - queue}) {
		t.Errorf("stats %+v", s)
	}
	if env.queue.Refused() != requests-queue {
		t.Errorf("queue refused %d, want %d", env.queue.Refused(), requests-queue)
	}
	if st := post(t, c, "GET", env.health, "", nil); st != 200 {
		t.Errorf("/healthz during the flood: status %d", st)
	}
	env.run(t)
	waitDocs(t, env.ev, queue*5)
	if st := post(t, c, "POST", env.url, "Bearer "+testToken, bytes.NewReader(eventLists(t, 40)[0])); st != 200 {
		t.Fatalf("batch after the flood: status %d", st)
	}
	waitDocs(t, env.ev, queue*5+40)
}
