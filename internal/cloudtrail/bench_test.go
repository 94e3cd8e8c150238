package cloudtrail_test

import (
	"bytes"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"peregrine/internal/cloudtrail"
	"peregrine/internal/docsrc"
	"peregrine/internal/field"
	"peregrine/internal/rules"
)

// cpuTime is the CPU time the process has used (user and system, all
// threads): rates per CPU second hold on a machine busy with other work.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRates adds records/s (wall clock) and records/cpu-s.
func reportRates(b *testing.B, cpuStart time.Duration, records int) {
	cpu := cpuTime(b) - cpuStart
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(records)/cpu.Seconds(), "events/cpu-s")
	}
}

// corpusLogFile returns the corpus as one CloudTrail log file, as
// CloudTrail delivers it ({"Records":[...]} on one line), and its number
// of records.
func corpusLogFile(b *testing.B) ([]byte, int) {
	data, err := os.ReadFile("testdata/records.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	doc := append([]byte(`{"Records":[`), bytes.Join(lines, []byte(","))...)
	return append(doc, "]}"...), len(lines)
}

// BenchmarkUpstreamRules evaluates the corpus's records, split once,
// with Falco's cloudtrail rules (rule_matching first, as Falco runs
// them); one op is one record.
func BenchmarkUpstreamRules(b *testing.B) {
	ev := newEvaluator(b, rules.MatchFirst, []string{upstreamRules(b)})
	file, _ := corpusLogFile(b)
	var docs [][]byte
	var times []time.Time
	if err := cloudtrail.Records(file, func(doc []byte, t time.Time) {
		docs, times = append(docs, doc), append(times, t)
	}, func(err error) { b.Fatal(err) }); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev.Eval(docs[i%len(docs)], times[i%len(docs)], nil)
	}
	reportRates(b, cpu, b.N)
}

// BenchmarkLogFile splits a whole log file into records and evaluates
// them with Falco's rules and ours; one op is the file.
func BenchmarkLogFile(b *testing.B) {
	ev := newEvaluator(b, rules.MatchFirst, []string{upstreamRules(b), ownRules(b)})
	file, n := corpusLogFile(b)
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	cpu := cpuTime(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ev.Batch(file, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, cpu, b.N*n)
}

// BenchmarkEveryField extracts every field of the source (ec2.imageids
// whole, json.value of a nested member) from each record of the corpus:
// composed fields write into buffers they keep, so a record allocates
// nothing. One op is one record.
func BenchmarkEveryField(b *testing.B) {
	file, _ := corpusLogFile(b)
	var docs [][]byte
	if err := cloudtrail.Records(file, func(doc []byte, _ time.Time) { docs = append(docs, doc) }, func(err error) { b.Fatal(err) }); err != nil {
		b.Fatal(err)
	}
	var cur docsrc.Cursor
	binder := docsrc.NewBinder(cloudtrail.Def(), &cur, "host")
	var exs []field.Extractor
	for _, f := range field.Default().Fields(field.SourceCloudTrail) {
		arg := field.Arg{}
		switch {
		case strings.HasPrefix(f.Name, "json.") || strings.HasPrefix(f.Name, "jevt."):
			arg.Text = "/responseElements/instancesSet/items/0/instanceId"
		case f.Name == "evt.arg" || f.Arg == field.ArgRequired:
			continue
		}
		ex, err := binder.Bind(f, arg)
		if err != nil {
			continue // evt.* fields plugin events do not have
		}
		exs = append(exs, ex)
	}
	vals := make([]field.Value, 0, 64)
	b.ReportAllocs()
	cpu := cpuTime(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cur.Set(docs[i%len(docs)], time.Time{})
		for _, ex := range exs {
			vals = ex(vals[:0])
		}
	}
	reportRates(b, cpu, b.N)
}
