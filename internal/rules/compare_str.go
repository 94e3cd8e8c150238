package rules

import (
	"bytes"
	"regexp"
	resyntax "regexp/syntax"
	"strconv"

	"peregrine/internal/field"
)

// binTest compares a value of the left-hand side (a) with one of the
// right-hand side (b).
type binTest func(a, b *field.Value) bool

// valueTest tests a value of the left-hand side against the constant
// right-hand side of a check.
type valueTest func(v *field.Value) bool

// stringTest returns the comparison op of two strings, as libsinsp's
// flt_compare_string: strcmp orders, strstr and strcasestr (ASCII) find,
// prefixes and suffixes, fnmatch globs. regex and pmatch are handled apart.
func stringTest(op cmpOp) binTest {
	switch op {
	case opEq, opIn, opIntersects:
		return func(a, b *field.Value) bool { return bytes.Equal(a.B, b.B) }
	case opNe:
		return func(a, b *field.Value) bool { return !bytes.Equal(a.B, b.B) }
	case opLt:
		return func(a, b *field.Value) bool { return bytes.Compare(a.B, b.B) < 0 }
	case opLe:
		return func(a, b *field.Value) bool { return bytes.Compare(a.B, b.B) <= 0 }
	case opGt:
		return func(a, b *field.Value) bool { return bytes.Compare(a.B, b.B) > 0 }
	case opGe:
		return func(a, b *field.Value) bool { return bytes.Compare(a.B, b.B) >= 0 }
	case opContains, opBContains:
		return func(a, b *field.Value) bool { return bytes.Contains(a.B, b.B) }
	case opIContains:
		return func(a, b *field.Value) bool { return containsFold(a.B, b.B) }
	case opStartsWith, opBStartsWith:
		return func(a, b *field.Value) bool { return bytes.HasPrefix(a.B, b.B) }
	case opEndsWith:
		return func(a, b *field.Value) bool { return bytes.HasSuffix(a.B, b.B) }
	case opGlob:
		return func(a, b *field.Value) bool { return globMatch(b.B, a.B, false) }
	case opIGlob:
		return func(a, b *field.Value) bool { return globMatch(b.B, a.B, true) }
	}
	return nil
}

// stringConstTest is stringTest against a constant, with the constant's
// work done once: icontains lowers its needle in advance.
func stringConstTest(op cmpOp, c field.Value) valueTest {
	b := c.B
	switch op {
	case opEq:
		return func(v *field.Value) bool { return bytes.Equal(v.B, b) }
	case opNe:
		return func(v *field.Value) bool { return !bytes.Equal(v.B, b) }
	case opContains, opBContains:
		return func(v *field.Value) bool { return bytes.Contains(v.B, b) }
	case opIContains:
		lower := make([]byte, len(b))
		for i, x := range b {
			lower[i] = toLowerASCII(x)
		}
		return func(v *field.Value) bool { return indexLowered(v.B, lower) }
	case opStartsWith, opBStartsWith:
		return func(v *field.Value) bool { return bytes.HasPrefix(v.B, b) }
	case opEndsWith:
		return func(v *field.Value) bool { return bytes.HasSuffix(v.B, b) }
	}
	t := stringTest(op)
	return func(v *field.Value) bool { return t(v, &c) }
}

// containsFold reports whether sub is in s, ignoring ASCII case.
func containsFold(s, sub []byte) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && toLowerASCII(s[i+j]) == toLowerASCII(sub[j]) {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// indexLowered reports whether lower (already in lower case) is in s,
// ignoring the ASCII case of s.
func indexLowered(s, lower []byte) bool {
	if len(lower) == 0 {
		return true
	}
	first := lower[0]
	for i := 0; i+len(lower) <= len(s); i++ {
		if toLowerASCII(s[i]) != first {
			continue
		}
		j := 1
		for j < len(lower) && toLowerASCII(s[i+j]) == lower[j] {
			j++
		}
		if j == len(lower) {
			return true
		}
	}
	return false
}

// compileRegex compiles a regex operand as libsinsp does: RE2 in POSIX
// mode (egrep syntax: no \d, \b, (?i) or lazy repeats; negated classes
// match a newline; ^ and $ match at line ends) matched against the whole
// value. The pattern is checked with Go's POSIX parser, which accepts the
// same syntax as RE2's, and compiled from the parsed tree so that its
// meaning is kept.
func compileRegex(pattern string) (*regexp.Regexp, error) {
	tree, err := resyntax.Parse(pattern, resyntax.ClassNL)
	if err != nil {
		return nil, err
	}
	return regexp.Compile(`^(?:` + tree.String() + `)$`)
}

// regexReason returns the reason of a regex error without Go's prefix.
func regexReason(err error) string {
	if se, ok := err.(*resyntax.Error); ok {
		return string(se.Code) + ": " + strconv.Quote(se.Expr)
	}
	return err.Error()
}
