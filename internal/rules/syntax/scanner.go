package syntax

import "strings"

// tokenKind names a class of token. The condition language has no context-
// free tokenisation (a bare string may look like a field name or a keyword),
// so the scanner does not cut the text into a stream: the parser asks it for
// the kind of token the grammar allows at the current place, in the order
// the grammar tries them.
type tokenKind uint8

const (
	tokNone        tokenKind = iota
	tokError                 // a quoted string that cannot be decoded; text is the message
	tokLParen                // (
	tokRParen                // )
	tokLBrack                // [
	tokRBrack                // ]
	tokComma                 // ,
	tokAnd                   // "and" followed by a blank or '(' (not consumed)
	tokOr                    // "or" followed by a blank or '(' (not consumed)
	tokNot                   // "not" and the white space after it (at least one)
	tokNotParen              // "not("
	tokFieldName             // proc.name: identifiers joined by dots, at least one dot
	tokIdent                 // macro or list name: [a-zA-Z][a-zA-Z0-9_]*
	tokTransformer           // "tolower(" ...; text is the name without '('
	tokVal                   // "val("
	tokUnaryOp               // exists
	tokNumOp                 // <= < >= >
	tokStrOp                 // == = != and the word operators, which need a blank after them
	tokListOp                // intersects in pmatch
	tokModifier              // oneof anyof allof, followed by a blank
	tokQuoted                // "..." or '...'; text is the decoded value
	tokBare                  // bare string value: no ( ) " ' = , or white space
	tokArgBare               // bare field argument: no [ ] " ' or white space
	tokHex                   // 0x1F
	tokNumber                // [+-]digits[.digits][e(+|-)digits]
)

var tokenNames = [...]string{
	tokNone:        "none",
	tokError:       "error",
	tokLParen:      "'('",
	tokRParen:      "')'",
	tokLBrack:      "'['",
	tokRBrack:      "']'",
	tokComma:       "','",
	tokAnd:         "'and'",
	tokOr:          "'or'",
	tokNot:         "'not'",
	tokNotParen:    "'not('",
	tokFieldName:   "field name",
	tokIdent:       "identifier",
	tokTransformer: "transformer",
	tokVal:         "'val('",
	tokUnaryOp:     "unary operator",
	tokNumOp:       "numeric operator",
	tokStrOp:       "string operator",
	tokListOp:      "list operator",
	tokModifier:    "operator modifier",
	tokQuoted:      "quoted string",
	tokBare:        "bare string",
	tokArgBare:     "bare field argument",
	tokHex:         "hexadecimal number",
	tokNumber:      "number",
}

func (k tokenKind) String() string {
	if int(k) < len(tokenNames) {
		return tokenNames[k]
	}
	return "unknown token"
}

// token is one lexed token: its kind, its byte span in the source and its
// text. For operators, keywords and names the text is as written (without
// the blanks a keyword consumes); for a quoted string it is the decoded
// value; for tokError it is the message, and off is where the fault is.
type token struct {
	kind tokenKind
	off  int
	end  int
	text string
}

// Operators and names in the order the grammar tries them: "<=" before "<",
// "==" before "=", "intersects" before "in".
var (
	numOps       = []string{"<=", "<", ">=", ">"}
	symStrOps    = []string{"==", "=", "!="}
	wordStrOps   = []string{"glob", "iglob", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "regex"}
	listOps      = []string{"intersects", "in", "pmatch"}
	modifiers    = []string{"oneof", "anyof", "allof"}
	transformers = []string{"tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"}
)

// scanner is a pull scanner over one source text: each call lexes one token
// of the asked kind at the current offset, or reports that there is none
// and leaves the offset alone. It never allocates except for quoted strings
// that hold escapes.
type scanner struct {
	src string
	off int
}

func (s *scanner) eof() bool { return s.off >= len(s.src) }

// rest is the unread text.
func (s *scanner) rest() string { return s.src[s.off:] }

// skipBlank skips blanks (space, \t, \b, \r, \n) and reports whether there
// were any.
func (s *scanner) skipBlank() bool {
	start := s.off
	for s.off < len(s.src) && isBlank(s.src[s.off]) {
		s.off++
	}
	return s.off > start
}

// scan lexes a token of kind k at the current offset. On success it
// advances past the token and returns it with ok set.
//
// A quoted string that cannot be decoded (a bad escape, no closing quote)
// still counts as a token, of kind tokError, since nothing else can start
// with a quote: the parser reports it.
func (s *scanner) scan(k tokenKind) (token, bool) {
	if k == tokQuoted {
		return s.quoted()
	}
	start := s.off
	n, text := s.match(k)
	if n < 0 {
		return token{}, false
	}
	s.off += n
	return token{kind: k, off: start, end: s.off, text: text}, true
}

// match returns the length of a token of kind k at the current offset and
// its text, or -1 when there is none. Quoted strings are lexed by quoted.
func (s *scanner) match(k tokenKind) (int, string) {
	r := s.rest()
	switch k {
	case tokLParen:
		return lit(r, "(")
	case tokRParen:
		return lit(r, ")")
	case tokLBrack:
		return lit(r, "[")
	case tokRBrack:
		return lit(r, "]")
	case tokComma:
		return lit(r, ",")
	case tokAnd, tokOr:
		kw := "and"
		if k == tokOr {
			kw = "or"
		}
		if !strings.HasPrefix(r, kw) {
			return -1, ""
		}
		if n := len(kw); n < len(r) && (isBlank(r[n]) || r[n] == '(') {
			return n, kw
		}
	case tokNot:
		if strings.HasPrefix(r, "not") {
			n := 3
			for n < len(r) && isPosixSpace(r[n]) {
				n++
			}
			if n > 3 {
				return n, "not"
			}
		}
	case tokNotParen:
		return lit(r, "not(")
	case tokFieldName:
		if n, dots := fieldNameLen(r); dots > 0 {
			return n, r[:n]
		}
	case tokIdent:
		if n := identLen(r); n > 0 {
			return n, r[:n]
		}
	case tokTransformer:
		for _, name := range transformers {
			if len(r) > len(name) && r[len(name)] == '(' && strings.HasPrefix(r, name) {
				return len(name) + 1, name
			}
		}
	case tokVal:
		return lit(r, "val(")
	case tokUnaryOp:
		return lit(r, "exists")
	case tokNumOp:
		return oneOf(r, numOps)
	case tokStrOp:
		if n, text := oneOf(r, symStrOps); n > 0 {
			return n, text
		}
		return word(r, wordStrOps)
	case tokListOp:
		return oneOf(r, listOps)
	case tokModifier:
		return word(r, modifiers)
	case tokBare:
		if n := spanOf(r, isBareChar); n > 0 {
			return n, r[:n]
		}
	case tokArgBare:
		if n := spanOf(r, isArgBareChar); n > 0 {
			return n, r[:n]
		}
	case tokHex:
		if len(r) > 2 && r[0] == '0' && (r[1] == 'x' || r[1] == 'X') {
			if n := spanOf(r[2:], isHexDigit); n > 0 {
				return n + 2, r[:n+2]
			}
		}
	case tokNumber:
		if n := numberLen(r); n > 0 {
			return n, r[:n]
		}
	}
	return -1, ""
}

// lit matches the literal prefix p.
func lit(r, p string) (int, string) {
	if strings.HasPrefix(r, p) {
		return len(p), p
	}
	return -1, ""
}

// oneOf matches the first of ps that prefixes r.
func oneOf(r string, ps []string) (int, string) {
	for _, p := range ps {
		if strings.HasPrefix(r, p) {
			return len(p), p
		}
	}
	return -1, ""
}

// word matches the first of ws that prefixes r and is followed by a blank.
// The blank is not part of the token.
func word(r string, ws []string) (int, string) {
	for _, w := range ws {
		if strings.HasPrefix(r, w) && len(r) > len(w) && isBlank(r[len(w)]) {
			return len(w), w
		}
	}
	return -1, ""
}

// identLen is the length of the identifier that starts r, or 0.
func identLen(r string) int {
	if r == "" || !isLetter(r[0]) {
		return 0
	}
	return 1 + spanOf(r[1:], isWordChar)
}

// fieldNameLen is the length of the longest run of identifiers joined by
// dots at the start of r, and the number of dots in it. A dot must be
// followed by a letter to join.
func fieldNameLen(r string) (n, dots int) {
	n = identLen(r)
	if n == 0 {
		return 0, 0
	}
	for n+1 < len(r) && r[n] == '.' && isLetter(r[n+1]) {
		n += 1 + identLen(r[n+1:])
		dots++
	}
	return n, dots
}

// numberLen is the length of the decimal number that starts r, or 0:
// an optional sign, digits, an optional '.' and digits, and an optional
// exponent, which needs its sign ("1e+5", not "1e5").
func numberLen(r string) int {
	n := 0
	if n < len(r) && (r[n] == '+' || r[n] == '-') {
		n++
	}
	d := spanOf(r[n:], isDigit)
	if d == 0 {
		return 0
	}
	n += d
	if n < len(r) && r[n] == '.' {
		n++
		n += spanOf(r[n:], isDigit)
	}
	if n+2 < len(r) && (r[n] == 'e' || r[n] == 'E') && (r[n+1] == '+' || r[n+1] == '-') {
		if d := spanOf(r[n+2:], isDigit); d > 0 {
			n += 2 + d
		}
	}
	return n
}

// spanOf is the length of the prefix of r whose bytes all satisfy ok.
func spanOf(r string, ok func(byte) bool) int {
	n := 0
	for n < len(r) && ok(r[n]) {
		n++
	}
	return n
}

// isBlank reports the white space that separates tokens: space, tab,
// backspace, carriage return and line feed.
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n'
}

// isPosixSpace reports the POSIX [:space:] class (space \t \n \v \f \r),
// which bounds bare strings and follows "not". It differs from isBlank:
// \v and \f are in it, \b is not.
func isPosixSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func isLetter(c byte) bool   { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isWordChar(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }
func isHexDigit(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }

// Byte classes of bare strings and bare field arguments (read-only).
var (
	bareClass    = byteClass(`()"'=,`)
	argBareClass = byteClass(`[]"'`)
)

// byteClass is the set of bytes that are neither POSIX space nor in not.
func byteClass(not string) *[256]bool {
	var c [256]bool
	for i := range c {
		c[i] = !isPosixSpace(byte(i)) && strings.IndexByte(not, byte(i)) < 0
	}
	return &c
}

func isBareChar(c byte) bool    { return bareClass[c] }
func isArgBareChar(c byte) bool { return argBareClass[c] }
