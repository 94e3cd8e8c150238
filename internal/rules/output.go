package rules

import (
	"errors"
	"strings"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// format is a compiled output format.
type format struct {
	lenient bool // a leading '*' (see syntax.Format)
	parts   []formatPart
	fields  []formatPart // one per distinct token, in order of first use
	scratch []field.Value
}

// formatPart is literal text (op nil) or a token.
type formatPart struct {
	text  string
	op    *operand
	width int
	name  string // the token as written, the key of output_fields
}

// notAvailable is what an output prints for a field without a value.
const notAvailable = "<NA>"

// output compiles the output format of r.
// A rule's own errors come first: the appended text, checked once by
// Compile, cannot make a valid output invalid.
func (c *compiler) output(r *Rule) (*format, error) {
	f, err := c.format(r.Output)
	if err != nil {
		return f, err
	}
	text := r.Output
	add := func(more string) {
		if more = notShown(more, text); more != "" {
			text += " " + more
		}
	}
	add(c.opt.AppendOutput)
	for i := range c.opt.Appends {
		if a := &c.opt.Appends[i]; a.selects(r) {
			add(a.Output)
		}
	}
	if text == r.Output {
		return f, nil
	}
	return c.format(text)
}

// notShown returns the words of an appended output that show something
// new: a word naming a %field that output already shows (a rule that
// prints container.id itself, appended container_id=%container.id) is
// left out, so that no alert says the same thing twice. Words without a
// field stay.
func notShown(appended, output string) string {
	words := strings.Fields(appended)
	kept := words[:0]
	for _, w := range words {
		i := strings.IndexByte(w, '%')
		if i < 0 {
			kept = append(kept, w)
			continue
		}
		name := w[i:]
		if end := strings.IndexFunc(name[1:], func(r rune) bool { return !isFieldRune(r) }); end >= 0 {
			name = name[:end+1]
		}
		if len(name) > 1 && !showsField(output, name) {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// showsField reports whether output has the %field ref, whole (not
// %container.id inside %container.idx).
func showsField(output, ref string) bool {
	for i := 0; ; {
		j := strings.Index(output[i:], ref)
		if j < 0 {
			return false
		}
		end := i + j + len(ref)
		if end == len(output) || !isFieldRune(rune(output[end])) {
			return true
		}
		i = end
	}
}

// isFieldRune reports whether r can be part of a field reference.
func isFieldRune(r rune) bool {
	return r == '.' || r == '_' || r == '[' || r == ']' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// format compiles an output format.
func (c *compiler) format(text string) (*format, error) {
	known := func(name string) bool {
		_, _, ok := c.opt.Catalog.Lookup(c.opt.Source, name)
		return ok
	}
	f, err := syntax.ParseFormat(text, syntax.KnownFields(known))
	if err != nil {
		var list syntax.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			return nil, &posError{Pos: list[0].Pos, Msg: list[0].Msg}
		}
		return nil, err
	}
	out := &format{scratch: make([]field.Value, 0, 16), lenient: f.Lenient}
	seen := map[string]bool{}
	for _, p := range f.Parts {
		if p.Operand == nil {
			out.parts = append(out.parts, formatPart{text: p.Text})
			continue
		}
		op, err := c.checks.operand(p.Operand, useOutput)
		if err != nil {
			return nil, err
		}
		fp := formatPart{op: op, width: p.Width, name: p.Operand.String()}
		out.parts = append(out.parts, fp)
		if !seen[fp.name] {
			seen[fp.name] = true
			out.fields = append(out.fields, fp)
		}
	}
	return out, nil
}

// appendMessage renders the format for the current event.
func (f *format) appendMessage(dst []byte) []byte {
	for i := range f.parts {
		p := &f.parts[i]
		if p.op == nil {
			dst = append(dst, p.text...)
			continue
		}
		start := len(dst)
		vals := p.op.extract(f.scratch[:0])
		if len(vals) == 0 {
			dst = append(dst, notAvailable...)
		} else {
			dst = p.op.appendText(dst, vals)
		}
		if p.width > 0 {
			if n := len(dst) - start; n > p.width {
				dst = dst[:start+p.width]
			} else {
				for ; n < p.width; n++ {
					dst = append(dst, ' ')
				}
			}
		}
	}
	return dst
}

// appendFields appends the output fields of the current event.
func (f *format) appendFields(dst []alert.Field) []alert.Field {
	var buf []byte
	for i := range f.fields {
		p := &f.fields[i]
		buf = p.op.appendJSON(buf[:0], p.op.extract(f.scratch[:0]))
		dst = append(dst, alert.Field{Name: p.name, JSON: string(buf)})
	}
	return dst
}

// Alert builds the alert of r for the event the source is at, which
// happened at t: the message, the output line ("15:04:05.000000000:
// Priority message", in t's location, as Falco's "%evt.time: " prefix) and
// the output fields.
func (r *CompiledRule) Alert(t time.Time, hostname string) alert.Alert {
	msg := string(r.out.appendMessage(nil))
	line := t.AppendFormat(nil, "15:04:05.000000000")
	line = append(line, ": "...)
	line = append(line, r.Priority.String()...)
	line = append(line, ' ')
	line = append(line, msg...)
	return alert.Alert{
		Time:     t,
		Rule:     r.Name,
		Priority: r.Priority,
		Source:   r.Source,
		Hostname: hostname,
		Output:   string(line),
		Message:  msg,
		Tags:     r.Tags,
		Fields:   r.out.appendFields(nil),
	}
}

// AppendMessage appends the rule's output formatted for the current event.
func (r *CompiledRule) AppendMessage(dst []byte) []byte { return r.out.appendMessage(dst) }
