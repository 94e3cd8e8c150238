package state_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// Running sysdig 0.29.3 for the differential tests, reading what it
// prints, and keeping it in golden files.

// sysdigFieldFormat is the -p format of the field comparison.
func sysdigFieldFormat() string {
	var b strings.Builder
	b.WriteString("*")
	for i, f := range append(append([]string{}, oracleKeyFields...), oracleFields...) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("%" + f)
	}
	return b.String()
}

// sysdigCmd runs sysdig as the oracle wrapper does, in UTC so that the
// time fields do not depend on the machine's zone.
func sysdigCmd(sysdig string, args ...string) *exec.Cmd {
	cmd := exec.Command(sysdig, append([]string{"-d", "-D"}, args...)...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	return cmd
}

// runSysdigFields prints the fields of the exit events of capture.
func runSysdigFields(t *testing.T, sysdig, capture string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := sysdigCmd(sysdig, "-r", capture, "-j", "-p", sysdigFieldFormat(), "evt.dir=<")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sysdig -r %s: %v: %.300s", filepath.Base(capture), err, stderr.String())
	}
	return stdout.Bytes()
}

// sysdigTextFormat is the -p format of the text comparison: the key and
// the fields separated by tabs.
func sysdigTextFormat() string {
	var b strings.Builder
	b.WriteString("*")
	for i, f := range append(append([]string{}, oracleKeyFields...), oracleTextFields...) {
		if i > 0 {
			b.WriteString("\t")
		}
		b.WriteString("%" + f)
	}
	return b.String()
}

// runSysdigText prints the text fields of the exit events of capture.
func runSysdigText(t *testing.T, sysdig, capture string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := sysdigCmd(sysdig, "-r", capture, "-p", sysdigTextFormat(), "evt.dir=<")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sysdig -r %s: %v: %.300s", filepath.Base(capture), err, stderr.String())
	}
	return stdout.Bytes()
}

// parseSysdigText reads sysdig's tab-separated lines; <NA> is no value.
func parseSysdigText(out []byte) ([]oracleRecord, error) {
	var recs []oracleRecord
	for _, line := range readLines(out) {
		cells := strings.Split(line, "\t")
		if len(cells) != len(oracleKeyFields)+len(oracleTextFields) {
			return nil, fmt.Errorf("sysdig text line with %d cells: %q", len(cells), line)
		}
		ts, err1 := strconv.ParseUint(cells[0], 10, 64)
		tid, err2 := strconv.ParseInt(cells[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("sysdig text line without time or thread: %q", line)
		}
		rec := oracleRecord{key: eventKey{ts, tid, cells[2]}, vals: fieldValues{}}
		for i, f := range oracleTextFields {
			if c := cells[len(oracleKeyFields)+i]; c != "<NA>" {
				rec.vals[f] = c
			}
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// jsonText renders a value of sysdig's JSON as text; ok is false for null.
func jsonText(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case json.Number:
		return v.String(), true
	}
	return fmt.Sprint(v), true
}

// parseSysdigFields reads sysdig's JSON lines.
func parseSysdigFields(out []byte) ([]oracleRecord, error) {
	var recs []oracleRecord
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	for {
		var obj map[string]any
		err := dec.Decode(&obj)
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("sysdig JSON after %d events: %w", len(recs), err)
		}
		ts, _ := jsonText(obj["evt.rawtime"])
		tid, _ := jsonText(obj["thread.tid"])
		kind, _ := jsonText(obj["evt.type"])
		n, err1 := strconv.ParseUint(ts, 10, 64)
		id, err2 := strconv.ParseInt(tid, 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("sysdig event without time or thread: %v", obj)
		}
		rec := oracleRecord{key: eventKey{n, id, kind}, vals: fieldValues{}}
		for _, f := range oracleFields {
			if s, ok := jsonText(obj[f]); ok {
				rec.vals[f] = s
			}
		}
		recs = append(recs, rec)
	}
}

// oracleGolden returns sysdig's output from the gzip-compressed golden
// file golden, checking it against sysdig when installed, or rewriting it
// under PEREGRINE_UPDATE_GOLDEN. run produces sysdig's output.
func oracleGolden(t *testing.T, golden string, run func(sysdig string) []byte) []byte {
	t.Helper()
	sysdig, err := exec.LookPath("sysdig")
	if err != nil && (testenv.Strict() || os.Getenv(oracleUpdateVar) != "") {
		sysdig = testenv.Tool(t, "sysdig")
	}
	if os.Getenv(oracleUpdateVar) != "" {
		out := run(sysdig)
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		var z bytes.Buffer
		zw := gzip.NewWriter(&z) // no name or time in the header: the file depends on its content only
		if _, err := zw.Write(out); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return out
	}
	raw, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("golden %s: %v (run with %s=1 to record it)", golden, err, oracleUpdateVar)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("golden %s: %v", golden, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("golden %s: %v", golden, err)
	}
	if sysdig != "" {
		if live := run(sysdig); !bytes.Equal(live, b) {
			t.Errorf("sysdig's output differs from %s; rerun with %s=1 if sysdig or the field list changed", golden, oracleUpdateVar)
		}
	}
	return b
}

// readLines splits text into lines.
func readLines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
