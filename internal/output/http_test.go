package output

import (
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
)

// receiver is an HTTP receiver that checks each request the way
// Falcosidekick reads it and keeps the decoded alerts.
type receiver struct {
	t      *testing.T
	mu     sync.Mutex
	got    []map[string]json.RawMessage
	header http.Header
	peer   string // CommonName of the client certificate, if any
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	var m map[string]json.RawMessage
	if err := json.NewDecoder(body).Decode(&m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.got = append(rc.got, m)
	rc.header = r.Header.Clone()
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		rc.peer = r.TLS.PeerCertificates[0].Subject.CommonName
	}
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) alerts() []map[string]json.RawMessage {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]map[string]json.RawMessage(nil), rc.got...)
}

// checkFalcoJSON checks one posted alert against a, member by member, in
// Falco's shape.
func checkFalcoJSON(t *testing.T, m map[string]json.RawMessage, a *alert.Alert) {
	t.Helper()
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	str := func(k string) string {
		var s string
		if err := json.Unmarshal(m[k], &s); err != nil {
			t.Errorf("%s: %s is not a string", k, m[k])
		}
		return s
	}
	for k, v := range map[string]string{
		"hostname": a.Hostname, "output": a.Output, "priority": a.Priority.String(),
		"rule": a.Rule, "source": a.Source, "time": a.Time.UTC().Format("2006-01-02T15:04:05.000000000Z"),
	} {
		if got := str(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if tm, err := time.Parse(time.RFC3339Nano, str("time")); err != nil || !tm.Equal(a.Time) {
		t.Errorf("time %s: %v, want %v", m["time"], err, a.Time)
	}
	var tags []string
	if err := json.Unmarshal(m["tags"], &tags); err != nil || !cmp.Equal(tags, a.Tags) {
		t.Errorf("tags %s, want %v (%v)", m["tags"], a.Tags, err)
	}
	var fields map[string]any
	if err := json.Unmarshal(m["output_fields"], &fields); err != nil {
		t.Fatalf("output_fields %s: %v", m["output_fields"], err)
	}
	wantFields := map[string]any{
		"evt.time":      float64(a.Time.UnixNano()),
		"proc.cmdline":  "cat /etc/shadow",
		"user.name":     "root",
		"fd.name":       "/etc/shadow",
		"container.id":  nil,
		"proc.aname[2]": `bash "quoted"`,
	}
	if diff := cmp.Diff(wantFields, fields); diff != "" {
		t.Errorf("output_fields (-want +got):\n%s", diff)
	}
}

// sendOne sends testAlert(0) through an HTTP sink, waits for its fate
// and returns the stats then; then it closes the sink (which sends a drop
// report if the alert failed).
func sendOne(t *testing.T, o HTTPOptions) SinkStats {
	s, err := NewHTTP(o)
	if err != nil {
		t.Fatal(err)
	}
	out := New(Options{DropReportInterval: -1}, s)
	out.Send(testAlert(0))
	eventually(t, "the alert", func() bool { st := out.Stats()[0]; return st.Sent+st.Failed == 1 })
	st := out.Stats()[0]
	out.Close(closeCtx(t))
	return st
}

// TestHTTPFalcoJSON posts over plain HTTP, TLS (each way of trusting the
// server) and mutual TLS, and checks the JSON field by field.
func TestHTTPFalcoJSON(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t)
	caFile := ca.pemFile(t, dir)
	serverCert, _, _ := ca.issue(t, dir, "server", true)
	_, clientCrt, clientKey := ca.issue(t, dir, "peregrine-client", false)
	caDir := filepath.Join(dir, "cas")
	os.Mkdir(caDir, 0o700)
	ca.pemFile(t, caDir)
	os.WriteFile(filepath.Join(caDir, "README"), []byte("not a certificate"), 0o600)

	tests := []struct {
		name    string
		scheme  string // "http", "tls" or "mtls"
		tls     TLSOptions
		fails   bool
		peer    string
		headers map[string]string
		gzip    bool
	}{
		{name: "http", scheme: "http", headers: map[string]string{"X-Token": "s3cret", "User-Agent": "custom/1"}},
		{name: "http gzip", scheme: "http", gzip: true},
		{name: "tls ca_cert", scheme: "tls", tls: TLSOptions{CACert: caFile}},
		{name: "tls ca_bundle", scheme: "tls", tls: TLSOptions{CABundle: caFile}},
		{name: "tls ca_path", scheme: "tls", tls: TLSOptions{CAPath: caDir}},
		{name: "tls insecure", scheme: "tls", tls: TLSOptions{Insecure: true}},
		{name: "tls unknown CA", scheme: "tls", fails: true},
		{name: "mtls", scheme: "mtls", tls: TLSOptions{CACert: caFile, MTLS: true, ClientCert: clientCrt, ClientKey: clientKey}, peer: "peregrine-client"},
		{name: "mtls no client cert", scheme: "mtls", tls: TLSOptions{CACert: caFile}, fails: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc := &receiver{t: t}
			srv := httptest.NewUnstartedServer(rc)
			srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
			switch tc.scheme {
			case "http":
				srv.Start()
			case "tls", "mtls":
				srv.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}}
				if tc.scheme == "mtls" {
					pool := x509.NewCertPool()
					pool.AddCert(ca.cert)
					srv.TLS.ClientCAs, srv.TLS.ClientAuth = pool, tls.RequireAndVerifyClientCert
				}
				srv.StartTLS()
			}
			defer srv.Close()
			st := sendOne(t, HTTPOptions{URL: srv.URL + "/falco", TLS: tc.tls, Headers: tc.headers, Compress: tc.gzip,
				Format: Format{JSONOptions: alert.DefaultJSON()}, Retry: Retry{Attempts: 1}})
			got := rc.alerts()
			if tc.fails {
				if st.Failed != 1 || len(got) != 0 {
					t.Errorf("stats %+v, %d received: want the alert failed", st, len(got))
				}
				return
			}
			if st.Sent != 1 || len(got) != 1 {
				t.Fatalf("stats %+v, %d received", st, len(got))
			}
			checkFalcoJSON(t, got[0], testAlert(0))
			h := rc.header
			if h.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", h.Get("Content-Type"))
			}
			wantAgent := "peregrine"
			if tc.headers != nil {
				wantAgent = tc.headers["User-Agent"]
				if h.Get("X-Token") != "s3cret" {
					t.Errorf("X-Token %q", h.Get("X-Token"))
				}
			}
			if h.Get("User-Agent") != wantAgent {
				t.Errorf("User-Agent %q, want %q", h.Get("User-Agent"), wantAgent)
			}
			if tc.gzip != (h.Get("Content-Encoding") == "gzip") {
				t.Errorf("Content-Encoding %q", h.Get("Content-Encoding"))
			}
			if rc.peer != tc.peer {
				t.Errorf("client certificate %q, want %q", rc.peer, tc.peer)
			}
		})
	}
}

// TestHTTPRetry: 5xx, 429 and network errors are retried with backoff,
// other 4xx are not; each attempt has its own timeout.
func TestHTTPRetry(t *testing.T) {
	tests := []struct {
		name     string
		codes    []int // answers in turn; the last repeats
		slow     int   // the first slow requests wait out the client's timeout
		sent     bool
		requests int32
	}{
		{name: "503 twice, then 200", codes: []int{503, 503, 200}, sent: true, requests: 3},
		{name: "429 then 200", codes: []int{429, 200}, sent: true, requests: 2},
		{name: "400", codes: []int{400, 200}, sent: false, requests: 1},
		{name: "401", codes: []int{401, 200}, sent: false, requests: 1},
		{name: "500 for ever", codes: []int{500}, sent: false, requests: 4},
		{name: "timeout then 200", codes: []int{200}, slow: 1, sent: true, requests: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			var delivered atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if b, _ := io.ReadAll(r.Body); strings.Contains(string(b), DropRule) {
					return // the report of a failure, at Close
				}
				i := int(n.Add(1)) - 1
				if i < tc.slow {
					<-r.Context().Done() // the client gave up on this attempt
					return
				}
				code := tc.codes[min(i, len(tc.codes)-1)]
				if code == 429 {
					w.Header().Set("Retry-After", "1") // longer than Max: Max is waited
				}
				if code == 200 {
					delivered.Add(1)
				}
				w.WriteHeader(code)
			}))
			defer srv.Close()
			st := sendOne(t, HTTPOptions{URL: srv.URL, Timeout: 200 * time.Millisecond,
				Retry: Retry{Attempts: 4, Initial: time.Millisecond, Max: 2 * time.Millisecond}})
			if got := n.Load(); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
			if tc.sent && (st.Sent != 1 || st.Failed != 0 || delivered.Load() != 1) {
				t.Errorf("stats %+v, %d delivered: want delivered once", st, delivered.Load())
			}
			if !tc.sent && (st.Sent != 0 || st.Failed != 1 || delivered.Load() != 0) {
				t.Errorf("stats %+v: want failed", st)
			}
		})
	}
}

// TestHTTPNetworkError: a receiver that hangs up is retried, then the
// alert fails.
func TestHTTPNetworkError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepts atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepts.Add(1)
			c.Close()
		}
	}()
	defer l.Close()
	st := sendOne(t, HTTPOptions{URL: "http://" + l.Addr().String(), Retry: Retry{Attempts: 3, Initial: time.Millisecond, Max: time.Millisecond}})
	if st.Failed != 1 || st.Sent != 0 {
		t.Errorf("stats %+v, want failed", st)
	}
	if accepts.Load() < 3 {
		t.Errorf("%d connections, want one per attempt (3)", accepts.Load())
	}
}

func TestNewHTTPErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "x.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	key := filepath.Join(dir, "k.pem")
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1}}), 0o600)
	tests := []struct {
		o    HTTPOptions
		want string
	}{
		{HTTPOptions{URL: ""}, `http output: url "": want an http:// or https:// URL with a host`},
		{HTTPOptions{URL: "ftp://h/x"}, `http output: url "ftp://h/x": want an http://`},
		{HTTPOptions{URL: "http:///x"}, `http output: url "http:///x": want an http://`},
		{HTTPOptions{URL: "http://h\x7f/"}, "http output: url: "},
		{HTTPOptions{URL: "https://h/", TLS: TLSOptions{CACert: filepath.Join(dir, "none.pem")}}, "http output: ca_cert: open "},
		{HTTPOptions{URL: "https://h/", TLS: TLSOptions{CABundle: notPEM}}, "http output: ca_bundle " + notPEM + ": no PEM certificate in it"},
		{HTTPOptions{URL: "https://h/", TLS: TLSOptions{CAPath: dir}}, "http output: ca_path " + dir + ": no PEM certificate in it"},
		{HTTPOptions{URL: "https://h/", TLS: TLSOptions{MTLS: true}}, "http output: mtls: client_cert and client_key are both needed"},
		{HTTPOptions{URL: "https://h/", TLS: TLSOptions{MTLS: true, ClientCert: notPEM, ClientKey: key}}, "http output: mtls: client_cert " + notPEM},
		{HTTPOptions{URL: "http://h/", Headers: map[string]string{"": "x"}}, "http output: a custom header has no name"},
	}
	for _, tc := range tests {
		_, err := NewHTTP(tc.o)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("NewHTTP(%q): %v, want %q", tc.o.URL, err, tc.want)
		}
	}
}
