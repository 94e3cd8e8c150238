package state

import (
	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The fs.path.* fields: the paths a file system call works on, whether or
// not it opens a descriptor (libsinsp's fs.path class). They exist only
// when the call succeeded (for the open family, when it did not return
// -1, as libsinsp tests it). The non-raw forms make a relative path
// absolute with the thread's working directory, even for the *at calls
// (libsinsp does not use their directory descriptor here); evt.abspath
// does.

// fsPathRole says which path of a call a field gives.
type fsPathRole uint8

const (
	fsPath fsPathRole = iota
	fsSource
	fsTarget
)

// fsPathSource says where a call's path comes from: a parameter, or the
// name of the call's descriptor.
type fsPathSource struct {
	param string // "" for the descriptor's name
}

// fsPathCall describes one call: where each of its paths comes from, and
// whether success means res == 0 or fd != -1.
type fsPathCall struct {
	path, source, target *fsPathSource
	openLike             bool
}

func fsParam(name string) *fsPathSource { return &fsPathSource{param: name} }

// fdName marks a path taken from the descriptor's name (fchmod, fchown).
var fdName = &fsPathSource{}

// fsPathCalls lists the calls with paths, by event type (the current
// layouts, which normalised captures use).
var fsPathCalls = map[event.Type]fsPathCall{
	typeMkdir2X:    {path: fsParam("path")},
	typeMkdiratX:   {path: fsParam("path")},
	typeRmdir2X:    {path: fsParam("path")},
	typeUnlink2X:   {path: fsParam("path")},
	typeUnlinkat2X: {path: fsParam("name")},
	typeOpenX:      {path: fsParam("name"), openLike: true},
	typeOpenatNewX: {path: fsParam("name"), openLike: true},
	typeOpenat2X:   {path: fsParam("name"), openLike: true},
	typeFchmodatX:  {path: fsParam("filename")},
	typeChmodX:     {path: fsParam("filename")},
	typeFchmodX:    {path: fdName},
	typeChownX:     {path: fsParam("path")},
	typeLchownX:    {path: fsParam("path")},
	typeFchownX:    {path: fdName},
	typeFchownatX:  {path: fsParam("pathname")},
	typeQuotactlX:  {path: fsParam("special")},
	typeRenameX:    {source: fsParam("oldpath"), target: fsParam("newpath")},
	typeRenameatX:  {source: fsParam("oldpath"), target: fsParam("newpath")},
	typeRenameat2X: {source: fsParam("oldpath"), target: fsParam("newpath")},
	typeLink2X:     {source: fsParam("newpath"), target: fsParam("oldpath")},
	typeLinkat2X:   {source: fsParam("newpath"), target: fsParam("oldpath")},
	typeSymlinkX:   {source: fsParam("linkpath"), target: fsParam("target")},
	typeSymlinkatX: {source: fsParam("linkpath"), target: fsParam("target")},
	typeMountX:     {source: fsParam("dev"), target: fsParam("dir")},
	typeUmountX:    {path: fsParam("name")},
	typeUmount1X:   {path: fsParam("name")},
	typeUmount2X:   {path: fsParam("name")},
}

// fsPathBindings are the fs.path fields.
var fsPathBindings = map[string]bindFunc{
	"fs.path.name":      fsPathField(fsPath, false),
	"fs.path.nameraw":   fsPathField(fsPath, true),
	"fs.path.source":    fsPathField(fsSource, false),
	"fs.path.sourceraw": fsPathField(fsSource, true),
	"fs.path.target":    fsPathField(fsTarget, false),
	"fs.path.targetraw": fsPathField(fsTarget, true),
}

// succeeded applies the success test of a call.
func (c *fsPathCall) succeeded(e *event.Event) bool {
	if c.openLike {
		fd, ok := argInt(e, "fd")
		return ok && fd != -1
	}
	res, ok := argInt(e, "res")
	return ok && res == 0
}

func fsPathField(role fsPathRole, raw bool) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 256)
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil {
				return dst
			}
			call, ok := fsPathCalls[e.Type()]
			if !ok || !call.succeeded(e) {
				return dst
			}
			src := call.path
			switch role {
			case fsSource:
				src = call.source
			case fsTarget:
				src = call.target
			}
			if src == nil {
				return dst
			}
			var path []byte
			if src == fdName {
				fd := b.s.cur.fd
				if fd == nil {
					return dst
				}
				path = bytesOf(fd.Name)
			} else {
				i := argIndex(e, src.param)
				if i < 0 {
					return dst
				}
				v, _ := e.Value(i)
				path = trimNUL(v.Raw)
			}
			if len(path) == 0 {
				return dst
			}
			if raw || len(path) > 0 && path[0] == '/' {
				return append(dst, field.String(path))
			}
			t := b.thread()
			if t == nil || t.Proc == nil {
				return dst
			}
			buf = joinPath(buf[:0], bytesOf(t.Proc.Cwd), path)
			return append(dst, field.String(buf))
		}
	})
}
