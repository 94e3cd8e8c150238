package syntax

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignorePos compares trees without their positions.
var ignorePos = cmpopts.IgnoreTypes(Pos{})

type parseCase struct {
	name   string
	input  string
	ok     bool
	result string // String() of the tree; "" when the input is expected back
	tree   string // optional: the shape, as sexpr prints it
}

// sexpr prints the shape of an expression with explicit structure, so that
// precedence cases do not depend on the printer's parentheses.
func sexpr(e Expr) string {
	switch n := e.(type) {
	case *And:
		return "(and" + sexprs(n.Children) + ")"
	case *Or:
		return "(or" + sexprs(n.Children) + ")"
	case *Not:
		return "(not " + sexpr(n.X) + ")"
	case *MacroRef:
		return n.Name
	case *Check:
		return "[" + n.String() + "]"
	}
	return fmt.Sprintf("?%T", e)
}

func sexprs(es []Expr) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteByte(' ')
		b.WriteString(sexpr(e))
	}
	return b.String()
}

func runParseCases(t *testing.T, cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Parse(c.input)
			if !c.ok {
				if err == nil {
					t.Fatalf("Parse(%q) = %s, want an error", c.input, e)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.input, err)
			}
			want := c.result
			if want == "" {
				want = c.input
			}
			if got := e.String(); got != want {
				t.Errorf("Parse(%q).String() = %q, want %q", c.input, got, want)
			}
			if c.tree != "" {
				if got := sexpr(e); got != c.tree {
					t.Errorf("Parse(%q) shape = %s, want %s", c.input, got, c.tree)
				}
			}
			checkRoundTrip(t, e)
		})
	}
}

// checkRoundTrip parses the printed form of e and wants the same tree.
func checkRoundTrip(t *testing.T, e Expr) {
	t.Helper()
	printed := e.String()
	again, err := Parse(printed)
	if err != nil {
		t.Fatalf("reparse of %q: %v", printed, err)
	}
	if d := cmp.Diff(e, again, ignorePos); d != "" {
		t.Fatalf("reparse of %q differs (-first +second):\n%s", printed, d)
	}
}

func TestParseLogic(t *testing.T) {
	runParseCases(t, []parseCase{
		{name: "macro", input: "a", ok: true},
		{name: "leading blanks", input: "  \t\na  \n", ok: true, result: "a"},
		{name: "parens dropped", input: "(a)", ok: true, result: "a"},
		{name: "and", input: "a and b", ok: true, tree: "(and a b)"},
		{name: "and n-ary", input: "a and b and c", ok: true, tree: "(and a b c)"},
		{name: "and paren tail", input: "a and b and(c)", ok: true, result: "a and b and c", tree: "(and a b c)"},
		{name: "and no blanks", input: "(a)and(b)and(c)", ok: true, result: "a and b and c"},
		{name: "or n-ary", input: "a or b or c", ok: true, tree: "(or a b c)"},
		{name: "or no blanks", input: "(a)or(b)or(c)", ok: true, result: "a or b or c"},
		{name: "and binds tighter", input: "a.a=1 or b.b=2 and c", ok: true,
			result: "a.a = 1 or b.b = 2 and c", tree: "(or [a.a = 1] (and [b.b = 2] c))"},
		{name: "or in parens under and", input: "a and (b or c) and d", ok: true,
			tree: "(and a (or b c) d)"},
		{name: "nested and kept", input: "(a and b) and c", ok: true, tree: "(and (and a b) c)"},
		{name: "nested or kept", input: "a or (b or c)", ok: true, tree: "(or a (or b c))"},
		{name: "not binds tighter than and", input: "not a and b", ok: true, tree: "(and (not a) b)"},
		{name: "not of group", input: "not (a and b)", ok: true, tree: "(not (and a b))"},
		{name: "not paren", input: "not(a)", ok: true, result: "not a"},
		{name: "not not cancels", input: "not not a", ok: true, result: "a", tree: "a"},
		{name: "not not paren", input: "not not(a)", ok: true, result: "a"},
		{name: "three nots", input: "not not not a", ok: true, result: "not a"},
		{name: "not of not kept", input: "not (not a)", ok: true, tree: "(not (not a))"},
		{name: "not(not(a))", input: "not(not(a))", ok: true, result: "not (not a)"},
		{name: "libs multi negation", input: "not not not not not(not not(not not_macro))", ok: true,
			result: "not (not not_macro)", tree: "(not (not not_macro))"},
		{name: "not check", input: "not a.b=1", ok: true, result: "not a.b = 1"},
		{name: "not exists", input: "not a.a exists", ok: true},
		{name: "not followed by tab", input: "not\ta", ok: true, result: "not a"},
		{name: "not followed by vt", input: "not\va", ok: true, result: "not a"},
		{name: "and then not paren", input: "not(a)and(not(b))", ok: true, result: "not a and not b"},
		{name: "notx is a macro", input: "notx", ok: true},
		{name: "macro named not", input: "not", ok: true, result: "(not)"},
		{name: "macro named not in and", input: "(not) and b", ok: true, tree: "(and not b)"},
		{name: "macro named and", input: "macro and and_macro", ok: true},
		{name: "macro named and alone", input: "and", ok: true},
		{name: "macro not_macro", input: "macro and not not_macro", ok: true, tree: "(and macro (not not_macro))"},
		{name: "a and notb", input: "a and notb", ok: true},
		{name: "notz first", input: "notz and a and b", ok: true},
		{name: "multi-line", input: "a\n  and\n  (b or\n   c)", ok: true, result: "a and (b or c)"},
		{name: "CRLF", input: "a\r\nand\r\nb", ok: true, result: "a and b"},
		{name: "exists then and, no blank", input: "test.op existsand macro", ok: true,
			result: "test.op exists and macro"},
		{name: "or paren then more", input: "a or (b) and c", ok: true, result: "a or b and c", tree: "(or a (and b c))"},

		{name: "andx", input: "a andx b"},
		{name: "andb", input: "a andb"},
		{name: "aand", input: "aand b"},
		{name: "trailing and", input: "a and b and"},
		{name: "trailing or", input: "a and b or"},
		{name: "trailing not", input: "a and b not"},
		{name: "leading and", input: "and a"},
		{name: "leading or", input: "or a"},
		{name: "and or", input: "a and or b"},
		{name: "andor", input: "a andor b"},
		{name: "a not b", input: "a not b"},
		{name: "a notb", input: "a notb"},
		{name: "andnot", input: "a andnot b"},
		{name: "andnot parens", input: "(a)andnot(b)"},
		{name: "ornot", input: "a ornot b"},
		{name: "or( takes one group", input: "a or(b) and c"},
		{name: "unclosed paren", input: "(a.b = 1"},
		{name: "extra paren", input: "a)"},
		{name: "empty", input: ""},
		{name: "only blanks", input: " \n\t"},
		{name: "empty parens", input: "()"},
		{name: "comment", input: "#a and b; a and b"},
		{name: "not then end", input: "not "},
		{name: "and followed by vt", input: "a and\vb"},
		{name: "not followed by backspace", input: "not\ba"},
	})
}

func TestParseChecks(t *testing.T) {
	runParseCases(t, []parseCase{
		{name: "no blanks", input: "proc.name=bash", ok: true, result: "proc.name = bash"},
		{name: "exists", input: "proc.name exists", ok: true},
		{name: "field to bare field-like", input: "a.b = a.a", ok: true},
		{name: "bare not", input: "a.b = not", ok: true},
		{name: "glob star", input: "fd.name=*.log", ok: true, result: "fd.name = *.log"},
		{name: "bare with specials", input: `test.str = 0a!@#456:/\.;!$%^&*[]{}|`, ok: true},
		{name: "bare backslash", input: `(proc.args endswith \)`, ok: true, result: `proc.args endswith \`},
		{name: "double quoted", input: `proc.cmdline contains "-jar x"`, ok: true},
		{name: "single quoted", input: `a.b = 'x y'`, ok: true, result: `a.b = "x y"`},
		{name: "empty quoted", input: `a.b = ''`, ok: true, result: `a.b = ""`},
		{name: "quoted specials", input: `test.str = "0a!@#456:/.; !$%^&*[]{}|"`, ok: true},
		{name: "quoted bare-like", input: `a.b = "abc"`, ok: true},
		{name: "transformer-like quoted", input: `some.field = 'some_fake_transformer(some_macro)'`, ok: true,
			result: `some.field = "some_fake_transformer(some_macro)"`},
		{name: "bare value followed by keyword", input: "some.field = b64 and(some_macro)", ok: true,
			result: "some.field = b64 and some_macro"},
		{name: "number as string", input: "a.b = 123", ok: true},
		{name: "hex as string", input: "test.str = 0xAAA.1", ok: true},
		{name: "bang number as string", input: "test.str = !0.1222e+10", ok: true},

		{name: "bad bare comma", input: "test.str = a,"},
		{name: "bad bare equals", input: "test.str = a="},
		{name: "bad bare paren", input: `test.str = a('")`},
		{name: "unterminated single", input: "test.str = '"},
		{name: "unterminated double", input: `test.str = "`},
		{name: "mixed quotes", input: `test.str = '"`},
		{name: "missing start quote", input: "test.str = missing start quote"},
		{name: "broken escape", input: `test.str = "broken escape double quote""`},
		{name: "value then value", input: "a.b = b = 1"},
		{name: "macro with operator", input: "macro > 12"},
		{name: "unknown operator", input: "a.a invalidoperator xxx"},
		{name: "exists with value", input: "test.op exists something"},
		{name: "triple equals", input: "test.op === value"},
		{name: "not-double-equals", input: "test.op !== value"},
		{name: "missing value", input: "test.op ="},
		{name: "paren value", input: "a.b = (c)"},
		{name: "list for string op", input: "test.list = (value)"},
		{name: "list for contains", input: "test.list contains (value)"},
		{name: "list for num op", input: "test.list > (value)"},
	})
}

func TestParseOperators(t *testing.T) {
	var cases []parseCase
	for _, op := range []string{"=", "==", "!=", "glob", "iglob", "contains", "icontains", "bcontains",
		"startswith", "bstartswith", "endswith", "regex"} {
		cases = append(cases,
			parseCase{name: op, input: "test.op " + op + " value", ok: true},
			parseCase{name: op + " val", input: "test.op " + op + " val(other.f)", ok: true},
			parseCase{name: op + " transformer", input: "test.op " + op + " b64(other.f)", ok: true},
			parseCase{name: op + " list", input: "test.op " + op + " (a, b)"},
		)
		for _, m := range []string{"oneof", "anyof", "allof"} {
			cases = append(cases,
				parseCase{name: op + " " + m, input: "test.op " + op + " " + m + " (a, 'b c')", ok: true,
					result: "test.op " + op + " " + m + ` (a, "b c")`},
				parseCase{name: op + " " + m + " ref", input: "test.op " + op + " " + m + " my_list", ok: true},
				parseCase{name: op + " " + m + " value", input: "test.op " + op + " " + m + " value x"},
				parseCase{name: op + " " + m + " transformer", input: "test.op " + op + " " + m + " b64(x.y)"},
			)
		}
		if op[0] >= 'a' {
			cases = append(cases, parseCase{name: op + " needs a blank", input: "test.op " + op + "value"})
		} else {
			cases = append(cases, parseCase{name: op + " glued", input: "test.op" + op + "value", ok: true,
				result: "test.op " + op + " value"})
		}
	}
	for _, op := range []string{"<", "<=", ">", ">="} {
		cases = append(cases,
			parseCase{name: op, input: "test.op " + op + " 1", ok: true},
			parseCase{name: op + " glued", input: "test.op" + op + "1", ok: true, result: "test.op " + op + " 1"},
			parseCase{name: op + " val", input: "test.op " + op + " val(o.f)", ok: true},
			parseCase{name: op + " transformer", input: "test.op " + op + " len(o.f)", ok: true},
			parseCase{name: op + " string", input: "test.op " + op + " a"},
			parseCase{name: op + " missing", input: "test.op " + op},
			parseCase{name: op + " modifier", input: "test.op " + op + " oneof (1)"},
		)
	}
	for _, op := range []string{"in", "intersects", "pmatch"} {
		cases = append(cases,
			parseCase{name: op, input: "test.op " + op + " (a, b)", ok: true},
			parseCase{name: op + " glued", input: "test.op " + op + "(a, b)", ok: true, result: "test.op " + op + " (a, b)"},
			parseCase{name: op + " empty", input: "test.op " + op + " ()", ok: true},
			parseCase{name: op + " ref", input: "test.op " + op + " my_list", ok: true},
			parseCase{name: op + " val", input: "test.op " + op + " val(o.f)", ok: true},
			parseCase{name: op + " transformer", input: "test.op " + op + " tolower(o.f)", ok: true},
			parseCase{name: op + " missing", input: "test.op " + op},
			parseCase{name: op + " bare", input: "test.op " + op + " /a"},
		)
	}
	cases = append(cases,
		parseCase{name: "in glued list name", input: "fd.name inmylist", ok: true, result: "fd.name in mylist"},
		parseCase{name: "exists uppercase", input: "test.op ExIsTs"},
		parseCase{name: "bare oneof", input: "proc.name = oneof", ok: true, result: "(proc.name = oneof)"},
		parseCase{name: "bare oneof then and", input: "(proc.name = oneof) and x", ok: true},
		parseCase{name: "quoted oneof then and", input: `proc.name = "oneof" and x`, ok: true},
		parseCase{name: "oneof needs a blank", input: "proc.name = oneof(a)"},
	)
	runParseCases(t, cases)
}

func TestParseNumbers(t *testing.T) {
	runParseCases(t, []parseCase{
		{name: "int", input: "test.num > 1000", ok: true},
		{name: "plus", input: "test.num < +1", ok: true},
		{name: "minus", input: "test.num >= -1", ok: true},
		{name: "hex", input: "test.num <= 0x12345", ok: true},
		{name: "hex upper", input: "test.num <= 0XaB00AB", ok: true},
		{name: "decimal", input: "test.num > 1.2", ok: true},
		{name: "trailing dot", input: "test.num > 1.", ok: true},
		{name: "exponent", input: "test.num > -0.1222e+10", ok: true},
		{name: "rawres", input: "evt.rawres<0", ok: true, result: "evt.rawres < 0"},
		{name: "bang", input: "test.num > !0.1222e+10"},
		{name: "hex fraction", input: "test.num < 0xAAA.1"},
		{name: "digits then letters", input: "test.num >= 0aaaaa"},
		{name: "letter", input: "test.num <= a"},
		{name: "unsigned exponent", input: "test.num > 1e5"},
		{name: "bad hex", input: "test.num > 0x1g"},
	})
	e, err := Parse("a.b > 0x1F and a.b = 0x1F and a.b in (0x1F)")
	if err != nil {
		t.Fatal(err)
	}
	var got []Str
	Inspect(e, func(n Node) bool {
		if s, ok := n.(*Str); ok {
			got = append(got, *s)
		}
		return true
	})
	want := []Str{{Text: "0x1F", Number: true}, {Text: "0x1F"}, {Text: "0x1F"}}
	if d := cmp.Diff(want, got, ignorePos); d != "" {
		t.Errorf("only a value after a numeric operator is a number (-want +got):\n%s", d)
	}
}

func TestParseLists(t *testing.T) {
	runParseCases(t, []parseCase{
		{name: "empty", input: "test.list in ()", ok: true},
		{name: "empty with blanks", input: "test.list in ( \n )", ok: true, result: "test.list in ()"},
		{name: "one", input: "test.list in (a)", ok: true},
		{name: "quoted kinds", input: `test.list in (value, "value", 'value')`, ok: true,
			result: `test.list in (value, "value", "value")`},
		{name: "specials", input: `test.list in (0a!@#456:/\.;!$%^&*[]{}|, value)`, ok: true},
		{name: "blanks around", input: "a.g in ( 1 ,\n 'a' , b.c )", ok: true, result: `a.g in (1, "a", b.c)`},
		{name: "items with spaces", input: `proc.name in (bash, "c d")`, ok: true},
		{name: "number items are strings", input: "a.b in (1, 0x2)", ok: true},
		{name: "unclosed", input: "test.list in ("},
		{name: "no open", input: "test.list in )"},
		{name: "trailing comma", input: "test.list in (value,)"},
		{name: "double comma", input: "test.list in (value,,)"},
		{name: "only comma", input: "test.list in (,)"},
		{name: "commas and blanks", input: "a.g in ( 1 ,, , b)"},
		{name: "transformer item", input: "some.field in (b64(test.field))"},
		{name: "later transformer item", input: "some.field in (a, b64(test.field))"},
		{name: "nested list", input: "a.b in ((a))"},
		{name: "bad escape item", input: `a.b in ("\q")`},
	})
}

func TestParseFields(t *testing.T) {
	runParseCases(t, []parseCase{
		{name: "index", input: "proc.aname[2] = bash", ok: true},
		{name: "bare key", input: "proc.env[HOME] exists", ok: true},
		{name: "quoted key", input: `proc.env["HOME"] exists`, ok: true},
		{name: "single quoted key", input: `test.str['a aa'] = a`, ok: true, result: `test.str["a aa"] = a`},
		{name: "json pointer", input: "json.value[/a/b] = x", ok: true},
		{name: "glob arg", input: "container.mount.dest[/proc*] exists", ok: true},
		{name: "arg specials", input: `test.str[0a!@#456:/\.;!$%^&*(){}|] = testval`, ok: true},
		{name: "number-like arg", input: "test.str[+0.25e+10] = a", ok: true},
		{name: "empty quoted arg", input: `test.str[""] = empty`, ok: true},
		{name: "escaped quote arg", input: `test.str["test \"with\"escaping"] = a`, ok: true},
		{name: "evt.arg index", input: "evt.arg[0] contains /bin", ok: true},
		{name: "dotted name", input: "evt.arg.flags contains O_TRUNC", ok: true},
		{name: "k8s label", input: "k8s.pod.label.foo = bar", ok: true},
		{name: "brackets in arg", input: `test.str[0a!@#456:/\.;!$%^&*[]{}] = testval`},
		{name: "empty arg", input: "test.str[] = testval"},
		{name: "open bracket arg", input: "test.str[[] = testval"},
		{name: "close bracket arg", input: "test.str[]] = testval"},
		{name: "quote in arg", input: `test.str['''] = a`},
		{name: "unterminated quoted arg", input: `test.str[aaa"] = a`},
		{name: "blanks in arg", input: "test.str[   test   ] = testval"},
		{name: "unclosed arg", input: "test.str[ = testval"},
		{name: "stray bracket", input: "test.str] = testval"},
		{name: "blank before bracket", input: "proc.aname [2] = x"},
	})
}

func TestParseTransformers(t *testing.T) {
	runParseCases(t, []parseCase{
		{name: "tolower exists", input: "tolower(test.field) exists", ok: true},
		{name: "each", input: "toupper(a.b) = X and b64(a.b) = x and basename(a.b) = x and len(a.b) > 0", ok: true},
		{name: "nested", input: "b64(toupper(test.field)) exists", ok: true},
		{name: "blanks inside", input: "b64( b64( test.field ) ) exists", ok: true, result: "b64(b64(test.field)) exists"},
		{name: "field arg inside", input: "tolower(proc.aname[2]) = bash", ok: true},
		{name: "both sides", input: "tolower(some.field) = b64(test.field)", ok: true},
		{name: "join", input: `join("-", (fd.name, fd.directory)) = /tmp/test`, ok: true},
		{name: "join blanks", input: `join( ',' , ( proc.name , proc.pid ) ) = "myproc,123"`, ok: true,
			result: `join(",", (proc.name, proc.pid)) = "myproc,123"`},
		{name: "join empty list", input: `join(",", ()) = x`, ok: true},
		{name: "list with transformer and literals", input: `join(",", (tolower(a.b), "x", 3)) = x`, ok: true},
		{name: "concat", input: `concat(proc.name, "-", proc.pid, 0x10) = x`, ok: true},
		{name: "getopt index", input: `getopt(proc.args, "c:")[c] = x`, ok: true},
		{name: "getopt quoted index", input: `getopt(proc.args, "c:")['c'] = x`, ok: true,
			result: `getopt(proc.args, "c:")["c"] = x`},
		{name: "number arg", input: "concat(a.b, -1.5) = x", ok: true},
		{name: "val rhs", input: "proc.name = val(proc.pname)", ok: true},
		{name: "val with arg", input: "proc.name = val(proc.aname[2])", ok: true},
		{name: "val blanks", input: "proc.name = val( proc.pname )", ok: true, result: "proc.name = val(proc.pname)"},
		{name: "rhs transformer", input: "some.field = b64(toupper(test.field))", ok: true},
		{name: "in val", input: "some.field in val(test.field)", ok: true},
		{name: "libs all node types", input: "b64(evt.name) exists and tolower(toupper(evt.type)) in val(some.field) or " +
			"proc.name=b64(tolower(some.field))", ok: true,
			result: "b64(evt.name) exists and tolower(toupper(evt.type)) in val(some.field) or " +
				"proc.name = b64(tolower(some.field))"},

		{name: "val lhs", input: "val(test.field) exists"},
		{name: "val nested", input: "some.field = val(val(test.field))"},
		{name: "val of transformer", input: "some.field = val(toupper(test.field))"},
		{name: "transformer of val", input: "some.field = b64(val(test.field))"},
		{name: "val blank arg", input: "some.field = val(test.field [1])"},
		{name: "blank before paren", input: "b64 (test.field) exists"},
		{name: "newline before paren", input: "b64\n(test.field) exists"},
		{name: "unknown transformer", input: "some_fake_transformer(test.field) exists"},
		{name: "dotted transformer", input: "some.fake.transformer(test.field) exists"},
		{name: "identifier arg", input: "b64(testfield) exists"},
		{name: "extra paren", input: "b64(test.field)) exists"},
		{name: "unclosed", input: "b64(test.field exists"},
		{name: "unclosed nested", input: "b64(b64(test.field) exists"},
		{name: "paren field", input: "(test.field) exists"},
		{name: "rhs paren transformer", input: "some.field = (b64(test.field))"},
		{name: "rhs unknown", input: "some.field = a(test.field)"},
		{name: "rhs unclosed", input: "some.field = b64(test.field"},
		{name: "no args", input: "len() > 0"},
		{name: "trailing comma", input: "concat(a.b,) = x"},
		{name: "bare string arg", input: "concat(a.b, x) = x"},
		{name: "list of lists", input: `join(",", ((a.b))) = x`},
		{name: "blank before index", input: `getopt(a.b, "c") [c] = x`},
		{name: "b64and", input: "some.field = b64and(some_macro)"},
	})
}

func TestParseEscapes(t *testing.T) {
	runParseCases(t, []parseCase{
		{name: "double quote escape", input: `test.str = "escape double quote \" "`, ok: true},
		{name: "single quote escape", input: `test.str = 'escape single quote \' '`, ok: true,
			result: `test.str = "escape single quote ' "`},
		{name: "escaped backslash before quote", input: `test.str = 'multiple escape single quote \' \\''`, ok: true,
			result: `test.str = "multiple escape single quote ' \\'"`},
		{name: "other quote inside", input: `test.str = 'mixed "'`, ok: true, result: `test.str = "mixed \""`},
		{name: "other quote inside double", input: `test.str = "mixed '"`, ok: true},
		{name: "controls", input: `a.b = "\b\f\n\r\t"`, ok: true},
		{name: "slash", input: `a.b = "a\/b"`, ok: true, result: `a.b = "a/b"`},
		{name: "backslash", input: `a.b = "a\\b"`, ok: true},
		{name: "hex", input: `a.b = "\x41\x42"`, ok: true, result: `a.b = "AB"`},
		{name: "hex control", input: `a.b = "\x01"`, ok: true},
		{name: "final backslash", input: `a.b = "a\x5c"`, ok: true},
		{name: "backslash space", input: `proc.args contains "\ "`, ok: true, result: `proc.args contains "\x5c"`},
		{name: "bad escape", input: `a.b = "\q"`},
		{name: "wrong quote escape", input: `test.str = "mixed \'"`},
		{name: "wrong quote escape single", input: `test.str = 'mixed \"'`},
		{name: "short hex", input: `a.b = "\x4"`},
		{name: "escaped backslash at end", input: `a.b = "a\\"`},
	})
}

func TestParseTree(t *testing.T) {
	e, err := Parse(`evt.type in (open, openat) and not proc.aname[2] = 'a b' or tolower(fd.name) startswith oneof (x) or m`)
	if err != nil {
		t.Fatal(err)
	}
	want := &Or{Children: []Expr{
		&And{Children: []Expr{
			&Check{Field: &Field{Name: "evt.type"}, Op: "in",
				Value: &List{Items: []*Str{{Text: "open"}, {Text: "openat"}}}},
			&Not{X: &Check{Field: &Field{Name: "proc.aname", Arg: "2", HasArg: true}, Op: "=",
				Value: &Str{Text: "a b", Quoted: true}}},
		}},
		&Check{Field: &Transformer{Name: "tolower", Args: []TransformerArg{&Field{Name: "fd.name"}}},
			Op: "startswith", Modifier: "oneof", Value: &List{Items: []*Str{{Text: "x"}}}},
		&MacroRef{Name: "m"},
	}}
	if d := cmp.Diff(Expr(want), e, ignorePos); d != "" {
		t.Errorf("tree (-want +got):\n%s", d)
	}
}
