package state

import (
	"fmt"
	"strconv"
	"strings"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The event fields of system call events that do not render parameters
// (libsinsp's syscall event class): type, direction, result, category,
// I/O flags and the count fields.

// evtSyscallBindings are the event fields of system call events that do
// not render parameters (those are in extract_evtarg.go).
var evtSyscallBindings = map[string]bindFunc{
	"evt.type": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if e := b.event(); e != nil {
				return append(dst, str(e.TypeName()))
			}
			return dst
		}
	}),
	"evt.type.is": bindTypeIs,
	"syscall.type": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil {
				return dst
			}
			info := e.Info()
			if info == nil || info.Category&event.CatSyscall == 0 {
				return dst
			}
			return append(dst, str(e.TypeName()))
		}
	}),
	"evt.dir": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if e := b.event(); e != nil {
				if e.Dir() == event.Enter {
					return append(dst, str(">"))
				}
				return append(dst, str("<"))
			}
			return dst
		}
	}),
	"evt.cpu": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if e := b.event(); e != nil {
				return append(dst, field.Int(int64(e.CPU)))
			}
			return dst
		}
	}),
	"evt.category": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if e := b.event(); e != nil {
				return append(dst, str(b.category(e)))
			}
			return dst
		}
	}),
	"evt.res": simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 24)
		return func(dst []field.Value) []field.Value {
			res, ok := returnValue(b.event())
			if !ok {
				return dst
			}
			if res >= 0 {
				return append(dst, str("SUCCESS"))
			}
			if name := event.ErrnoName(res); name != "" {
				return append(dst, str(name))
			}
			buf = strconv.AppendInt(buf[:0], res, 10)
			return append(dst, field.String(buf))
		}
	}),
	"evt.rawres": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if res, ok := returnValue(b.event()); ok {
				return append(dst, field.Int(res))
			}
			return dst
		}
	}),
	"evt.failed": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if res, ok := returnValue(b.event()); ok {
				return append(dst, boolValue(res < 0))
			}
			return dst
		}
	}),
	"evt.is_io":       eventFlag(event.ReadsFromFD | event.WritesToFD),
	"evt.is_io_read":  eventFlag(event.ReadsFromFD),
	"evt.is_io_write": eventFlag(event.WritesToFD),
	"evt.is_wait":     eventFlag(event.Waits),
	"evt.io_dir": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			info := eventInfo(b.event())
			switch {
			case info == nil:
			case info.Flags&event.WritesToFD != 0:
				return append(dst, str("write"))
			case info.Flags&event.ReadsFromFD != 0:
				return append(dst, str("read"))
			}
			return dst
		}
	}),
	"evt.is_syslog": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			info := eventInfo(b.event())
			if info == nil {
				return dst
			}
			fd := b.s.cur.fd
			return append(dst, boolValue(info.Flags&event.WritesToFD != 0 && fd != nil && isSyslog(fd)))
		}
	}),
	"evt.count": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if b.event() == nil {
				return dst
			}
			return append(dst, field.Uint(1))
		}
	}),
	"evt.count.error":        errorCount(func(*Binder, *event.Event) bool { return true }),
	"evt.count.error.file":   errorCount((*Binder).isFileOp),
	"evt.count.error.net":    errorCount((*Binder).isNetOp),
	"evt.count.error.memory": errorCount(func(_ *Binder, e *event.Event) bool { return isMemoryOp(e) }),
	"evt.count.error.other": errorCount(func(b *Binder, e *event.Event) bool {
		return !b.isFileOp(e) && !b.isNetOp(e) && !isMemoryOp(e)
	}),
	"evt.count.exit": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if e := b.event(); e != nil && e.Dir() == event.Exit {
				return append(dst, field.Uint(1))
			}
			return dst
		}
	}),
	"evt.count.procinfo":   procinfoCount(true),
	"evt.count.threadinfo": procinfoCount(false),
	// Latencies: libs computes none since drivers send one event per
	// call; these deprecated fields are 0, as there.
	"evt.latency":           constTime(0),
	"evt.latency.s":         constTime(0),
	"evt.latency.ns":        constTime(0),
	"evt.latency.quantized": constUint(0),
	"evt.wait_latency":      constTime(0),
	"evt.latency.human": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if b.event() == nil {
				return dst
			}
			return append(dst, str("0ns"))
		}
	}),
}

// bindTypeIs binds evt.type.is.NAME (1 when the event's type is named
// NAME, in any of its versions) and evt.type.is.N (1 for type number N).
func bindTypeIs(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if !arg.Present() {
		return nil, fmt.Errorf("field %s needs an event type name or number", f.Name)
	}
	var set [1024]bool // indexed by type; event.NumTypes() is well below
	if n, err := strconv.ParseUint(arg.Text, 10, 16); err == nil {
		if int(n) < len(set) {
			set[n] = true
		}
	} else {
		types := event.TypesNamed(arg.Text)
		if len(types) == 0 {
			return nil, fmt.Errorf("field %s: no event type is named %q", f.Name, arg.Text)
		}
		for _, t := range types {
			if int(t) < len(set) {
				set[t] = true
			}
		}
	}
	return func(dst []field.Value) []field.Value {
		e := b.event()
		if e == nil {
			return dst
		}
		t := int(e.Type())
		if t < len(set) && set[t] {
			return append(dst, field.Uint(1))
		}
		return append(dst, field.Uint(0))
	}, nil
}

func eventInfo(e *event.Event) *event.Info {
	if e == nil {
		return nil
	}
	return e.Info()
}

// eventFlag binds a boolean that says whether the event type has flags.
func eventFlag(flags event.Flags) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			info := eventInfo(b.event())
			if info == nil {
				return dst
			}
			return append(dst, boolValue(info.Flags&flags != 0))
		}
	})
}

func constTime(ns uint64) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if b.event() == nil {
				return dst
			}
			return append(dst, timeValue(ns))
		}
	})
}

func constUint(n uint64) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if b.event() == nil {
				return dst
			}
			return append(dst, field.Uint(n))
		}
	})
}

// returnValue returns the result of the system call an exit event
// records: its first parameter when that is an error code, a descriptor
// or a pid (res, fd), as libsinsp reads it.
func returnValue(e *event.Event) (int64, bool) {
	if e == nil || e.Dir() != event.Exit {
		return 0, false
	}
	v, ok := e.Value(0)
	if !ok {
		return 0, false
	}
	switch v.Type {
	case event.PTErrno, event.PTFD, event.PTPID, event.PTFD32, event.PTPID32, event.PTInt64, event.PTInt32:
		return v.Int()
	}
	return 0, false
}

// errorCount binds an evt.count.error field: 1 when the call failed, 0
// when it did not, no value for events without a result or outside the
// group that applies says.
func errorCount(applies func(b *Binder, e *event.Event) bool) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			res, ok := returnValue(e)
			if !ok || !applies(b, e) {
				return dst
			}
			if res < 0 {
				return append(dst, field.Uint(1))
			}
			return append(dst, field.Uint(0))
		}
	})
}

// isFileOp reports whether e acts on a file (its descriptor is a file or
// directory, or it is an open-family call that made none).
func (b *Binder) isFileOp(e *event.Event) bool {
	if fd := b.s.cur.fd; fd != nil {
		switch fd.Type {
		case event.FDFile, event.FDFileV2, event.FDDirectory:
			return true
		}
		return false
	}
	switch e.Type() {
	case typeOpenX, typeCreatX, typeOpenat2X, typeOpenatNewX, typeOpenByHandleAtX:
		return true
	}
	return false
}

// isNetOp reports whether e acts on a socket (its descriptor is one, or
// it is an accept or connect that made none).
func (b *Binder) isNetOp(e *event.Event) bool {
	if fd := b.s.cur.fd; fd != nil {
		switch fd.Type {
		case event.FDIPv4Sock, event.FDIPv6Sock, event.FDIPv4ServSock, event.FDIPv6ServSock, event.FDUnixSock:
			return true
		}
		return false
	}
	switch e.Type() {
	case typeAccept5X, typeAccept46X, typeConnectX:
		return true
	}
	return false
}

func isMemoryOp(e *event.Event) bool {
	info := e.Info()
	return info != nil && info.Category.Class() == event.CatMemory
}

// procinfoCount binds the table-only evt.count.procinfo (main threads
// only) and evt.count.threadinfo.
func procinfoCount(mainOnly bool) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil {
				return dst
			}
			n := uint64(0)
			if e.Type() == typeProcinfoE {
				t := b.thread()
				if !mainOnly || (t != nil && t.IsMain()) {
					n = 1
				}
			}
			return append(dst, field.Uint(n))
		}
	})
}

// category returns evt.category: the class of the event type, and for
// I/O events the kind of descriptor they move data through.
func (b *Binder) category(e *event.Event) string {
	info := e.Info()
	if info == nil {
		return "unknown"
	}
	c := info.Category
	switch c.Class() {
	case event.CatIORead, event.CatIOWrite, event.CatIOOther:
	default:
		return c.String()
	}
	fd := b.s.cur.fd
	if fd == nil {
		return "unknown"
	}
	switch fd.Type {
	case event.FDFile, event.FDFileV2, event.FDDirectory:
		return "file"
	case event.FDIPv4Sock, event.FDIPv6Sock, event.FDIPv4ServSock, event.FDIPv6ServSock:
		return "net"
	case event.FDFifo, event.FDUnixSock, event.FDEvent, event.FDSignalFD, event.FDInotify, event.FDUserfaultFD:
		return "ipc"
	}
	return "unknown"
}

// isSyslog reports whether a descriptor is the syslog device: libsinsp
// looks for /dev/log in its name, whatever its kind.
func isSyslog(fd *FD) bool { return strings.Contains(fd.Name, "/dev/log") }
