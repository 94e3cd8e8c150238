package event

import (
	"bytes"
	"testing"
)

// fuzzEvent builds an event of type typ from data: one length byte per
// parameter, then that many bytes, until data runs out.
func fuzzEvent(t *testing.T, typ uint16, tid int64, data []byte) *Event {
	var b Builder
	b.Reset(Type(typ%uint16(NumTypes()+2)), 1, tid)
	for len(data) > 0 && b.NumParams() < MaxParams {
		n := int(data[0])
		data = data[1:]
		n = min(n, len(data))
		b.Raw(data[:n])
		data = data[n:]
	}
	var e Event
	if err := b.Build(&e); err != nil {
		t.Skip(err)
	}
	return &e
}

// FuzzAppendArgs renders and decodes events with arbitrary parameter
// bytes: nothing may panic, and rendering must be deterministic.
func FuzzAppendArgs(f *testing.F) {
	f.Add(uint16(tOpenX), int64(100), []byte("\x08\xfe\xff\xff\xff\xff\xff\xff\xff\x04/ab\x00\x04\x01\x10\x00\x00"))
	f.Add(uint16(tConnectX), int64(100), []byte("\x08\x00\x00\x00\x00\x00\x00\x00\x00\x0d\x02\x0a\x00\x00\x02\x40\x9c\x0a\x00\x00\x01\xbb\x01"))
	f.Add(uint16(tConnectX), int64(5), []byte("\x00\x12\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00/x"))
	f.Add(uint16(tPollE), int64(100), []byte("\x0c\x01\x00\x03\x00\x00\x00\x00\x00\x00\x00\x01\x00\x08\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Add(uint16(tPtraceX), int64(1), []byte("\x08\x00\x00\x00\x00\x00\x00\x00\x00\x09\x00\x01\x02\x03\x04\x05\x06\x07\x08\x02\x01\x09"))
	f.Add(uint16(177), int64(100), []byte("\x08\x00\x00\x00\x00\x00\x00\x00\x00\x08\x07\x00\x00\x00\x00\x00\x00\x00\x02x\x00\x08\x9c\xff\xff\xff\xff\xff\xff\xff\x03..\x00"))
	f.Add(uint16(tExecve19X), int64(300), []byte("\x08\x00\x00\x00\x00\x00\x00\x00\x00\x03ab\x00\x05a\x00b\x00c"))
	f.Fuzz(func(t *testing.T, typ uint16, tid int64, data []byte) {
		e := fuzzEvent(t, typ, tid, data)
		for _, r := range []Resolver{nil, fakeState{}} {
			p := Printer{Resolver: r, BufLimit: DefaultBufLimit}
			a := p.AppendArgs(nil, e)
			if b := p.AppendArgs(nil, e); !bytes.Equal(a, b) {
				t.Fatalf("rendering is not deterministic: %q vs %q", a, b)
			}
			for i := -1; i <= e.NumParams(); i++ {
				p.AppendParam(nil, e, i)
				p.AppendResolved(nil, e, i)
			}
		}
		for i := 0; i < e.NumParams(); i++ {
			v, ok := e.Value(i)
			if !ok {
				continue
			}
			v.Int()
			v.Uint()
			v.Str()
			v.IsEmpty()
			v.Float()
			v.Bool()
			v.Addr()
			v.SockAddr()
			v.SockTuple()
			if l, err := v.FDList(); err == nil {
				for j := range l.Len() {
					l.At(j)
				}
			}
			if d, err := v.Dyn(); err == nil {
				d.Int()
			}
		}
	})
}
