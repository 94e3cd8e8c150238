package event

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Lines formats events one per line, as text or JSON. It keeps the last
// second it formatted, so a Lines value is not safe for concurrent use; the
// zero value prints times in UTC and params with the zero [Printer].
type Lines struct {
	Printer  Printer
	Location *time.Location // time zone of text lines; nil is UTC

	sec int64   // the second hms holds, valid when ok
	hms [9]byte // "15:04:05."
	ok  bool
}

// AppendText appends the one-line text form of e, the way sysdig's
// default output prints an event, and a newline:
//
//	evt.num time cpu proc.name (tid) dir type params
//
// num is the event's ordinal in its stream (evt.num, counted from 1), the
// time is the wall clock in l.Location with nanoseconds, comm is proc.name
// (<NA> when empty: the thread is unknown), and the params are rendered by
// l.Printer. Unlike sysdig, no space trails the params and control
// characters in them print as '.', so that every event is exactly one line.
func (l *Lines) AppendText(dst []byte, num uint64, e *Event, comm string) []byte {
	p := &l.Printer
	dst = strconv.AppendUint(dst, num, 10)
	dst = append(dst, ' ')
	dst = l.appendTime(dst, e.Timestamp())
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, uint64(e.CPU), 10)
	dst = append(dst, ' ')
	if comm == "" {
		comm = "<NA>"
	}
	dst = append(dst, comm...)
	dst = append(dst, " ("...)
	dst = strconv.AppendInt(dst, e.TID(), 10)
	dst = append(dst, ") "...)
	dst = append(dst, e.Dir().String()...)
	dst = append(dst, ' ')
	dst = append(dst, e.TypeName()...)
	mark := len(dst)
	dst = append(dst, ' ')
	if dst = p.AppendArgs(dst, e); len(dst) == mark+1 {
		dst = dst[:mark] // no params: no separator
	}
	// One event, one line: a control character in a string param (a
	// newline in a container's JSON, or in a name an attacker chose to
	// forge log lines) prints as '.', as sysdig prints them in buffers.
	for i := mark; i < len(dst); i++ {
		if c := dst[i]; c < 0x20 || c == 0x7f {
			dst[i] = '.'
		}
	}
	return append(dst, '\n')
}

// appendTime appends ts as HH:MM:SS.nnnnnnnnn in l.Location, formatting
// the time of day once per second.
func (l *Lines) appendTime(dst []byte, ts uint64) []byte {
	sec, ns := int64(ts/1e9), ts%1e9
	if !l.ok || sec != l.sec {
		loc := l.Location
		if loc == nil {
			loc = time.UTC
		}
		time.Unix(sec, 0).In(loc).AppendFormat(l.hms[:0], "15:04:05.")
		l.sec, l.ok = sec, true
	}
	dst = append(dst, l.hms[:]...)
	var digits [9]byte
	for i := 8; i >= 0; i-- {
		digits[i] = byte('0' + ns%10)
		ns /= 10
	}
	return append(dst, digits[:]...)
}

// AppendJSON appends e as one JSON object and a newline. The keys are
// Falco field names: evt.num, evt.time (ns since the epoch), evt.cpu,
// evt.dir, evt.type, thread.tid, proc.name (comm; null when empty), evt.args
// (the params as text, as in [AppendTextLine]) and evt.params (an object of
// param name to its text, in table order), rendered by l.Printer.
func (l *Lines) AppendJSON(dst []byte, num uint64, e *Event, comm string) []byte {
	p := &l.Printer
	dst = append(dst, `{"evt.num":`...)
	dst = strconv.AppendUint(dst, num, 10)
	dst = append(dst, `,"evt.time":`...)
	dst = strconv.AppendUint(dst, e.Timestamp(), 10)
	dst = append(dst, `,"evt.cpu":`...)
	dst = strconv.AppendUint(dst, uint64(e.CPU), 10)
	dst = append(dst, `,"evt.dir":"`...)
	dst = append(dst, e.Dir().String()...)
	dst = append(dst, `","evt.type":`...)
	dst = AppendJSONString(dst, e.TypeName())
	dst = append(dst, `,"thread.tid":`...)
	dst = strconv.AppendInt(dst, e.TID(), 10)
	dst = append(dst, `,"proc.name":`...)
	if comm != "" {
		dst = AppendJSONString(dst, comm)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"evt.args":`...)
	// The args text is built in place after the opening quote, then
	// escaped in place; it is ASCII-safe text except for path bytes.
	start := len(dst)
	dst = p.AppendArgs(dst, e)
	dst = escapeJSONTail(dst, start)
	dst = append(dst, `,"evt.params":{`...)
	for i, n := 0, NumTextParams(e); i < n; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		name, _, _ := TextParam(e.Type(), i)
		dst = AppendJSONString(dst, name)
		dst = append(dst, ':')
		start := len(dst)
		dst = p.AppendValue(dst, e, i)
		dst = escapeJSONTail(dst, start)
	}
	return append(dst, "}}\n"...)
}

// escapeJSONTail turns dst[start:] into a JSON string literal in place.
func escapeJSONTail(dst []byte, start int) []byte {
	tail := dst[start:]
	clean := true
	for _, c := range tail {
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		dst = append(dst, 0)
		copy(dst[start+1:], dst[start:len(dst)-1])
		dst[start] = '"'
		return append(dst, '"')
	}
	// Rare: copy the raw text aside and escape it back.
	raw := append([]byte(nil), tail...)
	return AppendJSONString(dst[:start], string(raw))
}
