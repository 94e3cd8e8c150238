package rules

import (
	"math"
	"strconv"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// printFormat is how libsinsp prints a field's numbers when it is not in
// decimal (the PF_* print format of the field's table entry).
type printFormat uint8

const (
	printDecimal printFormat = iota
	printHex                 // upper-case hex, no prefix ("%X")
	printPadded              // decimal padded with zeros to 9 digits ("%09")
)

// printFormats lists the catalog fields that libsinsp does not print in
// decimal.
var printFormats = map[string]printFormat{
	"fd.dev":         printHex,
	"evt.rawtime.ns": printPadded,
	"evt.reltime.ns": printPadded,
	"evt.latency.ns": printPadded,
}

func formatOf(f *field.Field) printFormat {
	if f == nil {
		return printDecimal
	}
	return printFormats[f.Name]
}

// maxBufferText is how many characters libsinsp prints at most for a byte
// buffer in an output (its property storage of 1024 bytes, less the room
// it keeps for the terminator).
const maxBufferText = 1021

// appendValueText appends v as Falco prints it in an output: strings as
// they are, numbers in decimal (or as the field's print format says),
// booleans as true or false, addresses as inet_ntop writes them, doubles
// with one decimal, and byte buffers with a '.' for each unprintable byte.
// f is the field the value comes from (nil when unknown); it only chooses
// the print format.
func appendValueText(dst []byte, v field.Value, f *field.Field) []byte {
	switch v.Kind {
	case field.KindString:
		return append(dst, v.B...)
	case field.KindBytes:
		for _, c := range bufferText(v.B) {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			dst = append(dst, c)
		}
		return dst
	case field.KindInt:
		switch formatOf(f) {
		case printHex:
			return appendHexUpper(dst, v.N, f.Type)
		case printPadded:
			return appendPadded9(dst, int64(v.N))
		}
		return strconv.AppendInt(dst, int64(v.N), 10)
	case field.KindUint, field.KindTime:
		switch formatOf(f) {
		case printHex:
			return appendHexUpper(dst, v.N, f.Type)
		case printPadded:
			if int64(v.N) >= 0 {
				return appendPadded9(dst, int64(v.N))
			}
		}
		return strconv.AppendUint(dst, v.N, 10)
	case field.KindBool:
		if v.N != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case field.KindFloat:
		return appendCFloat(dst, math.Float64frombits(v.N))
	case field.KindIP:
		return event.AppendAddr(dst, v.IP)
	case field.KindNet:
		if !v.Net.IsValid() {
			return dst
		}
		dst = event.AppendAddr(dst, v.Net.Addr())
		dst = append(dst, '/')
		return strconv.AppendInt(dst, int64(v.Net.Bits()), 10)
	}
	return dst
}

// bufferText returns the part of a buffer that libsinsp prints.
func bufferText(b []byte) []byte {
	if len(b) > maxBufferText+1 {
		return b[:maxBufferText]
	}
	return b
}

// appendHexUpper appends u as "%X" prints a value of type t: negative
// numbers of a signed type print as their two's complement in the type's
// width.
func appendHexUpper(dst []byte, u uint64, t event.ParamType) []byte {
	if n := t.FixedSize(); n > 0 && n < 8 {
		u &= 1<<(8*n) - 1
	}
	start := len(dst)
	dst = strconv.AppendUint(dst, u, 16)
	for i := start; i < len(dst); i++ {
		if 'a' <= dst[i] && dst[i] <= 'f' {
			dst[i] -= 'a' - 'A'
		}
	}
	return dst
}

// appendPadded9 appends n in decimal, padded with zeros to 9 characters,
// sign included ("%09").
func appendPadded9(dst []byte, n int64) []byte {
	var tmp [24]byte
	digits := strconv.AppendInt(tmp[:0], n, 10)
	width := 9
	if n < 0 {
		dst = append(dst, '-')
		digits = digits[1:]
		width = 8
	}
	for i := len(digits); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, digits...)
}

// appendCFloat appends f as printf("%.1f") does.
func appendCFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(dst, "-nan"...)
		}
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return strconv.AppendFloat(dst, f, 'f', 1, 64)
}

// appendValueJSON appends v as a JSON value, typed as Falco writes the
// output_fields of an alert: numbers and booleans as JSON numbers and
// booleans (numbers printed in hex or padded stay strings, as libsinsp's
// rawval_to_json does), everything else as a string of its text form.
// A value of kind KindNone is null.
func appendValueJSON(dst []byte, v field.Value, f *field.Field) []byte {
	switch v.Kind {
	case field.KindNone:
		return append(dst, "null"...)
	case field.KindBool:
		return appendValueText(dst, v, f)
	case field.KindInt, field.KindUint, field.KindTime:
		if formatOf(f) == printDecimal {
			return appendValueText(dst, v, f)
		}
	case field.KindFloat:
		return appendJSONFloat(dst, math.Float64frombits(v.N))
	}
	switch v.Kind {
	case field.KindString:
		return event.AppendJSONString(dst, v.B)
	case field.KindBytes:
		dst = append(dst, '"')
		for _, c := range bufferText(v.B) {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			if c == '"' || c == '\\' {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
		}
		return append(dst, '"')
	}
	// Numbers in hex or padded, addresses and networks: their text needs
	// no escaping.
	dst = append(dst, '"')
	dst = appendValueText(dst, v, f)
	return append(dst, '"')
}

// appendJSONFloat appends f as a JSON number with up to 17 significant
// digits and a decimal point, as jsoncpp writes a double; NaN and
// infinities, which JSON cannot hold, are null.
func appendJSONFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'g', 17, 64)
	for _, c := range dst[start:] {
		if c == '.' || c == 'e' {
			return dst
		}
	}
	return append(dst, ".0"...)
}

// appendText appends the values of o (from o.extract) as an output
// prints them: a list as "(a,b,c)", anything else by its first value.
// With no value it appends nothing; the caller prints <NA>.
func (o *operand) appendText(dst []byte, vals []field.Value) []byte {
	if !o.list {
		if len(vals) == 0 {
			return dst
		}
		return appendValueText(dst, vals[0], o.field)
	}
	dst = append(dst, '(')
	for i := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendValueText(dst, vals[i], o.field)
	}
	return append(dst, ')')
}

// appendJSON appends the values of o as the JSON of an output field: null
// without a value, an array for a list, else the first value.
func (o *operand) appendJSON(dst []byte, vals []field.Value) []byte {
	if len(vals) == 0 {
		return append(dst, "null"...)
	}
	if !o.list {
		return appendValueJSON(dst, vals[0], o.field)
	}
	dst = append(dst, '[')
	for i := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendValueJSON(dst, vals[i], o.field)
	}
	return append(dst, ']')
}
