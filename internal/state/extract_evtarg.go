package state

import (
	"fmt"
	"math"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The event fields made of parameters: their text (evt.arg, evt.args),
// their raw values (evt.rawarg, evt.buffer), and what libsinsp derives
// from them (evt.buflen, evt.abspath, evt.is_open_*).

// evtArgBindings are the parameter fields.
var evtArgBindings = map[string]bindFunc{
	"evt.arg":    bindArg,
	"evt.args":   simple(argsText),
	"evt.info":   simple(argsText),
	"evt.rawarg": bindRawArg,
	"evt.buffer": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil {
				return dst
			}
			i := argIndex(e, "data")
			if i < 0 {
				return dst
			}
			v, _ := e.Value(i)
			if v.Type != event.PTBytebuf {
				return dst
			}
			return append(dst, field.Value{Kind: field.KindBytes, B: v.Raw})
		}
	}),
	"evt.buflen":          buflen(anyIO, anyFD),
	"evt.buflen.in":       buflen(event.CatIORead, anyFD),
	"evt.buflen.out":      buflen(event.CatIOWrite, anyFD),
	"evt.buflen.file":     buflen(anyIO, fileFD),
	"evt.buflen.file.in":  buflen(event.CatIORead, fileFD),
	"evt.buflen.file.out": buflen(event.CatIOWrite, fileFD),
	"evt.buflen.net":      buflen(anyIO, netFD),
	"evt.buflen.net.in":   buflen(event.CatIORead, netFD),
	"evt.buflen.net.out":  buflen(event.CatIOWrite, netFD),
	"evt.abspath":         bindAbsPath,
	"evt.is_open_read":    openFlag(openRead),
	"evt.is_open_write":   openFlag(openWrite),
	"evt.is_open_exec":    openFlag(openExec),
	"evt.is_open_create":  openFlag(openCreate),
}

// bindArg binds evt.arg.NAME and evt.arg[N]: one parameter as sysdig's
// evt.arg shows it, the annotation alone when it has one ("<f>/etc/hosts"
// for an fd, "ENOENT" for an error), else the value.
func bindArg(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if !arg.Present() {
		return nil, fmt.Errorf("field %s needs a parameter name or index", f.Name)
	}
	index := -1
	if !arg.Dotted {
		n, err := arg.Index()
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		index = n
	}
	name := arg.Text
	buf := make([]byte, 0, 128)
	return func(dst []field.Value) []field.Value {
		e := b.event()
		if e == nil {
			return dst
		}
		i := index
		if i < 0 {
			i = argIndex(e, name)
		}
		if i < 0 || i >= event.NumTextParams(e) {
			return dst
		}
		buf = b.printer.AppendResolved(buf[:0], e, i)
		return append(dst, field.String(buf))
	}, nil
}

// argsText renders every parameter as name=value, as evt.args shows them.
func argsText(b *Binder) field.Extractor {
	buf := make([]byte, 0, 512)
	return func(dst []field.Value) []field.Value {
		e := b.event()
		if e == nil {
			return dst
		}
		buf = b.printer.AppendArgs(buf[:0], e)
		return append(dst, field.String(buf))
	}
}

// bindRawArg binds evt.rawarg.NAME: the parameter with the kind of its
// type, so that numbers compare as numbers. The rules compiler gives the
// field the type of the first parameter of that name in the event table;
// an event whose parameter of that name has a type of another family
// (text where a number was expected) gives no value.
func bindRawArg(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if !arg.Present() {
		return nil, fmt.Errorf("field %s needs a parameter name", f.Name)
	}
	name := arg.Text
	want := rawArgKind(name)
	return func(dst []field.Value) []field.Value {
		e := b.event()
		if e == nil {
			return dst
		}
		i := argIndex(e, name)
		if i < 0 {
			return dst
		}
		v, _ := e.Value(i)
		if v.Type == event.PTDyn {
			d, err := v.Dyn()
			if err != nil {
				return dst
			}
			v = d
		}
		val, ok := rawValue(v)
		if !ok || !sameFamily(val.Kind, want) {
			return dst
		}
		return append(dst, val)
	}, nil
}

// rawArgKind is the kind the rules compiler expects for evt.rawarg.NAME.
func rawArgKind(name string) field.Kind {
	for t := 0; t < event.NumTypes(); t++ {
		info := event.Type(t).Info()
		if info == nil {
			continue
		}
		if i := info.ParamIndex(name); i >= 0 {
			return field.KindOf(info.Params[i].Type)
		}
	}
	return field.KindNone
}

// sameFamily reports whether a value of kind got compares with constants
// converted for kind want: numbers with numbers, text with text.
func sameFamily(got, want field.Kind) bool {
	num := func(k field.Kind) bool {
		return k == field.KindInt || k == field.KindUint || k == field.KindTime
	}
	if got == want || num(got) && num(want) {
		return true
	}
	return (got == field.KindString || got == field.KindBytes) && (want == field.KindString || want == field.KindBytes)
}

// rawValue converts a parameter into a field value of its own kind.
func rawValue(v event.Value) (field.Value, bool) {
	switch k := field.KindOf(v.Type); k {
	case field.KindString:
		if v.Type == event.PTCharbufArray || v.Type == event.PTCharbufPairArray {
			return field.String(trimNUL(v.Raw)), true
		}
		return field.String(v.Str()), v.Str() != nil
	case field.KindBytes:
		return field.Value{Kind: field.KindBytes, B: v.Raw}, true
	case field.KindInt:
		n, ok := v.Int()
		return field.Int(n), ok
	case field.KindUint, field.KindTime:
		n, ok := v.Uint()
		return field.Value{Kind: k, N: n}, ok
	case field.KindBool:
		t, ok := v.Bool()
		return boolValue(t), ok
	case field.KindIP:
		a, ok := v.Addr()
		return field.IP(a), ok
	case field.KindFloat:
		x, ok := v.Float()
		return field.Value{Kind: field.KindFloat, N: math.Float64bits(x)}, ok
	}
	return field.Value{}, false
}

func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

// Descriptor and category filters of the evt.buflen family.
const anyIO event.Category = 0xffff

type fdKindFilter uint8

const (
	anyFD fdKindFilter = iota
	fileFD
	netFD
)

// buflen binds an evt.buflen field: the size an I/O call moved (its
// non-negative result) when it acted on a known descriptor of the kind
// the filter accepts.
func buflen(class event.Category, kinds fdKindFilter) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			fd := b.s.cur.fd
			if e == nil || fd == nil {
				return dst
			}
			info := e.Info()
			if info == nil {
				return dst
			}
			c := info.Category.Class()
			if class == anyIO {
				if c != event.CatIORead && c != event.CatIOWrite && c != event.CatIOOther {
					return dst
				}
			} else if c != class {
				return dst
			}
			switch kinds {
			case fileFD:
				if fd.Type != event.FDFile && fd.Type != event.FDFileV2 {
					return dst
				}
			case netFD:
				if fd.Type < event.FDIPv4Sock || fd.Type > event.FDIPv6ServSock {
					return dst
				}
			}
			res, ok := returnValue(e)
			if !ok || res < 0 {
				return dst
			}
			return append(dst, field.Uint(uint64(res)))
		}
	})
}

// abspathArgs names the dirfd and path parameters evt.abspath joins, by
// event type: src (or no argument) first, dst second.
var abspathArgs = map[event.Type][2][2]string{
	typeRenameatX:  {{"olddirfd", "oldpath"}, {"newdirfd", "newpath"}},
	typeRenameat2X: {{"olddirfd", "oldpath"}, {"newdirfd", "newpath"}},
	typeLinkat2X:   {{"olddir", "oldpath"}, {"newdir", "newpath"}},
	typeSymlinkatX: {{"linkdirfd", "linkpath"}},
	typeOpenatNewX: {{"dirfd", "name"}},
	typeOpenat2X:   {{"dirfd", "name"}},
	typeUnlinkat2X: {{"dirfd", "name"}},
	typeMkdiratX:   {{"dirfd", "path"}},
	typeFchmodatX:  {{"dirfd", "filename"}},
	typeFchownatX:  {{"dirfd", "pathname"}},
}

// bindAbsPath binds evt.abspath, evt.abspath.src and evt.abspath.dst: the
// path of an *at call made absolute with its directory descriptor (or the
// working directory for AT_FDCWD). A directory descriptor the state does
// not know gives no value (libsinsp writes "<UNKNOWN>/" before the path).
func bindAbsPath(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	which := 0
	switch {
	case !arg.Present():
	case arg.Text == "src":
	case arg.Text == "dst":
		which = 1
	default:
		return nil, fmt.Errorf("field %s takes src or dst, not %q", f.Name, arg.Text)
	}
	buf := make([]byte, 0, 256)
	return func(dst []field.Value) []field.Value {
		e := b.event()
		t := b.thread()
		if e == nil || t == nil {
			return dst
		}
		if e.Type() == typeOpenByHandleAtX {
			fd, ok := returnValue(e)
			p, okp := argStr(e, "path")
			if !ok || fd <= 0 || !okp {
				return dst
			}
			buf = joinPath(buf[:0], nil, p)
			return append(dst, field.String(buf))
		}
		names, ok := abspathArgs[e.Type()]
		if !ok || names[which][0] == "" {
			return dst
		}
		dirfd, okd := argInt(e, names[which][0])
		p, okp := argStr(e, names[which][1])
		if !okd || !okp {
			return dst
		}
		dir, ok := b.dirOf(t, dirfd, p)
		if !ok {
			return dst
		}
		buf = joinPath(buf[:0], bytesOf(dir), p)
		return append(dst, field.String(buf))
	}, nil
}

// dirOf returns the directory a path relative to dirfd is resolved in:
// none needed for an absolute path, the working directory for AT_FDCWD,
// else the name of the descriptor.
func (b *Binder) dirOf(t *Thread, dirfd int64, p []byte) (string, bool) {
	switch {
	case len(p) > 0 && p[0] == '/':
		return "", true
	case dirfd == atFDCWD:
		if t.Proc == nil {
			return "", false
		}
		return t.Proc.Cwd, true
	}
	if t.Proc == nil || t.Proc.FDs == nil {
		return "", false
	}
	fd := t.Proc.FDs.Get(dirfd)
	if fd == nil {
		return "", false
	}
	return fd.Name, true
}

// PPM open flags and mode bits (the driver's own values, not the
// kernel's).
const (
	ppmORdonly   = 1 << 0
	ppmOWronly   = 1 << 1
	ppmOCreat    = 1 << 2
	ppmOTmpfile  = 1 << 13
	ppmOFCreated = 1 << 14
	ppmExecMask  = 0x40 | 0x8 | 0x1 // S_IXUSR, S_IXGRP, S_IXOTH
)

type openCheck uint8

const (
	openRead openCheck = iota
	openWrite
	openExec
	openCreate
)

// openFlag binds an evt.is_open_* field from the flags and mode of an
// open-family call: always a value, false for other events, as in
// libsinsp.
func openFlag(check openCheck) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil {
				return dst
			}
			return append(dst, boolValue(openTest(e, check)))
		}
	})
}

func openTest(e *event.Event, check openCheck) bool {
	switch e.Type() {
	case typeOpenX, typeOpenatNewX, typeOpenat2X, typeOpenByHandleAtX:
	case typeCreatX:
		if check != openExec {
			return false
		}
		mode, _ := argInt(e, "mode")
		return mode&ppmExecMask != 0
	default:
		return false
	}
	flags, _ := argInt(e, "flags")
	switch check {
	case openRead:
		return flags&ppmORdonly != 0
	case openWrite:
		return flags&ppmOWronly != 0
	case openCreate:
		if flags&ppmOFCreated != 0 {
			return true
		}
		res, ok := returnValue(e)
		return flags&ppmOTmpfile != 0 && ok && res >= 0
	}
	// openExec: a created file with an execute bit.
	if flags&(ppmOTmpfile|ppmOCreat) == 0 || e.Type() == typeOpenByHandleAtX {
		return false
	}
	mode, ok := argInt(e, "mode")
	return ok && mode&ppmExecMask != 0
}
