package forensics

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// CustodyFile is the name of the chain-of-custody log at the top of a
// bundle.
const CustodyFile = "custody.log"

// genesis stands in for the hash of the line before the first one.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// CustodyLog is the append-only chain-of-custody log of a bundle. Each
// line is one event, six fields separated by tabs:
//
//	<UTC time, RFC 3339 with nanoseconds> <sequence from 1> <SHA-256 of the previous line> <operator> <event> <quoted detail>
//
// The previous-line hash chains the lines: changing, removing or
// reordering a line breaks every hash after it ([CheckCustody] tells).
// The file is opened with O_APPEND and each line is written with a
// single write. A CustodyLog is not safe for concurrent use.
type CustodyLog struct {
	f        *os.File
	operator string
	seq      int
	prev     string
	err      error // first write error, reported by Close
}

// custodyFlags open a custody log that must not exist, for appending.
const custodyFlags = os.O_WRONLY | os.O_APPEND | os.O_CREATE | os.O_EXCL

// createCustody creates the log at path, which must not exist.
func createCustody(path, operator string) (*CustodyLog, error) {
	f, err := os.OpenFile(path, custodyFlags, 0o640)
	if err != nil {
		return nil, fmt.Errorf("custody log: %w", err)
	}
	return newCustody(f, operator), nil
}

// newCustody starts a log in f, opened with custodyFlags.
func newCustody(f *os.File, operator string) *CustodyLog {
	return &CustodyLog{f: f, operator: fieldSafe(operator), prev: genesis}
}

// Record appends one event with its detail (formatted as by fmt.Sprintf).
// A write error is kept and returned by Close; recording goes on.
func (c *CustodyLog) Record(event, format string, args ...any) {
	line := strings.Join([]string{
		time.Now().UTC().Format(time.RFC3339Nano),
		strconv.Itoa(c.seq + 1),
		c.prev,
		c.operator,
		fieldSafe(event),
		strconv.Quote(fmt.Sprintf(format, args...)),
	}, "\t")
	if _, err := c.f.WriteString(line + "\n"); err != nil && c.err == nil {
		c.err = fmt.Errorf("custody log line %d: %w", c.seq+1, err)
	}
	c.seq++
	sum := sha256.Sum256([]byte(line))
	c.prev = hex.EncodeToString(sum[:])
}

// Close flushes the log to disk and closes it; it returns the first error
// met since the log was created.
func (c *CustodyLog) Close() error {
	if err := c.f.Sync(); err != nil && c.err == nil {
		c.err = fmt.Errorf("custody log: %w", err)
	}
	if err := c.f.Close(); err != nil && c.err == nil {
		c.err = fmt.Errorf("custody log: %w", err)
	}
	return c.err
}

// fieldSafe keeps tabs and line breaks out of a log field.
func fieldSafe(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// CustodyEntry is one line of a custody log, as read back.
type CustodyEntry struct {
	Time     time.Time
	Seq      int
	Operator string
	Event    string
	Detail   string
}

// CheckCustody reads the custody log at path and checks its chain: the
// sequence numbers count up from 1 and each line carries the hash of the
// one before. It returns the entries up to the first broken line and an
// error naming that line.
func CheckCustody(path string) ([]CustodyEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("custody log: %w", err)
	}
	defer f.Close()
	var out []CustodyEntry
	prev := genesis
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fields := strings.Split(line, "\t")
		if len(fields) != 6 {
			return out, fmt.Errorf("custody log line %d: %d fields, want 6", n, len(fields))
		}
		when, err := time.Parse(time.RFC3339Nano, fields[0])
		if err != nil {
			return out, fmt.Errorf("custody log line %d: time: %w", n, err)
		}
		if fields[1] != strconv.Itoa(n) {
			return out, fmt.Errorf("custody log line %d: sequence number %q, want %d", n, fields[1], n)
		}
		if fields[2] != prev {
			return out, fmt.Errorf("custody log line %d: chain broken (previous line hash %.12s..., want %.12s...)", n, fields[2], prev)
		}
		detail, err := strconv.Unquote(fields[5])
		if err != nil {
			return out, fmt.Errorf("custody log line %d: detail: %w", n, err)
		}
		out = append(out, CustodyEntry{Time: when, Seq: n, Operator: fields[3], Event: fields[4], Detail: detail})
		sum := sha256.Sum256([]byte(line))
		prev = hex.EncodeToString(sum[:])
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("custody log: %w", err)
	}
	return out, nil
}
