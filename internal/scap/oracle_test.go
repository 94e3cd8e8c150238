package scap

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// sysdigTableSize is the number of event types sysdig 0.29.3 knows; it
// skips events of later types.
const sysdigTableSize = 336

// run runs a tool and returns its standard output (standard error, where
// sysdig logs, is kept only for the failure message).
func run(t *testing.T, tool string, args ...string) ([]byte, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(tool, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		msg := stderr.String()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		t.Logf("%s %s: %v: %s", filepath.Base(tool), strings.Join(args, " "), err, msg)
	}
	return stdout.Bytes(), err
}

func lines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lastEvtNum runs sysdig with -p '*%evt.num' and returns the last number
// printed: evt.num counts every event sysdig delivers, shown or not.
func lastEvtNum(t *testing.T, sysdig, path string) int {
	t.Helper()
	out, err := run(t, sysdig, "-D", "-r", path, "-p", "*%evt.num")
	if err != nil {
		t.Fatalf("sysdig cannot read %s", filepath.Base(path))
	}
	l := lines(out)
	if len(l) == 0 {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(l[len(l)-1]))
	if err != nil {
		t.Fatalf("sysdig evt.num %q", l[len(l)-1])
	}
	return n
}

// tsharkFrames returns the number of frames tshark reads from path.
func tsharkFrames(t *testing.T, tshark, path string) int {
	t.Helper()
	out, err := run(t, tshark, "-r", path, "-T", "fields", "-e", "frame.number")
	if err != nil {
		t.Fatalf("tshark cannot read %s", filepath.Base(path))
	}
	return len(lines(out))
}

var walkSummary = regexp.MustCompile(`blocks=(\{[^}]*\}) events=(\d+)`)

// walkBlocks runs scapwalk.py (which asserts trailers, padding and
// parameter lengths) and returns its block counts, e.g. "'EV_V2': 12".
func walkBlocks(t *testing.T, path string) string {
	t.Helper()
	py := testenv.Tool(t, "python3")
	out, err := run(t, py, testenv.Shared(t, "tools/scapwalk.py"), path)
	if err != nil {
		t.Fatalf("scapwalk rejects %s: %s", filepath.Base(path), out)
	}
	m := walkSummary.FindSubmatch(out)
	if m == nil {
		t.Fatalf("scapwalk output: %s", out)
	}
	return string(m[1])
}

func writeFile(t *testing.T, c capture, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, writeCapture(t, c, WriterOptions{}), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Files we write are accepted by scapwalk, sysdig and tshark. sysdig
// prints exactly the same lines for the rewritten file as for the
// original, even for curl_google whose v1 events we rewrite as v2 (so our
// parameter counts are the ones libs infers). tshark shows one frame per
// EV_V2 block.
func TestOraclesAcceptWrittenFiles(t *testing.T) {
	sysdig := testenv.Tool(t, "sysdig")
	tshark := testenv.Tool(t, "tshark")
	for _, tc := range captureTable {
		t.Run(tc.file, func(t *testing.T) {
			c := readCapture(t, openShared(t, tc.file))
			out := writeFile(t, c, tc.file)
			if got, want := walkBlocks(t, out), "'EV_V2': "+strconv.Itoa(len(c.events)); !strings.Contains(got, want) {
				t.Errorf("scapwalk blocks %s, want %s", got, want)
			}
			in := testenv.Shared(t, "captures/"+tc.file)
			if tc.file == "libs_curl_google_comments.scap" {
				// sysdig 0.29.3 cannot skip SHB options: compare with the
				// same capture without them.
				if o, err := run(t, sysdig, "-D", "-r", in); err == nil && len(o) > 0 {
					t.Errorf("sysdig read %s; the reference says it cannot", tc.file)
				}
				in = testenv.Shared(t, "captures/libs_curl_google.scap")
			}
			want, err := run(t, sysdig, "-D", "-r", in)
			if err != nil {
				t.Fatal("sysdig cannot read the original")
			}
			got, err := run(t, sysdig, "-D", "-r", out)
			if err != nil {
				t.Fatal("sysdig cannot read the rewritten file")
			}
			if diff := cmp.Diff(lines(want), lines(got)); diff != "" {
				t.Errorf("sysdig -D output (-original +rewritten):\n%s", diff)
			}
			known := 0
			for _, rec := range c.events {
				if le.Uint16(rec.Bytes[20:]) < sysdigTableSize {
					known++
				}
			}
			if n := lastEvtNum(t, sysdig, out); n != known {
				t.Errorf("sysdig delivers %d events, want %d of %d (types below %d)", n, known, len(c.events), sysdigTableSize)
			}
			if n := tsharkFrames(t, tshark, out); n != len(c.events) {
				t.Errorf("tshark reads %d frames, want %d", n, len(c.events))
			}
		})
	}
}

// Block flags and large-payload types select EVF_V2, EV_V2_LARGE and
// EVF_V2_LARGE blocks. sysdig delivers every event; tshark 4.0 shows the
// EV_V2 and EV_V2_LARGE blocks and skips the EVF ones.
func TestOraclesFlagsAndLarge(t *testing.T) {
	sysdig := testenv.Tool(t, "sysdig")
	tshark := testenv.Tool(t, "tshark")
	c := readCapture(t, openShared(t, "libs_single_ipv6_conn.scap"))
	c.events = c.events[:60]
	for i := range c.events {
		if i%10 == 5 {
			c.events[i].Flags = event.StateOnly
		}
	}
	last := c.events[len(c.events)-1]
	var b event.Builder
	b.Reset(324, le.Uint64(last.Bytes)+1, int64(le.Uint64(last.Bytes[8:]))) // container JSON_2: 32-bit lengths
	b.String(`{"container":{"id":"0123456789ab","name":"big","image":"x","labels":{"pad":"` + strings.Repeat("p", 70000) + `"}}}`)
	raw, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	large := append([]byte(nil), raw...)
	c.events = append(c.events, recorded{CPU: 1, Bytes: large}, recorded{CPU: 1, Flags: event.StateOnly, Bytes: large}, last)

	path := writeFile(t, c, "flags_large.scap")
	if got, want := walkBlocks(t, path), "'EV_V2': 55, 'EVF_V2': 6, 'EV_V2_LARGE': 1, 'EVF_V2_LARGE': 1"; !strings.Contains(got, want) {
		t.Errorf("blocks %s, want %s", got, want)
	}
	back := readBytes(t, mustRead(t, path))
	if diff := cmp.Diff(c.events, back.events); diff != "" {
		t.Errorf("events (-written +read):\n%s", diff)
	}
	if n := lastEvtNum(t, sysdig, path); n != len(c.events) {
		t.Errorf("sysdig delivers %d events, want %d", n, len(c.events))
	}
	if n := tsharkFrames(t, tshark, path); n != 56 {
		t.Errorf("tshark reads %d frames, want 56 (55 EV_V2 and 1 EV_V2_LARGE)", n)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
