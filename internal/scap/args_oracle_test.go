package scap_test

import (
	"bufio"
	"bytes"
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

	"peregrine/internal/event"
	"peregrine/internal/scap"
	"peregrine/internal/testenv"
)

// This file checks event.AppendParamText against sysdig 0.29.3, the
// oracle: for every event of every shared capture sysdig reads, the text of
// our parameters must equal sysdig's evt.args once sysdig's state
// annotations (an fd's name, a thread's name, a user's name, a resolved
// path: what needs the state engine) are set aside.
//
// sysdig's output is kept in golden files under testdata/oracle, so the
// test runs without sysdig; where sysdig is installed (always under
// PEREGRINE_CI) it is run too and must still print the goldens.
// PEREGRINE_UPDATE_GOLDEN=1 rewrites them.

const updateGoldenVar = "PEREGRINE_UPDATE_GOLDEN"

// oracleTwin maps the shared captures sysdig 0.29.3 cannot read to a
// capture with the same events that it can: libs_curl_google_comments.scap
// is libs_curl_google.scap rewritten by editcap with section header
// options, which sysdig 0.29.3 rejects.
var oracleTwin = map[string]string{
	"libs_curl_google_comments.scap": "libs_curl_google.scap",
}

// oracleArgs is sysdig's evt.args for each event it printed, by evt.num.
type oracleArgs map[int]string

// sysdigFormat prints the event number and evt.args; the leading '*'
// keeps events whose args are empty.
const sysdigFormat = "*%evt.num\t%evt.args"

// parseSysdig reads sysdig's output in sysdigFormat. A line that does not
// start with a number and a tab continues the previous event's args (a
// string parameter holding a newline).
func parseSysdig(out []byte) (oracleArgs, error) {
	res := oracleArgs{}
	last := -1
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		num, args, ok := strings.Cut(line, "\t")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			if last < 0 {
				return nil, fmt.Errorf("sysdig output starts with %q", line)
			}
			res[last] += "\n" + line
			continue
		}
		res[n] = args
		last = n
	}
	return res, nil
}

// encodeGolden writes one line per event: the number, a tab and the
// quoted args.
func encodeGolden(a oracleArgs) []byte {
	var b bytes.Buffer
	for n := 1; len(a) > 0 && n <= maxKey(a); n++ {
		if s, ok := a[n]; ok {
			fmt.Fprintf(&b, "%d\t%s\n", n, strconv.Quote(s))
		}
	}
	return b.Bytes()
}

func maxKey(a oracleArgs) int {
	m := 0
	for k := range a {
		m = max(m, k)
	}
	return m
}

func decodeGolden(b []byte) (oracleArgs, error) {
	res := oracleArgs{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		num, q, ok := strings.Cut(sc.Text(), "\t")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("golden line %q", sc.Text())
		}
		s, err := strconv.Unquote(q)
		if err != nil {
			return nil, fmt.Errorf("golden line %d: %w", n, err)
		}
		res[n] = s
	}
	return res, sc.Err()
}

// runSysdig prints capture path with sysdig.
func runSysdig(t *testing.T, sysdig, path string) oracleArgs {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(sysdig, "-D", "-r", path, "-p", sysdigFormat)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sysdig -r %s: %v: %.300s", filepath.Base(path), err, stderr.String())
	}
	a, err := parseSysdig(stdout.Bytes())
	if err != nil {
		t.Fatalf("sysdig -r %s: %v", filepath.Base(path), err)
	}
	return a
}

// oracleFor returns sysdig's args for a capture from its golden file,
// checking them against sysdig when it is installed, or rewriting the
// golden under PEREGRINE_UPDATE_GOLDEN.
func oracleFor(t *testing.T, capture, golden string) oracleArgs {
	t.Helper()
	sysdig, err := exec.LookPath("sysdig")
	if err != nil && (testenv.Strict() || os.Getenv(updateGoldenVar) != "") {
		sysdig = testenv.Tool(t, "sysdig")
	}
	if os.Getenv(updateGoldenVar) != "" {
		a := runSysdig(t, sysdig, capture)
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, encodeGolden(a), 0o644); err != nil {
			t.Fatal(err)
		}
		return a
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("golden %s: %v (run with %s=1 to record it)", golden, err, updateGoldenVar)
	}
	want, err := decodeGolden(b)
	if err != nil {
		t.Fatalf("golden %s: %v", golden, err)
	}
	if sysdig != "" {
		live := runSysdig(t, sysdig, capture)
		if !bytes.Equal(encodeGolden(live), b) {
			t.Errorf("sysdig's output for %s differs from %s; rerun with %s=1 if sysdig changed", filepath.Base(capture), golden, updateGoldenVar)
		}
	}
	return want
}

// oldTable is the event table of sysdig 0.29.3's libs, from the shared
// reference dump: the parameter types by event type.
type oldTable map[int][]string

func loadOldTable(t *testing.T) oldTable {
	t.Helper()
	b, err := os.ReadFile(testenv.Shared(t, "reference/events_old.json"))
	if err != nil {
		t.Fatal(err)
	}
	var evs []struct {
		Num    int `json:"num"`
		Params []struct {
			Type string `json:"type"`
		} `json:"params"`
	}
	if err := json.Unmarshal(b, &evs); err != nil {
		t.Fatal(err)
	}
	tab := oldTable{}
	for _, e := range evs {
		for _, p := range e.Params {
			tab[e.Num] = append(tab[e.Num], p.Type)
		}
		if tab[e.Num] == nil {
			tab[e.Num] = []string{}
		}
	}
	return tab
}

// ourParam is one parameter as we render it: name, value and annotation
// (without parentheses; ann is "" when there is none).
type ourParam struct {
	name, value, ann string
	typ              string // the 2022 table's type name
}

// renderOurs renders the parameters of e that sysdig 0.29.3 shows: those
// both carried and in its table.
func renderOurs(e *event.Event, old oldTable) []ourParam {
	if t := e.Type(); t == 0 || t == 1 {
		return nil // sysdig prints no args for generic events
	}
	types := old[int(e.Type())]
	n := min(event.NumTextParams(e), len(types))
	var p event.Printer
	p.BufLimit = event.DefaultBufLimit
	out := make([]ourParam, n)
	for i := range n {
		full := string(p.AppendParam(nil, e, i))
		name, val, _ := strings.Cut(full, "=")
		res := string(p.AppendResolved(nil, e, i))
		op := ourParam{name: name, value: val, typ: types[i]}
		if res != val {
			op.value = val[:len(val)-len(res)-2]
			op.ann = res
		}
		out[i] = op
	}
	return out
}

// stateful reports whether sysdig may annotate a parameter of this 2022
// type from its state.
func stateful(typ string) bool {
	switch typ {
	case "PT_FD", "PT_PID", "PT_UID", "PT_GID", "PT_FSPATH", "PT_FSRELPATH", "PT_DYN":
		return true
	}
	return false
}

// compareArgs walks sysdig's args with our parameters. It returns "" when
// they agree, or a description of the first difference.
func compareArgs(ours []ourParam, theirs string) string {
	s := strings.TrimSuffix(theirs, " ") // sysdig ends evt.args with a space
	pos := 0
	for i, p := range ours {
		if i > 0 {
			if !strings.HasPrefix(s[pos:], " ") {
				return fmt.Sprintf("param %d: no separator at %q", i, s[pos:])
			}
			pos++
		}
		head := p.name + "="
		if !strings.HasPrefix(s[pos:], head) {
			return fmt.Sprintf("param %d: want %q at %q", i, head, s[pos:])
		}
		pos += len(head)
		val := p.value
		if p.typ == "PT_FDLIST" {
			// the type letters come from the fd table
			end := len(s)
			if i+1 < len(ours) {
				end = pos + strings.Index(s[pos:], " "+ours[i+1].name+"=")
			}
			if maskFDList(s[pos:end]) != val {
				return fmt.Sprintf("param %s: fd list %q, ours %q", p.name, s[pos:end], val)
			}
			pos = end
			continue
		}
		if !strings.HasPrefix(s[pos:], val) {
			return fmt.Sprintf("param %s: value %q, ours %q", p.name, prefix(s[pos:], len(val)+10), val)
		}
		pos += len(val)
		// The annotation, if sysdig printed one, runs to the next
		// parameter's name.
		theirAnn := ""
		if strings.HasPrefix(s[pos:], "(") {
			end := len(s)
			if i+1 < len(ours) {
				k := strings.Index(s[pos:], " "+ours[i+1].name+"=")
				if k < 0 {
					return fmt.Sprintf("param %s: no %q after it", p.name, ours[i+1].name)
				}
				end = pos + k
			}
			theirAnn = s[pos:end]
			if !strings.HasSuffix(theirAnn, ")") {
				return fmt.Sprintf("param %s: annotation %q", p.name, theirAnn)
			}
			theirAnn = theirAnn[1 : len(theirAnn)-1]
			pos = end
		}
		if theirAnn == p.ann {
			continue
		}
		if !stateful(p.typ) {
			return fmt.Sprintf("param %s: annotation %q, ours %q", p.name, theirAnn, p.ann)
		}
		// State annotations: ours has none (no Resolver) or the
		// state-free form (errno of a negative fd, <NA> for an id); sysdig
		// may have the state form, or nothing for an unknown thread.
		if theirAnn != "" && p.ann != "" && p.typ != "PT_UID" && p.typ != "PT_GID" {
			return fmt.Sprintf("param %s: annotation %q, ours %q", p.name, theirAnn, p.ann)
		}
	}
	if pos != len(s) {
		return fmt.Sprintf("trailing %q", s[pos:])
	}
	return ""
}

func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// maskFDList replaces the type letter of each "fd:Tflags" entry with '?'.
func maskFDList(s string) string {
	b := []byte(s)
	for i := 0; i+1 < len(b); i++ {
		if b[i] == ':' {
			b[i+1] = '?'
		}
	}
	return string(b)
}

// oracleResult counts one capture's comparison.
type oracleResult struct {
	events, compared, exact, mismatches int
	examples                            []string
}

// compareCapture renders every event of a capture and compares it with
// sysdig's args.
func compareCapture(t *testing.T, path string, want oracleArgs, old oldTable) oracleResult {
	t.Helper()
	r, err := scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var res oracleResult
	var e event.Event
	num := 0
	for {
		err := r.Next(&e)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		if int(e.Type()) >= event.OracleTypes {
			continue // sysdig 0.29.3 drops types it does not know
		}
		num++
		res.events++
		theirs, ok := want[num]
		if !ok {
			continue
		}
		res.compared++
		ours := renderOurs(&e, old)
		var full []byte
		for i := range ours {
			if i > 0 {
				full = append(full, ' ')
			}
			full = event.AppendParamText(full, &e, i, nil)
		}
		if string(full) == strings.TrimSuffix(theirs, " ") {
			res.exact++
		}
		if d := compareArgs(ours, theirs); d != "" {
			res.mismatches++
			if len(res.examples) < 10 {
				res.examples = append(res.examples, fmt.Sprintf("evt.num %d (%s): %s", num, e.Type().Name(), d))
			}
		}
	}
	if len(want) != res.compared {
		t.Errorf("%s: sysdig printed %d events, we matched %d of our %d", filepath.Base(path), len(want), res.compared, res.events)
	}
	return res
}

func TestArgsMatchSysdig(t *testing.T) {
	old := loadOldTable(t)
	for _, path := range testenv.Captures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			oracle, oraclePath := name, path
			if twin, ok := oracleTwin[name]; ok {
				oracle, oraclePath = twin, filepath.Join(filepath.Dir(path), twin)
			}
			golden := filepath.Join("testdata", "oracle", strings.TrimSuffix(oracle, ".scap")+".args")
			want := oracleFor(t, oraclePath, golden)
			res := compareCapture(t, path, want, old)
			t.Logf("%s: %d events, %d compared, %d identical text, %d mismatches", name, res.events, res.compared, res.exact, res.mismatches)
			for _, ex := range res.examples {
				t.Error(ex)
			}
		})
	}
}

// TestTextParamsFollowOldTable checks that, for every event sysdig 0.29.3
// knows, the text renderers name and type each parameter of its table as
// that table does (event.TextParam applies the differences).
func TestTextParamsFollowOldTable(t *testing.T) {
	b, err := os.ReadFile(testenv.Shared(t, "reference/events_old.json"))
	if err != nil {
		t.Fatal(err)
	}
	var evs []struct {
		Num    int `json:"num"`
		Params []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"params"`
	}
	if err := json.Unmarshal(b, &evs); err != nil {
		t.Fatal(err)
	}
	if len(evs) != event.OracleTypes {
		t.Fatalf("old table has %d events, OracleTypes is %d", len(evs), event.OracleTypes)
	}
	for _, e := range evs {
		for i, p := range e.Params {
			name, typ, ok := event.TextParam(event.Type(e.Num), i)
			if !ok {
				t.Errorf("event %d param %d (%s): not in the current table", e.Num, i, p.Name)
				continue
			}
			if name != p.Name || "PT_"+typ.String() != p.Type {
				t.Errorf("event %d param %d: renderers use %s %v, sysdig 0.29.3 has %s %s", e.Num, i, name, typ, p.Name, p.Type)
			}
		}
	}
}

// captureEvents loads every event of the shared captures, each with its
// own bytes.
func captureEvents(tb testing.TB) []*event.Event {
	tb.Helper()
	var events []*event.Event
	for _, path := range testenv.Captures(tb) {
		r, err := scap.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		for {
			var e event.Event
			if err := r.Next(&e); err != nil {
				if !errors.Is(err, io.EOF) {
					tb.Fatal(err)
				}
				break
			}
			kept := new(event.Event)
			e.Clone(kept)
			events = append(events, kept)
		}
		r.Close()
	}
	return events
}

// TestAppendArgsCapturesAllocs checks that rendering the real event mix
// into a buffer with room does not allocate.
func TestAppendArgsCapturesAllocs(t *testing.T) {
	events := captureEvents(t)
	dst := make([]byte, 0, 64<<10)
	allocs := testing.AllocsPerRun(5, func() {
		for _, e := range events {
			dst = event.AppendArgs(dst[:0], e, nil)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations rendering %d events, want 0", allocs, len(events))
	}
}

// BenchmarkAppendArgsCaptures renders every event of the shared captures
// (the real mix: procinfo, I/O, memory, network and process events) into
// a reused buffer.
func BenchmarkAppendArgsCaptures(b *testing.B) {
	events := captureEvents(b)
	dst := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range events {
			dst = event.AppendArgs(dst[:0], e, nil)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
	b.ReportMetric(float64(len(events)), "events")
}
