package syntax

import (
	"fmt"
	"strings"
)

// quoted lexes a quoted string at the current offset, as libsinsp does:
//
//   - the string opens with " or ' and closes at the next same quote that
//     does not follow a backslash. A backslash that is itself escaped does
//     not count: "a\\" does not close at its last quote, so such a value
//     must be written with \x5c;
//   - a NUL byte ends the text, as the C string it is in libsinsp;
//   - the escapes are \b \f \n \r \t \\ \/ \xHH, \" inside "..." only and
//     \' inside '...' only; "\ " (backslash, space) stands for a backslash
//     alone, a leniency for old rules; any other escape is an error. A
//     quote of the other kind needs no escape, and an unescaped quote of the
//     same kind can only appear after an escaped backslash, where it is
//     kept as is.
func (s *scanner) quoted() (token, bool) {
	r := s.rest()
	if r == "" || (r[0] != '"' && r[0] != '\'') {
		return token{}, false
	}
	start := s.off
	delim := r[0]
	closing := -1
	prev := byte('\\') // the opening quote does not close the string
	for i := 0; i < len(r) && r[i] != 0; i++ {
		if r[i] == delim && prev != '\\' {
			closing = i
			break
		}
		prev = r[i]
	}
	if closing < 0 {
		s.off = len(s.src)
		return token{kind: tokError, off: start, end: s.off, text: "quoted string is not terminated"}, true
	}
	s.off = start + closing + 1
	text, badOff, msg := unescape(r[1:closing], delim)
	if msg != "" {
		return token{kind: tokError, off: start + 1 + badOff, end: s.off, text: msg}, true
	}
	return token{kind: tokQuoted, off: start, end: s.off, text: text}, true
}

// unescape decodes the body of a string quoted with delim. On a bad escape
// it returns the offset of its backslash in body and a message.
func unescape(body string, delim byte) (text string, badOff int, msg string) {
	if strings.IndexByte(body, '\\') < 0 {
		return body, 0, ""
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(body) {
			// Cannot happen for a body cut by quoted, which never ends in a
			// backslash; kept for safety.
			return "", i, "backslash at the end of a quoted string"
		}
		i++
		switch e := body[i]; e {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '\\', ' ':
			b.WriteByte('\\')
		case '/':
			b.WriteByte('/')
		case '"', '\'':
			if e != delim {
				return "", i - 1, fmt.Sprintf("escape \\%c in a string quoted with %c", e, delim)
			}
			b.WriteByte(e)
		case 'x':
			if i+2 >= len(body) || !isHexDigit(body[i+1]) || !isHexDigit(body[i+2]) {
				return "", i - 1, "escape \\x needs two hexadecimal digits"
			}
			b.WriteByte(hexVal(body[i+1])<<4 | hexVal(body[i+2]))
			i += 2
		default:
			return "", i - 1, fmt.Sprintf("unknown escape sequence %s", escapeName(e))
		}
	}
	return b.String(), 0, ""
}

func escapeName(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'\\%c'", c)
	}
	return fmt.Sprintf("'\\' followed by byte 0x%02x", c)
}

func hexVal(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return (c | 0x20) - 'a' + 10
}

const hexDigits = "0123456789abcdef"

// quote returns s as a double-quoted string that the scanner decodes back
// to s: backslash and double quote are escaped, control bytes use their
// short escape or \xHH, and a final backslash is written \x5c (a "\\"
// just before the closing quote would not close it).
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			if i == len(s)-1 {
				b.WriteString(`\x5c`)
			} else {
				b.WriteString(`\\`)
			}
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\x`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
