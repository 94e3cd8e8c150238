package defaultrules_test

import (
	"io/fs"
	"testing"

	defaultrules "peregrine/rules"

	"peregrine/internal/engine"
	"peregrine/internal/rules/loader"
)

// BenchmarkLoadCompile measures reading the embedded rules and compiling
// them into an engine, as `peregrine run` does at start.
func BenchmarkLoadCompile(b *testing.B) {
	var files []loader.File
	for _, n := range defaultrules.Names() {
		data, err := fs.ReadFile(defaultrules.FS(), n)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, loader.File{Name: n, Data: data})
	}
	for b.Loop() {
		var l loader.Loader
		spec, _, err := l.LoadFiles(files...)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := engine.New(spec, engine.Options{Hostname: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}
