package psa

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// manifestExts are the file name endings read from directories.
var manifestExts = []string{".yaml", ".yml", ".json"}

// Load reads manifests from files, from directories (every .yaml, .yml and
// .json file below them, in lexical order) and from r for "-". A file that
// cannot be read is an error; documents that cannot be decoded are
// collected in Input.Errors.
func Load(paths []string, stdin io.Reader) (Input, error) {
	var in Input
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(stdin)
			if err != nil {
				return in, fmt.Errorf("read standard input: %w", err)
			}
			in.Add(Decode("-", data))
			continue
		}
		files, err := manifestFiles(p)
		if err != nil {
			return in, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return in, fmt.Errorf("read manifests: %w", err)
			}
			in.Add(Decode(f, data))
		}
	}
	return in, nil
}

// manifestFiles expands a directory into its manifest files.
func manifestFiles(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && slices.Contains(manifestExts, strings.ToLower(filepath.Ext(path))) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read manifests in %s: %w", p, err)
	}
	return files, nil
}
