package state_test

import (
	"bytes"
	"fmt"
	"path/filepath"

	"sort"
	"strconv"
	"strings"
	"testing"

	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/state"
)

// The filter half of the differential test: each filter is compiled by
// the rules engine against the state binder and run over every shared
// capture; the exit events it matches must be those sysdig 0.29.3 matches
// (`sysdig -d -D -r FILE '(FILTER) and evt.dir=<'`). The filters use the
// operators of the condition language that 0.29.3 knows (it has no
// bcontains, no val(), no IPv6 networks).

// oracleFilter is a filter and, when the two tools may disagree on it,
// the exceptions that explain why.
type oracleFilter struct {
	cond string
	// differs names the fields whose known disagreements (see
	// oracleExceptions) the filter inherits; a mismatching event is
	// accepted when one of them disagrees on that event.
	differs []string
}

// Most fd filters leave mmap out: current libs flags it as using a
// descriptor and 0.29.3 did not (see oracleExceptions), so every fd field
// differs on it; "fd.name exists" keeps it to show that.
var oracleFilters = []oracleFilter{
	{cond: "evt.type = open"},
	{cond: "evt.type in (open, openat, close, read)"},
	{cond: "evt.type != clock_gettime and evt.type != mprotect"},
	{cond: "proc.name = curl and fd.typechar = f and evt.type != mmap"},
	{cond: "fd.name startswith /etc and evt.type != mmap"},
	{cond: "fd.name endswith .so.6 and evt.type != mmap"},
	{cond: "fd.name contains lib and not fd.name contains libc and evt.type != mmap"},
	{cond: "fd.name icontains LIBC and evt.type != mmap"},
	{cond: "fd.name glob '/usr/lib/*.so.*' and evt.type != mmap"},
	{cond: "fd.name pmatch (/etc, /usr/lib) and evt.type != mmap"},
	{cond: "fd.directory = /etc and evt.type != mmap"},
	{cond: "fd.filename startswith lib and evt.type != mmap"},
	{cond: "fd.name exists", differs: []string{"fd.name"}},
	{cond: "not fd.name exists and evt.type != mmap", differs: []string{"fd.name"}},
	{cond: "evt.rawres < 0", differs: []string{"evt.rawres"}},
	{cond: "evt.rawres >= 3", differs: []string{"evt.rawres"}},
	{cond: "evt.rawres <= 0 and evt.rawres > -100", differs: []string{"evt.rawres"}},
	{cond: "evt.res != SUCCESS", differs: []string{"evt.res"}},
	{cond: "evt.res = ENOENT"},
	{cond: "evt.arg.res = ENOENT"},
	{cond: "evt.failed = true"},
	{cond: "evt.buflen > 20"},
	{cond: "evt.is_io_read = true"},
	{cond: "evt.is_io_write = true and fd.type = ipv6"},
	{cond: "evt.category = net"},
	{cond: "evt.category in (file, memory)", differs: []string{"evt.category"}},
	{cond: "proc.pid != 17497"},
	{cond: "thread.tid = 17498"},
	{cond: "thread.ismain = false"},
	{cond: "proc.name in (curl, bash)"},
	{cond: "not proc.name in (curl, bash)"},
	{cond: "proc.cmdline contains google"},
	{cond: "proc.args startswith -6"},
	{cond: "proc.exe = curl and proc.cwd = /home/ubuntu/"},
	{cond: "proc.pname = bash", differs: []string{"proc.pname"}},
	{cond: "proc.aname = bash", differs: []string{"proc.pname"}},
	{cond: "proc.aname = systemd"},
	{cond: "proc.apid = 3200", differs: []string{"proc.pname"}},
	{cond: "proc.loginshellid = 3200"},
	{cond: "user.name = ubuntu"},
	{cond: "user.uid > 0 and user.uid < 4294967295"},
	{cond: "user.uid = 0"},
	{cond: "user.loginuid = -1", differs: []string{"user.loginuid"}},
	{cond: "group.name = root"},
	{cond: "container.id = host"},
	{cond: "container.id != host"},
	{cond: "container.image startswith nginx"},
	{cond: "fd.sport = 53"},
	{cond: "fd.sport in (53, 1234)"},
	{cond: "fd.port = 1234"},
	{cond: "fd.port != 53 and fd.type = ipv6"},
	{cond: "fd.l4proto = udp"},
	{cond: "fd.l4proto = tcp"},
	{cond: "fd.sip = 2001:4860:4860::8888"},
	{cond: "fd.ip = 2001:db8::3"},
	{cond: "fd.cip = 2001:db8::4"},
	{cond: "fd.typechar in (4, 6)"},
	{cond: "fd.sockfamily = unix"},
	{cond: "fd.is_server = true", differs: []string{"fd.is_server"}},
	{cond: "fd.num >= 3 and evt.type != mmap", differs: []string{"fd.num"}},
	{cond: "evt.is_open_read = true"},
	{cond: "evt.type = sendmsg and proc.name = '<NA>'"},
	{cond: "proc.name = bash and fd.name = /tmp/test"},
	{cond: "(evt.type = open or evt.type = close) and not fd.name contains .so"},
}

// runSysdigFilters runs every filter over capture and prints, for each,
// a header line and the key of each match.
func runSysdigFilters(t *testing.T, sysdig, capture string) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, f := range oracleFilters {
		var stdout, stderr bytes.Buffer
		cmd := sysdigCmd(sysdig, "-r", capture, "-p", "*%evt.rawtime %thread.tid %evt.type", "("+f.cond+") and evt.dir=<")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("sysdig %q on %s: %v: %.300s", f.cond, filepath.Base(capture), err, stderr.String())
		}
		fmt.Fprintf(&out, "=== %s\n", f.cond)
		out.Write(stdout.Bytes())
	}
	return out.Bytes()
}

// parseSysdigFilters reads runSysdigFilters' output: the matches of each
// filter.
func parseSysdigFilters(out []byte) (map[string][]eventKey, error) {
	res := map[string][]eventKey{}
	cur := ""
	for _, line := range readLines(out) {
		if c, ok := strings.CutPrefix(line, "=== "); ok {
			cur = c
			res[cur] = nil
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("sysdig match line %q", line)
		}
		ts, err1 := strconv.ParseUint(f[0], 10, 64)
		tid, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("sysdig match line %q", line)
		}
		res[cur] = append(res[cur], eventKey{ts, tid, f[2]})
	}
	return res, nil
}

// ourMatches replays capture with every filter compiled against the
// binder and returns the exit events each matches.
func ourMatches(t *testing.T, capture string) map[string][]eventKey {
	t.Helper()
	res := map[string][]eventKey{}
	var filters []*rules.Filter
	replay(t, capture, func(e *event.Event, b *state.Binder) {
		if filters == nil {
			for _, f := range oracleFilters {
				flt, err := rules.CompileFilter(f.cond, rules.Options{Binder: b})
				if err != nil {
					t.Fatalf("compile %q: %v", f.cond, err)
				}
				filters = append(filters, flt)
			}
		}
		if e.Dir() != event.Exit {
			return
		}
		for i, flt := range filters {
			if flt.Match(e.Type()) {
				c := oracleFilters[i].cond
				res[c] = append(res[c], eventKey{e.Timestamp(), e.TID(), e.TypeName()})
			}
		}
	})
	return res
}

// TestOracleFilters compares the events each filter matches with
// sysdig's.
func TestOracleFilters(t *testing.T) {
	matched, explainedN := 0, 0
	for capture, twin := range oracleCaptures(t) {
		name := filepath.Base(capture)
		t.Run(name, func(t *testing.T) {
			stem := filepath.Join("testdata", "oracle", strings.TrimSuffix(filepath.Base(twin), ".scap"))
			out := oracleGolden(t, stem+".filters.txt.gz", func(sysdig string) []byte { return runSysdigFilters(t, sysdig, twin) })
			theirs, err := parseSysdigFilters(out)
			if err != nil {
				t.Fatal(err)
			}
			ours := ourMatches(t, capture)
			fields := ourFieldDisagreements(t, name, capture, twin)
			for _, f := range oracleFilters {
				want, ok := theirs[f.cond]
				if !ok {
					t.Fatalf("golden has no result for %q; rerun with %s=1", f.cond, oracleUpdateVar)
				}
				matched += len(want)
				for _, d := range symmetricDiff(ours[f.cond], want) {
					if explained(fields, d.key, f.differs) {
						explainedN++
						continue
					}
					t.Errorf("filter %q: event %s matched by %s only", f.cond, d.key, d.side)
				}
			}
		})
	}
	t.Logf("%d filters, %d matches by sysdig over the shared captures, %d events matched by one tool only, all explained", len(oracleFilters), matched, explainedN)
}

// sided is an event only one tool matched.
type sided struct {
	key  eventKey
	side string
}

// symmetricDiff returns the events in one list only.
func symmetricDiff(ours, theirs []eventKey) []sided {
	count := map[eventKey]int{}
	for _, k := range ours {
		count[k]++
	}
	for _, k := range theirs {
		count[k]--
	}
	var out []sided
	for k, n := range count {
		switch {
		case n > 0:
			out = append(out, sided{k, "us"})
		case n < 0:
			out = append(out, sided{k, "sysdig"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key.ts < out[j].key.ts })
	return out
}

// ourFieldDisagreements returns, by event, the fields on which the field
// comparison found an explained disagreement.
func ourFieldDisagreements(t *testing.T, name, capture, twin string) map[eventKey]map[string]bool {
	t.Helper()
	stem := filepath.Join("testdata", "oracle", strings.TrimSuffix(filepath.Base(twin), ".scap"))
	out := oracleGolden(t, stem+".fields.jsonl.gz", func(sysdig string) []byte { return runSysdigFields(t, sysdig, twin) })
	theirs, err := parseSysdigFields(out)
	if err != nil {
		t.Fatal(err)
	}
	ours := map[eventKey]fieldValues{}
	for _, r := range ourFields(t, capture) {
		if _, dup := ours[r.key]; !dup {
			ours[r.key] = r.vals
		}
	}
	res := map[eventKey]map[string]bool{}
	for _, r := range theirs {
		mine := ours[r.key]
		for _, f := range oracleFields {
			o, okO := mine[f]
			s, okS := r.vals[f]
			if !agree(f, o, okO, s, okS) && findException(name, f, r.key.kind) != nil {
				if res[r.key] == nil {
					res[r.key] = map[string]bool{}
				}
				res[r.key][f] = true
			}
		}
	}
	return res
}

// explained reports whether one of the fields a filter inherits
// disagreements from disagrees on the event.
func explained(fields map[eventKey]map[string]bool, k eventKey, differs []string) bool {
	for _, f := range differs {
		if fields[k][f] {
			return true
		}
	}
	return false
}
