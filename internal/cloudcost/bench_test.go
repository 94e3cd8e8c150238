package cloudcost

import (
	"bytes"
	"testing"
)

// benchCUR is a CUR file of n line items: the attack corpus repeated with
// shifted ids, so the keys and resource counts stay realistic.
func benchCUR(n int, write func([]item) []byte) ([]byte, int) {
	base := corpusItems(true)
	var items []item
	for len(items) < n {
		items = append(items, base...)
	}
	items = items[:n]
	return write(items), n
}

// benchmarkRead measures reading and summing CUR line items.
func benchmarkRead(b *testing.B, data []byte, n int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		l := NewLedger()
		r := &Reader{Record: l.Add}
		st, errs := r.Read("bench.csv", bytes.NewReader(data))
		if len(errs) != 0 || st.Records+st.Ignored != n {
			b.Fatalf("%d records, %d ignored, errors %v", st.Records, st.Ignored, errs)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkCURLegacy reads 100,000 legacy CUR line items into a ledger.
func BenchmarkCURLegacy(b *testing.B) {
	data, n := benchCUR(100_000, curLegacy)
	benchmarkRead(b, data, n)
}

// BenchmarkCUR2 reads 100,000 CUR 2.0 line items into a ledger.
func BenchmarkCUR2(b *testing.B) {
	data, n := benchCUR(100_000, cur2)
	benchmarkRead(b, data, n)
}

// BenchmarkCURGzip reads 100,000 gzip'd legacy CUR line items.
func BenchmarkCURGzip(b *testing.B) {
	data, n := benchCUR(100_000, curLegacy)
	benchmarkRead(b, gz(data), n)
}

// BenchmarkAnalyze judges the series of 100,000 line items (28 days).
func BenchmarkAnalyze(b *testing.B) {
	data, _ := benchCUR(100_000, curLegacy)
	l := NewLedger()
	r := &Reader{Record: l.Add}
	if _, errs := r.Read("bench.csv", bytes.NewReader(data)); len(errs) != 0 {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		if fs := l.Analyze(Options{}); len(fs) == 0 {
			b.Fatal("no findings")
		}
	}
}
