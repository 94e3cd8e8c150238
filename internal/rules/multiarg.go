package rules

import (
	"bytes"
	"strings"

	"peregrine/internal/event"
	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// The transformers with several arguments (libs 0.24 and 0.25). Their
// sources were not available to us, so their meaning here follows their
// proposals (falcosecurity/libs issues 1925 and 2025) and the reference:
//
//   - join(sep, x) is the text of the values of x separated by sep; x is a
//     field or transformer (every value of a list) or a parenthesised list
//     of fields, transformers and literals.
//   - concat(a, b, ...) is the text of its arguments one after the other;
//     each is a literal or a field or transformer with a single value.
//   - getopt(args, optstring)[c] is the argument of option -c in args (a
//     string split at spaces, or a list of strings), parsed as getopt(3)
//     does with optstring; an option without argument gives "".
//
// All three give one string. When a field they need has no value, they
// have none either. Numbers, addresses and other non-string values are
// written as in outputs.

// textPart is an argument of join or concat: a literal, or an operand
// whose values are written as text.
type textPart struct {
	lit  string
	op   *operand
	vals []field.Value // scratch for op's values
}

// textParts compiles the items of a join list or the arguments of concat.
func (c *checkCompiler) textParts(t *syntax.Transformer, args []syntax.TransformerArg, use operandUse, allowList bool) ([]textPart, error) {
	parts := make([]textPart, len(args))
	for i, a := range args {
		if s, ok := a.(*syntax.Str); ok {
			parts[i].lit = s.Text
			continue
		}
		o, err := c.argOperand(t, a, use)
		if err != nil {
			return nil, err
		}
		if o.list && !allowList {
			return nil, errAt(a, "transformer %s takes single values, and %s is a list", t.Name, o.name())
		}
		parts[i].op = o
	}
	return parts, nil
}

// bound reports whether every operand of parts has an extractor.
func bound(parts []textPart) bool {
	for i := range parts {
		if parts[i].op != nil && parts[i].op.extract == nil {
			return false
		}
	}
	return true
}

func (c *checkCompiler) concat(t *syntax.Transformer, use operandUse) (*operand, error) {
	if len(t.Args) == 0 {
		return nil, errAt(t, "transformer concat takes one argument or more")
	}
	parts, err := c.textParts(t, t.Args, use, false)
	if err != nil {
		return nil, err
	}
	o := &operand{expr: t, ptype: event.PTCharbuf, kind: field.KindString}
	if bound(parts) && c.binder != nil {
		o.extract = textExtractor(parts, nil, false)
	}
	return o, nil
}

func (c *checkCompiler) join(t *syntax.Transformer, use operandUse) (*operand, error) {
	var sep *syntax.Str
	if len(t.Args) == 2 {
		sep, _ = t.Args[0].(*syntax.Str)
	}
	if sep == nil {
		return nil, errAt(t, `transformer join takes a separator and a list: join(",", ka.req.pod.containers.image)`)
	}
	var parts []textPart
	var err error
	if l, ok := t.Args[1].(*syntax.TransformerList); ok {
		parts, err = c.textParts(t, l.Items, use, true)
	} else {
		parts, err = c.textParts(t, t.Args[1:], use, true)
	}
	if err != nil {
		return nil, err
	}
	o := &operand{expr: t, ptype: event.PTCharbuf, kind: field.KindString}
	if bound(parts) && c.binder != nil {
		o.extract = textExtractor(parts, []byte(sep.Text), true)
	}
	return o, nil
}

// textExtractor writes the parts one after the other into one string
// value. With all set, every value of each operand is written, sep
// between any two; otherwise only an operand's first value is.
func textExtractor(parts []textPart, sep []byte, all bool) field.Extractor {
	var buf []byte
	return func(dst []field.Value) []field.Value {
		buf = buf[:0]
		n := 0
		for i := range parts {
			p := &parts[i]
			if p.op == nil {
				if n > 0 {
					buf = append(buf, sep...)
				}
				buf = append(buf, p.lit...)
				n++
				continue
			}
			p.vals = p.op.extract(p.vals[:0])
			if len(p.vals) == 0 {
				return dst
			}
			vals := p.vals
			if !all {
				vals = vals[:1]
			}
			for j := range vals {
				if n > 0 {
					buf = append(buf, sep...)
				}
				buf = appendValueText(buf, vals[j], p.op.field)
				n++
			}
		}
		return append(dst, field.String(buf))
	}
}

func (c *checkCompiler) getopt(t *syntax.Transformer, use operandUse) (*operand, error) {
	const usage = `transformer getopt takes arguments, an option string and an option: getopt(proc.args, "c:")[c]`
	var opts *syntax.Str
	if len(t.Args) == 2 {
		opts, _ = t.Args[1].(*syntax.Str)
	}
	if opts == nil || !t.HasIndex {
		return nil, errAt(t, usage)
	}
	in, err := c.argOperand(t, t.Args[0], use)
	if err != nil {
		return nil, err
	}
	if !isStringType(in.ptype) {
		return nil, errAt(t, "transformer getopt applies to strings, not to %s", in.name())
	}
	spec := strings.TrimLeft(opts.Text, "+-:")
	want := t.Index
	if len(want) != 1 || want[0] == ':' || strings.IndexByte(spec, want[0]) < 0 {
		return nil, errAt(t, "transformer getopt: option %q is not one of %q", want, opts.Text)
	}
	o := &operand{expr: t, field: in.field, ptype: event.PTCharbuf, kind: field.KindString}
	if in.extract != nil {
		o.extract = getoptExtractor(in, spec, strings.HasPrefix(opts.Text, "+"), want[0])
	}
	return o, nil
}

// getoptExtractor gives the argument of option want in the values of in.
func getoptExtractor(in *operand, spec string, posix bool, want byte) field.Extractor {
	var vals []field.Value
	var argv [][]byte
	return func(dst []field.Value) []field.Value {
		vals = in.extract(vals[:0])
		argv = argv[:0]
		for i := range vals {
			if in.list {
				argv = append(argv, vals[i].B)
				continue
			}
			argv = appendWords(argv, vals[i].B)
		}
		v, ok := getoptLookup(argv, spec, posix, want)
		if !ok {
			return dst
		}
		return append(dst, field.String(v))
	}
}

// appendWords appends the words of s, split at spaces, to argv.
func appendWords(argv [][]byte, s []byte) [][]byte {
	for len(s) > 0 {
		i := bytes.IndexByte(s, ' ')
		if i < 0 {
			return append(argv, s)
		}
		if i > 0 {
			argv = append(argv, s[:i])
		}
		s = s[i+1:]
	}
	return argv
}

// getoptLookup scans argv (without the program name) as GNU getopt(3)
// does with optstring spec: options may follow operands unless posix is
// set (a leading '+'), "--" ends the options, "-abc" groups options, and
// an option whose letter is followed by ':' in spec takes the rest of its
// word or the next word as argument. It returns the argument of the last
// occurrence of want ("" for an option without argument).
func getoptLookup(argv [][]byte, spec string, posix bool, want byte) (val []byte, found bool) {
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if len(a) == 2 && a[0] == '-' && a[1] == '-' {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if posix {
				break
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			ch := a[j]
			k := strings.IndexByte(spec, ch)
			if ch == ':' || k < 0 {
				continue
			}
			if k+1 < len(spec) && spec[k+1] == ':' {
				var arg []byte
				switch {
				case j+1 < len(a):
					arg = a[j+1:]
				case i+1 < len(argv):
					i++
					arg = argv[i]
				default:
					return val, found
				}
				if ch == want {
					val, found = arg, true
				}
				break
			}
			if ch == want {
				val, found = nil, true
			}
		}
	}
	return val, found
}
