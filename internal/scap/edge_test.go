package scap

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
)

// v1 events get the parameter count libs infers: the largest count, from
// the table's down, whose lengths add up to the event length; notification
// and infrastructure events first lose 3 bytes of length.
func TestV1Conversion(t *testing.T) {
	str := func(s string) []byte { return append([]byte(s), 0) }
	tests := []struct {
		name    string
		block   uint32
		flags   uint32
		ev      []byte // v1 event
		nparams uint32
		length  uint32 // v2 length after conversion
	}{
		{"close exit, both params", blockEV, 0, v1Event(5, 1, 100, 0, u64b(0), u64b(3)), 2, 26 + 4 + 16},
		{"close exit, one param", blockEV, 0, v1Event(5, 1, 100, 0, u64b(0)), 1, 26 + 2 + 8},
		{"close exit, no params", blockEV, 0, v1Event(5, 1, 100, 0), 0, 26},
		{"legacy id", blockEVInt, 0, v1Event(5, 1, 100, 0, u64b(0), u64b(3)), 2, 26 + 4 + 16},
		{"with flags", blockEVF, 1, v1Event(5, 1, 100, 0, u64b(0), u64b(3)), 2, 26 + 4 + 16},
		{"notification, length 3 too long", blockEV, 0, v1Event(280, 1, 100, 3, str("id"), str("hello")), 2, 26 + 4 + 3 + 6},
		{"infrastructure, length 3 too long", blockEV, 0, v1Event(286, 1, 100, 3, str("k8s"), str("n"), str("d"), str("s")), 4, 26 + 8 + 4 + 2 + 2 + 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := cat(u16b(3), tc.ev)
			if tc.flags != 0 {
				body = cat(u16b(3), u32b(tc.flags), tc.ev)
			}
			r, err := NewReader(bytes.NewReader(cat(shb(1, 0), blk(tc.block, body))))
			if err != nil {
				t.Fatal(err)
			}
			var e event.Event
			if err := r.Next(&e); err != nil {
				t.Fatal(err)
			}
			if e.StoredParams() != int(tc.nparams) || e.Len() != tc.length || e.CPU != 3 || e.BlockFlags != tc.flags {
				t.Errorf("nparams %d, len %d, cpu %d, flags %d; want %d, %d, 3, %d", e.StoredParams(), e.Len(), e.CPU, e.BlockFlags, tc.nparams, tc.length, tc.flags)
			}
			// Header fields survive the move, and the params are intact.
			if e.Timestamp() != 1 || e.TID() != 100 || !bytes.Equal(e.Bytes()[26+2*int(tc.nparams):], tc.ev[22+2*int(tc.nparams):22+2*int(tc.nparams)+int(tc.length)-26-2*int(tc.nparams)]) {
				t.Errorf("converted event %x from %x", e.Bytes(), tc.ev)
			}
			if err := r.Next(&e); err != io.EOF {
				t.Errorf("after the event: %v", err)
			}
		})
	}
}

// Sections: a metadata block or a section header after events starts a
// new section whose metadata Meta returns from then on.
func TestSections(t *testing.T) {
	ev := closeX(t, 1, 3)
	mi := func(host string) []byte {
		b := cat(u32b(2), u64b(1<<30), u64b(32768), []byte(host), make([]byte, 128-len(host)), u64b(7), u64b(0), u64b(0), u64b(0))
		return blk(blockMI, b)
	}
	data := cat(shb(1, 2), mi("one"), evV2(0, ev),
		mi("two"), blk(blockPLV9, plEntryV9(42, "two", nil)), evV2(0, ev),
		shb(1, 0), mi("three"), evV2(0, ev), evV2(0, ev))
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		Host     string
		Version  Version
		Procs    int
		Sections int
	}
	var got []step
	var e event.Event
	for r.Next(&e) == nil {
		m := r.Meta()
		got = append(got, step{m.Machine.Hostname, m.Version, len(m.Procs), r.Stats().Sections})
	}
	want := []step{{"one", Version{1, 2}, 0, 1}, {"two", Version{1, 2}, 1, 2}, {"three", Version{1, 0}, 0, 3}, {"three", Version{1, 0}, 0, 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
}

// The V9 tail is read in the layout its size selects, field by field as
// far as it goes, and written back byte for byte.
func TestProcTails(t *testing.T) {
	legacy := cat(u32b(1000), []byte{1}, u64b(1), u64b(2), u64b(3))
	current := cat(u64b(99), u32b(34816), u32b(1000), []byte{1}, u64b(1), u64b(2), u64b(3), []byte{1}, u64b(4), u64b(5), u64b(6), []byte{1}, []byte{1}, u64b(77))
	none := event.ProcessDefaults()
	full := withTail(none, func(p *event.Process) {
		p.PidnsInitStartTS, p.TTY, p.LoginUID, p.ExeWritable = 99, 34816, 1000, true
		p.CapInheritable, p.CapPermitted, p.CapEffective = 1, 2, 3
		p.ExeUpperLayer, p.ExeIno, p.ExeInoCtime, p.ExeInoMtime = true, 4, 5, 6
		p.ExeFromMemfd, p.ExeLowerLayer, p.PGID = true, true, 77
	})
	tests := []struct {
		name string
		tail []byte
		want ProcTail
		proc event.Process // the tail fields expected
	}{
		{"none", nil, ProcTail{}, none},
		{"3 bytes: no field fits", legacy[:3], ProcTail{Rest: legacy[:3]}, none},
		{"legacy loginuid only", legacy[:4], ProcTail{Legacy: true, Fields: 1}, withTail(none, func(p *event.Process) { p.LoginUID = 1000 })},
		{"legacy with a partial field", legacy[:6], ProcTail{Legacy: true, Fields: 2, Rest: []byte{1}}, withTail(none, func(p *event.Process) { p.LoginUID, p.ExeWritable = 1000, true })},
		{"legacy, all 29 bytes", legacy, ProcTail{Legacy: true, Fields: 5}, withTail(none, func(p *event.Process) {
			p.LoginUID, p.ExeWritable, p.CapInheritable, p.CapPermitted, p.CapEffective = 1000, true, 1, 2, 3
		})},
		{"current up to exe_ino_mtime (libs 2023)", current[:66], ProcTail{Fields: 11}, withTail(full, func(p *event.Process) {
			p.ExeFromMemfd, p.ExeLowerLayer, p.PGID = false, false, -1
		})},
		{"current, all 76 bytes", current, ProcTail{Fields: 14}, full},
		{"current and newer fields", cat(current, []byte{9, 9, 9, 9}), ProcTail{Fields: 14, Rest: []byte{9, 9, 9, 9}}, full},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := cat(shb(1, 2), blk(blockPLV9, plEntryV9(7, "sh", tc.tail)), evV2(0, closeX(t, 1, 3)))
			c := readBytes(t, in)
			if len(c.meta.Procs) != 1 {
				t.Fatalf("%d processes", len(c.meta.Procs))
			}
			if diff := cmp.Diff(tc.want, c.meta.ProcTails[0]); diff != "" {
				t.Errorf("tail (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.proc, tailOf(c.meta.Procs[0])); diff != "" {
				t.Errorf("tail fields (-want +got):\n%s", diff)
			}
			if out := writeCapture(t, c, WriterOptions{}); !bytes.Equal(out, in) {
				t.Errorf("rewritten:\n%x\nwant:\n%x", out, in)
			}
		})
	}
}

func withTail(p event.Process, f func(*event.Process)) event.Process {
	f(&p)
	return p
}

// tailOf keeps only the V9 tail fields of p.
func tailOf(p event.Process) event.Process {
	q := event.ProcessDefaults()
	for i := range currentTailFields {
		setTailField(&q, i, tailField(&p, i))
	}
	return q
}

// A process without a recorded tail (built from /proc, say) gets the full
// current tail; a hand-made current tail small enough to pass for a legacy
// one is written in full as well.
func TestWriterTailDefaults(t *testing.T) {
	p := event.ProcessDefaults()
	p.TID, p.PID, p.Comm, p.LoginUID, p.PGID = 9, 9, "init", 0, 9
	for _, tails := range [][]ProcTail{nil, {{Fields: 2}}} {
		c := readBytes(t, writeCapture(t, capture{meta: &Meta{Procs: []event.Process{p}, ProcTails: tails}}, WriterOptions{}))
		if diff := cmp.Diff([]event.Process{p}, c.meta.Procs); diff != "" {
			t.Errorf("tails %v: process (-want +got):\n%s", tails, diff)
		}
		if diff := cmp.Diff([]ProcTail{{Fields: currentTailFields}}, c.meta.ProcTails); diff != "" {
			t.Errorf("tails %v: stored tail (-want +got):\n%s", tails, diff)
		}
	}
}

// FD entries of every kind read back with their details; a kind from a
// newer capture is skipped by its entry length and named as libs names it.
func TestFDKinds(t *testing.T) {
	ip4 := func(s string) netip.Addr { return netip.MustParseAddr(s) }
	fds := []event.FD{
		{Num: 0, Ino: 3, Type: event.FDFileV2, Name: "/dev/null", OpenFlags: 2, Dev: 0x803},
		{Num: 1, Ino: 4, Type: event.FDFile, Name: "/etc/passwd"},
		{Num: 2, Type: event.FDIPv4Sock, SIP: ip4("10.0.0.2"), DIP: ip4("10.0.0.1"), SPort: 40000, DPort: 443, L4Proto: event.L4TCP},
		{Num: 3, Type: event.FDIPv6Sock, SIP: ip4("2001:db8::2"), DIP: ip4("2001:db8::1"), SPort: 40001, DPort: 53, L4Proto: event.L4UDP},
		{Num: 4, Type: event.FDIPv4ServSock, ServerIP: ip4("0.0.0.0"), ServerPort: 22, L4Proto: event.L4TCP},
		{Num: 5, Type: event.FDIPv6ServSock, ServerIP: ip4("::"), ServerPort: 80, L4Proto: event.L4TCP},
		{Num: 6, Type: event.FDUnixSock, UnixSource: 0xffff0001, UnixDest: 0xffff0002, Name: "/run/docker.sock"},
		{Num: 7, Type: event.FDPidFD, Name: "pidfd"},
		{Num: 8, Type: event.FDUnknown},
		{Num: 9, Type: 40, Name: "unknown-type:[40]"},
	}
	m := &Meta{FDLists: []FDList{{TID: 7, FDs: fds}, {TID: 8}}}
	c := readBytes(t, writeCapture(t, capture{meta: m}, WriterOptions{}))
	if diff := cmp.Diff(m.FDLists, c.meta.FDLists, metaOpts()); diff != "" {
		t.Errorf("fd lists (-want +got):\n%s", diff)
	}
	// A newer kind with a payload this build cannot know.
	newer := cat(u32b(4+8+8+1+6), u64b(11), u64b(0), []byte{41}, []byte("abcdef"))
	next := cat(u32b(4+8+8+1+2+2), u64b(12), u64b(0), []byte{byte(event.FDFifo)}, lstr("pi"))
	c = readBytes(t, cat(shb(1, 2), blk(blockFDLV2, cat(u64b(1), newer, next)), evV2(0, closeX(t, 1, 3))))
	want := []event.FD{{Num: 11, Type: 41, Name: "unknown-type:[41]"}, {Num: 12, Type: event.FDFifo, Name: "pi"}}
	if diff := cmp.Diff(want, c.meta.FDLists[0].FDs, metaOpts()); diff != "" {
		t.Errorf("fds (-want +got):\n%s", diff)
	}
}

// Interfaces, users and groups of both list versions.
func TestListsV1(t *testing.T) {
	il := cat(u16b(uint16(event.IfIPv4)), u16b(2), []byte{127, 0, 0, 1}, []byte{255, 0, 0, 0}, []byte{127, 255, 255, 255}, u64b(1000), []byte("lo"),
		u16b(uint16(event.IfIPv6NoLinkSpeed)), u16b(4), netip.MustParseAddr("fe80::1").AsSlice(), make([]byte, 32), []byte("eth0"))
	ul := cat([]byte{0}, u32b(0), u32b(0), lstr("root"), lstr("/root"), lstr("/bin/bash"), []byte{1}, u32b(0), lstr("root"))
	c := readBytes(t, cat(shb(1, 0), blk(blockIL, il), blk(blockULInt, ul), evV2(0, closeX(t, 1, 3))))
	want := &Meta{
		Version: Version{1, 0},
		Interfaces: []event.Interface{
			{Type: event.IfIPv4, Name: "lo", Addr: netip.MustParseAddr("127.0.0.1"), Netmask: netip.MustParseAddr("255.0.0.0"), Broadcast: netip.MustParseAddr("127.255.255.255"), LinkSpeed: 1000},
			{Type: event.IfIPv6NoLinkSpeed, Name: "eth0", Addr: netip.MustParseAddr("fe80::1"), Netmask: netip.IPv6Unspecified(), Broadcast: netip.IPv6Unspecified()},
		},
		Users:  []event.User{{Name: "root", Home: "/root", Shell: "/bin/bash"}},
		Groups: []event.Group{{Name: "root"}},
	}
	if diff := cmp.Diff(want, c.meta, metaOpts()); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
}

// The writer picks the block type from the flags, the event type and the
// size, and strips libs' internal LARGE flag.
func TestWriterBlocks(t *testing.T) {
	small := closeX(t, 1, 3)
	big := mkEvent(t, 324, 2, 100, bytes.Repeat([]byte("j"), 70000))
	over64K := mkEvent(t, 7, 3, 100, u64b(0), bytes.Repeat([]byte("d"), 65500), u64b(3), u32b(65500))
	tests := []struct {
		name  string
		ev    []byte
		flags uint32
		block uint32
	}{
		{"plain", small, 0, blockEVV2},
		{"state only", small, event.StateOnly, blockEVFV2},
		{"internal large flag dropped", small, dfLarge, blockEVV2},
		{"large type", big, 0, blockEVV2Large},
		{"large type with flags", big, 1, blockEVFV2Large},
		{"over 64 KiB, small type", over64K, 0, blockEVV2Large},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, nil, WriterOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var e event.Event
			if err := e.Load(tc.ev); err != nil {
				t.Fatal(err)
			}
			e.CPU, e.BlockFlags = 5, tc.flags
			err = w.Write(&e)
			if closeErr := w.Close(); closeErr != nil {
				t.Fatal(closeErr)
			}
			out := buf.Bytes()[shbMinTotal:]
			if err != nil {
				t.Fatal(err)
			}
			if got := le.Uint32(out); got != tc.block {
				t.Errorf("block type %#x, want %#x", got, tc.block)
			}
			c := readBytes(t, buf.Bytes())
			want := []recorded{{CPU: 5, Flags: tc.flags &^ dfLarge, Bytes: tc.ev}}
			if diff := cmp.Diff(want, c.events); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}
		})
	}
}

// NewWriter refuses metadata that readers would refuse, and writes nothing.
func TestWriterRefusesBadMeta(t *testing.T) {
	long := string(bytes.Repeat([]byte("x"), 1025))
	tests := []struct {
		name string
		m    *Meta
	}{
		{"comm over 1024", &Meta{Procs: []event.Process{{Comm: long}}}},
		{"user name of 256", &Meta{Users: []event.User{{Name: long[:256]}}}},
		{"fd name of 1024", &Meta{FDLists: []FDList{{FDs: []event.FD{{Type: event.FDFile, Name: long[:1024]}}}}}},
		{"IPv6 address on an IPv4 interface", &Meta{Interfaces: []event.Interface{{Type: event.IfIPv4, Addr: netip.MustParseAddr("::2")}}}},
		{"unknown interface type", &Meta{Interfaces: []event.Interface{{Type: 7}}}},
		{"hostname over 128", &Meta{Machine: &event.MachineInfo{Hostname: long[:129]}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := NewWriter(&buf, tc.m, WriterOptions{}); err == nil || buf.Len() != 0 {
				t.Errorf("error %v after %d bytes; want a refusal before writing", err, buf.Len())
			}
		})
	}
}

// Write after Close reports ErrClosed; a failing destination sticks.
func TestWriterClosed(t *testing.T) {
	w, err := NewWriter(io.Discard, nil, WriterOptions{Gzip: true})
	if err != nil {
		t.Fatal(err)
	}
	var e event.Event
	if err := e.Load(closeX(t, 1, 3)); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&e); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&e); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v, want ErrClosed", err)
	}
	if err := w.Write(&event.Event{}); err == nil {
		t.Error("Write of an empty event succeeded")
	}
}
