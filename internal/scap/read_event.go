package scap

import (
	"fmt"

	"peregrine/internal/event"
)

// Event types whose v1 length libs corrects by 3 bytes (PPME_NOTIFICATION_E
// and PPME_INFRASTRUCTURE_EVENT_E: old drivers stored a wrong length).
const (
	typeNotificationE event.Type = 280
	typeInfraE        event.Type = 286
)

// readEvent reads event block h into r.buf and loads it into e. It
// returns false for an event of a type beyond the table, which it skips.
func (r *Reader) readEvent(h header, e *event.Event) (bool, error) {
	r.stats.EventBlocks++
	pre := 2 // u16 cpu id
	if h.info.flags {
		pre = 6 // and u32 flags
	}
	hdrLen := event.HeaderLen
	if h.info.ver == 1 {
		hdrLen = eventV1Header
	}
	if int64(h.total) < int64(blockFrameLen+pre+hdrLen) {
		return false, r.errorf(h, "%w: total length %d too short for an event", ErrBlockLength, h.total)
	}
	n := int(h.total) - blockHeaderLen // body and trailer
	if !h.info.large && n > maxSmallEvBlock {
		return false, r.errorf(h, "%w: total length %d; without LARGE, at most %d", ErrBlockLength, h.total, maxSmallEvBlock+blockHeaderLen)
	}
	if h.info.large && h.total > MaxLargeEventBlock {
		return false, r.errorf(h, "%w: total length %d over the %d limit", ErrBlockLength, h.total, MaxLargeEventBlock)
	}
	var buf, body []byte
	if h.info.ver == 1 {
		// The body goes 4 bytes into the reader's buffer, leaving room
		// to insert the nparams field of the v1 event header in place.
		var err error
		if buf, err = r.src.fill(r.buf, 4, n); err != nil {
			r.buf = buf
			return false, r.readErr(h, err)
		}
		r.buf = buf
		body = buf[4 : 4+n]
	} else {
		// Current blocks are used where they lie in the source's buffer.
		var err error
		if body, err = r.src.take(n); err != nil {
			return false, r.readErr(h, err)
		}
	}
	if err := r.checkTrailer(h, le.Uint32(body[n-4:])); err != nil {
		return false, err
	}
	body = body[:n-4]
	cpu := le.Uint16(body)
	var flags uint32
	if h.info.flags {
		flags = le.Uint32(body[2:])
	}
	typ := event.Type(le.Uint16(body[pre+20:]))
	if !typ.Known() {
		r.stats.UnknownEvents++
		return false, nil
	}
	ev := body[pre:]
	if h.info.ver == 1 {
		if n+4 > readerBufSize {
			return false, r.errorf(h, "%w: v1 event block of %d bytes too long to convert (libs' limit %d)", ErrBlockLength, h.total, readerBufSize)
		}
		var err error
		if ev, err = convertV1(buf, pre, len(ev), typ); err != nil {
			return false, &FormatError{Offset: h.off, Block: h.info.name, Err: err}
		}
	}
	if err := e.Load(ev); err != nil {
		return false, &FormatError{Offset: h.off, Block: h.info.name, Err: err}
	}
	e.CPU, e.BlockFlags = cpu, flags
	r.stats.Events++
	return true, nil
}

// convertV1 turns the v1 event at buf[4+pre:4+pre+avail] (22-byte header:
// no nparams) into a v2 event at buf[pre:], in place: the header moves 4
// bytes back and nparams goes in the gap. As libs does, the length grows by
// 4 (less 3 for notification and infrastructure events), and nparams is
// the largest count, starting from the table's, whose lengths add up to
// exactly the event length.
func convertV1(buf []byte, pre, avail int, typ event.Type) ([]byte, error) {
	copy(buf[pre:pre+eventV1Header], buf[pre+4:pre+4+eventV1Header])
	ev := buf[pre : pre+4+avail]
	l := uint64(le.Uint32(ev[16:])) + 4
	if typ == typeNotificationE || typ == typeInfraE {
		l -= 3
	}
	if l < event.HeaderLen || l > uint64(len(ev)) {
		return nil, fmt.Errorf("%w: v1 event length %d outside [%d, %d]", ErrCorrupt, l-4, eventV1Header, len(ev)-4)
	}
	info := typ.Info()
	width := uint64(info.LenWidth())
	np := -1
	for k := len(info.Params); k >= 0; k-- {
		pos := event.HeaderLen + uint64(k)*width
		if pos > l {
			continue
		}
		for i := range uint64(k) {
			at := event.HeaderLen + i*width
			if width == 2 {
				pos += uint64(le.Uint16(ev[at:]))
			} else {
				pos += uint64(le.Uint32(ev[at:]))
			}
		}
		if pos < l {
			return nil, fmt.Errorf("%w: v1 event of type %d: %d params fill %d of its %d bytes", ErrCorrupt, typ, k, pos, l)
		}
		if pos == l {
			np = k
			break
		}
	}
	if np < 0 {
		return nil, fmt.Errorf("%w: v1 event of type %d: no parameter count fits its length %d", ErrCorrupt, typ, l)
	}
	le.PutUint32(ev[16:], uint32(l))
	le.PutUint32(ev[22:], uint32(np))
	return ev[:l], nil
}
