package syntax

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fmtParts is a compact description of a FormatPart for the tables:
// literal text as is, a token as "%" + width + operand.
func fmtParts(f Format) []string {
	var out []string
	for _, p := range f.Parts {
		if p.Operand == nil {
			out = append(out, "text:"+p.Text)
			continue
		}
		w := ""
		if p.Width > 0 {
			w = strconv.Itoa(p.Width)
		}
		out = append(out, "%"+w+p.Operand.String())
	}
	return out
}

func TestParseFormat(t *testing.T) {
	cases := []struct {
		name    string
		input   string
		lenient bool
		parts   []string
		printed string // "" when the input prints back unchanged
	}{
		{"field", "%proc.name", false, []string{"%proc.name"}, ""},
		{"text only", "hello", false, []string{"text:hello"}, ""},
		{"lenient empty", "*", true, nil, ""},
		{"lenient", "*%proc.name", true, []string{"%proc.name"}, ""},
		{"star later is text", "a*%proc.name*", false, []string{"text:a*", "%proc.name", "text:*"}, ""},
		{"sentence", "Shell spawned (user=%user.name cmd=%proc.cmdline)", false,
			[]string{"text:Shell spawned (user=", "%user.name", "text: cmd=", "%proc.cmdline", "text:)"}, ""},
		{"width", "%12proc.name|", false, []string{"%12proc.name", "text:|"}, ""},
		{"zero width", "%0proc.name", false, []string{"%proc.name"}, "%proc.name"},
		{"index arg", "%proc.aname[2]", false, []string{"%proc.aname[2]"}, ""},
		{"dotted arg", "%evt.arg.flags", false, []string{"%evt.arg.flags"}, ""},
		{"quoted arg", "%proc.env['HOME']", false, []string{`%proc.env["HOME"]`}, `%proc.env["HOME"]`},
		{"json pointer", "%json.value[/a/b] x", false, []string{"%json.value[/a/b]", "text: x"}, ""},
		{"transformer", "%tolower(proc.name)", false, []string{"%tolower(proc.name)"}, ""},
		{"transformer blanks", "%tolower( proc.name )!", false, []string{"%tolower(proc.name)", "text:!"},
			"%tolower(proc.name)!"},
		{"join", `%join(",", (proc.name, proc.pname))`, false, []string{`%join(",", (proc.name, proc.pname))`}, ""},
		{"trailing dot", "by %user.name.", false, []string{"text:by ", "%user.name", "text:."}, ""},
		{"glued text", "%proc.name:%proc.pid", false, []string{"%proc.name", "text::", "%proc.pid"}, ""},
		{"unclosed arg", "%proc.name[x", false, []string{"%proc.name", "text:[x"}, ""},
		{"blank before arg", "%proc.name [2]", false, []string{"%proc.name", "text: [2]"}, ""},
		{"unclosed transformer index", "%tolower(proc.name)[x", false,
			[]string{"%tolower(proc.name)", "text:[x"}, ""},
		{"multi-line", "a\n%proc.name\nb", false, []string{"text:a\n", "%proc.name", "text:\nb"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParseFormat(c.input)
			if err != nil {
				t.Fatalf("ParseFormat(%q): %v", c.input, err)
			}
			if f.Lenient != c.lenient {
				t.Errorf("Lenient = %v, want %v", f.Lenient, c.lenient)
			}
			if d := cmp.Diff(c.parts, fmtParts(f)); d != "" {
				t.Errorf("parts (-want +got):\n%s", d)
			}
			want := c.printed
			if want == "" {
				want = c.input
			}
			if got := f.String(); got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
			again, err := ParseFormat(f.String())
			if err != nil {
				t.Fatalf("reparse of %q: %v", f.String(), err)
			}
			if d := cmp.Diff(f, again, ignorePos); d != "" {
				t.Errorf("reparse differs (-first +second):\n%s", d)
			}
		})
	}
}

func TestParseFormatPositions(t *testing.T) {
	f, err := ParseFormat("*x\n y %5proc.name z %tolower(fd.name)")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range f.Parts {
		got = append(got, p.Pos.String())
	}
	want := []string{"1:2", "2:4", "2:15", "2:18"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("positions (-want +got):\n%s", d)
	}
	tr := f.Parts[3].Operand.(*Transformer)
	if p := tr.Args[0].Position(); p.Line != 2 || p.Col != 27 {
		t.Errorf("transformer argument at %v, want 2:27", p)
	}
}

func TestParseFormatErrors(t *testing.T) {
	cases := []struct {
		input     string
		line, col int
		msg       string
	}{
		{"", 1, 1, "output format is empty"},
		{"100%", 1, 4, "output format ends with '%'"},
		{"*%", 1, 2, "output format ends with '%'"},
		{"a %12", 1, 4, "output format ends with a field width"},
		{"%%", 1, 2, "expected a field or a transformer after '%', found '%'"},
		{"100%% sure", 1, 5, "expected a field or a transformer after '%', found '%'"},
		{"% proc.name", 1, 2, "found a space"},
		{"%proc", 1, 2, "expected a field or a transformer after '%', found 'proc'"},
		{"x\n%tolower(proc.name", 2, 19, "expected ',' or ')' closing the tolower transformer"},
		{"%tolower(x)", 1, 10, "expected a transformer argument"},
		{"%val(proc.name)", 1, 2, "expected a field or a transformer"},
		{"%99999999999999999999proc.name", 1, 2, "field width 99999999999999999999 is larger than 65536"},
		{"%65537proc.name", 1, 2, "is larger than"},
		{"%proc.name[x] %" + strings.Repeat("(", 200), 1, 16, "expected a field or a transformer"},
	}
	for _, c := range cases {
		_, err := ParseFormat(c.input)
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 1 {
			t.Errorf("ParseFormat(%q) = %v, want one error", c.input, err)
			continue
		}
		e := list[0]
		if e.Pos.Line != c.line || e.Pos.Col != c.col || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("ParseFormat(%q) error at %d:%d %q, want %d:%d %q", c.input, e.Pos.Line, e.Pos.Col, e.Msg,
				c.line, c.col, c.msg)
		}
	}
}

func TestParseFormatKnownFields(t *testing.T) {
	known := map[string]bool{"proc.name": true, "proc.aname": true, "fd.name": true}
	opt := KnownFields(func(name string) bool { return known[name] })
	cases := []struct {
		input string
		parts []string
		err   string
	}{
		{"%proc.name", []string{"%proc.name"}, ""},
		{"%proc.namex", []string{"%proc.name", "text:x"}, ""},
		{"%proc.name.foo", []string{"%proc.name", "text:.foo"}, ""},
		{"%proc.anamex[2]", []string{"%proc.aname", "text:x[2]"}, ""},
		{"%tolower(fd.name)", []string{"%tolower(fd.name)"}, ""},
		{"%foo.bar", nil, "1:2: unknown field 'foo.bar' in output format"},
		{"%tolower(foo.bar)", nil, "1:2: unknown field 'foo.bar' in output format"},
	}
	for _, c := range cases {
		f, err := ParseFormat(c.input, opt)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseFormat(%q) error %v, want %q", c.input, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseFormat(%q): %v", c.input, err)
			continue
		}
		if d := cmp.Diff(c.parts, fmtParts(f)); d != "" {
			t.Errorf("ParseFormat(%q) parts (-want +got):\n%s", c.input, d)
		}
	}
	// Without the option the longest syntactic field wins.
	f, err := ParseFormat("%proc.namex")
	if err != nil || fmtParts(f)[0] != "%proc.namex" {
		t.Errorf("ParseFormat without KnownFields = %v, %v", fmtParts(f), err)
	}
}
