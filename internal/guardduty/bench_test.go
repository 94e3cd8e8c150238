package guardduty_test

import (
	"os"
	"testing"
	"time"

	"peregrine/internal/guardduty"
	"peregrine/internal/rules"
)

// benchFindings returns the findings of a corpus file, each with its
// time.
func benchFindings(b *testing.B, name string) ([][]byte, []time.Time) {
	b.Helper()
	var docs [][]byte
	var times []time.Time
	for _, doc := range corpusFindings(b, name) {
		docs = append(docs, doc)
	}
	for _, doc := range docs {
		guardduty.Records(doc, func(_ []byte, t time.Time) { times = append(times, t) }, func(err error) { b.Fatal(err) })
	}
	return docs, times
}

// BenchmarkEval evaluates the corpus's findings (15 of 20 raise an
// alert) against rules/cloud_guardduty.yaml, every rule tried, in each
// spelling: findings per second, and allocations per finding (those of
// the alerts themselves included).
func BenchmarkEval(b *testing.B) {
	for _, tc := range []struct{ name, file string }{
		{"EventBridge", "testdata/eventbridge.jsonl"},
		{"GetFindings", "testdata/get-findings.json"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			docs, times := benchFindings(b, tc.file)
			ev := ourEvaluator(b, rules.MatchAll)
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for b.Loop() {
				i := n % len(docs)
				ev.Eval(docs[i], times[i], nil)
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "findings/s")
		})
	}
}

// BenchmarkEvalQuiet evaluates only findings that raise nothing (benign
// ones): the steady state of an account without mining, which must not
// allocate.
func BenchmarkEvalQuiet(b *testing.B) {
	all := corpusFindings(b, "testdata/eventbridge.jsonl")
	var docs [][]byte
	for _, id := range []string{"gd-recon", "gd-archived", "gd-sample", "gd-exfil", "gd-newbinary"} {
		docs = append(docs, all[id])
	}
	ev := ourEvaluator(b, rules.MatchAll)
	t := time.Unix(1772445600, 0)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		ev.Eval(docs[n%len(docs)], t, nil)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "findings/s")
	if c := ev.Counters(); c.Alerts != 0 {
		b.Fatalf("%d alerts from benign findings", c.Alerts)
	}
}

// BenchmarkReadFile reads and evaluates whole corpus files as replay
// does (split into findings, then the rules, first match): the CLI's
// GetFindings output (one indented document) and the EventBridge events
// (JSON lines). Findings per second end to end.
func BenchmarkReadFile(b *testing.B) {
	for _, tc := range []struct{ name, file string }{
		{"GetFindings", "testdata/get-findings.json"},
		{"EventBridge", "testdata/eventbridge.jsonl"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				b.Fatal(err)
			}
			ev := ourEvaluator(b, rules.MatchFirst)
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for b.Loop() {
				if err := ev.ReadFile(bytesReader(data), tc.file, nil, func(err error) { b.Fatal(err) }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ev.Counters().Docs)/b.Elapsed().Seconds(), "findings/s")
		})
	}
}

// TestEvalDoesNotAllocate checks, finding by finding and in both
// spellings, that evaluating the rules allocates nothing (alerts aside:
// no emit here).
func TestEvalDoesNotAllocate(t *testing.T) {
	for _, file := range []string{"testdata/eventbridge.jsonl", "testdata/get-findings.json"} {
		ev := ourEvaluator(t, rules.MatchAll)
		for id, doc := range corpusFindings(t, file) {
			ts := time.Unix(1772445600, 0)
			ev.Eval(doc, ts, nil) // warm the extractors' buffers
			if n := testing.AllocsPerRun(20, func() { ev.Eval(doc, ts, nil) }); n != 0 {
				t.Errorf("%s %s: %v allocations per evaluation", file, id, n)
			}
		}
	}
}
