package syntax

import "testing"

// Each case asks the scanner for one kind of token at the start of input:
// text is what it must lex ("" for no match) and end where it must stop.
func TestScan(t *testing.T) {
	type tc struct {
		kind  tokenKind
		input string
		text  string // token text; "" means no token
		end   int    // offset after the token
	}
	cases := []tc{
		// punctuation
		{tokLParen, "(a", "(", 1},
		{tokRParen, ")", ")", 1},
		{tokLBrack, "[2]", "[", 1},
		{tokRBrack, "]", "]", 1},
		{tokComma, ", b", ",", 1},
		{tokLParen, " (", "", 0}, // blanks are skipped by the parser, not by scan

		// and/or: a blank or '(' must follow, and is not consumed
		{tokAnd, "and b", "and", 3},
		{tokAnd, "and(b)", "and", 3},
		{tokAnd, "and\tb", "and", 3},
		{tokAnd, "and\nb", "and", 3},
		{tokAnd, "and\bb", "and", 3},
		{tokAnd, "and\rb", "and", 3},
		{tokAnd, "andx", "", 0},
		{tokAnd, "and", "", 0},
		{tokAnd, "and\vb", "", 0}, // \v is not a blank
		{tokAnd, "And b", "", 0},
		{tokOr, "or b", "or", 2},
		{tokOr, "or(b)", "or", 2},
		{tokOr, "orb", "", 0},
		{tokOr, "or", "", 0},

		// not: consumes the POSIX space after it; "not(" is its own token
		{tokNot, "not a", "not", 4},
		{tokNot, "not \t\n a", "not", 7},
		{tokNot, "not\va", "not", 4},
		{tokNot, "not\fa", "not", 4},
		{tokNot, "not\ba", "", 0}, // \b is a blank but not a POSIX space
		{tokNot, "not(a)", "", 0},
		{tokNot, "notx", "", 0},
		{tokNot, "not", "", 0},
		{tokNotParen, "not(a)", "not(", 4},
		{tokNotParen, "not (a)", "", 0},

		// field names: identifiers joined by dots, at least one dot
		{tokFieldName, "proc.name=bash", "proc.name", 9},
		{tokFieldName, "evt.arg.flags contains", "evt.arg.flags", 13},
		{tokFieldName, "k8s.pod.label.foo", "k8s.pod.label.foo", 17},
		{tokFieldName, "proc.aname[2]", "proc.aname", 10},
		{tokFieldName, "a_1.b_2.c3 x", "a_1.b_2.c3", 10},
		{tokFieldName, "proc.name.", "proc.name", 9},
		{tokFieldName, "evt.arg.1", "evt.arg", 7},
		{tokFieldName, "evt.arg._x", "evt.arg", 7},
		{tokFieldName, "proc", "", 0},
		{tokFieldName, "proc.", "", 0},
		{tokFieldName, "1proc.name", "", 0},
		{tokFieldName, "_a.b", "", 0},

		// identifiers
		{tokIdent, "shell_procs and", "shell_procs", 11},
		{tokIdent, "notx", "notx", 4},
		{tokIdent, "a1_b.c", "a1_b", 4},
		{tokIdent, "_a", "", 0},
		{tokIdent, "9a", "", 0},

		// transformers: the name directly followed by '('
		{tokTransformer, "tolower(proc.name)", "tolower", 8},
		{tokTransformer, "toupper(x.y)", "toupper", 8},
		{tokTransformer, "b64(x.y)", "b64", 4},
		{tokTransformer, "basename(x.y)", "basename", 9},
		{tokTransformer, "len(x.y)", "len", 4},
		{tokTransformer, "join(\",\", (a.b))", "join", 5},
		{tokTransformer, "concat(a.b, c.d)", "concat", 7},
		{tokTransformer, "getopt(a.b, \"c:\")", "getopt", 7},
		{tokTransformer, "tolower (x.y)", "", 0},
		{tokTransformer, "tolower", "", 0},
		{tokTransformer, "val(x.y)", "", 0},
		{tokTransformer, "lower(x.y)", "", 0},
		{tokVal, "val(x.y)", "val(", 4},
		{tokVal, "val (x.y)", "", 0},

		// operators
		{tokUnaryOp, "exists", "exists", 6},
		{tokUnaryOp, "existsand", "exists", 6}, // no blank needed after exists
		{tokUnaryOp, "ExIsTs", "", 0},
		{tokNumOp, "<=1", "<=", 2},
		{tokNumOp, "<1", "<", 1},
		{tokNumOp, ">=1", ">=", 2},
		{tokNumOp, "> 1", ">", 1},
		{tokNumOp, "=1", "", 0},
		{tokStrOp, "==x", "==", 2},
		{tokStrOp, "=x", "=", 1},
		{tokStrOp, "!=x", "!=", 2},
		{tokStrOp, "===", "==", 2},
		{tokStrOp, "contains x", "contains", 8},
		{tokStrOp, "contains\tx", "contains", 8},
		{tokStrOp, "contains\nx", "contains", 8},
		{tokStrOp, "containsx", "", 0},
		{tokStrOp, "contains", "", 0},
		{tokStrOp, "contains(x)", "", 0},
		{tokStrOp, "icontains x", "icontains", 9},
		{tokStrOp, "bcontains 7f", "bcontains", 9},
		{tokStrOp, "startswith /", "startswith", 10},
		{tokStrOp, "bstartswith 7f", "bstartswith", 11},
		{tokStrOp, "endswith .x", "endswith", 8},
		{tokStrOp, "glob *", "glob", 4},
		{tokStrOp, "iglob *", "iglob", 5},
		{tokStrOp, "regex x", "regex", 5},
		{tokStrOp, "globx", "", 0},
		{tokListOp, "in (a)", "in", 2},
		{tokListOp, "in(a)", "in", 2},
		{tokListOp, "inmylist", "in", 2}, // no blank needed: "in" then a list name
		{tokListOp, "intersects (a)", "intersects", 10},
		{tokListOp, "intersects(a)", "intersects", 10},
		{tokListOp, "pmatch(a)", "pmatch", 6},
		{tokModifier, "oneof (a)", "oneof", 5},
		{tokModifier, "anyof (a)", "anyof", 5},
		{tokModifier, "allof\t(a)", "allof", 5},
		{tokModifier, "oneof(a)", "", 0},
		{tokModifier, "oneof", "", 0},

		// strings
		{tokBare, "/etc/shadow and", "/etc/shadow", 11},
		{tokBare, "-c)", "-c", 2},
		{tokBare, "E*,x", "E*", 2},
		{tokBare, "10.0.0.0/8", "10.0.0.0/8", 10},
		{tokBare, "a=b", "a", 1},
		{tokBare, "a'b", "a", 1},
		{tokBare, "a\"b", "a", 1},
		{tokBare, "a\vb", "a", 1},
		{tokBare, "a\bb c", "a\bb", 3}, // \b is not POSIX space: part of the string
		{tokBare, "0a!@#456:/\\.;!$%^&*[]{}|", "0a!@#456:/\\.;!$%^&*[]{}|", 24},
		{tokBare, "(a)", "", 0},
		{tokBare, "=", "", 0},
		{tokArgBare, "2]", "2", 1},
		{tokArgBare, "/a/b] x", "/a/b", 4},
		{tokArgBare, "0a!@#456:/\\.;!$%^&*(){}|]", "0a!@#456:/\\.;!$%^&*(){}|", 24},
		{tokArgBare, "a=b,c]", "a=b,c", 5},
		{tokArgBare, "a b]", "a", 1},
		{tokArgBare, "]", "", 0},
		{tokArgBare, "[", "", 0},

		// numbers
		{tokHex, "0x12345", "0x12345", 7},
		{tokHex, "0XaB00AB", "0XaB00AB", 8},
		{tokHex, "0x1g", "0x1", 3},
		{tokHex, "0x", "", 0},
		{tokHex, "0xg", "", 0},
		{tokHex, "12", "", 0},
		{tokNumber, "1000", "1000", 4},
		{tokNumber, "+1", "+1", 2},
		{tokNumber, "-1", "-1", 2},
		{tokNumber, "1.2", "1.2", 3},
		{tokNumber, "1.", "1.", 2},
		{tokNumber, "-0.1222e+10", "-0.1222e+10", 11},
		{tokNumber, "1E-5", "1E-5", 4},
		{tokNumber, "1e5", "1", 1}, // the exponent needs its sign
		{tokNumber, "1e+", "1", 1},
		{tokNumber, "0aaaaa", "0", 1},
		{tokNumber, ".5", "", 0},
		{tokNumber, "-", "", 0},
		{tokNumber, "!0.1", "", 0},
	}
	for _, c := range cases {
		s := scanner{src: c.input}
		tok, ok := s.scan(c.kind)
		switch {
		case c.text == "" && ok:
			t.Errorf("scan %v in %q: got %q, want no token", c.kind, c.input, tok.text)
		case c.text != "" && !ok:
			t.Errorf("scan %v in %q: no token, want %q", c.kind, c.input, c.text)
		case ok && (tok.text != c.text || tok.end != c.end || s.off != c.end || tok.kind != c.kind):
			t.Errorf("scan %v in %q: got %v %q ending at %d (offset %d), want %q ending at %d",
				c.kind, c.input, tok.kind, tok.text, tok.end, s.off, c.text, c.end)
		case !ok && s.off != 0:
			t.Errorf("scan %v in %q: failed but moved to %d", c.kind, c.input, s.off)
		}
	}
}

func TestScanQuoted(t *testing.T) {
	cases := []struct {
		input string
		kind  tokenKind // tokQuoted, tokError, or tokNone for no token
		text  string    // decoded value, or the error message
		off   int       // where the token (or the error) is
		end   int
	}{
		{`"abc" x`, tokQuoted, "abc", 0, 5},
		{`'abc'`, tokQuoted, "abc", 0, 5},
		{`""`, tokQuoted, "", 0, 2},
		{`''`, tokQuoted, "", 0, 2},
		{`"it's"`, tokQuoted, "it's", 0, 6},
		{`'say "hi"'`, tokQuoted, `say "hi"`, 0, 10},
		{`"a\"b"`, tokQuoted, `a"b`, 0, 6},
		{`'a\'b'`, tokQuoted, `a'b`, 0, 6},
		{`"\b\f\n\r\t"`, tokQuoted, "\b\f\n\r\t", 0, 12},
		{`"a\\b"`, tokQuoted, `a\b`, 0, 6},
		{`"a\/b"`, tokQuoted, `a/b`, 0, 6},
		{`"\x41\x7a\x5C"`, tokQuoted, `Az\`, 0, 14},
		{`"\ "`, tokQuoted, `\`, 0, 4}, // backslash-space is a backslash alone
		{`"sh -c \ x"`, tokQuoted, `sh -c \x`, 0, 11},
		// the closing quote is the first one not after a backslash, even an
		// escaped backslash
		{`'a \' \\'' x`, tokQuoted, `a ' \'`, 0, 10},
		{`"a\\" and b"`, tokQuoted, `a\" and b`, 0, 12},
		{`"a\\"`, tokError, "quoted string is not terminated", 0, 5},
		{`"abc`, tokError, "quoted string is not terminated", 0, 4},
		{`'abc"`, tokError, "quoted string is not terminated", 0, 5},
		{"\"ab\x00c\"", tokError, "quoted string is not terminated", 0, 6},
		{`"\q"`, tokError, `unknown escape sequence '\q'`, 1, 4},
		{`"ab\x4"`, tokError, `escape \x needs two hexadecimal digits`, 3, 7},
		{`"\xg0"`, tokError, `escape \x needs two hexadecimal digits`, 1, 6},
		{`"\'"`, tokError, `escape \' in a string quoted with "`, 1, 4},
		{`'\"'`, tokError, `escape \" in a string quoted with '`, 1, 4},
		{`"\0"`, tokError, `unknown escape sequence '\0'`, 1, 4},
		{`abc`, tokNone, "", 0, 0},
	}
	for _, c := range cases {
		s := scanner{src: c.input}
		tok, ok := s.scan(tokQuoted)
		if c.kind == tokNone {
			if ok {
				t.Errorf("%q: got %v %q, want no token", c.input, tok.kind, tok.text)
			}
			continue
		}
		if !ok || tok.kind != c.kind || tok.text != c.text || tok.off != c.off || s.off != c.end {
			t.Errorf("%q: got %v %q at %d, offset %d (ok %v); want %v %q at %d, offset %d",
				c.input, tok.kind, tok.text, tok.off, s.off, ok, c.kind, c.text, c.off, c.end)
		}
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	for _, v := range []string{
		"", "plain", `a"b`, `a'b`, `back\slash`, `ends with \`, `\\`, `\`, `\"`, "\x00\x01\x7f",
		"\b\f\n\r\t", "caf\xc3\xa9", "\xff\xfe", `"`, `''`, "\\ ",
	} {
		q := quote(v)
		s := scanner{src: q + " tail"}
		tok, ok := s.scan(tokQuoted)
		if !ok || tok.kind != tokQuoted || tok.text != v || s.off != len(q) {
			t.Errorf("quote(%q) = %s scans back as %v %q ending at %d", v, q, tok.kind, tok.text, s.off)
		}
	}
}

func TestSkipBlank(t *testing.T) {
	s := scanner{src: " \t\b\r\n\vx"}
	if !s.skipBlank() || s.off != 5 {
		t.Fatalf("skipBlank stopped at %d, want 5 (before \\v)", s.off)
	}
	if s.skipBlank() {
		t.Fatalf("skipBlank skipped \\v")
	}
}
