package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"peregrine/internal/alert"
	"peregrine/internal/config"
	"peregrine/internal/docsrc"
	"peregrine/internal/engine"
	"peregrine/internal/k8saudit"
	"peregrine/internal/metrics"
	"peregrine/internal/rules"
	"peregrine/internal/server"
)

// docWebhook is a document source the agent receives on its web server
// (the k8s_audit webhook): the handler, the queue behind it and the rules
// that a goroutine of its own evaluates the queued batches with.
type docWebhook struct {
	path    string
	queue   *docsrc.Queue
	webhook *docsrc.Webhook
	rules   *docRules
}

// newK8sAudit builds the k8s_audit webhook of the configuration, or
// returns nil when it is not enabled. It compiles the k8s_audit rules of
// spec with the agent's rule options (see docRules.prepare).
func newK8sAudit(cfg *config.Config, spec *rules.Spec, eo engine.Options) (*docWebhook, []rules.Diagnostic, error) {
	ka := cfg.K8sAudit
	if !ka.Enabled {
		return nil, nil, nil
	}
	var token []byte
	if ka.TokenFile != "" {
		data, err := os.ReadFile(ka.TokenFile)
		if err != nil {
			return nil, nil, fmt.Errorf("k8s_audit: token_file: %w", err)
		}
		if token = bytes.TrimSpace(data); len(token) == 0 {
			return nil, nil, fmt.Errorf("k8s_audit: token_file %s is empty", ka.TokenFile)
		}
	}
	dr, diags, err := newDocRules(k8saudit.Def(""), spec, eo)
	if err != nil {
		return nil, diags, err
	}
	q := docsrc.NewQueue(ka.Queue)
	wh, err := docsrc.NewWebhook(docsrc.WebhookOptions{
		Token: token, ClientCert: ka.ClientCA != "", MaxBodyBytes: int64(ka.MaxBodyBytes), Queue: q,
	})
	if err != nil {
		return nil, diags, fmt.Errorf("k8s_audit: %w", err)
	}
	return &docWebhook{path: ka.Path, queue: q, webhook: wh, rules: dr}, diags, nil
}

// mount registers the webhook on the server, every method (the handler
// answers 405 itself, and counts it).
func (d *docWebhook) mount(srv *server.Server) error {
	if err := srv.Handle(d.path, d.webhook); err != nil {
		return fmt.Errorf("k8s_audit: mount %s: %w", d.path, err)
	}
	return nil
}

// run evaluates the queued batches until ctx is done; records that cannot
// be used are logged.
func (d *docWebhook) run(ctx context.Context, emit func(*alert.Alert), a *agent) {
	d.queue.Run(ctx, func(batch []byte) {
		err := d.rules.take().Batch(batch, emit, func(err error) {
			a.log.Warn("k8s_audit: record skipped", "error", err)
		})
		if err != nil {
			a.log.Warn("k8s_audit: batch skipped", "error", err)
		}
	})
}

// sourceCounters are the webhook's counters for /metrics.
func (d *docWebhook) sourceCounters() metrics.SourceCounters {
	c, _, _ := d.rules.counters()
	w := d.webhook.Stats()
	return metrics.SourceCounters{
		Source: d.rules.def.Source, Events: c.Docs, Skipped: c.Bad,
		Accepted: w.Accepted, Unauthorized: w.Unauthorized, TooLarge: w.TooLarge,
		BadRequest: w.BadBody, BadMethod: w.BadMethod, QueueFull: w.QueueFull,
		Queued: d.queue.Len(), Capacity: d.queue.Cap(),
	}
}

// summary says what the webhook received and raised.
func (d *docWebhook) summary() string {
	c, _, _ := d.rules.counters()
	s := d.webhook.Stats()
	return fmt.Sprintf("k8s_audit: %d events, %d alerts, %d records skipped; requests: %d accepted, %d unauthorized, %d too large, %d bad, %d wrong method, %d refused (queue full)",
		c.Docs, c.Alerts, c.Bad, s.Accepted, s.Unauthorized, s.TooLarge, s.BadBody, s.BadMethod, s.QueueFull)
}
