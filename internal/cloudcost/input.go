package cloudcost

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// Format is the kind of a billing file, told from its content.
type Format string

// The formats [Read] knows.
const (
	FormatCURLegacy Format = "cur"     // CSV with lineItem/UsageType headers
	FormatCUR2      Format = "cur2"    // CSV with line_item_usage_type headers
	FormatExplorer  Format = "ce"      // GetCostAndUsage JSON
	FormatAnomalies Format = "anomaly" // GetAnomalies JSON
)

// FileStats says what was read from one file.
type FileStats struct {
	Name    string `json:"name"`
	Format  Format `json:"format"`
	Gzip    bool   `json:"gzip"`
	Records int    `json:"records"` // records handed on
	Ignored int    `json:"ignored"` // CUR rows of line item types that are not usage (tax, credits, fees)
	Skipped int    `json:"skipped"` // records that could not be read (each has an [Error])
}

// Reader reads billing files; its handlers receive what they contain.
// A Reader is not safe for concurrent use.
type Reader struct {
	// Record receives each line of spend.
	Record func(Record)
	// Anomaly receives each anomaly of a GetAnomalies file.
	Anomaly func(Finding)
	// Metric is the Cost Explorer metric to read (UnblendedCost if empty).
	Metric string
}

// ReadFile opens path and reads it with [Reader.Read].
func (r *Reader) ReadFile(path string) (FileStats, []error) {
	f, err := os.Open(path)
	if err != nil {
		return FileStats{Name: path, Skipped: 1}, []error{&Error{File: path, Err: err}}
	}
	defer f.Close()
	return r.Read(path, f)
}

// Read reads one billing file, plain or gzip, and tells its format by its
// first bytes: JSON (Cost Explorer or Cost Anomaly Detection, told apart by
// their top-level keys) or CUR CSV (legacy or 2.0, told apart by the header).
// Records that cannot be read are returned as [*Error]s and the rest is read.
func (r *Reader) Read(name string, in io.Reader) (FileStats, []error) {
	st := FileStats{Name: name}
	br := bufio.NewReaderSize(in, 64<<10)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			st.Skipped = 1
			return st, []error{&Error{File: name, Err: fmt.Errorf("gzip: %w", err)}}
		}
		defer zr.Close()
		st.Gzip = true
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	first, err := firstByte(br)
	if err != nil {
		st.Skipped = 1
		if errors.Is(err, io.EOF) {
			err = errors.New("file is empty")
		}
		return st, []error{&Error{File: name, Err: readErr(err)}}
	}
	if first == '{' || first == '[' {
		return r.readJSON(name, br, st)
	}
	return r.readCUR(name, br, st)
}

// firstByte peeks at the first byte that is not white space or a UTF-8
// byte order mark.
func firstByte(br *bufio.Reader) (byte, error) {
	for i := 0; ; i++ {
		b, err := br.Peek(i + 1)
		if err != nil {
			return 0, err
		}
		switch c := b[i]; c {
		case ' ', '\t', '\r', '\n', 0xef, 0xbb, 0xbf:
		default:
			return c, nil
		}
		if i > 4096 {
			return 0, errors.New("no content in the first 4 KiB")
		}
	}
}

// readErr names a cut gzip stream for what it is.
func readErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) {
		return fmt.Errorf("truncated or corrupt gzip: %w", err)
	}
	return err
}
