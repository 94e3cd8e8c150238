package rules

// globMatch reports whether s matches the shell pattern p as glibc's
// fnmatch(3) decides with the flags libsinsp passes: none for glob,
// FNM_CASEFOLD for iglob (fold). Falco runs in the C locale, so the
// pattern and the string are bytes and case folding is ASCII only.
//
//   - '*' matches any run of bytes, '/' and a leading '.' included (no
//     FNM_PATHNAME, no FNM_PERIOD); '?' matches one byte.
//   - '[...]' matches one byte of a set: ranges a-z, classes [:alpha:]
//     and the other POSIX class names, single-byte [=x=] and [.x.];
//     "[!...]" and "[^...]" negate; a ']' right after the opening (or
//     after the negation) is a member. A '[' with no closing ']' is a
//     plain '['. An unknown class name makes the whole pattern fail.
//   - '\' makes the next byte plain, inside brackets too; a pattern that
//     ends with a lone '\' matches nothing.
//
// Matching does not allocate: a '*' is retried from the last one seen,
// which is enough since every other element matches exactly one byte.
func globMatch(p, s []byte, fold bool) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for px < len(p) || sx < len(s) {
		if px < len(p) {
			c := p[px]
			switch c {
			case '*':
				starP, starS = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			case '[':
				if sx < len(s) {
					matched, next, state := matchBracket(p, px, s[sx], fold)
					if state == bracketBad {
						return false
					}
					if state == bracketOK {
						if matched {
							px, sx = next, sx+1
							continue
						}
					} else if eqFold('[', s[sx], fold) {
						px++
						sx++
						continue
					}
				}
			case '\\':
				if px+1 == len(p) {
					return false
				}
				if sx < len(s) && eqFold(p[px+1], s[sx], fold) {
					px += 2
					sx++
					continue
				}
			default:
				if sx < len(s) && eqFold(c, s[sx], fold) {
					px++
					sx++
					continue
				}
			}
		}
		if starP >= 0 && starS <= len(s) {
			px, sx = starP+1, starS
			starS++
			continue
		}
		return false
	}
	return true
}

func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func eqFold(a, b byte, fold bool) bool {
	return a == b || fold && toLowerASCII(a) == toLowerASCII(b)
}

// bracketState says how a bracket expression was read.
type bracketState uint8

const (
	bracketOK    bracketState = iota // a well-formed set
	bracketPlain                     // no closing ']' before a match: the '[' is a plain byte
	bracketBad                       // ill-formed: the pattern matches nothing
)

// maxClassName bounds the length of a class name, as glibc's
// CHAR_CLASS_MAX_LENGTH.
const maxClassName = 256

// matchBracket reads the bracket expression that starts at p[start] ('[')
// and reports whether byte c is in its set and where the expression ends.
// It follows glibc's reading of the expression, ill-formed ones included:
// elements are read until one holds c, and the rest is then skipped with
// a laxer reading, in which an unterminated expression fails.
func matchBracket(p []byte, start int, c byte, fold bool) (matched bool, next int, state bracketState) {
	i := start + 1
	neg := i < len(p) && (p[i] == '!' || p[i] == '^')
	if neg {
		i++
	}
	fc := c
	if fold {
		fc = toLowerASCII(c)
	}
	hit := false
	for first := true; !hit; first = false {
		if i >= len(p) {
			return false, 0, bracketPlain
		}
		ch := p[i]
		i++
		if ch == ']' && !first {
			return neg, i, bracketOK
		}
		var lo byte
		switch {
		case ch == '\\':
			if i >= len(p) {
				return false, 0, bracketBad
			}
			lo = foldIf(p[i], fold)
			i++
		case ch == '[' && i < len(p) && p[i] == ':':
			name, end, st := className(p, i)
			switch st {
			case nameBad:
				return false, 0, bracketBad
			case nameNone:
				lo = '['
			default:
				class, known := posixClasses[string(name)]
				if !known {
					return false, 0, bracketBad
				}
				hit = class(c)
				i = end
				continue
			}
		case ch == '[' && i < len(p) && p[i] == '=':
			if i+3 < len(p) && p[i+2] == '=' && p[i+3] == ']' {
				// [=x=]: x itself, compared unfolded.
				hit = c == p[i+1]
				i += 4
				continue
			}
			lo = '['
		case ch == '[' && i < len(p) && p[i] == '.':
			sym, end, ok := collatingSymbol(p, i)
			if !ok {
				return false, 0, bracketBad
			}
			i, lo = end, sym
			if i+1 >= len(p) || p[i] != '-' {
				hit = c == sym // compared unfolded
				continue
			}
			if p[i+1] == ']' {
				// "[.x.]-]": glibc does not test x, and '-' is a member.
				continue
			}
		default:
			lo = foldIf(ch, fold)
		}
		if i >= len(p) || p[i] != '-' || i+1 < len(p) && p[i+1] == ']' {
			hit = lo == fc
			continue
		}
		// A range lo-hi.
		i++
		if i >= len(p) {
			return false, 0, bracketBad
		}
		hi := p[i]
		i++
		switch {
		case hi == '\\':
			if i >= len(p) {
				return false, 0, bracketBad
			}
			hi = foldIf(p[i], fold)
			i++
		case hi == '[' && i < len(p) && p[i] == '.':
			sym, end, ok := collatingSymbol(p, i)
			if !ok {
				return false, 0, bracketBad
			}
			hi, i = sym, end
		default:
			hi = foldIf(hi, fold)
		}
		hit = lo <= fc && fc <= hi
	}
	// c is in the set: skip what is left of it.
	for {
		if i >= len(p) {
			return false, 0, bracketPlain
		}
		ch := p[i]
		i++
		switch {
		case ch == ']':
			return !neg, i, bracketOK
		case ch == '\\':
			if i >= len(p) {
				return false, 0, bracketBad
			}
			i++
		case ch == '[' && i < len(p) && p[i] == ':':
			_, end, st := className(p, i)
			if st == nameBad {
				return false, 0, bracketBad
			}
			if st == nameOK {
				i = end
			}
		case ch == '[' && i < len(p) && p[i] == '=':
			if i+3 >= len(p) || p[i+2] != '=' || p[i+3] != ']' {
				return false, 0, bracketBad
			}
			i += 4
		case ch == '[' && i < len(p) && p[i] == '.':
			j := i + 1
			for j+1 < len(p) && !(p[j] == '.' && p[j+1] == ']') {
				j++
			}
			if j+1 >= len(p) {
				return false, 0, bracketBad
			}
			i = j + 2
		}
	}
}

func foldIf(c byte, fold bool) byte {
	if fold {
		return toLowerASCII(c)
	}
	return c
}

// nameState says how a "[:name:]" was read.
type nameState uint8

const (
	nameOK   nameState = iota
	nameNone           // not a class name: the '[' is a plain member
	nameBad            // too long: the pattern matches nothing
)

// className reads "[:name:]" whose ':' is at p[i]: a name of bytes a to y
// closed by ":]". It returns the name and the index after the closing.
func className(p []byte, i int) (name []byte, end int, state nameState) {
	for j := i + 1; ; j++ {
		if j-(i+1) == maxClassName {
			return nil, 0, nameBad
		}
		if j+1 < len(p) && p[j] == ':' && p[j+1] == ']' {
			return p[i+1 : j], j + 2, nameOK
		}
		if j >= len(p) || p[j] < 'a' || p[j] >= 'z' {
			return nil, 0, nameNone
		}
	}
}

// collatingSymbol reads "[.x.]" whose '.' is at p[i]. In the C locale the
// only symbols are single bytes: anything else, or no closing ".]", is
// ill-formed.
func collatingSymbol(p []byte, i int) (sym byte, end int, ok bool) {
	for j := i + 1; j+1 < len(p); j++ {
		if p[j] == '.' && p[j+1] == ']' {
			if j != i+2 {
				return 0, 0, false
			}
			return p[i+1], j + 2, true
		}
	}
	return 0, 0, false
}

// posixClasses are the character classes of the C locale.
var posixClasses = map[string]func(byte) bool{
	"alnum":  func(c byte) bool { return isAlpha(c) || isDigit(c) },
	"alpha":  isAlpha,
	"blank":  func(c byte) bool { return c == ' ' || c == '\t' },
	"cntrl":  func(c byte) bool { return c < 0x20 || c == 0x7f },
	"digit":  isDigit,
	"graph":  func(c byte) bool { return c > 0x20 && c < 0x7f },
	"lower":  func(c byte) bool { return 'a' <= c && c <= 'z' },
	"print":  func(c byte) bool { return c >= 0x20 && c < 0x7f },
	"punct":  func(c byte) bool { return c > 0x20 && c < 0x7f && !isAlpha(c) && !isDigit(c) },
	"space":  func(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' },
	"upper":  func(c byte) bool { return 'A' <= c && c <= 'Z' },
	"xdigit": func(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' },
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
