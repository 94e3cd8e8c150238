package docsrc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"peregrine/internal/field"
)

// Binder is the field.Binder of a document source. It answers the fields
// every document source has (evt.*, and the json plugin's json.* and
// jevt.*) and hands the others to the source's Def. Its extractors read
// the document its Cursor is at; like the Cursor, it serves one
// evaluation goroutine.
type Binder struct {
	def      *Def
	cur      *Cursor
	hostname string
}

// NewBinder returns a Binder for def over cur. hostname is the value of
// evt.hostname ("" for none).
func NewBinder(def *Def, cur *Cursor, hostname string) *Binder {
	return &Binder{def: def, cur: cur, hostname: hostname}
}

// Bind implements field.Binder. Every extractor computes its values once
// per document: the rules use the same field in many checks.
func (b *Binder) Bind(f *field.Field, arg field.Arg) (field.Extractor, error) {
	ex, err := b.bind(f, arg)
	if err != nil {
		return nil, err
	}
	return b.once(ex), nil
}

// once returns ex computed at most once per document.
func (b *Binder) once(ex field.Extractor) field.Extractor {
	c := b.cur
	var num uint64
	var vals []field.Value
	return func(dst []field.Value) []field.Value {
		if !c.valid {
			return dst
		}
		if num != c.num {
			vals, num = ex(vals[:0]), c.num
		}
		return append(dst, vals...)
	}
}

func (b *Binder) bind(f *field.Field, arg field.Arg) (field.Extractor, error) {
	switch {
	case strings.HasPrefix(f.Name, "evt."):
		return b.bindEvt(f)
	case strings.HasPrefix(f.Name, "json.") || strings.HasPrefix(f.Name, "jevt."):
		return b.bindJSON(f, arg)
	}
	if b.def.Bind == nil {
		return nil, fmt.Errorf("%s: no value in %s events", f.Name, b.def.Source)
	}
	return b.def.Bind(b.cur, f, arg)
}

func noValue(dst []field.Value) []field.Value { return dst }

// textOf returns an extractor giving s whenever the cursor is at a
// document.
func (b *Binder) textOf(s string) field.Extractor {
	v := Str(s)
	return func(dst []field.Value) []field.Value {
		if !b.cur.valid {
			return dst
		}
		return append(dst, v)
	}
}

// bindEvt binds the generic event fields.
func (b *Binder) bindEvt(f *field.Field) (field.Extractor, error) {
	c := b.cur
	switch f.Name {
	case "evt.num":
		return func(dst []field.Value) []field.Value {
			if !c.valid {
				return dst
			}
			return append(dst, field.Uint(c.num))
		}, nil
	case "evt.time", "evt.outputtime":
		return b.timeText("15:04:05.000000000", false), nil
	case "evt.time.s":
		return b.timeText("15:04:05", false), nil
	case "evt.datetime":
		return b.timeText("2006-01-02 15:04:05.000000000", false), nil
	case "evt.datetime.s":
		return b.timeText("2006-01-02 15:04:05", false), nil
	case "evt.time.iso8601":
		return b.timeText("2006-01-02T15:04:05.000000000Z", true), nil
	case "evt.rawtime":
		return b.timeNum(func(c *Cursor) int64 { return c.ts.UnixNano() }), nil
	case "evt.rawtime.s":
		return b.timeNum(func(c *Cursor) int64 { return c.ts.Unix() }), nil
	case "evt.rawtime.ns":
		return b.timeNum(func(c *Cursor) int64 { return int64(c.ts.Nanosecond()) }), nil
	case "evt.reltime":
		return b.timeNum(func(c *Cursor) int64 { return max(0, int64(c.ts.Sub(c.first))) }), nil
	case "evt.reltime.s":
		return b.timeNum(func(c *Cursor) int64 { return max(0, int64(c.ts.Sub(c.first)/time.Second)) }), nil
	case "evt.reltime.ns":
		return b.timeNum(func(c *Cursor) int64 { return max(0, int64(c.ts.Sub(c.first)%time.Second)) }), nil
	case "evt.deltatime":
		return b.timeNum(func(c *Cursor) int64 { return max(0, int64(c.ts.Sub(c.prev))) }), nil
	case "evt.pluginname":
		return b.textOf(b.def.Plugin), nil
	case "evt.source":
		return b.textOf(b.def.Source), nil
	case "evt.is_async":
		return func(dst []field.Value) []field.Value {
			if !c.valid {
				return dst
			}
			return append(dst, field.Bool(false))
		}, nil
	case "evt.hostname":
		if b.hostname == "" {
			return noValue, nil
		}
		return b.textOf(b.hostname), nil
	case "evt.plugininfo", "evt.asynctype":
		return noValue, nil
	}
	return nil, fmt.Errorf("%s: no value in %s events", f.Name, b.def.Source)
}

// timeText binds a field giving the document's time as text, in UTC or
// in the local time zone.
func (b *Binder) timeText(layout string, utc bool) field.Extractor {
	buf := make([]byte, 0, len(layout)+8)
	return func(dst []field.Value) []field.Value {
		if !b.cur.valid {
			return dst
		}
		t := b.cur.ts
		if utc {
			t = t.UTC()
		} else {
			t = t.Local()
		}
		buf = t.AppendFormat(buf[:0], layout)
		return append(dst, field.String(buf))
	}
}

// timeNum binds a time field (nanoseconds, KindTime).
func (b *Binder) timeNum(fn func(c *Cursor) int64) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !b.cur.valid {
			return dst
		}
		return append(dst, field.Value{Kind: field.KindTime, N: uint64(fn(b.cur))})
	}
}

// bindJSON binds the json plugin's fields, under both their names.
func (b *Binder) bindJSON(f *field.Field, arg field.Arg) (field.Extractor, error) {
	c := b.cur
	switch strings.TrimPrefix(strings.TrimPrefix(f.Name, "json."), "jevt.") {
	case "value":
		ptr, err := PointerPath(arg.Text)
		if err != nil {
			return nil, fmt.Errorf("%s[%s]: %w", f.Name, arg.Text, err)
		}
		path := CompilePath(ptr)
		return func(dst []field.Value) []field.Value {
			if !c.valid {
				return dst
			}
			r := c.Lookup(path)
			if !r.Exists() {
				return dst
			}
			return append(dst, Value(r))
		}, nil
	case "obj":
		var buf bytes.Buffer
		return func(dst []field.Value) []field.Value {
			if !c.valid {
				return dst
			}
			buf.Reset()
			if err := json.Indent(&buf, c.doc, "", "  "); err != nil {
				return dst
			}
			return append(dst, field.String(buf.Bytes()))
		}, nil
	case "rawtime":
		buf := make([]byte, 0, 20)
		return func(dst []field.Value) []field.Value {
			if !c.valid {
				return dst
			}
			buf = strconv.AppendInt(buf[:0], c.ts.UnixNano(), 10)
			return append(dst, field.String(buf))
		}, nil
	}
	return nil, fmt.Errorf("%s: no value in %s events", f.Name, b.def.Source)
}

// PointerPath turns a JSON pointer (RFC 6901: /requestObject/spec/0,
// with ~1 for / and ~0 for ~ in keys) into the gjson path that reads
// the same value. A number reads an array element or an object key of
// that name, as the json plugin's lookup does.
func PointerPath(ptr string) (string, error) {
	if ptr == "" {
		return "", fmt.Errorf("empty JSON pointer")
	}
	ptr = strings.TrimPrefix(ptr, "/")
	parts := strings.Split(ptr, "/")
	for i, p := range parts {
		p = strings.ReplaceAll(p, "~1", "/")
		p = strings.ReplaceAll(p, "~0", "~")
		parts[i] = gjson.Escape(p)
	}
	return strings.Join(parts, "."), nil
}

// Value returns the value of a JSON result as the plugins give it: a
// string's text, any other value's JSON text as it appears in the
// document. It does not copy unless the string holds escapes.
func Value(r gjson.Result) field.Value {
	if r.Type == gjson.String {
		return field.String(Bytes(r.Str))
	}
	return field.String(Bytes(r.Raw))
}

// Str returns a string value holding s, without copying it.
func Str(s string) field.Value { return field.String(Bytes(s)) }
