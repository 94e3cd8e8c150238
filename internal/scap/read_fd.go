package scap

import (
	"strconv"

	"peregrine/internal/event"
)

// parseFDL decodes an fd list block: a thread id, then one entry per
// descriptor. FDL_V2 entries carry a length that counts itself.
func parseFDL(body []byte, v2 bool) (FDList, error) {
	c := cursor{b: body}
	l := FDList{TID: c.i64("tid")}
	if c.err != nil {
		return l, c.err
	}
	for i := 0; c.left() >= 4; i++ {
		e, end := c.openEntry(v2, true, "fd entry")
		fd, noDev := readFD(&e, end >= 0)
		l.NoDev = l.NoDev || noDev
		c.closeEntry(e, end)
		if c.err != nil {
			return l, errorAt(c.err, "fd entry", i)
		}
		l.FDs = append(l.FDs, fd)
	}
	return l, nil
}

// readFD reads one fd entry. bounded says whether the entry has a length,
// which is what lets FILE_V2 entries carry a device number; noDev reports
// a FILE_V2 entry without one.
func readFD(e *cursor, bounded bool) (fd event.FD, noDev bool) {
	fd = event.FD{Num: e.i64("fd"), Ino: e.u64("ino"), Type: event.FDType(e.u8("type"))}
	switch t := fd.Type; {
	case t == event.FDIPv4Sock:
		fd.SIP = e.addr4("source address")
		fd.DIP = e.addr4("destination address")
		fd.SPort = e.u16("source port")
		fd.DPort = e.u16("destination port")
		fd.L4Proto = e.u8("l4proto")
	case t == event.FDIPv6Sock:
		fd.SIP = e.addr16("source address")
		fd.DIP = e.addr16("destination address")
		fd.SPort = e.u16("source port")
		fd.DPort = e.u16("destination port")
		fd.L4Proto = e.u8("l4proto")
	case t == event.FDIPv4ServSock:
		fd.ServerIP = e.addr4("server address")
		fd.ServerPort = e.u16("server port")
		fd.L4Proto = e.u8("l4proto")
	case t == event.FDIPv6ServSock:
		fd.ServerIP = e.addr16("server address")
		fd.ServerPort = e.u16("server port")
		fd.L4Proto = e.u8("l4proto")
	case t == event.FDUnixSock:
		fd.UnixSource = e.u64("unix source")
		fd.UnixDest = e.u64("unix destination")
		fd.Name = e.str(maxPathLen, true, "unix path")
	case t == event.FDFileV2:
		fd.OpenFlags = e.u32("open flags")
		fd.Name = e.str(maxPathLen, true, "name")
		if bounded && e.left() >= 4 {
			fd.Dev = e.u32("dev")
		} else {
			noDev = true
		}
	case t.Named():
		fd.Name = e.str(maxPathLen, true, "name")
	case t == event.FDUnknown:
		// libs reads nothing more for this kind.
	default:
		// A kind from a newer capture: libs shows it so and skips the
		// entry by its length.
		fd.Name = "unknown-type:[" + strconv.Itoa(int(t)) + "]"
	}
	return fd, noDev
}
