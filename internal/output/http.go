package output

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"peregrine/internal/alert"
)

// HTTPOptions configure an [HTTP] sink (Falco's http_output).
type HTTPOptions struct {
	Name string // default "http"
	// URL receives one POST per alert: http:// or https://.
	URL string
	// Format: the body is always Falco's JSON (Falcosidekick and Falco's
	// other consumers want nothing else), so only JSONOptions (give
	// alert.DefaultJSON() for Falco's defaults) and StaticFields count.
	Format    Format
	UserAgent string            // default "peregrine"
	Headers   map[string]string // custom headers, set after the default ones (so they may replace them)
	// Timeout bounds one attempt, connection included (default 5 s).
	Timeout time.Duration
	// Retry says how network errors, 5xx and 429 answers are retried;
	// other 4xx answers are not.
	Retry Retry
	// Compress sends the body gzipped (Content-Encoding: gzip), Falco's
	// compress_uploads. Falcosidekick does not decode it: for receivers
	// that do.
	Compress bool
	// NoKeepAlive closes the connection after each alert (Falco's
	// keep_alive: false); connections are reused by default.
	NoKeepAlive bool
	TLS         TLSOptions
}

// HTTP posts each alert as Falco's JSON to a URL.
type HTTP struct {
	name    string
	url     string
	fm      *formatter
	agent   string
	headers [][2]string // sorted by name
	timeout time.Duration
	retry   Retry
	zip     bool
	client  *http.Client

	body []byte
	zbuf bytes.Buffer
	zw   *gzip.Writer
}

// NewHTTP checks o (the URL; the TLS files, which it loads) and returns an
// [HTTP] sink.
func NewHTTP(o HTTPOptions) (*HTTP, error) {
	if o.Name == "" {
		o.Name = "http"
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, fmt.Errorf("http output: url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("http output: url %q: want an http:// or https:// URL with a host", o.URL)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = o.NoKeepAlive
	tr.Proxy = http.ProxyFromEnvironment
	if u.Scheme == "https" {
		cfg, err := o.TLS.config()
		if err != nil {
			return nil, fmt.Errorf("http output: %w", err)
		}
		tr.TLSClientConfig = cfg
	}
	h := &HTTP{
		name:    o.Name,
		url:     u.String(),
		fm:      newFormatter(Format{JSON: true, JSONOptions: o.Format.JSONOptions, StaticFields: o.Format.StaticFields}),
		agent:   o.UserAgent,
		timeout: o.Timeout,
		retry:   o.Retry,
		zip:     o.Compress,
		client:  &http.Client{Transport: tr},
	}
	if h.agent == "" {
		h.agent = "peregrine"
	}
	if h.timeout <= 0 {
		h.timeout = 5 * time.Second
	}
	for k, v := range o.Headers {
		if k == "" {
			return nil, errors.New("http output: a custom header has no name")
		}
		h.headers = append(h.headers, [2]string{k, v})
	}
	sort.Slice(h.headers, func(i, j int) bool { return h.headers[i][0] < h.headers[j][0] })
	return h, nil
}

// Name implements [Sink].
func (h *HTTP) Name() string { return h.name }

// Write implements [Sink]: it posts the alert, retrying as the options
// say.
func (h *HTTP) Write(ctx context.Context, a *alert.Alert) error {
	h.body = h.fm.appendLine(h.body[:0], a)
	body := h.body
	if h.zip {
		h.zbuf.Reset()
		if h.zw == nil {
			h.zw = gzip.NewWriter(&h.zbuf)
		} else {
			h.zw.Reset(&h.zbuf)
		}
		h.zw.Write(body)
		if err := h.zw.Close(); err != nil {
			return fmt.Errorf("http output: gzip: %w", err)
		}
		body = h.zbuf.Bytes()
	}
	if err := h.retry.Do(ctx, func(ctx context.Context) error { return h.post(ctx, body) }); err != nil {
		return fmt.Errorf("http output: %w", err)
	}
	return nil
}

// statusError is an answer other than 2xx.
type statusError struct {
	url   string
	code  int
	after time.Duration // Retry-After, if the answer had one
}

func (e *statusError) Error() string {
	return fmt.Sprintf("POST %s: %d %s", e.url, e.code, http.StatusText(e.code))
}

// RetryAfter is the server's Retry-After (0 when none).
func (e *statusError) RetryAfter() time.Duration { return e.after }

// post makes one attempt. Network errors, 408, 429 and 5xx may be
// retried; any other non-2xx answer is [Permanent].
func (h *HTTP) post(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", h.agent)
	if h.zip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	for _, kv := range h.headers {
		req.Header.Set(kv[0], kv[1])
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so that the connection is reused
	resp.Body.Close()
	c := resp.StatusCode
	if c >= 200 && c < 300 {
		return nil
	}
	se := &statusError{url: h.url, code: c}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		se.after = time.Duration(s) * time.Second
	}
	if c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500 {
		return se
	}
	return Permanent(se)
}

// Close implements [Sink]: it closes the idle connections.
func (h *HTTP) Close() error {
	h.client.CloseIdleConnections()
	return nil
}
