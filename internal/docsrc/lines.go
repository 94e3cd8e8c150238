package docsrc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/tidwall/gjson"

	"peregrine/internal/alert"
)

// DefaultMaxLine bounds one line of a log file when no limit is given.
const DefaultMaxLine = 64 << 20

// ReadLines reads a log of JSON lines (the Kubernetes API server's log
// backend writes one audit event a line) and calls each with every
// non-empty line and its number, counting from 1. A line that is not
// JSON, or longer than maxLine bytes (0: DefaultMaxLine), goes to bad as
// "name:line: ..." and the lines after it are still read. A file whose
// first line is not JSON on its own but whose whole content is (one
// indented document, such as an EventList saved by kubectl) is one batch,
// at line 1. The line passed to each is reused after it returns. The
// error is a read error.
func ReadLines(r io.Reader, name string, maxLine int, each func(line []byte, n int), bad func(error)) error {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	first := true
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br, buf[:0], maxLine)
		buf = line[:0]
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
		text := bytes.TrimSpace(line)
		switch {
		case tooLong:
			bad(fmt.Errorf("%s:%d: line longer than %d bytes: skipped", name, n, maxLine))
		case len(text) == 0:
		case gjson.ValidBytes(text):
			each(text, n)
		case first && (text[0] == '{' || text[0] == '['):
			return wholeDocument(br, name, line, maxLine, each, bad)
		default:
			bad(fmt.Errorf("%s:%d: not a JSON document: %s", name, n, clip(text)))
		}
		if len(text) > 0 {
			first = false
		}
		if err != nil {
			return nil
		}
	}
}

// wholeDocument reads the rest of the input after its first line and
// gives it, with that line, as one batch.
func wholeDocument(br *bufio.Reader, name string, head []byte, maxLine int, each func([]byte, int), bad func(error)) error {
	rest, err := io.ReadAll(io.LimitReader(br, int64(maxLine)+1))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	doc := append(append(append([]byte{}, head...), '\n'), rest...)
	if len(doc) > maxLine || !gjson.ValidBytes(doc) {
		bad(fmt.Errorf("%s:1: not a JSON document per line, nor one JSON document: %s", name, clip(bytes.TrimSpace(head))))
		return nil
	}
	each(doc, 1)
	return nil
}

// readLine appends the next line (without its newline) to buf. A line
// longer than max is read to its end and dropped: tooLong is true.
func readLine(br *bufio.Reader, buf []byte, max int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > max+1 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(buf, []byte{'\n'}), tooLong, err
	}
}

// clip returns the start of a bad line, for an error message.
func clip(b []byte) string {
	const n = 60
	if len(b) > n {
		return fmt.Sprintf("%q...", b[:n])
	}
	return fmt.Sprintf("%q", b)
}

// ReadFile evaluates a log of JSON lines (see ReadLines): each line is a
// batch for the source's Records. Lines and records that cannot be used
// go to bad with their file and line, and are counted; the rest is
// evaluated. The error is a read error.
func (e *Evaluator) ReadFile(r io.Reader, name string, emit func(*alert.Alert), bad func(error)) error {
	report := func(err error) {
		if bad != nil {
			bad(err)
		}
	}
	// The closures are made once per file, not per line: a line's
	// records read its number from n.
	n := 0
	badRecord := func(err error) { report(fmt.Errorf("%s:%d: %w", name, n, err)) }
	return ReadLines(r, name, 0, func(line []byte, num int) {
		n = num
		if err := e.Batch(line, emit, badRecord); err != nil {
			badRecord(err)
		}
	}, func(err error) {
		e.Bad()
		report(err)
	})
}
