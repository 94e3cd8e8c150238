package alert

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Alert is one firing of a rule.
type Alert struct {
	Time     time.Time // when the event happened
	Rule     string
	Priority Priority
	Source   string // the event source: "syscall", "k8s_audit", ...
	Hostname string
	// Output is the alert line: the event time, the priority and the
	// rule's formatted output ("12:03:04.123456789: Warning shell in ...").
	Output string
	// Message is the rule's formatted output alone.
	Message string
	Tags    []string
	// Fields are the fields the rule's output names, with their values,
	// in the order they first appear in the output.
	Fields []Field
}

// Field is one output field of an alert.
type Field struct {
	Name  string
	Kind  FieldKind
	Value string // the text of the value; for KindNumber and KindBool valid JSON
}

// FieldKind is how a field's value is written in JSON.
type FieldKind uint8

// Field kinds.
const (
	KindNull   FieldKind = iota // no value: null
	KindString                  // a JSON string
	KindNumber                  // a JSON number, Value holds its digits
	KindBool                    // true or false
)

// JSONOptions choose the optional members of the JSON form, as Falco's
// json_include_*_property settings do. The zero value includes none of
// them; [DefaultJSON] gives Falco's default.
type JSONOptions struct {
	Output       bool // "output" (Falco default: on)
	Tags         bool // "tags" (on)
	Message      bool // "message" (off)
	OutputFields bool // "output_fields" (on)
}

// DefaultJSON returns Falco's default choice of JSON members.
func DefaultJSON() JSONOptions { return JSONOptions{Output: true, Tags: true, OutputFields: true} }

// AppendJSON appends the alert as one JSON object in Falco's shape:
//
//	{"hostname":..,"output":..,"output_fields":{..},"priority":..,"rule":..,"source":..,"tags":[..],"time":..}
//
// with the time in RFC 3339 UTC with nanoseconds. Invalid UTF-8 in strings
// is replaced by U+FFFD, as Falco does.
func (a *Alert) AppendJSON(dst []byte, o JSONOptions) []byte {
	dst = append(dst, `{"hostname":`...)
	dst = appendString(dst, a.Hostname)
	if o.Message {
		dst = append(dst, `,"message":`...)
		dst = appendString(dst, a.Message)
	}
	if o.Output {
		dst = append(dst, `,"output":`...)
		dst = appendString(dst, a.Output)
	}
	if o.OutputFields {
		dst = append(dst, `,"output_fields":{`...)
		for i, f := range a.Fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, f.Name)
			dst = append(dst, ':')
			switch f.Kind {
			case KindString:
				dst = appendString(dst, f.Value)
			case KindNumber, KindBool:
				dst = append(dst, f.Value...)
			default:
				dst = append(dst, "null"...)
			}
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `,"priority":`...)
	dst = appendString(dst, a.Priority.String())
	dst = append(dst, `,"rule":`...)
	dst = appendString(dst, a.Rule)
	dst = append(dst, `,"source":`...)
	dst = appendString(dst, a.Source)
	if o.Tags {
		dst = append(dst, `,"tags":[`...)
		for i, t := range a.Tags {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, t)
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"time":"`...)
	dst = a.Time.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000000Z")
	return append(dst, `"}`...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// NumberField returns an output field holding an integer.
func NumberField(name string, n int64) Field {
	return Field{Name: name, Kind: KindNumber, Value: strconv.FormatInt(n, 10)}
}
