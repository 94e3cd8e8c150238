package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// peregrine runs the command line in-process and returns its output and
// exit code.
func peregrine(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return peregrineIn(t, nil, args...)
}

// peregrineIn is peregrine with stdin.
func peregrineIn(t *testing.T, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, bytes.NewReader(stdin), &o, &e)
	return o.String(), e.String(), code
}

// oracleFormat is the part of sysdig's default line that does not depend on
// its state engine: evt.num time cpu tid dir type.
const oracleFormat = "*%evt.num %evt.time %evt.cpu %thread.tid %evt.dir %evt.type"

// oracleNames are the event names of sysdig 0.29.3's table that current libs
// renamed.
var oracleNames = map[string]string{"sysdigevent": "scapevent"}

// TestEventsMatchSysdig checks `peregrine events --raw` against what sysdig
// 0.29.3 prints for every shared capture it can read: the same events in the
// same order with the same number, time, cpu, thread, direction and type
// (params are checked param by param in package scap). The oracle lines are
// committed under testdata/oracle and re-checked against sysdig when it is
// installed (always under PEREGRINE_CI).
func TestEventsMatchSysdig(t *testing.T) {
	for _, path := range testenv.Captures(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".scap")
		oracle := name
		if name == "libs_curl_google_comments" {
			// sysdig 0.29.3 cannot read its section header options;
			// it holds the events of libs_curl_google.
			oracle = "libs_curl_google"
		}
		t.Run(name, func(t *testing.T) {
			golden := filepath.Join("testdata", "oracle", oracle+".lines")
			want := oracleLines(t, filepath.Join(filepath.Dir(path), oracle+".scap"), golden)
			out, stderr, code := peregrine(t, "events", "--raw", "--tz", "UTC", "-r", path)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			// sysdig 0.29.3 drops event types its table does not have
			// (>= 336) without numbering them; number ours the same way.
			got := map[int]string{}
			n, beyond := 0, 0
			sc := bufio.NewScanner(strings.NewReader(out))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				f := strings.SplitN(sc.Text(), " ", 8)
				typ := eventTypeByName(f[6])
				if typ >= event.OracleTypes {
					beyond++
					continue
				}
				n++
				// num time cpu tid dir type, without the process name.
				got[n] = fmt.Sprintf("%d %s %s %s %s %s", n, f[1], f[2], strings.Trim(f[4], "()"), f[5], f[6])
			}
			matched := 0
			for num, line := range want {
				if got[num] != line {
					t.Errorf("event %d:\n ours   %q\n sysdig %q", num, got[num], line)
					continue
				}
				matched++
			}
			// Events sysdig consumes without printing (container JSON)
			// are the only ones it may leave out.
			t.Logf("%d events, %d compared and identical, %d of types sysdig 0.29.3 does not know, %d not printed by sysdig", n+beyond, matched, beyond, n-len(want))
			if n-len(want) > 1 {
				t.Errorf("sysdig printed %d events, we printed %d", len(want), n)
			}
		})
	}
}

// eventTypeByName returns the smallest event type number with that name,
// or 0 for a name that is no event type's: a generic event shown by its
// system call's name.
func eventTypeByName(name string) int {
	for i := 0; i < event.NumTypes(); i++ {
		if event.Type(i).Name() == name {
			return i
		}
	}
	return 0
}

// oracleLines reads the committed sysdig lines of a capture (keyed by
// evt.num), checking them against sysdig when it is installed.
func oracleLines(t *testing.T, capture, golden string) map[int]string {
	t.Helper()
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if sysdig, err := exec.LookPath("sysdig"); err == nil || testenv.Strict() {
		if err != nil {
			sysdig = testenv.Tool(t, "sysdig")
		}
		cmd := exec.Command(sysdig, "-D", "-r", capture, "-p", oracleFormat)
		cmd.Env = append(os.Environ(), "TZ=UTC")
		live, err := cmd.Output()
		if err != nil {
			t.Fatalf("sysdig -r %s: %v", capture, err)
		}
		if !bytes.Equal(live, b) {
			t.Fatalf("sysdig's output for %s differs from %s; regenerate it: TZ=UTC sysdig -D -r FILE -p '%s' > %s", capture, golden, oracleFormat, golden)
		}
	}
	lines := map[int]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(l)
		if len(f) != 6 {
			t.Fatalf("%s: bad line %q", golden, l)
		}
		if r, ok := oracleNames[f[5]]; ok {
			f[5] = r
		}
		var num int
		fmt.Sscan(f[0], &num)
		lines[num] = strings.Join(f, " ")
	}
	return lines
}

func TestEventsJSON(t *testing.T) {
	path := testenv.Shared(t, "captures/libs_single_ipv6_conn.scap")
	text, _, code := peregrine(t, "events", "-r", path)
	if code != 0 {
		t.Fatal("text run failed")
	}
	out, stderr, code := peregrine(t, "events", "-o", "json", "-r", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if want := strings.Count(text, "\n"); len(lines) != want {
		t.Fatalf("%d JSON lines, %d text lines", len(lines), want)
	}
	keys := []string{"evt.args", "evt.cpu", "evt.dir", "evt.num", "evt.params", "evt.time", "evt.type", "proc.name", "thread.tid"}
	connects := 0
	for i, l := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, l)
		}
		var got []string
		for k := range obj {
			got = append(got, k)
		}
		if diff := cmp.Diff(keys, got, cmpSorted); diff != "" {
			t.Fatalf("line %d keys (-want +got):\n%s", i+1, diff)
		}
		if obj["evt.num"].(float64) != float64(i+1) {
			t.Fatalf("line %d has evt.num %v", i+1, obj["evt.num"])
		}
		if obj["evt.type"] == "connect" && obj["evt.dir"] == "<" {
			connects++
			params := obj["evt.params"].(map[string]any)
			if !strings.Contains(params["tuple"].(string), "->") {
				t.Errorf("connect tuple %q", params["tuple"])
			}
		}
	}
	if connects == 0 {
		t.Fatal("no connect exit in the capture")
	}
}

var cmpSorted = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

// TestEventsWrite copies captures with -w (plain and gzip) and checks that
// the copy prints exactly like the original.
func TestEventsWrite(t *testing.T) {
	for _, name := range []string{"libs_curl_google.scap", "libs_sample.scap"} {
		for _, gz := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/gzip=%v", name, gz), func(t *testing.T) {
				in := testenv.Shared(t, "captures/"+name)
				out := filepath.Join(t.TempDir(), "copy.scap")
				args := []string{"events", "-r", in, "-w", out}
				if gz {
					args = append(args, "-z")
				}
				_, stderr, code := peregrine(t, args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				if !strings.Contains(stderr, "wrote ") {
					t.Errorf("no summary on stderr: %q", stderr)
				}
				for _, mode := range [][]string{{"--raw"}, {}} {
					want, _, _ := peregrine(t, append([]string{"events", "--tz", "UTC", "-r", in}, mode...)...)
					got, _, code := peregrine(t, append([]string{"events", "--tz", "UTC", "-r", out}, mode...)...)
					if code != 0 || got != want {
						t.Fatalf("copy %v prints differently from the original (exit %d)", mode, code)
					}
				}
				b, _ := os.ReadFile(out)
				if isGzip := len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b; isGzip != gz {
					t.Errorf("gzip = %v, want %v", isGzip, gz)
				}
			})
		}
	}
}

func TestEventsStdin(t *testing.T) {
	path := testenv.Shared(t, "captures/falco_ping_sendto.scap") // gzip
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := peregrine(t, "events", "-r", path)
	got, stderr, code := peregrineIn(t, b, "events", "-r", "-")
	if code != 0 || got != want {
		t.Fatalf("exit %d (%s); stdin output differs from file output", code, stderr)
	}
	if _, stderr, code := peregrineIn(t, nil, "events", "-r", "-"); code != exitError || !strings.Contains(stderr, "standard input: not a scap capture") {
		t.Fatalf("empty stdin: exit %d, %q", code, stderr)
	}
}

func TestEventsCount(t *testing.T) {
	path := testenv.Shared(t, "captures/libs_curl_google.scap")
	out, _, code := peregrine(t, "events", "-n", "5", "-r", path)
	if code != 0 || strings.Count(out, "\n") != 5 {
		t.Fatalf("exit %d, %d lines", code, strings.Count(out, "\n"))
	}
}

func TestEventsErrors(t *testing.T) {
	good, err := os.ReadFile(testenv.Shared(t, "captures/libs_sample.scap")) // plain
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.scap")
	if err := os.WriteFile(truncated, good[:len(good)*6/7], 0o644); err != nil {
		t.Fatal(err)
	}
	notScap := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notScap, []byte("this is not a capture file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
		lines  bool // some events printed before the error
	}{
		{"no file", []string{"events"}, exitUsage, "-r FILE is required", false},
		{"bad format", []string{"events", "-r", truncated, "-o", "yaml"}, exitUsage, `-o "yaml"`, false},
		{"unknown flag", []string{"events", "--frobnicate"}, exitUsage, "unknown flag", false},
		{"-z without -w", []string{"events", "-r", truncated, "-z"}, exitUsage, "-z needs -w", false},
		{"bad zone", []string{"events", "-r", truncated, "--tz", "Mars/Olympus"}, exitUsage, "--tz", false},
		{"missing file", []string{"events", "-r", filepath.Join(dir, "nope.scap")}, exitError, "no such file", false},
		{"not a capture", []string{"events", "-r", notScap}, exitError, "not a scap capture", false},
		{"truncated", []string{"events", "-r", truncated}, exitError, "at offset", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := peregrine(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want exit %d containing %q", code, stderr, tt.code, tt.stderr)
			}
			if (out != "") != tt.lines {
				t.Fatalf("stdout has %d bytes", len(out))
			}
		})
	}
}

// TestEventsAnnotationsMatchSysdig compares the exit events of
// `peregrine events` (normalised, with the machine state) with sysdig
// 0.29.3's default lines for every shared capture it reads: the same
// thread name, and the same parameters with the same state annotations
// (fd=3(<f>/etc/hosts), ptid=3200(bash), uid=0(root)). A normalised exit
// event carries its enter parameters after the exit's own, so sysdig's
// parameters must be a prefix of ours.
func TestEventsAnnotationsMatchSysdig(t *testing.T) {
	sysdig := testenv.Tool(t, "sysdig")
	for _, path := range testenv.Captures(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".scap")
		if name == "libs_curl_google_comments" {
			continue // sysdig 0.29.3 cannot read its section header
		}
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(sysdig, "-r", path)
			cmd.Env = append(os.Environ(), "TZ=UTC")
			ref, err := cmd.Output()
			if err != nil {
				t.Fatalf("sysdig -r %s: %v", path, err)
			}
			want := map[string][2]string{} // time tid type -> comm, args
			for _, l := range strings.Split(string(ref), "\n") {
				if k, comm, args, ok := splitLine(strings.TrimRight(l, " ")); ok {
					want[k] = [2]string{comm, args}
				}
			}
			out, stderr, code := peregrine(t, "events", "--tz", "UTC", "-r", path)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			compared, bad := 0, 0
			for _, l := range strings.Split(out, "\n") {
				k, comm, args, ok := splitLine(l)
				if !ok || !strings.Contains(k, " < ") {
					continue
				}
				w, found := want[k]
				if !found {
					continue // a type sysdig 0.29.3 does not know
				}
				compared++
				if comm != w[0] || (args != w[1] && !strings.HasPrefix(args, w[1]+" ")) {
					if bad++; bad <= 5 {
						t.Errorf("%s:\n ours   %s %s\n sysdig %s %s", k, comm, args, w[0], w[1])
					}
				}
			}
			t.Logf("%d exit events compared, %d differ", compared, bad)
			if compared == 0 && strings.Contains(string(ref), " < ") {
				t.Error("no exit event compared")
			}
		})
	}
}

// splitLine splits a default text line into its key (time, tid,
// direction, type), thread name and parameters.
func splitLine(l string) (key, comm, args string, ok bool) {
	f := strings.SplitN(l, " ", 8)
	if len(f) < 7 {
		return "", "", "", false
	}
	if len(f) == 8 {
		args = f[7]
	}
	return f[1] + " " + f[4] + " " + f[5] + " " + f[6], f[3], args, true
}

func TestEventsFilterAndFormat(t *testing.T) {
	path := testenv.Shared(t, "captures/libs_curl_google.scap")
	out, stderr, code := peregrine(t, "events", "-r", path, "evt.type = execve", "-p", "%evt.num %proc.name %proc.pname %proc.cmdline")
	if code != 0 || out != "211 curl bash curl -6 http://www.google.com\n" {
		t.Fatalf("exit %d %s: %q", code, stderr, out)
	}
	// Without '*' an event with a field without value is not printed.
	out, _, _ = peregrine(t, "events", "-r", path, "evt.type = execve", "-p", "%evt.num %fd.name")
	if out != "" {
		t.Fatalf("printed %q", out)
	}
	out, _, _ = peregrine(t, "events", "-r", path, "evt.type = execve", "-p", "*%evt.num %fd.name")
	if out != "211 <NA>\n" {
		t.Fatalf("printed %q", out)
	}
	out, _, _ = peregrine(t, "events", "-r", path, "evt.type = execve", "-p", "*%evt.num %proc.name %fd.name", "-o", "json")
	if out != `{"evt.num":211,"proc.name":"curl","fd.name":null}`+"\n" {
		t.Fatalf("printed %q", out)
	}
	// The filter alone keeps the default line, and evt.num counts every
	// event (of the normalised stream: sysdig, on the raw one, numbers this
	// open exit 1137 and finds it alone too).
	out, _, _ = peregrine(t, "events", "--tz", "UTC", "-r", path, "fd.name = /etc/hosts and evt.type = open")
	if n := strings.Count(out, "\n"); n != 1 || !strings.HasPrefix(out, "722 17:35:48.519099056 0 curl (17498) < open fd=4(<f>/etc/hosts)") {
		t.Fatalf("%d lines:\n%s", n, out)
	}
	// -n counts printed events.
	out, _, _ = peregrine(t, "events", "-r", path, "fd.name startswith /etc", "-n", "3")
	if strings.Count(out, "\n") != 3 {
		t.Fatalf("-n 3 printed:\n%s", out)
	}
}

func TestEventsFilterWrite(t *testing.T) {
	path := testenv.Shared(t, "captures/libs_curl_google.scap")
	outFile := filepath.Join(t.TempDir(), "opens.scap")
	_, stderr, code := peregrine(t, "events", "-r", path, "evt.type = open and fd.name startswith /etc", "-w", outFile)
	// sysdig finds the same 8: 'evt.type=open and evt.dir=< and fd.name startswith /etc'.
	if code != 0 || !strings.Contains(stderr, "wrote 8 of 991 events") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out, _, code := peregrine(t, "events", "-r", outFile, "-p", "%proc.name %fd.name")
	if code != 0 || strings.Count(out, "\n") != 8 || !strings.Contains(out, "curl /etc/hosts") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// The events the filter left out but that build the state (curl's
	// clone and execve) are in the file flagged state-only: sysdig applies
	// and hides them as we do, and names the process too.
	sysdig := testenv.Tool(t, "sysdig")
	theirs, err := exec.Command(sysdig, "-r", outFile, "-p", "%proc.name %fd.name").Output()
	if err != nil || string(theirs) != out {
		t.Fatalf("sysdig (%v):\n%s\nours:\n%s", err, theirs, out)
	}
}

func TestEventsFilterErrors(t *testing.T) {
	path := testenv.Shared(t, "captures/libs_curl_google.scap")
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"proc.nam = curl"}, "events: filter: 1:1: unknown field proc.nam"},
		{[]string{"proc.name = "}, "events: filter:"},
		{[]string{"shell_procs"}, "a filter has no macros"},
		{[]string{"-p", "%proc.nmae"}, "events: -p:"},
		{[]string{"--raw", "proc.name = curl"}, "drop --raw"},
		{[]string{"a = b", "c = d"}, "one FILTER at most"},
	}
	for _, tt := range tests {
		_, stderr, code := peregrine(t, append([]string{"events", "-r", path}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%v: exit %d, %q; want exit 2 with %q", tt.args, code, stderr, tt.stderr)
		}
	}
}
