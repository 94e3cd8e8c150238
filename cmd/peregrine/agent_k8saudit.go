package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

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
// (the k8s_audit webhook): the handler, the queue behind it and the
// evaluator that drains the queue on a goroutine of its own. A reload
// hands a new evaluator over (next); the goroutine switches to it between
// two batches.
type docWebhook struct {
	path    string
	queue   *docsrc.Queue
	webhook *docsrc.Webhook
	def     *docsrc.Def

	next atomic.Pointer[docsrc.Evaluator]
	mu   sync.Mutex // guards eval and retired against readers of the counters
	eval *docsrc.Evaluator
	// retired are the counts of the evaluators reloads replaced.
	retired docsrc.Counters
	byName  map[string]uint64
}

// newK8sAudit builds the k8s_audit webhook of the configuration, or
// returns nil when it is not enabled. It compiles the k8s_audit rules of
// spec with the agent's rule options; append_output entries apply when
// they select that source (the default one names container fields, which
// audit events do not have).
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
	d := &docWebhook{path: ka.Path, def: k8saudit.Def(""), byName: map[string]uint64{}}
	ev, diags, err := d.prepare(spec, eo)
	if err != nil {
		return nil, diags, err
	}
	d.eval = ev
	q := docsrc.NewQueue(ka.Queue)
	wh, err := docsrc.NewWebhook(docsrc.WebhookOptions{
		Token: token, ClientCert: ka.ClientCA != "", MaxBodyBytes: int64(ka.MaxBodyBytes), Queue: q,
	})
	if err != nil {
		return nil, diags, fmt.Errorf("k8s_audit: %w", err)
	}
	d.queue, d.webhook = q, wh
	return d, diags, nil
}

// prepare compiles the rules of the webhook's source in spec.
func (d *docWebhook) prepare(spec *rules.Spec, eo engine.Options) (*docsrc.Evaluator, []rules.Diagnostic, error) {
	var appends []rules.Append
	for _, a := range eo.Appends {
		if a.Source == d.def.Source {
			appends = append(appends, a)
		}
	}
	ev, diags, err := docsrc.New(d.def, spec, docsrc.Options{
		Matching: eo.Matching, MinPriority: eo.MinPriority, HasMinPriority: eo.HasMinPriority, Appends: appends,
	})
	if err != nil {
		return nil, diags, errors.Join(err, diagnosticsError(diags))
	}
	return ev, diags, nil
}

// swap hands ev over; the evaluation switches to it before its next
// batch.
func (d *docWebhook) swap(ev *docsrc.Evaluator) { d.next.Store(ev) }

// take switches to the evaluator a reload handed over, if any, keeping
// the counts of the one it replaces; it returns the evaluator to use.
func (d *docWebhook) take() *docsrc.Evaluator {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n := d.next.Swap(nil); n != nil {
		c := d.eval.Counters()
		d.retired.Docs += c.Docs
		d.retired.Alerts += c.Alerts
		d.retired.Bad += c.Bad
		for i, r := range d.eval.Ruleset().Rules() {
			d.byName[r.Name] += c.AlertsByRule[i]
		}
		d.eval = n
	}
	return d.eval
}

// counters returns the counts of every evaluator so far, and the rules in
// effect with their matches (counted by name across reloads).
func (d *docWebhook) counters() (docsrc.Counters, []*rules.CompiledRule, []uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.eval.Counters()
	c.Docs += d.retired.Docs
	c.Alerts += d.retired.Alerts
	c.Bad += d.retired.Bad
	rs := d.eval.Ruleset().Rules()
	for i, r := range rs {
		c.AlertsByRule[i] += d.byName[r.Name]
	}
	return c, rs, c.AlertsByRule
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
		err := d.take().Batch(batch, emit, func(err error) {
			a.log.Warn("k8s_audit: record skipped", "error", err)
		})
		if err != nil {
			a.log.Warn("k8s_audit: batch skipped", "error", err)
		}
	})
}

// sourceCounters are the webhook's counters for /metrics.
func (d *docWebhook) sourceCounters() metrics.SourceCounters {
	c, _, _ := d.counters()
	w := d.webhook.Stats()
	return metrics.SourceCounters{
		Source: d.def.Source, Events: c.Docs, Skipped: c.Bad,
		Accepted: w.Accepted, Unauthorized: w.Unauthorized, TooLarge: w.TooLarge,
		BadRequest: w.BadBody, BadMethod: w.BadMethod, QueueFull: w.QueueFull,
		Queued: d.queue.Len(), Capacity: d.queue.Cap(),
	}
}

// summary says what the webhook received and raised.
func (d *docWebhook) summary() string {
	c, _, _ := d.counters()
	s := d.webhook.Stats()
	return fmt.Sprintf("k8s_audit: %d events, %d alerts, %d records skipped; requests: %d accepted, %d unauthorized, %d too large, %d bad, %d wrong method, %d refused (queue full)",
		c.Docs, c.Alerts, c.Bad, s.Accepted, s.Unauthorized, s.TooLarge, s.BadBody, s.BadMethod, s.QueueFull)
}
