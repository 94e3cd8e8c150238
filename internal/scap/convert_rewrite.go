package scap

import (
	"fmt"

	"peregrine/internal/event"
)

// rewrite applies an add-params or change-type rule to cur and leaves the
// result in c.out[slot], built with c.b[slot] (cur is never in that slot).
// used tells whether a parameter came from the thread's stored enter
// event, which is then marked used; missed whether one should have and
// none was stored.
func (c *Converter) rewrite(cur *event.Event, r *convRule, slot int) (used, missed bool, err error) {
	typ := cur.Type()
	if r.act == actChangeType {
		typ = r.to
	}
	info := typ.Info()
	if info == nil {
		return false, false, fmt.Errorf("rule leads to unknown type %d", typ)
	}
	width := info.LenWidth()
	b := &c.b[slot]
	b.Reset(typ, cur.Timestamp(), cur.TID())
	first := 0
	if r.act == actAdd {
		n := cur.StoredParams()
		if n > cur.NumParams() {
			return false, false, fmt.Errorf("%d params, more than the %d an event view holds", n, cur.NumParams())
		}
		for i := 0; i < n; i++ {
			b.Raw(cur.Param(i))
		}
		first = n
	}

	var enter *event.Event
	looked := false
	for k, st := range r.steps {
		pos := first + k
		if pos >= len(info.Params) {
			return false, false, fmt.Errorf("rule fills param %d of type %d (%s), which has %d", pos, typ, info.Enum, len(info.Params))
		}
		pt := info.Params[pos].Type
		switch st.src {
		case srcEmpty:
			b.Empty()
		case srcZero:
			v, _ := convZeroValue(pt)
			b.Raw(v)
		case srcOld:
			if int(st.idx) >= cur.NumParams() {
				return false, false, fmt.Errorf("rule takes param %d of an event with %d", st.idx, cur.NumParams())
			}
			convPushCapped(b, cur.Param(int(st.idx)), pt, width)
		case srcEnter:
			if !looked {
				enter, looked = c.store.get(cur.TID()), true
				if enter != nil && enter.Type() != cur.Type()-1 {
					// The thread's stored enter belongs to another
					// system call, whose exit never came (cut off, or
					// lost by the driver). libs fails the whole read
					// here; it is stale, so drop it and go on as if
					// nothing were stored.
					c.store.clear(cur.TID())
					c.stats.StaleEnter++
					enter = nil
				}
			}
			if enter == nil {
				missed = true
				if st.orEmpty {
					b.Empty()
				} else {
					v, _ := convZeroValue(pt)
					b.Raw(v)
				}
				continue
			}
			if int(st.idx) >= enter.NumParams() {
				return false, false, fmt.Errorf("rule takes param %d of an enter event with %d", st.idx, enter.NumParams())
			}
			convPushCapped(b, enter.Param(int(st.idx)), pt, width)
			used = true
		case srcContainerJSON:
			var err error
			if c.json, err = convAppendContainerJSON(c.json[:0], cur); err != nil {
				return false, false, err
			}
			if max, _ := convMaxLen(pt, width); len(c.json) > max {
				return false, false, fmt.Errorf("container JSON of %d bytes exceeds %d", len(c.json), max)
			}
			b.Raw(c.json)
		default:
			return false, false, fmt.Errorf("rule step with unknown source %d", st.src)
		}
	}
	if err := b.Build(&c.out[slot]); err != nil {
		return false, false, fmt.Errorf("build type %d (%s): %w", typ, info.Enum, err)
	}
	if used {
		c.store.clear(cur.TID())
	}
	return used, missed, nil
}

// convPushCapped appends p as the next parameter, cut to the longest value
// a parameter of type t holds (libs' rule; for numbers on this
// little-endian format that keeps the low-order bytes).
func convPushCapped(b *event.Builder, p []byte, t event.ParamType, width int) {
	if max, _ := convMaxLen(t, width); len(p) > max {
		p = p[:max]
	}
	b.Raw(p)
}
