package alert

import (
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

// Field is one output field of an alert: a field the rule's output names
// (as written there, e.g. "proc.aname[2]" or "tolower(proc.name)") and its
// value encoded as JSON: a string, a number, a boolean, an array for list
// fields, or null when the event had no value.
type Field struct {
	Name string
	JSON string
}

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
			if f.JSON == "" {
				dst = append(dst, "null"...)
			} else {
				dst = append(dst, f.JSON...)
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
