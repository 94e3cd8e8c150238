package scap

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// convRun reads a capture through a Converter and calls visit with each
// raw event and what the converter made of it.
func convRun(t testing.TB, path string, c *Converter, visit func(raw, out *event.Event, ok bool, err error)) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var e event.Event
	for {
		err := r.Next(&e)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out, ok, err := c.Convert(&e)
		visit(&e, out, ok, err)
	}
}

// convCaptureFacts is what normalising one capture does. The counts were
// taken from a run and checked against the invariants below and against
// sysdig's view of the raw events (enter/exit pairs per thread).
type convCaptureFacts struct {
	file  string
	in    int
	stats ConverterStats
	// conversions counts delivered rewritten events, "from -> to", each
	// side as ENUM/params.
	conversions map[string]int
}

var convCaptureTable = []convCaptureFacts{
	{file: "falco_empty.scap", in: 143, stats: ConverterStats{Passed: 143}},
	{file: "falco_ping_sendto.scap", in: 1526,
		stats:       ConverterStats{Passed: 1506, Converted: 10, EnterDropped: 10},
		conversions: map[string]int{"SOCKET_SENDMSG_X/2 -> SOCKET_SENDMSG_X/5": 10}},
	{file: "falco_psp_privileged.scap", in: 2059,
		stats:       ConverterStats{Passed: 2058, Converted: 1},
		conversions: map[string]int{"CONTAINER_JSON_E/1 -> CONTAINER_JSON_2_E/1": 1}},
	{file: "falco_psp_write_tmp_test.scap", in: 229,
		stats: ConverterStats{Passed: 226, Converted: 3},
		conversions: map[string]int{
			"CONTAINER_JSON_E/1 -> CONTAINER_JSON_2_E/1": 1,
			"SYSCALL_OPEN_E/0 -> SYSCALL_OPEN_E/3":       1,
			"SYSCALL_OPEN_X/5 -> SYSCALL_OPEN_X/6":       1,
		}},
	{file: "libs_curl_google.scap", in: 1536,
		stats:       ConverterStats{Passed: 350, Converted: 641, EnterDropped: 536, OldDropped: 9, NoEnter: 1, Pending: 2},
		conversions: convCurlConversions},
	{file: "libs_curl_google_comments.scap", in: 1536,
		stats:       ConverterStats{Passed: 350, Converted: 641, EnterDropped: 536, OldDropped: 9, NoEnter: 1, Pending: 2},
		conversions: convCurlConversions},
	{file: "libs_sample.scap", in: 572,
		stats: ConverterStats{Passed: 398, Converted: 87, EnterDropped: 87, NoEnter: 8, Pending: 8},
		conversions: map[string]int{
			"GENERIC_X/1 -> GENERIC_X/2":                     26,
			"SYSCALL_EPOLLWAIT_X/1 -> SYSCALL_EPOLLWAIT_X/2": 1,
			"SYSCALL_FUTEX_X/1 -> SYSCALL_FUTEX_X/4":         15,
			"SYSCALL_IOCTL_3_X/1 -> SYSCALL_IOCTL_3_X/4":     2,
			"SYSCALL_NANOSLEEP_X/1 -> SYSCALL_NANOSLEEP_X/2": 38,
			"SYSCALL_READ_X/2 -> SYSCALL_READ_X/4":           2,
			"SYSCALL_WRITE_X/2 -> SYSCALL_WRITE_X/4":         3,
		}},
	{file: "libs_single_ipv6_conn.scap", in: 1728,
		stats: ConverterStats{Passed: 1701, Converted: 16, EnterDropped: 10, OldDropped: 1},
		conversions: map[string]int{
			"SOCKET_BIND_X/2 -> SOCKET_BIND_X/3":       2,
			"SOCKET_CONNECT_E/1 -> SOCKET_CONNECT_E/2": 3,
			"SOCKET_CONNECT_X/2 -> SOCKET_CONNECT_X/4": 3,
			"SOCKET_LISTEN_X/1 -> SOCKET_LISTEN_X/3":   1,
			"SOCKET_SOCKET_X/1 -> SOCKET_SOCKET_X/5":   4,
			"SYSCALL_READ_X/2 -> SYSCALL_READ_X/4":     2,
			"SYSCALL_WRITE_X/2 -> SYSCALL_WRITE_X/4":   1,
		}},
}

var convCurlConversions = map[string]int{
	"GENERIC_X/1 -> GENERIC_X/2":                       183,
	"SOCKET_CONNECT_E/1 -> SOCKET_CONNECT_E/2":         4,
	"SOCKET_CONNECT_X/2 -> SOCKET_CONNECT_X/4":         4,
	"SOCKET_RECVFROM_X/3 -> SOCKET_RECVFROM_X/5":       4,
	"SOCKET_SENDTO_X/2 -> SOCKET_SENDTO_X/5":           2,
	"SOCKET_SOCKET_X/1 -> SOCKET_SOCKET_X/5":           5,
	"SYSCALL_ACCESS_X/2 -> SYSCALL_ACCESS_X/3":         39,
	"SYSCALL_BRK_4_X/4 -> SYSCALL_BRK_4_X/5":           4,
	"SYSCALL_CLONE_20_X/20 -> SYSCALL_CLONE_20_X/21":   2,
	"SYSCALL_CLOSE_X/1 -> SYSCALL_CLOSE_X/2":           54,
	"SYSCALL_EXECVE_16_X/16 -> SYSCALL_EXECVE_19_X/31": 1,
	"SYSCALL_FCNTL_X/1 -> SYSCALL_FCNTL_X/4":           4,
	"SYSCALL_FSTAT_X/1 -> SYSCALL_FSTAT_X/2":           49,
	"SYSCALL_FUTEX_X/1 -> SYSCALL_FUTEX_X/4":           2,
	"SYSCALL_GETRLIMIT_X/3 -> SYSCALL_GETRLIMIT_X/4":   1,
	"SYSCALL_IOCTL_3_X/1 -> SYSCALL_IOCTL_3_X/4":       2,
	"SYSCALL_MMAP_X/4 -> SYSCALL_MMAP_X/10":            110,
	"SYSCALL_MUNMAP_X/4 -> SYSCALL_MUNMAP_X/6":         5,
	"SYSCALL_OPEN_E/0 -> SYSCALL_OPEN_E/3":             48,
	"SYSCALL_OPEN_X/4 -> SYSCALL_OPEN_X/6":             48,
	"SYSCALL_POLL_X/2 -> SYSCALL_POLL_X/3":             15,
	"SYSCALL_READ_X/2 -> SYSCALL_READ_X/4":             50,
	"SYSCALL_WRITE_X/2 -> SYSCALL_WRITE_X/4":           5,
}

func convKey(e *event.Event) string {
	return fmt.Sprintf("%s/%d", e.Info().Enum, e.StoredParams())
}

// TestConverterCaptures normalises every shared capture and checks the
// counts, that the output is current, and that every exit completed
// from an enter event of the same thread carries that event's values.
func TestConverterCaptures(t *testing.T) {
	for _, f := range convCaptureTable {
		t.Run(f.file, func(t *testing.T) {
			path := testenv.Shared(t, filepath.Join("captures", f.file))
			c := NewConverter()
			in, out := 0, 0
			conv := map[string]int{}
			var wantStored, wantOld uint64
			prev := map[int64]*event.Event{} // last raw event of each thread, if an enter
			convRun(t, path, c, func(raw, o *event.Event, ok bool, err error) {
				in++
				if err != nil {
					t.Errorf("event %d: %v", in, err)
					return
				}
				// Independent expectations from the raw event.
				info := raw.Info()
				if raw.Dir() == event.Enter && info != nil {
					if r := convLookup(raw.Type(), raw.StoredParams()); r != nil && r.act == actStore {
						wantStored++
					}
					if info.Flags&event.OldVersion != 0 && info.Flags&event.ConverterManaged == 0 {
						wantOld++
					}
				}
				enter := prev[raw.TID()]
				if raw.Dir() == event.Enter {
					var cp event.Event
					raw.Clone(&cp)
					prev[raw.TID()] = &cp
				} else {
					delete(prev, raw.TID())
				}
				if !ok {
					return
				}
				out++
				if o != raw {
					conv[convKey(raw)+" -> "+convKey(o)]++
				}
				convCheckOutput(t, in, o)
				convCheckFromEnter(t, in, enter, raw, o)
			})
			s := c.Stats()
			t.Logf("%s: %d in, %d out; %+v", f.file, in, out, s)
			if in != f.in {
				t.Errorf("read %d events, want %d", in, f.in)
			}
			if got := int(s.Passed + s.Converted); got != out {
				t.Errorf("delivered %d, stats say %d", out, got)
			}
			if s.EnterDropped != wantStored || s.OldDropped != wantOld {
				t.Errorf("EnterDropped %d OldDropped %d, raw events say %d and %d", s.EnterDropped, s.OldDropped, wantStored, wantOld)
			}
			if diff := cmp.Diff(f.stats, s); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if f.conversions == nil {
				f.conversions = map[string]int{}
			}
			if diff := cmp.Diff(f.conversions, conv); diff != "" {
				t.Errorf("conversions (-want +got):\n%s", diff)
			}
			keys := make([]string, 0, len(conv))
			for k := range conv {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				t.Logf("  %4d %s", conv[k], k)
			}
		})
	}
}

// convCheckOutput checks that a delivered event is current.
func convCheckOutput(t *testing.T, n int, o *event.Event) {
	t.Helper()
	info := o.Info()
	if info == nil {
		return
	}
	if o.Dir() == event.Enter && info.Flags&event.OldVersion != 0 {
		// Only enter events the table itself passes on (execve 19,
		// execveat) may stay old.
		if r := convLookup(o.Type(), o.StoredParams()); r == nil || (r.act != actPass && r.act != actStoreAndPass) {
			t.Errorf("event %d: old enter event %s delivered", n, info.Enum)
		}
	}
	if o.Dir() == event.Exit && info.Flags&event.ConverterManaged != 0 && o.StoredParams() != len(info.Params) {
		t.Errorf("event %d: %s with %d params, want %d", n, info.Enum, o.StoredParams(), len(info.Params))
	}
}

// convCheckFromEnter checks, for exit events whose raw predecessor on the
// same thread was their enter event, that every parameter the rule takes
// from the enter event equals it (cut to the target size).
func convCheckFromEnter(t *testing.T, n int, enter, raw, o *event.Event) {
	t.Helper()
	if enter == nil || raw.Dir() != event.Exit || enter.Type() != raw.Type()-1 {
		return
	}
	r := convLookup(raw.Type(), raw.StoredParams())
	if r == nil || r.act != actAdd {
		return
	}
	for k, st := range r.steps {
		if st.src != srcEnter {
			continue
		}
		want := enter.Param(int(st.idx))
		pos := int(r.n) + k
		if max, _ := convMaxLen(o.Info().Params[pos].Type, o.Info().LenWidth()); len(want) > max {
			want = want[:max]
		}
		if got := o.Param(pos); string(got) != string(want) {
			t.Errorf("event %d %s: param %d = % x, enter param %d = % x", n, o.Info().Enum, pos, got, st.idx, want)
		}
	}
}

// convFirst returns the first delivered event of a capture for which match
// is true.
func convFirst(t *testing.T, file string, match func(raw, out *event.Event) bool) convShape {
	t.Helper()
	path := testenv.Shared(t, filepath.Join("captures", file))
	var found *convShape
	convRun(t, path, NewConverter(), func(raw, o *event.Event, ok bool, err error) {
		if found == nil && ok && err == nil && match(raw, o) {
			s := convShapeOf(o)
			found = &s
		}
	})
	if found == nil {
		t.Fatalf("%s: no matching event", file)
	}
	return *found
}

func convIs(tid int64, typ event.Type) func(raw, out *event.Event) bool {
	return func(raw, out *event.Event) bool { return out.TID() == tid && out.Type() == typ }
}

// TestConverterCaptureSpotChecks compares single normalised events with
// what sysdig 0.29.3 shows of the raw enter/exit pairs (see the comments):
// the parameters moved from the enter event must hold its values.
func TestConverterCaptureSpotChecks(t *testing.T) {
	neg := func(v int64) string { return cvU64(uint64(v)) }
	tests := []struct {
		name  string
		file  string
		match func(raw, out *event.Event) bool
		// check lists the expected parameters by index; others are not
		// compared (data buffers, tuples).
		check  map[int]string
		nparam int
		typ    event.Type
	}{{
		// 230 > read fd=3(...libcurl-gnutls.so.4) size=832; 231 < read res=832
		name: "read takes fd and size from its enter", file: "libs_curl_google.scap",
		match: convIs(17497, 7), typ: 7, nparam: 4,
		check: map[int]string{0: cvU64(832), 2: cvU64(3), 3: cvU32(832)},
	}, {
		// 218 > open (no params); 219 < open fd=3 name=/etc/ld.so.cache flags=4097 mode=0
		name: "open exit gets empty dev and ino", file: "libs_curl_google.scap",
		match: convIs(17497, 3), typ: 3, nparam: 6,
		check: map[int]string{0: cvU64(3), 1: cvStr("/etc/ld.so.cache"), 2: cvU32(4097), 3: cvU32(0), 4: "", 5: ""},
	}, {
		name: "an open enter without params gets three empty ones", file: "libs_curl_google.scap",
		match: convIs(17497, 2), typ: 2, nparam: 3,
		check: map[int]string{0: "", 1: "", 2: ""},
	}, {
		// 224 > close fd=3; 225 < close res=0
		name: "close takes fd from its enter", file: "libs_curl_google.scap",
		match: convIs(17497, 5), typ: 5, nparam: 2,
		check: map[int]string{0: cvU64(0), 1: cvU64(3)},
	}, {
		// 211 < execve res=0 exe=curl tid=17497 pid=17497 ptid=3200
		// cwd=/home/ubuntu fdlimit=1024 ... comm=curl; its enter event is
		// not in the capture, so filename stays empty.
		name: "execve 16 becomes execve 19 with 31 params", file: "libs_curl_google.scap",
		match: convIs(17497, 293), typ: 293, nparam: 31,
		check: map[int]string{0: cvU64(0), 1: cvStr("curl"), 3: cvU64(17497), 4: cvU64(17497),
			5: cvU64(3200), 6: cvStr("/home/ubuntu"), 7: cvU64(1024), 13: cvStr("curl"),
			16: "", 17: "", 18: "", 19: "", 20: "", 23: "", 26: "", 27: "", 28: "", 29: "", 30: ""},
	}, {
		// 1009 > socket domain=10 type=2 proto=0; 1010 < socket fd=4
		name: "socket takes domain, type, proto; flags empty", file: "libs_curl_google.scap",
		match: convIs(17497, 19), typ: 19, nparam: 5,
		check: map[int]string{0: cvU64(4), 1: cvU32(10), 2: cvU32(2), 3: cvU32(0), 4: ""},
	}, {
		// 1056 > connect fd=4; 1057 < connect res=-2: fd from the enter,
		// addr the zero sockaddr (the enter had none).
		name: "connect exit", file: "libs_curl_google.scap",
		match: convIs(17498, 23), typ: 23, nparam: 4,
		check: map[int]string{0: neg(-2), 2: cvU64(4), 3: "\x00"},
	}, {
		name: "connect enter completed and passed on", file: "libs_curl_google.scap",
		match: convIs(17498, 22), typ: 22, nparam: 2,
		check: map[int]string{0: cvU64(4), 1: "\x00"},
	}, {
		// 852 > listen fd=3 backlog=1; 853 < listen res=0
		name: "listen", file: "libs_single_ipv6_conn.scap",
		match: convIs(25886, 25), typ: 25, nparam: 3,
		check: map[int]string{0: cvU64(0), 1: cvU64(3), 2: cvU32(1)},
	}, {
		// 850 > bind fd=3; 851 < bind res=0 addr=2001:db8::3:1234
		name: "bind", file: "libs_single_ipv6_conn.scap",
		match: convIs(25886, 21), typ: 21, nparam: 3,
		check: map[int]string{0: cvU64(0), 2: cvU64(3)},
	}, {
		// 1345 > write fd=3 size=15; 1346 < write res=15 data=this is a test.
		name: "write", file: "libs_single_ipv6_conn.scap",
		match: convIs(25888, 9), typ: 9, nparam: 4,
		check: map[int]string{0: cvU64(15), 1: "this is a test\n", 2: cvU64(3), 3: cvU32(15)},
	}, {
		// 1347 > read fd=4 size=2048; 1348 < read res=15
		name: "read", file: "libs_single_ipv6_conn.scap",
		match: convIs(25886, 7), typ: 7, nparam: 4,
		check: map[int]string{0: cvU64(15), 1: "this is a test\n", 2: cvU64(4), 3: cvU32(2048)},
	}, {
		// 116 < open fd=3 name=/tmp/test flags=262 mode=0666 dev=2D
		name: "open exit with dev gets an empty ino", file: "falco_psp_write_tmp_test.scap",
		match: convIs(25754, 3), typ: 3, nparam: 6,
		check: map[int]string{0: cvU64(3), 1: cvStr("/tmp/test"), 2: cvU32(262), 3: cvU32(0o666), 4: cvU32(0x2d), 5: ""},
	}, {
		// 137 > sendmsg fd=3 size=64; 138 < sendmsg res=64
		name: "sendmsg", file: "falco_ping_sendto.scap",
		match: convIs(738, 49), typ: 49, nparam: 5,
		check: map[int]string{0: cvU64(64), 2: cvU64(3), 3: cvU32(64)},
	}, {
		// 46 > nanosleep interval=0; 63 < nanosleep res=0
		name: "nanosleep", file: "libs_sample.scap",
		match: convIs(762, 135), typ: 135, nparam: 2,
		check: map[int]string{0: cvU64(0), 1: cvU64(0)},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := convFirst(t, tt.file, tt.match)
			if got.Type != tt.typ || len(got.Params) != tt.nparam {
				t.Fatalf("type %d with %d params, want %d with %d", got.Type, len(got.Params), tt.typ, tt.nparam)
			}
			for i, want := range tt.check {
				if got.Params[i] != want {
					t.Errorf("param %d (%s) = %q, want %q", i, tt.typ.Info().Params[i].Name, got.Params[i], want)
				}
			}
		})
	}
}

// TestConverterContainerCapture checks the container event of a 2019
// capture: its JSON moves unchanged to the large-payload type.
func TestConverterContainerCapture(t *testing.T) {
	var raw string
	got := convFirst(t, "falco_psp_privileged.scap", func(r, o *event.Event) bool {
		if r.Type() == 272 {
			raw = string(r.Param(0))
			return true
		}
		return false
	})
	want := convShape{Type: 324, TID: got.TID, TS: got.TS, Params: []string{raw}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(raw) < 10 || raw[0] != '{' {
		t.Errorf("raw container JSON %q", raw)
	}
}
