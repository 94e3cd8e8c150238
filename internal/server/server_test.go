package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// get fetches url with c and returns the status, content type and body.
func get(t *testing.T, c *http.Client, method, url string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestEndpoints(t *testing.T) {
	versions := NewVersions("1.2.3", 0, 62, 0)
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "some_metric 1\n")
	})
	tests := []struct {
		name     string
		cfg      Config
		method   string
		path     string
		status   int
		ctype    string
		body     string
		jsonBody map[string]string // compared instead of body when set
	}{
		{name: "healthz", path: "/healthz", status: 200, ctype: "application/json", body: `{"status": "ok"}`},
		{name: "healthz head", method: "HEAD", path: "/healthz", status: 200, ctype: "application/json"},
		{name: "healthz post", method: "POST", path: "/healthz", status: 405},
		{name: "healthz custom path", cfg: Config{HealthzPath: "/live"}, path: "/live", status: 200, body: `{"status": "ok"}`},
		{name: "healthz moved", cfg: Config{HealthzPath: "/live"}, path: "/healthz", status: 404},
		{
			name: "healthz failing", cfg: Config{Health: func() error { return errors.New("capture stopped") }},
			path: "/healthz", status: 503, ctype: "application/json",
			jsonBody: map[string]string{"status": "error", "error": "capture stopped"},
		},
		{
			name: "versions", cfg: Config{Versions: func() Versions { return versions }},
			path: "/versions", status: 200, ctype: "application/json",
			jsonBody: map[string]string{
				"peregrine_version":     "1.2.3",
				"engine_version":        "62",
				"engine_version_semver": "0.62.0",
				"go_version":            versions.GoVersion,
			},
		},
		{name: "versions unset", path: "/versions", status: 200, jsonBody: map[string]string{}},
		{name: "metrics off", path: "/metrics", status: 404},
		{name: "metrics on", cfg: Config{Metrics: metrics}, path: "/metrics", status: 200, body: "some_metric 1\n"},
		{name: "unknown", path: "/nothing", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(s.mux)
			defer ts.Close()
			method := tt.method
			if method == "" {
				method = "GET"
			}
			status, ctype, body := get(t, ts.Client(), method, ts.URL+tt.path)
			if status != tt.status {
				t.Errorf("status %d, want %d (body %q)", status, tt.status, body)
			}
			if tt.ctype != "" && ctype != tt.ctype {
				t.Errorf("content type %q, want %q", ctype, tt.ctype)
			}
			if tt.jsonBody != nil {
				var got map[string]string
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatalf("body %q: %v", body, err)
				}
				if diff := cmp.Diff(tt.jsonBody, got); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
			} else if tt.body != "" && body != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"negative port", Config{Port: -1}, "port -1"},
		{"port too large", Config{Port: 70000}, "port 70000"},
		{"relative health path", Config{HealthzPath: "healthz"}, `health check path "healthz"`},
		{"health path with a space", Config{HealthzPath: "/a b"}, `health check path "/a b"`},
		{"health path taken", Config{HealthzPath: "/versions"}, `handle "GET /versions"`},
		{"tls without a file", Config{TLS: TLS{Enabled: true}}, "no certificate file"},
		{"tls missing file", Config{TLS: TLS{Enabled: true, CertFile: "/nonexistent/peregrine.pem"}}, "/nonexistent/peregrine.pem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestHandle(t *testing.T) {
	s, err := New(Config{Address: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	webhook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, "got "+string(b))
	})
	if err := s.Handle("POST /k8s-audit", webhook); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if err := s.Handle("GET /versions", webhook); err == nil {
		t.Error("Handle of a pattern taken: no error")
	}
	if err := s.Handle("BAD PATTERN WITH SPACES", webhook); err == nil {
		t.Error("Handle of an invalid pattern: no error")
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	if err := s.Handle("GET /late", webhook); !errors.Is(err, ErrStarted) {
		t.Errorf("Handle after Start: %v, want ErrStarted", err)
	}
	if err := s.Start(); !errors.Is(err, ErrStarted) {
		t.Errorf("second Start: %v, want ErrStarted", err)
	}
	resp, err := http.Post("http://"+s.Addr().String()+"/k8s-audit", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "got {}" {
		t.Errorf("webhook: %d %q", resp.StatusCode, b)
	}
}

func TestStartShutdown(t *testing.T) {
	s, err := New(Config{Address: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr() != nil {
		t.Errorf("Addr before Start: %v", s.Addr())
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown before Start: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	url := "http://" + s.Addr().String() + "/healthz"
	if status, _, body := get(t, http.DefaultClient, "GET", url); status != 200 || body != healthBody {
		t.Errorf("healthz: %d %q", status, body)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	select {
	case <-s.Done():
	default:
		t.Error("Done not closed after Shutdown")
	}
	if _, err := http.Get(url); err == nil {
		t.Error("server still answers after Shutdown")
	}
}

func TestStartPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	s, err := New(Config{Address: "127.0.0.1", Port: port})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Start()
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(port)) {
		t.Errorf("Start on a busy port: %v", err)
	}
}

// slowServer starts a server with a handler at /slow that signals entered
// and then waits for release.
func slowServer(t *testing.T) (s *Server, entered, release chan struct{}) {
	t.Helper()
	entered, release = make(chan struct{}), make(chan struct{})
	s, err := New(Config{Address: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle("GET /slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "done")
	}))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s, entered, release
}

type result struct {
	status int
	body   string
	err    error
}

func fetch(url string) <-chan result {
	ch := make(chan result, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			ch <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		ch <- result{status: resp.StatusCode, body: string(b), err: err}
	}()
	return ch
}

func TestShutdownWaitsForRequests(t *testing.T) {
	s, entered, release := slowServer(t)
	res := fetch("http://" + s.Addr().String() + "/slow")
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- s.Shutdown(context.Background()) }()
	<-s.Done() // the listener is closed at once; the request goes on
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned %v while a request was in progress", err)
	default:
	}
	close(release)
	r := <-res
	if r.err != nil || r.status != 200 || r.body != "done" {
		t.Errorf("request in progress during Shutdown: %+v", r)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestShutdownDeadline(t *testing.T) {
	s, entered, release := slowServer(t)
	defer close(release)
	res := fetch("http://" + s.Addr().String() + "/slow")
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown with an ended context: %v, want context.Canceled", err)
	}
	if r := <-res; r.err == nil {
		t.Errorf("request cut by Shutdown: %+v, want an error", r)
	}
}
