package state

import (
	"fmt"
	"strconv"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The fd.* fields of the descriptor an event acts on (libsinsp's fd
// class), except the socket-address ones (extract_fdnet.go). As in
// libsinsp they exist only for events that create, use or close a
// descriptor, of a known thread. When the descriptor itself is unknown
// (the call that would create it failed, or its creation was not seen),
// fd.name and its relatives fall back on what the event says: the path an
// open call was given, the tuple of a connect.

// fdEvent returns the event and its thread when the event is about a
// descriptor.
func (b *Binder) fdEvent() (*event.Event, *Thread, bool) {
	e, t := b.event(), b.thread()
	if e == nil || t == nil {
		return nil, nil, false
	}
	info := e.Info()
	if info == nil || info.Flags&(event.CreatesFD|event.UsesFD|event.DestroysFD) == 0 {
		return nil, nil, false
	}
	return e, t, true
}

// curFD returns the descriptor of an fd event, nil when unknown.
func (b *Binder) curFD() (*event.Event, *Thread, *FD, bool) {
	e, t, ok := b.fdEvent()
	if !ok {
		return nil, nil, nil, false
	}
	return e, t, b.s.cur.fd, true
}

// fdValue binds a field read from a known descriptor.
func fdValue(fn func(fd *FD) (field.Value, bool)) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			_, _, fd, ok := b.curFD()
			if !ok || fd == nil {
				return dst
			}
			if v, ok := fn(fd); ok {
				return append(dst, v)
			}
			return dst
		}
	})
}

// fdBindings are the descriptor fields that are not socket addresses.
var fdBindings = map[string]bindFunc{
	"fd.num": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			if _, _, ok := b.fdEvent(); !ok || !b.s.cur.hasFD {
				return dst
			}
			return append(dst, field.Int(b.s.cur.fdNum))
		}
	}),
	"fd.type": fdValue(func(fd *FD) (field.Value, bool) { return str(fdTypeName(fd.Type)), true }),
	"fd.typechar": simple(func(b *Binder) field.Extractor {
		var buf [1]byte
		return func(dst []field.Value) []field.Value {
			e, _, fd, ok := b.curFD()
			if !ok {
				return dst
			}
			if fd != nil {
				buf[0] = fdTypeChar(fd.Type)
			} else {
				buf[0] = creatorTypeChar(e.TypeName())
			}
			return append(dst, field.String(buf[:]))
		}
	}),
	"fd.name":               fdNameText(nameWhole, false),
	"fd.directory":          fdNameText(nameDirectory, false),
	"fd.containername":      fdNameText(nameWhole, true),
	"fd.containerdirectory": fdNameText(nameDirectory, true),
	"fd.filename": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			_, _, fd, ok := b.curFD()
			if !ok || fd == nil || !isFile(fd) {
				return dst
			}
			return append(dst, str(baseName(fd.Name)))
		}
	}),
	"fd.nameraw": simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 256)
		return func(dst []field.Value) []field.Value {
			e, t, fd, ok := b.curFD()
			if !ok {
				return dst
			}
			// The state keeps no raw name of open descriptors: only the
			// call that opened one has it, as given.
			if fd != nil {
				raw, ok := openedPath(e)
				if !ok {
					return dst
				}
				buf = squeezeSlashes(append(buf[:0], raw...))
				return append(dst, field.String(buf))
			}
			var found bool
			buf, found = b.appendCreatorName(buf[:0], e, t, true)
			if !found {
				return dst
			}
			buf = squeezeSlashes(buf)
			return append(dst, field.String(buf))
		}
	}),
	"fd.uid": simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 24)
		return func(dst []field.Value) []field.Value {
			_, t, ok := b.fdEvent()
			if !ok || !b.s.cur.hasFD {
				return dst
			}
			buf = strconv.AppendInt(buf[:0], t.TID, 10)
			buf = strconv.AppendInt(buf, b.s.cur.fdNum, 10)
			return append(dst, field.String(buf))
		}
	}),
	"fd.dev":       fdValue(func(fd *FD) (field.Value, bool) { return field.Int(int64(int32(fd.Dev))), true }),
	"fd.dev.major": fdValue(func(fd *FD) (field.Value, bool) { return field.Int(int64((fd.Dev & 0xfff00) >> 8)), true }),
	"fd.dev.minor": fdValue(func(fd *FD) (field.Value, bool) {
		return field.Int(int64(fd.Dev&0xff | (fd.Dev>>12)&0xfff00)), true
	}),
	"fd.ino":            fdValue(func(fd *FD) (field.Value, bool) { return field.Int(int64(fd.Ino)), true }),
	"fd.connected":      fdValue(func(fd *FD) (field.Value, bool) { return boolValue(fd.Flags&Connected != 0), true }),
	"fd.name_changed":   fdValue(func(fd *FD) (field.Value, bool) { return boolValue(fd.Flags&NameChanged != 0), true }),
	"fd.is_upper_layer": fdValue(func(fd *FD) (field.Value, bool) { return boolValue(fd.Flags&UpperLayer != 0), true }),
	"fd.is_lower_layer": fdValue(func(fd *FD) (field.Value, bool) { return boolValue(fd.Flags&LowerLayer != 0), true }),
	"fd.types":          bindFDTypes,
}

func isFile(fd *FD) bool { return fd.Type == event.FDFile || fd.Type == event.FDFileV2 }

// fdTypeChars are the letters fd.typechar gives descriptor kinds.
var fdTypeChars = [...]byte{
	event.FDUnknown: 'o', event.FDFile: 'f', event.FDDirectory: 'd', event.FDIPv4Sock: '4',
	event.FDIPv6Sock: '6', event.FDIPv4ServSock: '4', event.FDIPv6ServSock: '6', event.FDFifo: 'p',
	event.FDUnixSock: 'u', event.FDEvent: 'e', event.FDUnsupported: 'X', event.FDSignalFD: 's',
	event.FDEventPoll: 'l', event.FDInotify: 'i', event.FDTimerFD: 't', event.FDNetlink: 'n',
	event.FDFileV2: 'f', event.FDBPF: 'b', event.FDUserfaultFD: 'u', event.FDIOUring: 'r',
	event.FDMemFD: 'm', event.FDPidFD: 'P',
}

func fdTypeChar(t event.FDType) byte {
	if int(t) < len(fdTypeChars) {
		return fdTypeChars[t]
	}
	return 'o'
}

// creatorTypeChar is fd.typechar for an event whose descriptor is
// unknown: the kind the call would have made, 'o' when it makes none.
// Like libsinsp it says '4' for every socket call.
func creatorTypeChar(evtType string) byte {
	switch evtType {
	case "open", "openat", "openat2", "creat":
		return 'f'
	case "socket", "accept", "accept4":
		return '4'
	case "pipe", "pipe2":
		return 'p'
	case "eventfd", "eventfd2":
		return 'e'
	case "signalfd", "signalfd4":
		return 's'
	case "timerfd_create":
		return 't'
	case "inotify_init", "inotify_init1":
		return 'i'
	}
	return 'o'
}

// Name parts of fdNameText.
type namePart uint8

const (
	nameWhole namePart = iota
	nameDirectory
)

// fdNameText binds fd.name, fd.directory and their container-prefixed
// forms.
func fdNameText(part namePart, withContainer bool) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 256)
		return func(dst []field.Value) []field.Value {
			e, t, fd, ok := b.curFD()
			if !ok {
				return dst
			}
			buf = buf[:0]
			if withContainer {
				buf = append(buf, t.Container...)
				buf = append(buf, ':')
			}
			start := len(buf)
			// A connect that failed names its socket by the tuple it
			// tried (fd.name only, as in libsinsp).
			failedConnect := false
			if fd != nil && part == nameWhole && e.Type() == typeConnectX {
				res, ok := returnValue(e)
				failedConnect = ok && res < 0
			}
			if fd != nil && !failedConnect {
				switch {
				case part == nameWhole:
					buf = append(buf, fd.Name...)
				case isFile(fd):
					buf = append(buf, dirName(fd.Name)...)
				case fd.Type == event.FDDirectory:
					buf = append(buf, fd.Name...)
				default:
					return dst
				}
				if !withContainer && part == nameWhole {
					return append(dst, str(fd.Name))
				}
				return append(dst, field.String(buf))
			}
			var found bool
			buf, found = b.appendCreatorName(buf, e, t, false)
			if !found {
				return dst
			}
			if part == nameDirectory {
				d := dirName(string(buf[start:]))
				buf = append(buf[:start], d...)
			}
			return append(dst, field.String(buf))
		}
	})
}

// appendCreatorName appends the name an exit event gives the descriptor
// it creates, for when the state has no descriptor: the path of open and
// creat made absolute with the working directory, the path of openat made
// absolute with its directory descriptor (as given, when raw), the path
// of open_by_handle_at, the tuple of accept and connect. Other fd events
// give an empty name, as in libsinsp; found is false only when the name
// cannot be known (an enter event, an unknown directory descriptor).
func (b *Binder) appendCreatorName(dst []byte, e *event.Event, t *Thread, raw bool) ([]byte, bool) {
	if e.Dir() != event.Exit {
		return dst, false
	}
	switch e.Type() {
	case typeOpenX, typeCreatX:
		p, ok := argStr(e, "name")
		if !ok {
			return dst, true
		}
		if t.Proc == nil && (len(p) == 0 || p[0] != '/') {
			return dst, false
		}
		cwd := ""
		if t.Proc != nil {
			cwd = t.Proc.Cwd
		}
		return joinPath(dst, bytesOf(cwd), p), true
	case typeAcceptX, typeAccept4X, typeAccept5X, typeAccept45X, typeAccept46X, typeConnectX:
		i := argIndex(e, "tuple")
		if i < 0 {
			return dst, true
		}
		return b.printer.AppendValue(dst, e, i), true
	case typeOpenatNewX, typeOpenat2X:
		p, okp := argStr(e, "name")
		dirfd, okd := argInt(e, "dirfd")
		if !okp || !okd {
			return dst, true
		}
		if raw {
			return append(dst, p...), true
		}
		dir, ok := b.dirOf(t, dirfd, p)
		if !ok {
			return dst, false
		}
		return joinPath(dst, bytesOf(dir), p), true
	case typeOpenByHandleAtX:
		p, _ := argStr(e, "path")
		return append(dst, p...), true
	}
	return dst, true
}

// openedPath returns the path an open-family exit event was given.
func openedPath(e *event.Event) ([]byte, bool) {
	switch e.Type() {
	case typeOpenX, typeCreatX, typeOpenatNewX, typeOpenat2X:
		return argStr(e, "name")
	case typeOpenByHandleAtX:
		return argStr(e, "path")
	}
	return nil, false
}

// dirName is fd.directory's part of a file path: up to the last slash, or
// "/" for a path with no slash past the first byte; a path ending in a
// slash is kept whole, as libsinsp does.
func dirName(p string) string {
	i := lastSlash(p)
	if i <= 0 {
		return "/"
	}
	if i == len(p)-1 {
		return p
	}
	return p[:i]
}

// baseName is fd.filename's part of a file path: after the last slash; a
// path ending in a slash is kept whole, and one without a slash gives "/".
func baseName(p string) string {
	i := lastSlash(p)
	switch {
	case i < 0:
		return "/"
	case i == len(p)-1:
		return p
	}
	return p[i+1:]
}

func lastSlash(p string) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return i
		}
	}
	return -1
}

// squeezeSlashes replaces each run of slashes with one, in place.
func squeezeSlashes(b []byte) []byte {
	out := b[:0]
	for i, c := range b {
		if c == '/' && i > 0 && b[i-1] == '/' {
			continue
		}
		out = append(out, c)
	}
	return out
}

// bindFDTypes binds fd.types (the kinds of every descriptor the process
// has open, each once) and fd.types[N] (the kind of descriptor N).
func bindFDTypes(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	n := -1
	if arg.Present() {
		v, err := arg.Index()
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		n = v
	}
	var seen [len(fdTypeNames) + 1]bool
	return func(dst []field.Value) []field.Value {
		_, t, ok := b.fdEvent()
		if !ok || t.Proc == nil || t.Proc.FDs == nil {
			return dst
		}
		if n >= 0 {
			if fd := t.Proc.FDs.Get(int64(n)); fd != nil {
				return append(dst, str(fdTypeName(fd.Type)))
			}
			return dst
		}
		seen = [len(fdTypeNames) + 1]bool{}
		for _, fd := range t.Proc.FDs.fds {
			k := int(fd.Type)
			if k >= len(fdTypeNames) || fdTypeNames[k] == "" {
				k = len(fdTypeNames) // the "<NA>" kinds share one slot
			}
			name := fdTypeName(fd.Type)
			// Kinds that share a name (file and file v2, the socket
			// kinds) are listed once.
			dup := seen[k]
			for j := range fdTypeNames {
				if seen[j] && fdTypeNames[j] == name {
					dup = true
				}
			}
			if dup {
				continue
			}
			seen[k] = true
			dst = append(dst, str(name))
		}
		return dst
	}, nil
}
