package syntax

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, src string) Expr {
	t.Helper()
	e, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

func TestInspect(t *testing.T) {
	e := mustParse(t, `a and not x.y in (p, q) or concat(f.g[1], (h.i, "s"), 2) = val(j.k) or m.n exists`)
	var got []string
	Inspect(e, func(n Node) bool {
		got = append(got, strings.TrimPrefix(fmt.Sprintf("%T", n), "*syntax."))
		return true
	})
	want := []string{
		"Or",
		"And", "MacroRef", "Not", "Check", "Field", "List", "Str", "Str",
		"Check", "Transformer", "Field", "TransformerList", "Field", "Str", "Str", "Val", "Field",
		"Check", "Field",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("visit order (-want +got):\n%s", d)
	}

	// Returning false prunes: the checks are seen, their insides are not.
	var checks []string
	Inspect(e, func(n Node) bool {
		if c, ok := n.(*Check); ok {
			checks = append(checks, c.String())
			return false
		}
		if _, ok := n.(*Field); ok {
			t.Errorf("visited a field below a pruned check")
		}
		return true
	})
	if len(checks) != 3 {
		t.Errorf("found checks %q, want 3", checks)
	}

	Inspect(nil, func(Node) bool { t.Error("visited nil"); return true })
	Inspect((*And)(nil), func(Node) bool { t.Error("visited a typed nil"); return true })
}

func TestClone(t *testing.T) {
	e := mustParse(t, `a and not x.y in (p, q) or concat(f.g[1], (h.i, "s"), 2) = val(j.k) or m.n = 3`)
	c := Clone(e)
	if d := cmp.Diff(e, c); d != "" {
		t.Fatalf("clone differs:\n%s", d)
	}
	before := e.String()
	// Change every node of the clone that can change; the original must not
	// see it.
	Inspect(c, func(n Node) bool {
		switch n := n.(type) {
		case *And:
			n.Children = append(n.Children[:1], &MacroRef{Name: "zz"})
		case *Or:
			n.Children[0] = &MacroRef{Name: "yy"}
		case *Field:
			n.Name = "changed.name"
		case *Str:
			n.Text = "changed"
		case *List:
			n.Items[0] = &Str{Text: "new"}
		case *Transformer:
			n.Args[0] = &Field{Name: "other.field"}
		case *TransformerList:
			n.Items[0] = &Str{Text: "t", Quoted: true}
		case *Check:
			n.Op = "!="
		}
		return true
	})
	if after := e.String(); after != before {
		t.Errorf("changing the clone changed the original:\n%s\n%s", before, after)
	}

	// Clone keeps the static type and copes with nil.
	var x Expr = Clone(Expr(nil))
	if x != nil {
		t.Errorf("Clone(nil) = %v", x)
	}
	if f := Clone((*Field)(nil)); f != nil {
		t.Errorf("Clone of a nil *Field = %v", f)
	}
	var op Operand = Clone(Operand(&Field{Name: "a.b"}))
	if op.String() != "a.b" {
		t.Errorf("Clone(Operand) = %v", op)
	}
}

// TestRewriteInlinesMacros shows the use Rewrite was made for: replacing
// macro references by the macros' trees.
func TestRewriteInlinesMacros(t *testing.T) {
	macros := map[string]Expr{
		"spawned_process": mustParse(t, "evt.type in (execve, execveat) and evt.dir = <"),
		"shell_procs":     mustParse(t, "proc.name in (bash, sh)"),
	}
	rule := mustParse(t, "spawned_process and not shell_procs and proc.pname exists")
	before := rule.String()
	inlined := Rewrite(rule, func(e Expr) Expr {
		if m, ok := e.(*MacroRef); ok {
			if body, ok := macros[m.Name]; ok {
				return Clone(body)
			}
		}
		return e
	})
	want := "(evt.type in (execve, execveat) and evt.dir = <) and not proc.name in (bash, sh) and proc.pname exists"
	if got := inlined.String(); got != want {
		t.Errorf("inlined = %q\nwant      %q", got, want)
	}
	if rule.String() != before {
		t.Errorf("Rewrite changed its input: %s", rule)
	}
	// The inlined tree prints as a condition that parses to the same tree.
	checkRoundTrip(t, inlined)

	if Rewrite(nil, func(e Expr) Expr { return e }) != nil {
		t.Error("Rewrite(nil) is not nil")
	}
}

// TestPrintBuilt covers trees made by hand, whose strings need quoting the
// parser's trees never need.
func TestPrintBuilt(t *testing.T) {
	cases := []struct {
		e    Expr
		want string
	}{
		{&Check{Field: &Field{Name: "a.b"}, Op: "=", Value: &Str{Text: "has space"}}, `a.b = "has space"`},
		{&Check{Field: &Field{Name: "a.b"}, Op: "=", Value: &Str{}}, `a.b = ""`},
		{&Check{Field: &Field{Name: "a.b", Arg: "x y", HasArg: true}, Op: "exists"}, `a.b["x y"] exists`},
		{&Check{Field: &Field{Name: "a.b", HasArg: true}, Op: "exists"}, `a.b[""] exists`},
		{&Check{Field: &Field{Name: "a.b"}, Op: "<", Value: &Str{Text: "12"}}, `a.b < 12`},
		{&Check{Field: &Transformer{Name: "concat", Args: []TransformerArg{&Str{Text: "bare"}, &Str{Text: "7", Number: true}}},
			Op: "=", Value: &Str{Text: "x"}}, `concat("bare", 7) = x`},
		{&Check{Field: &Field{Name: "a.b"}, Op: "in", Value: &List{Items: []*Str{{Text: "a,b"}, {Text: "c"}}}}, `a.b in ("a,b", c)`},
		{&Not{X: &Not{X: &MacroRef{Name: "m"}}}, "not (not m)"},
		{&And{Children: []Expr{&Or{Children: []Expr{&MacroRef{Name: "a"}, &MacroRef{Name: "b"}}}, &Not{X: &MacroRef{Name: "not"}}}},
			"(a or b) and not (not)"},
	}
	for _, c := range cases {
		if got := c.e.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
		// Flags may change (a bare string with a space comes back quoted),
		// but the text is a condition and prints the same.
		if again, err := Parse(c.want); err != nil || again.String() != c.want {
			t.Errorf("reparse of %q: %v, %v", c.want, again, err)
		}
	}
}
