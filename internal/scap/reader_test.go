package scap

import (
	"errors"
	"io"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/event"
	"peregrine/internal/testenv"
)

// captureFacts are the per-file numbers the reader must reproduce. They
// were cross-checked with tools/scapwalk.py -v (blocks, event blocks, types)
// and an independent Python walk of the metadata blocks; the event counts
// match sysdig 0.29.3 (`sysdig -D -r FILE -p '*%evt.num'`), except for
// libs_sample where sysdig skips the 95 events of types 354/358 that it
// does not know (it delivers 477) and curl_google_comments, which sysdig
// cannot open.
type captureFacts struct {
	file        string
	version     Version
	hostname    string
	blocks      uint64 // all blocks, SHB included
	eventBlocks uint64
	events      uint64
	ifaces      int
	users       int
	groups      int
	procs       int
	fdLists     int
	fds         int
	tailBytes   int // bytes of the V9 tail of every process entry; -1 for older PL versions
}

var captureTable = []captureFacts{
	{"falco_empty.scap", Version{1, 2}, "ubuntu", 1 + 4 + 218 + 143, 143, 143, 11, 45, 77, 218, 218, 883, 4},
	{"falco_ping_sendto.scap", Version{1, 2}, "ubuntu", 1 + 4 + 136 + 1526, 1526, 1526, 10, 42, 72, 136, 136, 674, 4},
	{"falco_psp_privileged.scap", Version{1, 2}, "ubuntu", 1 + 4 + 100 + 2059, 2059, 2059, 11, 45, 77, 100, 100, 644, 4},
	{"falco_psp_write_tmp_test.scap", Version{1, 2}, "ubuntu", 1 + 4 + 124 + 229, 229, 229, 11, 45, 77, 124, 124, 693, 4},
	{"libs_curl_google.scap", Version{1, 0}, "ip-10-0-0-79", 1 + 4 + 54 + 1536, 1536, 1536, 5, 31, 55, 54, 54, 316, -1},
	{"libs_curl_google_comments.scap", Version{1, 0}, "ip-10-0-0-79", 1 + 4 + 54 + 1536, 1536, 1536, 5, 31, 55, 54, 54, 316, -1},
	{"libs_sample.scap", Version{1, 2}, "ubuntu2204.localdomain", 1 + 4 + 94 + 572, 572, 572, 6, 34, 61, 94, 94, 515, 66},
	{"libs_single_ipv6_conn.scap", Version{1, 2}, "ubuntu", 1 + 4 + 154 + 1728, 1728, 1728, 13, 42, 72, 154, 154, 564, 0},
}

// tailBytes returns the size of a stored V9 tail as the reader saw it.
func tailBytes(t ProcTail) int {
	sizes := currentTailSizes[:]
	if t.Legacy {
		sizes = legacyTailSizes[:]
	}
	n := len(t.Rest)
	for i := range int(t.Fields) {
		n += sizes[i]
	}
	return n
}

// readAll reads every event of r, checking that each one loads as a
// valid event of a known type.
func readAll(t *testing.T, r *Reader) {
	t.Helper()
	var e event.Event
	for {
		err := r.Next(&e)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("Next after %d events: %v", r.Stats().Events, err)
		}
		if !e.Type().Known() || e.Len() != uint32(len(e.Bytes())) {
			t.Fatalf("event %d: type %d, len %d of %d bytes", r.Stats().Events, e.Type(), e.Len(), len(e.Bytes()))
		}
	}
}

func TestReadSharedCaptures(t *testing.T) {
	for _, tc := range captureTable {
		t.Run(tc.file, func(t *testing.T) {
			r, err := Open(testenv.Shared(t, "captures/"+tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			readAll(t, r)
			st := r.Stats()
			m := r.Meta()
			nfds := 0
			for _, l := range m.FDLists {
				nfds += len(l.FDs)
			}
			got := captureFacts{
				file: tc.file, version: m.Version, blocks: st.Blocks, eventBlocks: st.EventBlocks,
				events: st.Events, ifaces: len(m.Interfaces), users: len(m.Users), groups: len(m.Groups),
				procs: len(m.Procs), fdLists: len(m.FDLists), fds: nfds, tailBytes: -1,
			}
			if m.Machine != nil {
				got.hostname = m.Machine.Hostname
			}
			if len(m.ProcTails) != len(m.Procs) {
				t.Fatalf("%d tails for %d processes", len(m.ProcTails), len(m.Procs))
			}
			for i, pt := range m.ProcTails {
				n := tailBytes(pt)
				if i == 0 && tc.tailBytes >= 0 {
					got.tailBytes = n
				}
				if tc.tailBytes >= 0 && n != got.tailBytes {
					t.Errorf("process %d: tail of %d bytes, process 0 has %d", i, n, got.tailBytes)
				}
			}
			if diff := cmp.Diff(tc, got, cmp.AllowUnexported(captureFacts{})); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
			if st.UnknownEvents != 0 || st.UnknownBlocks != 0 || st.Sections != 1 {
				t.Errorf("unknown events %d, unknown blocks %d, sections %d; want 0, 0, 1", st.UnknownEvents, st.UnknownBlocks, st.Sections)
			}
		})
	}
}

// recorded is an event as read, with the block fields that travel with it.
type recorded struct {
	CPU   uint16
	Flags uint32
	Bytes []byte
}

// readEvents reads a whole capture into memory.
func readEvents(t *testing.T, r *Reader) []recorded {
	t.Helper()
	var out []recorded
	var e event.Event
	for {
		err := r.Next(&e)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d events: %v", len(out), err)
		}
		out = append(out, recorded{CPU: e.CPU, Flags: e.BlockFlags, Bytes: append([]byte(nil), e.Bytes()...)})
	}
}

// openShared opens a shared capture, closing it when the test ends.
func openShared(t *testing.T, name string) *Reader {
	t.Helper()
	r, err := Open(testenv.Shared(t, "captures/"+name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// The comments file is curl_google rewritten by editcap: 88 bytes of
// options in the section header and 116 bytes of pcapng comment options
// appended to three event blocks, after the event. Skipping both must give
// exactly the same capture.
func TestSHBOptionsSkipped(t *testing.T) {
	a, b := openShared(t, "libs_curl_google.scap"), openShared(t, "libs_curl_google_comments.scap")
	ea, eb := readEvents(t, a), readEvents(t, b)
	if diff := cmp.Diff(ea, eb); diff != "" {
		t.Errorf("events differ (-plain +comments):\n%s", diff)
	}
	if diff := cmp.Diff(a.Meta(), b.Meta(), metaOpts()); diff != "" {
		t.Errorf("metadata differs (-plain +comments):\n%s", diff)
	}
	if sa, sb := a.Stats().Bytes, b.Stats().Bytes; sb-sa != 88+116 {
		t.Errorf("consumed %d and %d bytes; the options are 88+116", sa, sb)
	}
}

// metaOpts compares metadata: addresses by value.
func metaOpts() cmp.Option { return cmpopts.EquateComparable(netip.Addr{}) }
