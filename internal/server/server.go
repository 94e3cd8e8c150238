package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of [Config], Falco's.
const (
	DefaultPort        = 8765
	DefaultHealthzPath = "/healthz"
)

// Timeouts of the connections the server accepts.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute // a webhook may post large bodies
	writeTimeout      = time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

// ErrStarted is returned by [Server.Handle] and [Server.Start] once the
// server has started.
var ErrStarted = errors.New("server already started")

// Config configures a [Server].
type Config struct {
	// Address is the IP address or host name to listen on; empty for
	// every interface (Falco's webserver.listen_address, 0.0.0.0).
	Address string
	// Port is the TCP port; 0 picks a free one ([Server.Addr] tells).
	// Falco's webserver.listen_port defaults to [DefaultPort].
	Port int
	// HealthzPath is where the health check answers; empty for
	// [DefaultHealthzPath] (Falco's webserver.k8s_healthz_endpoint).
	HealthzPath string

	// TLS, when enabled, serves HTTPS only.
	TLS TLS

	// Health reports whether the agent works; nil means it does as long
	// as the server answers. An error makes the health check answer 503.
	Health func() error
	// Versions returns what /versions answers; nil answers an empty
	// object. It is called for every request, so that a reload of the
	// rules shows.
	Versions func() Versions
	// Metrics serves /metrics; nil leaves /metrics out (404).
	Metrics http.Handler

	// Log receives the server's errors (failed TLS handshakes, panics in
	// handlers); nil discards them.
	Log *slog.Logger
}

// Server is the agent's web server. Handle, Start, Shutdown and Addr are
// safe for concurrent use.
type Server struct {
	cfg  Config
	mux  *http.ServeMux
	http *http.Server
	cert *certificate // nil without TLS

	mu      sync.Mutex
	started bool
	ln      net.Listener
	done    chan struct{} // closed when Serve returned
	err     error         // Serve's error, when it was not a shutdown
}

// New validates cfg, loads the TLS certificate and registers the
// built-in endpoints. It does not listen yet: [Server.Start] does.
func New(cfg Config) (*Server, error) {
	if cfg.HealthzPath == "" {
		cfg.HealthzPath = DefaultHealthzPath
	}
	if !strings.HasPrefix(cfg.HealthzPath, "/") || strings.ContainsAny(cfg.HealthzPath, " {}") {
		return nil, fmt.Errorf("server: health check path %q: want an absolute path", cfg.HealthzPath)
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("server: port %d: want 0 to 65535", cfg.Port)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), done: make(chan struct{})}
	if cfg.TLS.Enabled {
		c, err := loadCertificate(cfg.TLS)
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		s.cert = c
	}
	if err := s.Handle("GET "+cfg.HealthzPath, http.HandlerFunc(s.healthz)); err != nil {
		return nil, err
	}
	if err := s.Handle("GET /versions", http.HandlerFunc(s.versions)); err != nil {
		return nil, err
	}
	if cfg.Metrics != nil {
		if err := s.Handle("GET /metrics", cfg.Metrics); err != nil {
			return nil, err
		}
	}
	s.http = &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn),
	}
	if s.cert != nil {
		s.http.TLSConfig = &tls.Config{
			MinVersion:     tls.VersionTLS12,
			GetCertificate: s.cert.get,
		}
		if cfg.TLS.ClientCAFile != "" {
			pool, err := clientCAs(cfg.TLS.ClientCAFile)
			if err != nil {
				return nil, fmt.Errorf("server: %w", err)
			}
			s.http.TLSConfig.ClientCAs = pool
			s.http.TLSConfig.ClientAuth = tls.VerifyClientCertIfGiven
		}
	}
	return s, nil
}

// Handle registers h for pattern (http.ServeMux's syntax, e.g.
// "POST /k8s-audit") before the server starts. It returns [ErrStarted]
// after Start, and an error when pattern is invalid or conflicts with one
// registered before.
func (s *Server) Handle(pattern string, h http.Handler) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("server: handle %q: %w", pattern, ErrStarted)
	}
	// ServeMux reports bad and conflicting patterns by panicking.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("server: handle %q: %v", pattern, r)
		}
	}()
	s.mux.Handle(pattern, h)
	return nil
}

// Start listens on the configured address and serves in the background.
// It returns once the server listens, or the error that kept it from
// listening.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("server: start: %w", ErrStarted)
	}
	addr := net.JoinHostPort(s.cfg.Address, strconv.Itoa(s.cfg.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w", addr, err)
	}
	s.started, s.ln = true, ln
	go s.serve(ln)
	return nil
}

func (s *Server) serve(ln net.Listener) {
	var err error
	if s.cert != nil {
		err = s.http.ServeTLS(ln, "", "")
	} else {
		err = s.http.Serve(ln)
	}
	if !errors.Is(err, http.ErrServerClosed) {
		s.mu.Lock()
		s.err = fmt.Errorf("server: serve: %w", err)
		s.mu.Unlock()
		s.cfg.Log.Error("web server stopped", "error", err)
	}
	close(s.done)
}

// Addr returns the address the server listens on, nil before Start.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Done is closed when the server stopped serving: after Shutdown, or
// after an error (which Shutdown returns).
func (s *Server) Done() <-chan struct{} { return s.done }

// Shutdown stops listening, lets the requests in progress finish until
// ctx ends, then closes their connections. It returns ctx's error if the
// requests did not finish in time, else the error serving stopped with
// before, if any. Shutdown before Start does nothing.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if !started {
		return nil
	}
	err := s.http.Shutdown(ctx)
	if err != nil {
		s.http.Close()
		return fmt.Errorf("server: shutdown: %w", err)
	}
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// ReloadCertificate reads the TLS certificate and key files again, so a
// renewed certificate serves new connections without a restart. It does
// nothing without TLS; on error the old certificate stays.
func (s *Server) ReloadCertificate() error {
	if s.cert == nil {
		return nil
	}
	if err := s.cert.reload(); err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}
