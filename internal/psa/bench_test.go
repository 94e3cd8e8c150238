package psa

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkAudit decodes and audits the whole corpus; the figure is
// manifests (objects with a pod template, and namespaces) per second.
func BenchmarkAudit(b *testing.B) {
	e := newTestEvaluator(b)
	files, err := filepath.Glob("testdata/manifests/*")
	if err != nil {
		b.Fatal(err)
	}
	data := make(map[string][]byte, len(files))
	for _, f := range files {
		if data[f], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	objects := 0
	b.ReportAllocs()
	for b.Loop() {
		var in Input
		for _, f := range files {
			in.Add(Decode(f, data[f]))
		}
		e.Audit(in, Options{})
		objects += len(in.Objects)
	}
	b.ReportMetric(float64(objects)/b.Elapsed().Seconds(), "manifests/s")
}

// BenchmarkEvaluate is the evaluation alone: one workload judged at both
// levels with its violations located.
func BenchmarkEvaluate(b *testing.B) {
	e := newTestEvaluator(b)
	in, err := Load([]string{"testdata/manifests/kinds.yaml"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		e.Audit(in, Options{})
		n += len(in.Objects)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "workloads/s")
}
