// Package defaultrules holds Peregrine's own default rules, written in the
// Falco rule language and embedded in the binary. The files are the .yaml
// files of this directory (the rule tests in tests/ are not part of them).
package defaultrules

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed *.yaml
var files embed.FS

// FS returns the default rule files, at the root of the file system.
func FS() fs.FS { return files }

// Names returns the names of the default rule files in the order they are
// loaded (lexicographic, as a rules directory is read).
func Names() []string {
	entries, _ := fs.ReadDir(files, ".") // an embed.FS root always reads
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
