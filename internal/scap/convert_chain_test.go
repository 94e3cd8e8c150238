package scap

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
)

// TestConverterExecveChains climbs every old execve layout to the current
// one: the enter event becomes execve 19 enter (delivered, filename empty
// unless version 18 had one) and the exit becomes execve 19 exit with all
// 31 parameters, the old ones in their new places, filename taken from the
// enter event.
func TestConverterExecveChains(t *testing.T) {
	old := func(n int) []string {
		p := make([]string, n)
		for i := range p {
			p[i] = fmt.Sprintf("p%d", i)
		}
		return p
	}
	// want builds the 31 expected parameters from index -> value (empty
	// elsewhere).
	want := func(set map[int]string) []string {
		p := make([]string, 31)
		for i, v := range set {
			p[i] = v
		}
		return p
	}
	first := func(n int) map[int]string {
		m := map[int]string{}
		for i := 0; i < n; i++ {
			m[i] = fmt.Sprintf("p%d", i)
		}
		return m
	}
	with := func(m map[int]string, kv ...any) map[int]string {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(int)] = kv[i+1].(string)
		}
		return m
	}
	tests := []struct {
		name       string
		enter      cvEv
		exit       cvEv
		wantEnter  []string
		wantParams []string
	}{{
		name:       "execve 8",
		enter:      cvEv{typ: 12},
		exit:       cvEv{typ: 13, params: old(8)},
		wantEnter:  []string{""},
		wantParams: want(first(8)),
	}, {
		name:       "execve 13",
		enter:      cvEv{typ: 154},
		exit:       cvEv{typ: 155, params: old(13)},
		wantEnter:  []string{""},
		wantParams: want(first(13)),
	}, {
		// env moves from 13 to 15 as comm and cgroups are inserted.
		name:       "execve 14",
		enter:      cvEv{typ: 172},
		exit:       cvEv{typ: 173, params: old(14)},
		wantEnter:  []string{""},
		wantParams: want(with(first(13), 15, "p13")),
	}, {
		name:       "execve 15",
		enter:      cvEv{typ: 214},
		exit:       cvEv{typ: 215, params: old(15)},
		wantEnter:  []string{""},
		wantParams: want(with(first(14), 15, "p14")),
	}, {
		name:       "execve 16",
		enter:      cvEv{typ: 230},
		exit:       cvEv{typ: 231, params: old(16)},
		wantEnter:  []string{""},
		wantParams: want(first(16)),
	}, {
		name:       "execve 17",
		enter:      cvEv{typ: 282},
		exit:       cvEv{typ: 283, params: old(17)},
		wantEnter:  []string{""},
		wantParams: want(first(17)),
	}, {
		name:       "execve 18 with a filename",
		enter:      cvEv{typ: 288, params: []string{cvStr("/usr/bin/curl")}},
		exit:       cvEv{typ: 289, params: old(17)},
		wantEnter:  []string{cvStr("/usr/bin/curl")},
		wantParams: want(with(first(17), 30, cvStr("/usr/bin/curl"))),
	}, {
		name:       "execve 19 as sysdig 0.29.3 wrote it (20 params)",
		enter:      cvEv{typ: 292, params: []string{cvStr("/bin/ls")}},
		exit:       cvEv{typ: 293, params: old(20)},
		wantEnter:  []string{cvStr("/bin/ls")},
		wantParams: want(with(first(20), 30, cvStr("/bin/ls"))),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewConverter()
			tt.enter.tid, tt.enter.ts = 9, 1
			tt.exit.tid, tt.exit.ts = 9, 2
			got, ok, err := c.Convert(tt.enter.build(t))
			if err != nil || !ok {
				t.Fatalf("enter: %v, %v", ok, err)
			}
			if diff := cmp.Diff(convShape{Type: 292, TID: 9, TS: 1, Params: tt.wantEnter}, convShapeOf(got)); diff != "" {
				t.Errorf("enter (-want +got):\n%s", diff)
			}
			got, ok, err = c.Convert(tt.exit.build(t))
			if err != nil || !ok {
				t.Fatalf("exit: %v, %v", ok, err)
			}
			if diff := cmp.Diff(convShape{Type: 293, TID: 9, TS: 2, Params: tt.wantParams}, convShapeOf(got)); diff != "" {
				t.Errorf("exit (-want +got):\n%s", diff)
			}
			if s := c.Stats(); s.Pending != 0 || s.NoEnter != 0 || s.Errors != 0 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

// TestConverterCloneChain climbs clone 11 to clone 20 with 21 params.
func TestConverterCloneChain(t *testing.T) {
	p := make([]string, 11)
	for i := range p {
		p[i] = fmt.Sprintf("p%d", i)
	}
	c := NewConverter()
	got, ok, err := c.Convert(cvEv{typ: 15, tid: 1, ts: 1, params: p}.build(t))
	if err != nil || !ok {
		t.Fatalf("%v, %v", ok, err)
	}
	// res exe args tid pid ptid cwd fdlimit | pgft_maj pgft_min vm_size
	// vm_rss vm_swap comm cgroups | flags uid gid | vtid vpid pidns_init_start_ts
	want := []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7",
		"", "", "", "", "", "", "", "p8", "p9", "p10", "", "", ""}
	if diff := cmp.Diff(convShape{Type: 223, TID: 1, TS: 1, Params: want}, convShapeOf(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestConverterEviction bounds the stored enter events.
func TestConverterEviction(t *testing.T) {
	c := NewConverter(ConverterMaxThreads(2))
	for tid := int64(1); tid <= 3; tid++ {
		if _, ok, err := c.Convert(cvEv{typ: 6, tid: tid, ts: uint64(tid), params: []string{cvU64(uint64(tid)), cvU32(1)}}.build(t)); ok || err != nil {
			t.Fatalf("store tid %d: %v %v", tid, ok, err)
		}
	}
	// Thread 1 stored least recently and lost its event; 2 and 3 kept theirs.
	for _, tc := range []struct {
		tid    int64
		wantFD string
	}{{1, cvU64(0)}, {3, cvU64(3)}, {2, cvU64(2)}} {
		got, ok, err := c.Convert(cvEv{typ: 7, tid: tc.tid, ts: 10, params: []string{cvU64(1), "x"}}.build(t))
		if err != nil || !ok {
			t.Fatalf("exit tid %d: %v %v", tc.tid, ok, err)
		}
		if fd := string(got.Param(2)); fd != tc.wantFD {
			t.Errorf("tid %d: fd % x, want % x", tc.tid, fd, tc.wantFD)
		}
	}
	want := ConverterStats{Converted: 3, EnterDropped: 3, Evicted: 1, NoEnter: 1}
	if diff := cmp.Diff(want, c.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	// A thread whose slot holds no pending event is recycled without
	// counting an eviction.
	for tid := int64(10); tid < 20; tid++ {
		c.Convert(cvEv{typ: 4, tid: tid, ts: 1, params: []string{cvU64(1)}}.build(t))
		c.Convert(cvEv{typ: 5, tid: tid, ts: 2, params: []string{cvU64(0)}}.build(t))
	}
	if got := c.Stats().Evicted; got != 1 {
		t.Errorf("Evicted = %d after consumed events, want 1", got)
	}
}

// TestConverterReset forgets stored events.
func TestConverterReset(t *testing.T) {
	c := NewConverter()
	c.Convert(cvEv{typ: 4, tid: 1, ts: 1, params: []string{cvU64(5)}}.build(t))
	c.Reset()
	got, _, err := c.Convert(cvEv{typ: 5, tid: 1, ts: 2, params: []string{cvU64(0)}}.build(t))
	if err != nil {
		t.Fatal(err)
	}
	if fd := string(got.Param(1)); fd != cvU64(0) {
		t.Errorf("fd after Reset % x, want zero", fd)
	}
}

func TestConverterNotLoaded(t *testing.T) {
	c := NewConverter()
	var e event.Event
	if _, ok, err := c.Convert(&e); ok || !errors.Is(err, ErrConvert) {
		t.Errorf("got %v, %v; want ErrConvert", ok, err)
	}
	if c.Stats().Errors != 1 {
		t.Errorf("stats %+v", c.Stats())
	}
}

// TestConverterRandomEvents feeds random well-framed events of managed
// types with random parameter counts and sizes: the converter must never
// panic, and every input must be counted once.
func TestConverterRandomEvents(t *testing.T) {
	var managed []event.Type
	for i := 0; i < event.NumTypes(); i++ {
		if event.Type(i).Info().Flags&event.ConverterManaged != 0 {
			managed = append(managed, event.Type(i))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	c := NewConverter(ConverterMaxThreads(8))
	const n = 20000
	for i := 0; i < n; i++ {
		d := cvEv{typ: managed[rng.IntN(len(managed))], tid: int64(rng.IntN(12)), ts: uint64(i)}
		if rng.IntN(4) == 0 {
			d.typ = event.Type(rng.IntN(event.NumTypes() + 10))
		}
		np := rng.IntN(34)
		if info := d.typ.Info(); info != nil && rng.IntN(2) == 0 {
			np = len(info.Params) - rng.IntN(3)
			if np < 0 {
				np = 0
			}
		}
		for k := 0; k < np; k++ {
			b := make([]byte, rng.IntN(12))
			for j := range b {
				b[j] = byte(rng.IntN(256))
			}
			d.params = append(d.params, string(b))
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic on type %d with %d params: %v", d.typ, np, r)
				}
			}()
			out, ok, err := c.Convert(d.build(t))
			if ok && (out == nil || !out.Loaded()) {
				t.Fatalf("ok with no event")
			}
			if err != nil && ok {
				t.Fatalf("ok with error %v", err)
			}
		}()
	}
	s := c.Stats()
	if total := s.Passed + s.Converted + s.EnterDropped + s.OldDropped + s.Errors; total != n {
		t.Errorf("stats count %d events, want %d: %+v", total, n, s)
	}
	t.Logf("%+v", s)
}

// FuzzConvert feeds arbitrary event bytes (framing checked by event.Load)
// to a converter that already holds enter events.
func FuzzConvert(f *testing.F) {
	f.Add(uint16(7), []byte{8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'x'}, uint8(2))
	f.Add(uint16(228), []byte{2, 0, 4, 0, 2, 0, 2, 0, 'a', 0, 1, 2, 3, 4, 'b', 0, 'c', 0}, uint8(4))
	f.Add(uint16(13), []byte{}, uint8(8))
	f.Fuzz(func(t *testing.T, typ uint16, body []byte, np uint8) {
		c := NewConverter(ConverterMaxThreads(4))
		var b event.Builder
		b.Reset(6, 1, 1)
		b.Uint(event.PTFD, 3)
		b.Uint(event.PTUint32, 5)
		var e event.Event
		if err := b.Build(&e); err != nil {
			t.Fatal(err)
		}
		c.Convert(&e)
		// Raw event: header with the fuzzed type and count, then the body
		// as lengths and data.
		raw := make([]byte, event.HeaderLen, event.HeaderLen+len(body))
		raw = append(raw, body...)
		le := func(off int, v uint64, n int) {
			for i := 0; i < n; i++ {
				raw[off+i] = byte(v >> (8 * i))
			}
		}
		le(0, 2, 8)
		le(8, 1, 8)
		le(16, uint64(len(raw)), 4)
		le(20, uint64(typ), 2)
		le(22, uint64(np), 4)
		var in event.Event
		if in.Load(raw) != nil {
			return
		}
		out, ok, err := c.Convert(&in)
		if ok && err != nil || ok && out == nil {
			t.Fatalf("inconsistent result %v %v %v", out, ok, err)
		}
	})
}
