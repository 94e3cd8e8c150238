package syntax

import (
	"strconv"
	"strings"
)

// MaxFormatWidth is the largest field width a format may give
// ("%65535proc.name"). libsinsp has no limit; a width of a billion would
// make every formatted line a gigabyte.
const MaxFormatWidth = 1 << 16

// Format is a parsed rule output format such as
// "%evt.time: shell in %container.name (%proc.cmdline)".
type Format struct {
	// Lenient is set by a leading '*': the line is printed even when some
	// fields have no value, which then print as <NA>. Falco always adds it.
	Lenient bool
	// Parts are the runs of literal text and the % tokens, in order.
	Parts []FormatPart
}

// FormatPart is a run of literal text (Operand is nil) or one % token.
type FormatPart struct {
	Pos     Pos     // where the text or the '%' starts
	Text    string  // the literal text; empty for a token
	Width   int     // %12proc.name pads or cuts the value to 12 bytes; 0 for none
	Operand Operand // the field or transformer of a token
}

// ParseFormat parses an output format: literal text with % tokens. A token
// is '%', an optional decimal width, then the longest prefix of the rest
// that parses as a field or a transformer call: %proc.name,
// %proc.aname[2], %evt.arg.flags, %tolower(proc.name), %json.value[/a/b].
// When the longest prefix does not parse ("%proc.name[x") a shorter one is
// tried, down to one byte, as libsinsp's formatter does; with [KnownFields]
// a prefix whose fields are unknown is cut short the same way.
//
// There is no escape for a literal '%': "%%" is an error, as in libsinsp,
// and so is a '%' or a width at the end of the text. On error the result
// is the zero Format and the error is an [ErrorList].
func ParseFormat(s string, opts ...Option) (Format, error) {
	cfg := newConfig(opts)
	lines := newLineIndex(s)
	var errs ErrorList
	if s == "" {
		errs.Add(lines.pos(0), "output format is empty")
		return Format{}, errs.Err()
	}
	var f Format
	i := 0
	if s[0] == '*' {
		f.Lenient = true
		i = 1
	}
	text := i
	for i < len(s) {
		if s[i] != '%' {
			i++
			continue
		}
		if i > text {
			f.Parts = append(f.Parts, FormatPart{Pos: lines.pos(text), Text: s[text:i]})
		}
		pct := i
		j := i + 1
		if j == len(s) {
			errs.Add(lines.pos(pct), "output format ends with '%'; expected a field after it")
			return Format{}, errs.Err()
		}
		width := 0
		if isDigit(s[j]) {
			k := j + spanOf(s[j:], isDigit)
			if k == len(s) {
				errs.Add(lines.pos(j), "output format ends with a field width; expected a field after it")
				return Format{}, errs.Err()
			}
			w, err := strconv.Atoi(s[j:k])
			if err != nil || w > MaxFormatWidth {
				errs.Add(lines.pos(j), "field width "+s[j:k]+" is larger than "+strconv.Itoa(MaxFormatWidth))
				return Format{}, errs.Err()
			}
			width, j = w, k
		}
		op, end, err := parseFormatOperand(s, j, lines, cfg)
		if err != nil {
			errs = append(errs, err)
			return Format{}, errs.Err()
		}
		f.Parts = append(f.Parts, FormatPart{Pos: lines.pos(pct), Width: width, Operand: op})
		i, text = end, end
	}
	if text < len(s) {
		f.Parts = append(f.Parts, FormatPart{Pos: lines.pos(text), Text: s[text:]})
	}
	return f, nil
}

// parseFormatOperand parses the field or transformer of a token that
// starts at offset start, trying shorter and shorter prefixes of s until
// one parses (and names known fields, if cfg says which are known). It
// returns the operand and the offset after it.
//
// Shortening skips ahead: a parse that fails at offset e read the tokens
// before e with at most three bytes of lookahead (a number peeks at
// "e+5"), and cutting bytes off cannot make a token that failed at e
// match; so every prefix of e+3 bytes or more fails the same way, and the
// next try is at e+2. (The fuzz test checks this against shortening one
// byte at a time.)
func parseFormatOperand(s string, start int, lines *lineIndex, cfg config) (Operand, int, *Error) {
	// The error to report is the one of the longest prefix: its syntax
	// error, or its first unknown field.
	var first *Error
	for limit := len(s); limit > start; {
		p := newParser(s[:limit], lines, cfg, "output format")
		p.sc.off = start
		var op Operand
		p.run(func() { op = p.parseOperand() })
		if len(p.errs) > 0 {
			if first == nil {
				first = p.errs[0]
			}
			if cfg.bytewise {
				limit--
			} else {
				limit = min(limit-1, p.errs[0].Pos.Offset+2)
			}
			continue
		}
		name := unknownField(op, cfg.known)
		if name == "" {
			return op, p.sc.off, nil
		}
		if first == nil {
			first = &Error{Pos: lines.pos(start), Msg: "unknown field '" + name + "' in output format"}
		}
		limit = p.sc.off - 1
	}
	return nil, 0, first
}

// unknownField returns the name of the first field of op that known
// rejects, or "" when all are known or known is nil.
func unknownField(op Operand, known func(string) bool) string {
	if known == nil {
		return ""
	}
	name := ""
	Inspect(op, func(n Node) bool {
		if f, ok := n.(*Field); ok && name == "" && !known(f.Name) {
			name = f.Name
		}
		return name == ""
	})
	return name
}

// String prints the format back: parsing the result gives an equal
// Format. Literal text is printed as is, so it must not hold '%'.
func (f Format) String() string {
	var b strings.Builder
	if f.Lenient {
		b.WriteByte('*')
	}
	for _, p := range f.Parts {
		if p.Operand == nil {
			b.WriteString(p.Text)
			continue
		}
		b.WriteByte('%')
		if p.Width > 0 {
			b.WriteString(strconv.Itoa(p.Width))
		}
		writeOperand(&b, p.Operand)
	}
	return b.String()
}
