package main

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"peregrine/internal/alert"
	"peregrine/internal/docsrc"
)

// docLogSuffixes are the names of the files replay reads from a
// directory of document logs, each also with .gz after it: CloudTrail's
// S3 delivery writes .json.gz, exports write .json or .jsonl, the
// Kubernetes API server writes .log.
var docLogSuffixes = [...]string{".json", ".jsonl", ".ndjson", ".log"}

// isDocLog says whether a file of a directory tree is a log replay
// reads: a log suffix, not hidden, and not a CloudTrail digest file
// (those hold hashes of the log files, no records).
func isDocLog(name string) bool {
	if strings.HasPrefix(name, ".") || strings.Contains(name, "CloudTrail-Digest") {
		return false
	}
	name = strings.TrimSuffix(name, ".gz")
	for _, s := range docLogSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// readDocInput evaluates what -r names: standard input ("-"), one log
// file (plain or gzip), or every log file of a directory tree, in the
// order of their path names (CloudTrail's AWSLogs/<account>/CloudTrail/
// <region>/YYYY/MM/DD/ layout sorts by region, then time). A file that
// cannot be read to its end (a truncated gzip) is reported to fileErr
// and the other files are still read; the error then says how many
// failed. For a single file the error is its own.
func readDocInput(ev *docsrc.Evaluator, path string, stdin io.Reader, emit func(*alert.Alert), bad, fileErr func(error)) error {
	if path != "-" {
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		if st.IsDir() {
			return readDocDir(ev, path, emit, bad, fileErr)
		}
	}
	return readDocFile(ev, path, stdin, emit, bad)
}

// readDocFile evaluates one log file, or standard input for "-".
func readDocFile(ev *docsrc.Evaluator, path string, stdin io.Reader, emit func(*alert.Alert), bad func(error)) error {
	in, label, closeIn, err := openDocLog(path, stdin)
	if err != nil {
		return err
	}
	defer closeIn()
	return ev.ReadFile(in, label, emit, bad)
}

// readDocDir evaluates the log files of a directory tree.
func readDocDir(ev *docsrc.Evaluator, dir string, emit func(*alert.Alert), bad, fileErr func(error)) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "CloudTrail-Digest"):
			return filepath.SkipDir
		case d.Type().IsRegular() && isDocLog(d.Name()):
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	if len(files) == 0 {
		return fmt.Errorf("%s: no log files (*.json, *.jsonl, *.ndjson, *.log, each plain or .gz)", dir)
	}
	failed := 0
	for _, p := range files {
		if err := readDocFile(ev, p, nil, emit, bad); err != nil {
			failed++
			if fileErr != nil {
				fileErr(err)
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%s: %d of %d log files could not be read to the end", dir, failed, len(files))
	}
	return nil
}

// errTruncated names the error of a gzip stream that stops early.
var errTruncated = errors.New("truncated gzip stream")

// gzipErrors reads a gzip stream and says which errors are the
// compression's: a stream cut short, a bad checksum.
type gzipErrors struct{ r *gzip.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	switch {
	case err == nil || err == io.EOF:
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = errTruncated
	default:
		err = fmt.Errorf("gzip: %w", err)
	}
	return n, err
}
