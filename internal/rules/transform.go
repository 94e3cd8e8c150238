package rules

import (
	"bytes"
	"encoding/base64"

	"peregrine/internal/event"
	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// transformer compiles a transformer call. The one-argument transformers
// follow libsinsp (sinsp_filter_transformers): tolower, toupper and
// basename take strings, b64 strings or byte buffers, len strings, byte
// buffers or lists. join, concat and getopt are libs 0.24/0.25 additions;
// see multiarg.go for the meaning we give them.
func (c *checkCompiler) transformer(t *syntax.Transformer, use operandUse) (*operand, error) {
	if t.HasIndex && t.Name != "getopt" {
		return nil, errAt(t, "transformer %s takes no index", t.Name)
	}
	switch t.Name {
	case "tolower", "toupper", "basename", "b64", "len":
		return c.unaryTransformer(t, use)
	case "join":
		return c.join(t, use)
	case "concat":
		return c.concat(t, use)
	case "getopt":
		return c.getopt(t, use)
	}
	return nil, errAt(t, "unknown transformer %s", t.Name)
}

// argOperand compiles a field or a transformer given as a transformer's
// argument.
func (c *checkCompiler) argOperand(t *syntax.Transformer, a syntax.TransformerArg, use operandUse) (*operand, error) {
	switch a := a.(type) {
	case *syntax.Field:
		return c.fieldOperand(a, use, true)
	case *syntax.Transformer:
		return c.transformer(a, use)
	}
	return nil, errAt(a, "transformer %s takes a field or a transformer here, not %s", t.Name, a)
}

// isStringType reports whether t is one of libsinsp's string types.
func isStringType(t event.ParamType) bool {
	return t == event.PTCharbuf || t == event.PTFSPath || t == event.PTFSRelPath
}

func (c *checkCompiler) unaryTransformer(t *syntax.Transformer, use operandUse) (*operand, error) {
	if len(t.Args) != 1 {
		return nil, errAt(t, "transformer %s takes one argument, not %d", t.Name, len(t.Args))
	}
	in, err := c.argOperand(t, t.Args[0], use)
	if err != nil {
		return nil, err
	}
	o := &operand{expr: t, field: in.field, ptype: in.ptype, list: in.list, eitherEnd: in.eitherEnd}
	var build func(field.Extractor) field.Extractor
	switch t.Name {
	case "tolower", "toupper":
		if !isStringType(in.ptype) {
			return nil, errAt(t, "transformer %s applies to strings, not to %s", t.Name, in.name())
		}
		table := &lowerTable
		if t.Name == "toupper" {
			table = &upperTable
		}
		build = func(e field.Extractor) field.Extractor { return mapBytes(e, sameLen, caseMapper(table)) }
	case "basename":
		if !isStringType(in.ptype) {
			return nil, errAt(t, "transformer basename applies to strings, not to %s", in.name())
		}
		build = func(e field.Extractor) field.Extractor { return mapBytes(e, sameLen, appendBasename) }
	case "b64":
		if in.ptype != event.PTCharbuf && in.ptype != event.PTBytebuf {
			return nil, errAt(t, "transformer b64 applies to strings and byte buffers, not to %s", in.name())
		}
		build = func(e field.Extractor) field.Extractor { return mapBytes(e, sameLen, appendBase64Decoded) }
	case "len":
		if !in.list && !isStringType(in.ptype) && in.ptype != event.PTBytebuf {
			return nil, errAt(t, "transformer len applies to strings, byte buffers and lists, not to %s", in.name())
		}
		o.ptype, o.list = event.PTUint64, false
		list, bytesIn := in.list, in.ptype == event.PTBytebuf
		build = func(e field.Extractor) field.Extractor { return lenExtractor(e, list, bytesIn) }
	}
	o.kind = field.KindOf(o.ptype)
	if in.extract != nil {
		o.extract = build(in.extract)
	}
	return o, nil
}

// sameLen bounds the output of a mapper that never grows its input.
func sameLen(n int) int { return n }

// mapBytes returns an extractor that passes each string or buffer value
// of in through f, which appends the new bytes to dst and reports whether
// the value could be transformed. When one value cannot, the operand has
// no value for the event (as libsinsp's string_transformer). The results
// live in a buffer the extractor owns and reuses: it grows to the largest
// event seen and then stays, so steady state does not allocate. bound
// gives, for an input of n bytes, an upper bound of f's output.
func mapBytes(in field.Extractor, bound func(int) int, f func(dst, src []byte) ([]byte, bool)) field.Extractor {
	var vals []field.Value
	var buf []byte
	return func(dst []field.Value) []field.Value {
		vals = in(vals[:0])
		need := 0
		for i := range vals {
			need += bound(len(vals[i].B))
		}
		if cap(buf) < need {
			buf = make([]byte, 0, need+need/2)
		}
		buf = buf[:0]
		start := len(dst)
		for i := range vals {
			from := len(buf)
			var ok bool
			buf, ok = f(buf, vals[i].B)
			if !ok {
				return dst[:start]
			}
			v := vals[i]
			v.B = buf[from:len(buf):len(buf)]
			dst = append(dst, v)
		}
		return dst
	}
}

// lowerTable and upperTable map each byte as C's tolower and toupper do in
// the C locale: ASCII letters only.
var lowerTable, upperTable = caseTables()

func caseTables() (lower, upper [256]byte) {
	for i := range 256 {
		lower[i], upper[i] = byte(i), byte(i)
		if 'A' <= i && i <= 'Z' {
			lower[i] = byte(i) + 'a' - 'A'
		}
		if 'a' <= i && i <= 'z' {
			upper[i] = byte(i) - 'a' + 'A'
		}
	}
	return lower, upper
}

func caseMapper(table *[256]byte) func(dst, src []byte) ([]byte, bool) {
	return func(dst, src []byte) ([]byte, bool) {
		for _, b := range src {
			dst = append(dst, table[b])
		}
		return dst, true
	}
}

// appendBasename appends what follows the last '/' of src (all of src
// when it has none; nothing when it ends with '/').
func appendBasename(dst, src []byte) ([]byte, bool) {
	return append(dst, src[bytes.LastIndexByte(src, '/')+1:]...), true
}

// lenExtractor gives one unsigned value per value of in: the length of a
// string (up to a NUL, as strnlen) or a buffer. For a list it gives one
// value, the number of items; a list with no item has no value, since an
// extractor cannot tell an empty list from a missing one.
func lenExtractor(in field.Extractor, list, bytesIn bool) field.Extractor {
	var vals []field.Value
	return func(dst []field.Value) []field.Value {
		vals = in(vals[:0])
		if list {
			if len(vals) == 0 {
				return dst
			}
			return append(dst, field.Uint(uint64(len(vals))))
		}
		for i := range vals {
			b := vals[i].B
			n := len(b)
			if !bytesIn {
				if j := bytes.IndexByte(b, 0); j >= 0 {
					n = j
				}
			}
			dst = append(dst, field.Uint(uint64(n)))
		}
		return dst
	}
}

// appendBase64Decoded appends the bytes that the base64 text src stands
// for. As libsinsp's decodeWithoutPadding, the '=' padding may be left
// out; any byte outside the standard alphabet, or a length no encoding
// gives, makes src invalid.
func appendBase64Decoded(dst, src []byte) ([]byte, bool) {
	n := len(src)
	for pad := 0; pad < 2 && n > 0 && src[n-1] == '='; pad++ {
		n--
	}
	src = src[:n]
	if n%4 == 1 {
		return dst, false
	}
	for _, b := range src {
		if !isBase64Byte(b) {
			return dst, false
		}
	}
	out, err := base64.RawStdEncoding.AppendDecode(dst, src)
	if err != nil {
		return dst, false
	}
	return out, true
}

func isBase64Byte(b byte) bool {
	return 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '+' || b == '/'
}
