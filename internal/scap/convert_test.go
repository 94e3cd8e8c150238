package scap

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
)

// convShape is an event reduced to what the converter decides.
type convShape struct {
	Type   event.Type
	TID    int64
	TS     uint64
	CPU    uint16
	Flags  uint32
	Params []string // each parameter's bytes, as a string for readable diffs
}

func convShapeOf(e *event.Event) convShape {
	s := convShape{Type: e.Type(), TID: e.TID(), TS: e.Timestamp(), CPU: e.CPU, Flags: e.BlockFlags}
	for i := 0; i < e.NumParams(); i++ {
		s.Params = append(s.Params, string(e.Param(i)))
	}
	return s
}

// Parameter encoders for the tests.
func cvU64(v uint64) string { return string(binary.LittleEndian.AppendUint64(nil, v)) }
func cvU32(v uint32) string { return string(binary.LittleEndian.AppendUint32(nil, v)) }
func cvStr(s string) string { return s + "\x00" }

// cvEv describes one input event.
type cvEv struct {
	typ    event.Type
	tid    int64
	ts     uint64
	params []string
	cpu    uint16
	flags  uint32
}

func (d cvEv) build(t *testing.T) *event.Event {
	t.Helper()
	var b event.Builder
	b.Reset(d.typ, d.ts, d.tid)
	for _, p := range d.params {
		b.Raw([]byte(p))
	}
	var e, own event.Event
	if err := b.Build(&e); err != nil {
		t.Fatalf("build %d: %v", d.typ, err)
	}
	e.Clone(&own)
	own.CPU, own.BlockFlags = d.cpu, d.flags
	return &own
}

// cvWant describes the expected result of one Convert call: nil for "nothing
// delivered", cvErr for an error.
type cvWant = *convShape

var cvErr = &convShape{Type: 0xffff}

func cvWantEvent(typ event.Type, tid int64, ts uint64, params ...string) cvWant {
	return &convShape{Type: typ, TID: tid, TS: ts, Params: params}
}

func TestConverterSequences(t *testing.T) {
	const tid = 42
	zero8, zero4 := cvU64(0), cvU32(0)
	tests := []struct {
		name  string
		in    []cvEv
		want  []cvWant
		stats ConverterStats
	}{{
		name: "store then drop the enter, exit takes fd and size",
		in: []cvEv{
			{typ: 6, tid: tid, ts: 1, params: []string{cvU64(3), cvU32(100)}},
			{typ: 7, tid: tid, ts: 2, params: []string{cvU64(5), "hello"}},
		},
		want:  []cvWant{nil, cvWantEvent(7, tid, 2, cvU64(5), "hello", cvU64(3), cvU32(100))},
		stats: ConverterStats{Converted: 1, EnterDropped: 1},
	}, {
		name:  "missing enter: values from zero (no fallback flag)",
		in:    []cvEv{{typ: 7, tid: tid, ts: 2, params: []string{cvU64(5), "hello"}}},
		want:  []cvWant{cvWantEvent(7, tid, 2, cvU64(5), "hello", zero8, zero4)},
		stats: ConverterStats{Converted: 1, NoEnter: 1},
	}, {
		name:  "missing enter: empty with the fallback flag (link)",
		in:    []cvEv{{typ: 105, tid: tid, ts: 2, params: []string{cvU64(0)}}},
		want:  []cvWant{cvWantEvent(309, tid, 2, cvU64(0), "", "")},
		stats: ConverterStats{Converted: 1, NoEnter: 1},
	}, {
		name: "enter of another thread is not used",
		in: []cvEv{
			{typ: 104, tid: 1, ts: 1, params: []string{cvStr("/a"), cvStr("/b")}},
			{typ: 105, tid: 2, ts: 2, params: []string{cvU64(0)}},
			{typ: 105, tid: 1, ts: 3, params: []string{cvU64(0)}},
		},
		want: []cvWant{nil,
			cvWantEvent(309, 2, 2, cvU64(0), "", ""),
			cvWantEvent(309, 1, 3, cvU64(0), cvStr("/a"), cvStr("/b"))},
		stats: ConverterStats{Converted: 2, EnterDropped: 1, NoEnter: 1},
	}, {
		name: "enter used once: a second exit finds none",
		in: []cvEv{
			{typ: 4, tid: tid, ts: 1, params: []string{cvU64(9)}},
			{typ: 5, tid: tid, ts: 2, params: []string{cvU64(0)}},
			{typ: 5, tid: tid, ts: 3, params: []string{cvU64(0)}},
		},
		want: []cvWant{nil,
			cvWantEvent(5, tid, 2, cvU64(0), cvU64(9)),
			cvWantEvent(5, tid, 3, cvU64(0), zero8)},
		stats: ConverterStats{Converted: 2, EnterDropped: 1, NoEnter: 1},
	}, {
		name: "interleaved threads each get their own enter",
		in: []cvEv{
			{typ: 6, tid: 1, ts: 1, params: []string{cvU64(3), cvU32(10)}},
			{typ: 6, tid: 2, ts: 2, params: []string{cvU64(4), cvU32(20)}},
			{typ: 7, tid: 2, ts: 3, params: []string{cvU64(20), "b"}},
			{typ: 7, tid: 1, ts: 4, params: []string{cvU64(10), "a"}},
		},
		want: []cvWant{nil, nil,
			cvWantEvent(7, 2, 3, cvU64(20), "b", cvU64(4), cvU32(20)),
			cvWantEvent(7, 1, 4, cvU64(10), "a", cvU64(3), cvU32(10))},
		stats: ConverterStats{Converted: 2, EnterDropped: 2},
	}, {
		name:  "pass: a current open enter is delivered as it is",
		in:    []cvEv{{typ: 2, tid: tid, ts: 1, params: []string{cvStr("/etc/passwd"), cvU32(0), cvU32(0)}}},
		want:  []cvWant{cvWantEvent(2, tid, 1, cvStr("/etc/passwd"), zero4, zero4)},
		stats: ConverterStats{Passed: 1},
	}, {
		name:  "add empty params: open exit gets dev and ino",
		in:    []cvEv{{typ: 3, tid: tid, ts: 1, params: []string{cvU64(3), cvStr("/x"), cvU32(1), cvU32(0o644)}}},
		want:  []cvWant{cvWantEvent(3, tid, 1, cvU64(3), cvStr("/x"), cvU32(1), cvU32(0o644), "", "")},
		stats: ConverterStats{Converted: 1},
	}, {
		name: "store and pass: connect enter delivered, exit completed",
		in: []cvEv{
			{typ: 22, tid: tid, ts: 1, params: []string{cvU64(7), "\x02\x7f\x00\x00\x01\x00\x50"}},
			{typ: 23, tid: tid, ts: 2, params: []string{cvU64(0), "tuple", cvU64(7)}},
		},
		want: []cvWant{
			cvWantEvent(22, tid, 1, cvU64(7), "\x02\x7f\x00\x00\x01\x00\x50"),
			cvWantEvent(23, tid, 2, cvU64(0), "tuple", cvU64(7), "\x02\x7f\x00\x00\x01\x00\x50")},
		stats: ConverterStats{Passed: 1, Converted: 1},
	}, {
		// libs marks the enter event used after the first step, so the
		// second step of a two-step completion finds none: addr is the
		// zero socket address (AF_UNSPEC), not the enter's address.
		name: "two-step completion uses the enter once (connect with 2 params)",
		in: []cvEv{
			{typ: 22, tid: tid, ts: 1, params: []string{cvU64(7), "\x02\x7f\x00\x00\x01\x00\x50"}},
			{typ: 23, tid: tid, ts: 2, params: []string{cvU64(0), "tuple"}},
		},
		want: []cvWant{
			cvWantEvent(22, tid, 1, cvU64(7), "\x02\x7f\x00\x00\x01\x00\x50"),
			cvWantEvent(23, tid, 2, cvU64(0), "tuple", cvU64(7), "\x00")},
		stats: ConverterStats{Passed: 1, Converted: 1},
	}, {
		name:  "zero value added to an enter event, then store and pass",
		in:    []cvEv{{typ: 22, tid: tid, ts: 1, params: []string{cvU64(7)}}},
		want:  []cvWant{cvWantEvent(22, tid, 1, cvU64(7), "\x00")},
		stats: ConverterStats{Converted: 1, Pending: 1},
	}, {
		name:  "change type with zero values: accept to accept_5",
		in:    []cvEv{{typ: 27, tid: tid, ts: 1, params: []string{cvU64(5), "tuple", "\x03"}}},
		want:  []cvWant{cvWantEvent(247, tid, 1, cvU64(5), "tuple", "\x03", zero4, zero4)},
		stats: ConverterStats{Converted: 1},
	}, {
		name:  "sendmmsg without params: zero result, the rest empty",
		in:    []cvEv{{typ: 51, tid: tid, ts: 1}},
		want:  []cvWant{cvWantEvent(51, tid, 1, zero8, "", "", "", "")},
		stats: ConverterStats{Converted: 1},
	}, {
		name: "brk: change type from the old enter, then complete",
		in: []cvEv{
			{typ: 10, tid: tid, ts: 1, params: []string{cvU32(4096)}},
			{typ: 11, tid: tid, ts: 2, params: []string{cvU64(0x1000)}},
		},
		want:  []cvWant{nil, cvWantEvent(159, tid, 2, cvU64(0x1000), cvU32(4096), "", "", "")},
		stats: ConverterStats{Converted: 1, EnterDropped: 1},
	}, {
		name: "bpf: values cut to their new size",
		in: []cvEv{
			{typ: 296, tid: tid, ts: 1, params: []string{cvU64(0x1_0000_0005)}},
			{typ: 297, tid: tid, ts: 2, params: []string{"\x00" + cvU64(9)}},
		},
		want:  []cvWant{nil, cvWantEvent(369, tid, 2, ("\x00" + cvU64(9))[:8], cvU32(5))},
		stats: ConverterStats{Converted: 1, EnterDropped: 1},
	}, {
		name:  "old enter event nothing converts is dropped",
		in:    []cvEv{{typ: 14, tid: tid, ts: 1}},
		want:  []cvWant{nil},
		stats: ConverterStats{OldDropped: 1},
	}, {
		name:  "procexit: old enter becomes procexit_1 with empty params",
		in:    []cvEv{{typ: 16, tid: tid, ts: 1}},
		want:  []cvWant{cvWantEvent(186, tid, 1, "", "", "", "", "")},
		stats: ConverterStats{Converted: 1},
	}, {
		name:  "scheduler switch",
		in:    []cvEv{{typ: 146, tid: tid, ts: 1, params: []string{cvU64(77)}}},
		want:  []cvWant{cvWantEvent(152, tid, 1, cvU64(77), "", "", "", "", "")},
		stats: ConverterStats{Converted: 1},
	}, {
		// libs fails the whole read here; we drop the stale enter and
		// complete the exit as if no enter were stored.
		name: "stale enter of another system call is dropped",
		in: []cvEv{
			{typ: 6, tid: tid, ts: 1, params: []string{cvU64(3), cvU32(100)}},
			{typ: 5, tid: tid, ts: 2, params: []string{cvU64(0)}},
			{typ: 4, tid: tid, ts: 3, params: []string{cvU64(3)}},
			{typ: 5, tid: tid, ts: 4, params: []string{cvU64(0)}},
		},
		want:  []cvWant{nil, cvWantEvent(5, tid, 2, cvU64(0), cvU64(0)), nil, cvWantEvent(5, tid, 4, cvU64(0), cvU64(3))},
		stats: ConverterStats{Converted: 2, EnterDropped: 2, NoEnter: 1, StaleEnter: 1},
	}, {
		name:  "no rule for this parameter count",
		in:    []cvEv{{typ: 7, tid: tid, ts: 1, params: []string{cvU64(1), "a", cvU64(3)}}},
		want:  []cvWant{cvErr},
		stats: ConverterStats{Errors: 1},
	}, {
		name: "current exit passes, even with more params than the table",
		in: []cvEv{
			{typ: 5, tid: tid, ts: 1, params: []string{cvU64(0), cvU64(3)}},
			{typ: 5, tid: tid, ts: 2, params: []string{cvU64(0), cvU64(3), "extra"}},
		},
		want: []cvWant{
			cvWantEvent(5, tid, 1, cvU64(0), cvU64(3)),
			cvWantEvent(5, tid, 2, cvU64(0), cvU64(3), "extra")},
		stats: ConverterStats{Passed: 2},
	}, {
		name:  "type unknown to this build passes",
		in:    []cvEv{{typ: 1000, tid: tid, ts: 1, params: []string{"x"}}},
		want:  []cvWant{cvWantEvent(1000, tid, 1, "x")},
		stats: ConverterStats{Passed: 1},
	}, {
		name: "container event becomes JSON in the large-payload event",
		in: []cvEv{{typ: 228, tid: tid, ts: 1, params: []string{
			cvStr("3ad7b26ded6d"), cvU32(0), cvStr("web"), cvStr("nginx:latest")}}},
		want: []cvWant{cvWantEvent(324, tid, 1,
			cvStr(`{"id":"3ad7b26ded6d","type":0,"name":"web","image":"nginx:latest"}`))},
		stats: ConverterStats{Converted: 1},
	}, {
		name:  "container JSON event moves to the large-payload event",
		in:    []cvEv{{typ: 272, tid: tid, ts: 1, params: []string{cvStr(`{"a":1}`)}}},
		want:  []cvWant{cvWantEvent(324, tid, 1, cvStr(`{"a":1}`))},
		stats: ConverterStats{Converted: 1},
	}, {
		name:  "container event with a bad type field",
		in:    []cvEv{{typ: 228, tid: tid, ts: 1, params: []string{cvStr("id"), "\x01", cvStr("n"), cvStr("i")}}},
		want:  []cvWant{cvErr},
		stats: ConverterStats{Errors: 1},
	}, {
		name: "CPU and block flags are kept",
		in:   []cvEv{{typ: 3, tid: tid, ts: 1, cpu: 3, flags: event.StateOnly, params: []string{cvU64(3), cvStr("/x"), cvU32(1), cvU32(0), cvU32(8)}}},
		want: []cvWant{{Type: 3, TID: tid, TS: 1, CPU: 3, Flags: event.StateOnly,
			Params: []string{cvU64(3), cvStr("/x"), cvU32(1), cvU32(0), cvU32(8), ""}}},
		stats: ConverterStats{Converted: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewConverter()
			for i, d := range tt.in {
				in := d.build(t)
				got, ok, err := c.Convert(in)
				want := tt.want[i]
				switch {
				case want == cvErr:
					if err == nil || !errors.Is(err, ErrConvert) || ok || got != nil {
						t.Fatalf("event %d: got %v, %v, %v; want an ErrConvert", i, got, ok, err)
					}
				case err != nil:
					t.Fatalf("event %d: %v", i, err)
				case want == nil:
					if ok || got != nil {
						t.Fatalf("event %d: delivered %+v, want nothing", i, convShapeOf(got))
					}
				default:
					if !ok {
						t.Fatalf("event %d: nothing delivered, want %+v", i, *want)
					}
					if diff := cmp.Diff(*want, convShapeOf(got)); diff != "" {
						t.Errorf("event %d (-want +got):\n%s", i, diff)
					}
				}
			}
			if diff := cmp.Diff(tt.stats, c.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}
