package k8saudit_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/docsrc"
	"peregrine/internal/k8saudit"
	"peregrine/internal/rules"
)

// cpuClock measures the CPU time the process spends (user and system, all
// threads): a rate per CPU second holds on a machine busy with other work,
// where wall-clock rates do not.
type cpuClock struct{ start time.Duration }

func cpuNow(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU(b *testing.B) cpuClock { return cpuClock{cpuNow(b)} }

// report adds events/s (wall clock) and events/cpu-s.
func (c cpuClock) report(b *testing.B, events int) {
	cpu := cpuNow(b) - c.start
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}

// corpusDocs returns the corpus's audit events, each with its time, and
// which of them raise nothing with the upstream rules (rule_matching
// first).
func corpusDocs(b *testing.B) (docs [][]byte, times []time.Time, quiet [][]byte) {
	data, err := os.ReadFile("testdata/events.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	ev := upstreamEvaluator(b, rules.MatchFirst)
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		err := k8saudit.Records([]byte(l), func(doc []byte, t time.Time) {
			docs, times = append(docs, doc), append(times, t)
			before := ev.Counters().Alerts
			ev.Eval(doc, t, nil)
			if ev.Counters().Alerts == before {
				quiet = append(quiet, doc)
			}
		}, func(err error) { b.Fatal(err) })
		if err != nil {
			b.Fatal(err)
		}
	}
	return docs, times, quiet
}

// BenchmarkEval is the evaluation of one audit event against the 48
// upstream rules (rule_matching first), the corpus in a loop: every event,
// and the events that raise nothing (the common case, which must not
// allocate).
func BenchmarkEval(b *testing.B) {
	docs, times, quiet := corpusDocs(b)
	var sink int
	emit := func(a *alert.Alert) { sink += len(a.Output) }
	for _, bc := range []struct {
		name string
		docs [][]byte
	}{{"corpus", docs}, {"no-alert", quiet}} {
		b.Run(bc.name, func(b *testing.B) {
			ev := upstreamEvaluator(b, rules.MatchFirst)
			b.ReportAllocs()
			clock := startCPU(b)
			i := 0
			for b.Loop() {
				ev.Eval(bc.docs[i], times[i%len(times)], emit)
				if i++; i == len(bc.docs) {
					i = 0
				}
			}
			clock.report(b, b.N)
		})
	}
}

// eventListBody is an EventList of n events taken round the corpus.
func eventListBody(b *testing.B, n int) []byte {
	data, err := os.ReadFile("testdata/events.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	items := make([]string, n)
	for i := range items {
		items[i] = lines[i%len(lines)]
	}
	return []byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[` + strings.Join(items, ",") + `]}`)
}

// BenchmarkBatch splits an EventList of 100 events and evaluates each.
func BenchmarkBatch(b *testing.B) {
	body := eventListBody(b, 100)
	ev := upstreamEvaluator(b, rules.MatchFirst)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	clock := startCPU(b)
	for b.Loop() {
		if err := ev.Batch(body, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	clock.report(b, b.N*100)
}

// BenchmarkWebhook posts EventList batches of 100 events to the webhook
// handler (token checked, body read and validated, queued) while the
// evaluation goroutine drains the queue into the upstream rules; the
// time includes evaluating every event. Requests go straight to the
// handler (no sockets); a full queue is waited out, as the API server
// retries.
func BenchmarkWebhook(b *testing.B) {
	const perBatch = 100
	body := eventListBody(b, perBatch)
	ev := upstreamEvaluator(b, rules.MatchFirst)
	q := docsrc.NewQueue(64)
	wh, err := docsrc.NewWebhook(docsrc.WebhookOptions{Token: []byte(testToken), Queue: q})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		q.Run(ctx, func(batch []byte) { ev.Batch(batch, nil, nil) })
	}()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	clock := startCPU(b)
	for b.Loop() {
		for {
			req := httptest.NewRequest("POST", "/k8s-audit", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testToken)
			rec := httptest.NewRecorder()
			wh.ServeHTTP(rec, req)
			if rec.Code == http.StatusOK {
				break
			}
			if rec.Code != http.StatusServiceUnavailable {
				b.Fatalf("status %d", rec.Code)
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
	want := uint64(b.N * perBatch)
	for ev.Counters().Docs < want {
		time.Sleep(50 * time.Microsecond)
	}
	clock.report(b, int(want))
	cancel()
	<-done
}
