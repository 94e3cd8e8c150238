package loader

import (
	"os"
	"testing"
)

// BenchmarkLoadUpstream loads the five upstream rule files together, from
// memory (so that the figure is the loader's, not the disk's): YAML
// parsing, items, list expansion and substitution, exceptions.
//
//	go test -run '^$' -bench LoadUpstream -benchmem ./internal/rules/loader
func BenchmarkLoadUpstream(b *testing.B) {
	var files []File
	size := 0
	for _, name := range upstreamFiles {
		p := upstreamPath(b, name)
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, File{Name: p, Data: data})
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var l Loader
	for b.Loop() {
		spec, _, err := l.LoadFiles(files...)
		if err != nil || len(spec.Rules) != 25+31+37+48+22 {
			b.Fatalf("err %v", err)
		}
	}
}
