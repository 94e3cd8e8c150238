package docsrc_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

// benchEvaluator returns an evaluator of the test source whose Records
// does not allocate, and a log of n lines of one record each.
func benchEvaluator(tb testing.TB, n int) (*docsrc.Evaluator, []byte) {
	tb.Helper()
	def := trailDef()
	def.Records = func(body []byte, each func([]byte, time.Time), bad func(error)) error {
		v := gjson.Parse(docsrc.Text(body))
		t, err := time.Parse(time.RFC3339, v.Get("eventTime").Str)
		if err != nil {
			bad(err)
			return nil
		}
		each(docsrc.Bytes(v.Raw), t)
		return nil
	}
	var l loader.Loader
	spec, _, err := l.LoadFiles(loader.File{Name: "trail.yaml", Data: []byte(trailRules)})
	if err != nil {
		tb.Fatal(err)
	}
	ev, _, err := docsrc.New(def, spec, docsrc.Options{Hostname: "h", Matching: rules.MatchAll})
	if err != nil {
		tb.Fatal(err)
	}
	var log bytes.Buffer
	for i := range n {
		fmt.Fprintf(&log, `{"eventTime":"2026-11-20T10:00:%02dZ","eventName":"DescribeInstances","userIdentity":{"arn":"arn:aws:iam::1:user/u%d"}}`+"\n", i%60, i)
	}
	return ev, log.Bytes()
}

// TestReadFileAllocations: a file of 1000 lines allocates no more than a
// file of 10 (the reader's buffer, once per file); nothing per line.
func TestReadFileAllocations(t *testing.T) {
	allocs := func(n int) float64 {
		ev, data := benchEvaluator(t, n)
		r := bytes.NewReader(data)
		return testing.AllocsPerRun(20, func() {
			r.Reset(data)
			if err := ev.ReadFile(r, "a.jsonl", nil, func(err error) { t.Fatal(err) }); err != nil {
				t.Fatal(err)
			}
		})
	}
	if few, many := allocs(10), allocs(1000); many > few {
		t.Errorf("ReadFile: %v allocations for 10 lines, %v for 1000: it allocates per line", few, many)
	}
}

// BenchmarkReadFile evaluates a log of one record a line with the test
// source's rules; one op is one line. The source's own splitting does
// not allocate, so what is reported is ReadFile's and Batch's share: in
// the steady state, nothing per line.
func BenchmarkReadFile(b *testing.B) {
	const lines = 1000
	ev, data := benchEvaluator(b, lines)
	r := bytes.NewReader(data)
	b.SetBytes(int64(len(data)) / lines)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += lines {
		r.Reset(data)
		if err := ev.ReadFile(r, "bench.jsonl", nil, func(err error) { b.Fatal(err) }); err != nil {
			b.Fatal(err)
		}
	}
}
