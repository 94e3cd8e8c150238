package docsrc

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/tidwall/gjson"
)

// DefaultMaxBodyBytes bounds a webhook request body when no limit is
// given: 16 MiB, well above the API server's default audit batch (its
// webhook backend sends at most 400 events a batch).
const DefaultMaxBodyBytes = 16 << 20

// WebhookOptions configure a [Webhook].
type WebhookOptions struct {
	// Token, when not empty, is the bearer token every request must
	// carry (Authorization: Bearer <token>).
	Token []byte
	// ClientCert requires requests to come over TLS with a client
	// certificate the server verified (mutual TLS; the server's TLS
	// configuration names the client CAs).
	ClientCert bool
	// MaxBodyBytes bounds the request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Queue receives the batches; required.
	Queue *Queue
	// Log receives one line per refused request at debug level; nil
	// discards.
	Log *slog.Logger
}

// Webhook is the http.Handler that receives batches of documents, as an
// API server's audit webhook backend POSTs them: it checks the method
// (405), the client's credentials (401), the size (413) and that the body
// is JSON (400), then offers the body to the queue (503 when it is full
// or closed) and answers 200 without waiting for the evaluation. Every
// outcome is counted. Safe for concurrent use.
type Webhook struct {
	opt       WebhookOptions
	tokenHash [sha256.Size]byte
	c         webhookCounters
}

type webhookCounters struct {
	accepted, badMethod, unauthorized, tooLarge, badBody, queueFull atomic.Uint64
}

// WebhookStats count the requests a Webhook answered, by outcome.
type WebhookStats struct {
	Accepted     uint64 // 200: queued
	BadMethod    uint64 // 405
	Unauthorized uint64 // 401: no or wrong token, no verified client certificate
	TooLarge     uint64 // 413
	BadBody      uint64 // 400: not JSON, or the body could not be read
	QueueFull    uint64 // 503: the evaluation is behind, or has stopped (shutdown)
}

// NewWebhook returns a Webhook. It fails without a queue, or without any
// authentication (neither a token nor client certificates).
func NewWebhook(opt WebhookOptions) (*Webhook, error) {
	if opt.Queue == nil {
		return nil, errors.New("webhook: no queue")
	}
	if len(opt.Token) == 0 && !opt.ClientCert {
		return nil, errors.New("webhook: no authentication: give a token or require client certificates")
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	w := &Webhook{opt: opt}
	if len(opt.Token) > 0 {
		w.tokenHash = sha256.Sum256(opt.Token)
	}
	return w, nil
}

// Stats returns the counters.
func (w *Webhook) Stats() WebhookStats {
	c := &w.c
	return WebhookStats{
		Accepted: c.accepted.Load(), BadMethod: c.badMethod.Load(), Unauthorized: c.unauthorized.Load(),
		TooLarge: c.tooLarge.Load(), BadBody: c.badBody.Load(), QueueFull: c.queueFull.Load(),
	}
}

// ServeHTTP implements http.Handler.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.c.badMethod.Add(1)
		rw.Header().Set("Allow", http.MethodPost)
		w.refuse(rw, r, http.StatusMethodNotAllowed, "method not allowed: use POST")
		return
	}
	if !w.authorized(r) {
		w.c.unauthorized.Add(1)
		if len(w.opt.Token) > 0 {
			rw.Header().Set("WWW-Authenticate", `Bearer realm="peregrine"`)
		}
		w.refuse(rw, r, http.StatusUnauthorized, "unauthorized")
		return
	}
	if r.ContentLength > w.opt.MaxBodyBytes {
		w.c.tooLarge.Add(1)
		w.refuse(rw, r, http.StatusRequestEntityTooLarge, "body larger than "+strconv.FormatInt(w.opt.MaxBodyBytes, 10)+" bytes")
		return
	}
	body, err := readBody(http.MaxBytesReader(rw, r.Body, w.opt.MaxBodyBytes), r.ContentLength)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.c.tooLarge.Add(1)
			w.refuse(rw, r, http.StatusRequestEntityTooLarge, "body larger than "+strconv.FormatInt(w.opt.MaxBodyBytes, 10)+" bytes")
			return
		}
		w.c.badBody.Add(1)
		w.refuse(rw, r, http.StatusBadRequest, "read body: "+err.Error())
		return
	}
	if !isJSONBatch(body) {
		w.c.badBody.Add(1)
		w.refuse(rw, r, http.StatusBadRequest, "body is not a JSON object or array")
		return
	}
	if !w.opt.Queue.Offer(body) {
		w.c.queueFull.Add(1)
		rw.Header().Set("Retry-After", "1")
		w.refuse(rw, r, http.StatusServiceUnavailable, "queue full or closed: try again later")
		return
	}
	w.c.accepted.Add(1)
	rw.WriteHeader(http.StatusOK)
}

// authorized checks the bearer token (in constant time, over hashes so
// that the length does not show either) and the client certificate, as
// configured.
func (w *Webhook) authorized(r *http.Request) bool {
	if w.opt.ClientCert && (r.TLS == nil || len(r.TLS.VerifiedChains) == 0) {
		return false
	}
	if len(w.opt.Token) == 0 {
		return true
	}
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return subtle.ConstantTimeCompare(got[:], w.tokenHash[:]) == 1
}

func (w *Webhook) refuse(rw http.ResponseWriter, r *http.Request, status int, msg string) {
	w.opt.Log.Debug("webhook request refused", "status", status, "remote", r.RemoteAddr, "reason", msg)
	http.Error(rw, msg, status)
}

// readBody reads a request body in one allocation when its length is
// known (the API server sends it).
func readBody(r io.Reader, length int64) ([]byte, error) {
	if length <= 0 {
		return io.ReadAll(r)
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// isJSONBatch reports whether body is one valid JSON object or array.
func isJSONBatch(body []byte) bool {
	for _, c := range body {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return gjson.ValidBytes(body)
		}
		return false
	}
	return false
}
