package state

import (
	"strconv"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The fdlist.* fields: the descriptors a poll or ppoll call waits on
// (libsinsp's fdlist class), each as one comma-separated text.

type fdListPart uint8

const (
	listNums fdListPart = iota
	listNames
	listCIPs
	listSIPs
	listCPorts
	listSPorts
)

// fdListBindings are the fdlist fields.
var fdListBindings = map[string]bindFunc{
	"fdlist.nums":   fdList(listNums),
	"fdlist.names":  fdList(listNames),
	"fdlist.cips":   fdList(listCIPs),
	"fdlist.sips":   fdList(listSIPs),
	"fdlist.cports": fdList(listCPorts),
	"fdlist.sports": fdList(listSPorts),
}

// pollFDs returns the fd list of a poll or ppoll event.
func pollFDs(e *event.Event) (event.FDList, bool) {
	switch e.Type() {
	case typePollE, typePollX, typePpollE, typePpollX:
	default:
		return event.FDList{}, false
	}
	i := argIndex(e, "fds")
	if i < 0 {
		return event.FDList{}, false
	}
	v, _ := e.Value(i)
	l, err := v.FDList()
	return l, err == nil
}

// fdList binds one fdlist field: for each descriptor of the list, its
// number, its name ("<NA>" when unknown or unnamed), or the address or
// port of an IP socket (other descriptors are left out); no value when
// nothing is left.
func fdList(part fdListPart) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 128)
		return func(dst []field.Value) []field.Value {
			e, t := b.event(), b.thread()
			if e == nil || t == nil {
				return dst
			}
			l, ok := pollFDs(e)
			if !ok {
				return dst
			}
			buf = buf[:0]
			for i := 0; i < l.Len(); i++ {
				num, _ := l.At(i)
				var fd *FD
				if t.Proc != nil && t.Proc.FDs != nil {
					fd = t.Proc.FDs.Get(num)
				}
				mark := len(buf)
				if mark > 0 {
					buf = append(buf, ',')
				}
				if !appendListItem(&buf, part, num, fd) {
					buf = buf[:mark]
				}
			}
			if len(buf) == 0 {
				return dst
			}
			return append(dst, field.String(buf))
		}
	})
}

// appendListItem appends one item; false when the descriptor has none.
func appendListItem(buf *[]byte, part fdListPart, num int64, fd *FD) bool {
	switch part {
	case listNums:
		*buf = strconv.AppendInt(*buf, num, 10)
		return true
	case listNames:
		if fd == nil || fd.Name == "" {
			*buf = append(*buf, "<NA>"...)
		} else {
			*buf = append(*buf, fd.Name...)
		}
		return true
	}
	if fd == nil {
		return false
	}
	switch {
	case part == listCIPs && isIPSock(fd):
		*buf = event.AppendAddr(*buf, fd.ClientIP)
	case part == listSIPs && (isIPSock(fd) || isServSock(fd)):
		*buf = event.AppendAddr(*buf, fd.ServerIP)
	case part == listCPorts && isIPSock(fd):
		*buf = strconv.AppendUint(*buf, uint64(fd.ClientPort), 10)
	case part == listSPorts && isIPSock(fd):
		*buf = strconv.AppendUint(*buf, uint64(fd.ServerPort), 10)
	default:
		return false
	}
	return true
}
