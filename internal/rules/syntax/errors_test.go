package syntax

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDepth(t *testing.T) {
	nest := func(n int) string {
		return strings.Repeat("(", n) + "a.b = 1" + strings.Repeat(")", n)
	}
	// A check is 7 deep (or, and, not, check, condition, value, transformer
	// lookahead); each pair of parentheses adds 5. The limit trips when the
	// depth reaches it.
	cases := []struct {
		input string
		opts  []Option
		ok    bool
	}{
		{nest(0), []Option{MaxDepth(8)}, true},
		{nest(0), []Option{MaxDepth(7)}, false},
		{"a.b in (x, y)", []Option{MaxDepth(8)}, true},
		{"a.b in (x, y)", []Option{MaxDepth(7)}, false},
		{"a.b in ()", []Option{MaxDepth(7)}, false},
		{"a.b exists", []Option{MaxDepth(6)}, true},
		{"a.b exists", []Option{MaxDepth(5)}, false},
		{"tolower(toupper(a.b)) exists", []Option{MaxDepth(10)}, true},
		{"tolower(toupper(a.b)) exists", []Option{MaxDepth(9)}, false},
		{nest(1), []Option{MaxDepth(13)}, true},
		{nest(1), []Option{MaxDepth(12)}, false},
		{nest(18), nil, true},
		{nest(19), nil, false},
		{nest(19), []Option{MaxDepth(1000)}, true},
		{nest(198), []Option{MaxDepth(1000)}, true},
		{nest(199), []Option{MaxDepth(1000)}, false},
		// a run of "not" does not nest
		{strings.Repeat("not ", 500) + "a", nil, true},
		{nest(0), []Option{MaxDepth(0)}, true}, // < 1 means the default
	}
	for _, c := range cases {
		_, err := Parse(c.input, c.opts...)
		if (err == nil) != c.ok {
			t.Errorf("Parse(%.40q...) error %v, want ok=%v", c.input, err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "nested too deeply") {
			t.Errorf("Parse(%.40q...): %v, want a depth error", c.input, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		input     string
		line, col int
		msg       string
	}{
		{"a andx b", 1, 3, "expected 'and', 'or' or the end of the condition, found 'andx'"},
		{"a and b and", 1, 12, "expected a blank or '(' after 'and', found the end of the condition"},
		{"(a or)", 1, 6, "expected a blank or '(' after 'or', found ')'"},
		{"a or(b) and c", 1, 9, "expected 'and', 'or' or the end of the condition, found 'and': an operand written 'or(...)'"},
		{"(a", 1, 3, "expected 'and', 'or' or ')', found the end of the condition"},
		{"", 1, 1, "condition is empty"},
		{"  \n ", 2, 2, "condition is empty"},
		{"a and\n  b and\n  c.d", 3, 6, "expected an operator (exists, =, ==, !=, <, <=, >, >=, contains, " +
			"icontains, bcontains, startswith, bstartswith, endswith, glob, iglob, regex, in, intersects or pmatch), " +
			"found the end of the condition"},
		{"proc.name\n  containsx /bin", 2, 3, "expected an operator"},
		{"proc.name contains(x)", 1, 19, "expected a blank after 'contains', found '('"},
		{"proc.name glob", 1, 15, "expected a blank after 'glob', found the end of the condition"},
		{"evt.type = open and\n\tfd.name = \"/etc/\\q\"", 2, 18, `unknown escape sequence '\q'`},
		{"a.b = 'x\\\"'", 1, 9, `escape \" in a string quoted with '`},
		{"a.b = \"abc", 1, 7, "quoted string is not terminated"},
		{"a.b < x", 1, 7, "expected a number, val(field) or a transformer, found 'x'"},
		{"a.b in (x,)", 1, 11, "expected a list item (a quoted or bare string), found ')'"},
		{"a.b in (x y)", 1, 11, "expected ',' or ')' closing the list, found 'y'"},
		{"a.b[x = 1", 1, 6, "expected ']', found a space"},
		{"a.b[x\n]", 1, 6, "expected ']', found a line break"},
		{"a.b[] = 1", 1, 5, "expected a field argument"},
		{"tolower(a.b, ) = x", 1, 14, "expected a transformer argument"},
		{"tolower(a.b = x", 1, 13, "expected ',' or ')' closing the tolower transformer, found '='"},
		{"a.b = val(x)", 1, 11, "expected a field inside val(), found 'x'"},
		{"a.b = oneof x y", 1, 15, "expected 'and', 'or' or the end of the condition, found 'y'"},
		{"a.b = oneof 'x'", 1, 13, `expected a list or a list name, found "'"`},
		{"#a", 1, 1, "expected a field, a transformer, a macro name or '(', found '#a'"},
		{"\x01", 1, 1, `found "\x01"`},
		{"#" + strings.Repeat("a", 40), 1, 1, "found '#" + strings.Repeat("a", 23) + "...'"},
		{"a.b = " + strings.Repeat("x", 40) + "(", 1, 47, "found '('"},
		{"(" + strings.Repeat("y", 40), 1, 2 + 40, "found the end of the condition"},
		{"a or z." + strings.Repeat("z", 30) + " 1", 1, 39, "expected an operator"},
		{"a or " + strings.Repeat("z", 30) + "=1", 1, 36, "expected 'and', 'or' or the end of the condition, found '='"},
	}
	for _, c := range cases {
		_, err := Parse(c.input)
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 1 {
			t.Errorf("Parse(%q) = %v, want one error", c.input, err)
			continue
		}
		e := list[0]
		if e.Pos.Line != c.line || e.Pos.Col != c.col || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("Parse(%q) error at %d:%d %q, want %d:%d %q", c.input, e.Pos.Line, e.Pos.Col, e.Msg, c.line, c.col, c.msg)
		}
		lines := strings.Split(c.input, "\n")
		off := e.Pos.Offset
		for _, l := range lines[:e.Pos.Line-1] {
			off -= len(l) + 1
		}
		if off != e.Pos.Col-1 {
			t.Errorf("Parse(%q): offset %d does not match %d:%d", c.input, e.Pos.Offset, e.Pos.Line, e.Pos.Col)
		}
		if want := fmt.Sprintf("%d:%d: ", c.line, c.col); !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q) error text %q does not start with %q", c.input, err.Error(), want)
		}
	}
}

func TestPositions(t *testing.T) {
	e, err := Parse("(proc.aname[2]=nginx and evt.type in (connect,accept)) or\n  (not fd.name exists) or val.x = val(a.b)")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	Inspect(e, func(n Node) bool {
		p := n.Position()
		got = append(got, fmt.Sprintf("%T@%d,%d:%d", n, p.Offset, p.Line, p.Col))
		return true
	})
	want := []string{
		"*syntax.Or@1,1:2",
		"*syntax.And@1,1:2",
		"*syntax.Check@1,1:2", "*syntax.Field@1,1:2", "*syntax.Str@15,1:16",
		"*syntax.Check@25,1:26", "*syntax.Field@25,1:26", "*syntax.List@37,1:38",
		"*syntax.Str@38,1:39", "*syntax.Str@46,1:47",
		"*syntax.Not@61,2:4", "*syntax.Check@65,2:8", "*syntax.Field@65,2:8",
		"*syntax.Check@84,2:27", "*syntax.Field@84,2:27", "*syntax.Val@92,2:35", "*syntax.Field@96,2:39",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("positions (-want +got):\n%s", d)
	}
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Fatal("empty list is an error")
	}
	l.Add(Pos{Offset: 3, Line: 1, Col: 4}, "first")
	if got := l.Err().Error(); got != "1:4: first" {
		t.Errorf("one error: %q", got)
	}
	l.Add(Pos{Offset: 9, Line: 2, Col: 1}, "second")
	if got := l.Error(); got != "1:4: first (and 1 more errors)" {
		t.Errorf("two errors: %q", got)
	}
	if got := (Pos{}).String(); got != "-" {
		t.Errorf("zero Pos prints %q", got)
	}
}

// TestEscapes takes every escape in both kinds of quotes: the valid ones
// decode to their byte, the others fail at the column of their backslash.
func TestEscapes(t *testing.T) {
	valid := map[string]string{
		`\b`: "\b", `\f`: "\f", `\n`: "\n", `\r`: "\r", `\t`: "\t", `\\`: `\`, `\/`: "/",
		`\x00`: "\x00", `\x5c`: `\`, `\xFF`: "\xff", `\ `: `\`,
	}
	for _, q := range []string{`"`, `'`} {
		for esc, want := range valid {
			src := "a.b = " + q + "<" + esc + ">" + q
			e, err := Parse(src)
			if err != nil {
				t.Errorf("Parse(%s): %v", src, err)
				continue
			}
			if got := e.(*Check).Value.(*Str).Text; got != "<"+want+">" {
				t.Errorf("Parse(%s) value %q, want %q", src, got, "<"+want+">")
			}
			checkRoundTrip(t, e)
		}
		same, other := `\`+q, `\"`
		if q == `"` {
			other = `\'`
		}
		if e, err := Parse("a.b = " + q + same + q); err != nil || e.(*Check).Value.(*Str).Text != q {
			t.Errorf("escaped %s inside %s: %v, %v", q, q, e, err)
		}
		invalid := []string{other, `\q`, `\0`, `\a`, `\v`, `\u0041`, `\x4`, `\xg1`, `\X41`, "\\\t"}
		for _, esc := range invalid {
			src := "a.b = " + q + "ab" + esc + "zz" + q
			_, err := Parse(src)
			var list ErrorList
			if !errors.As(err, &list) {
				t.Errorf("Parse(%s) = %v, want an escape error", src, err)
				continue
			}
			// a.b = "ab\ : the backslash is the 10th byte
			if p := list[0].Pos; p.Line != 1 || p.Col != 10 || !strings.Contains(list[0].Msg, "escape") {
				t.Errorf("Parse(%s): %v, want an escape error at 1:10", src, err)
			}
		}
	}
}
