package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQuoteItem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"bash", "bash"},
		{"a b", `"a b"`},
		{`"a b"`, `"a b"`},
		{`'a b'`, `'a b'`},
		{"a\tb", "a\tb"}, // only a space triggers quoting
		{`a "b" c`, `"a "b" c"`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := QuoteItem(tt.in); got != tt.want {
			t.Errorf("QuoteItem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSubstituteLists(t *testing.T) {
	shells := List{Name: "shell_binaries", Values: []string{"bash", "sh"}}
	empty := List{Name: "empty"}
	tests := []struct {
		name  string
		cond  string
		lists []List
		want  string
		used  []string
	}{
		{"in parens", "proc.name in (shell_binaries)", []List{shells},
			"proc.name in ( bash, sh )", []string{"shell_binaries"}},
		{"with other values", "proc.name in (shell_binaries, foo)", []List{shells},
			"proc.name in ( bash, sh , foo)", []string{"shell_binaries"}},
		{"empty list last eats comma before", "proc.name in (a, empty)", []List{empty},
			"proc.name in (a  )", []string{"empty"}},
		{"empty list first eats comma after", "proc.name in (empty, a)", []List{empty},
			"proc.name in (   a)", []string{"empty"}},
		{"empty list in middle eats comma before only", "x in (a,empty,b)", []List{empty},
			"x in (a  ,b)", []string{"empty"}},
		{"empty list alone", "(empty)", []List{empty}, "(  )", []string{"empty"}},
		{"at start, no leading space", "shell_binaries", []List{shells}, "bash, sh ", []string{"shell_binaries"}},
		{"after =", "proc.name=l", []List{{Name: "l", Values: []string{"a b", "c"}}},
			`proc.name= "a b", c `, []string{"l"}},
		{"every occurrence", "a in (l) or b in (l)", []List{{Name: "l", Values: []string{"x", "y"}}},
			"a in ( x, y ) or b in ( x, y )", []string{"l"}},
		{"blanks and newlines swallowed", "fd.name in (l)\n and l", []List{{Name: "l", Values: []string{"p"}}},
			"fd.name in ( p )\n and p ", []string{"l"}},
		{"not in single quotes, field names or longer words; yes in double-quoted parens",
			`'l' and "(l)" and proc.l and l_x`, []List{{Name: "l", Values: []string{"v"}}},
			`'l' and "( v )" and proc.l and l_x`, []string{"l"}},
		{"no match", "proc.name = bash", []List{shells}, "proc.name = bash", nil},
		// Falco resumes the search one character after the inserted values;
		// when the name starts the text no space is inserted before them, so
		// an occurrence right after the first one is skipped.
		{"start-of-text quirk", "l l", []List{{Name: "l", Values: []string{"x"}}}, "x l", []string{"l"}},
		{"values containing the name are not substituted again", "(l)",
			[]List{{Name: "l", Values: []string{"l", "m"}}}, "( l, m )", []string{"l"}},
		{"a later list substitutes inside an earlier one's values", "x in (A)",
			[]List{{Name: "A", Values: []string{"B"}}, {Name: "B", Values: []string{"c"}}},
			"x in ( c )", []string{"A", "B"}},
		{"an earlier list does not see a later one's values", "x in (B)",
			[]List{{Name: "A", Values: []string{"c"}}, {Name: "B", Values: []string{"A"}}},
			"x in ( A )", []string{"B"}},
		{"quoted values", "x in (l)", []List{{Name: "l", Values: []string{"a b", `"c d"`, "e"}}},
			`x in ( "a b", "c d", e )`, []string{"l"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, used, err := SubstituteLists(tt.cond, tt.lists)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if d := cmp.Diff(tt.used, used); d != "" {
				t.Errorf("used (-want +got):\n%s", d)
			}
		})
	}
}

func TestSubstituteListsTooLong(t *testing.T) {
	// Each list's values name the next list twice: the text doubles with
	// each list.
	var lists []List
	for i := range 25 {
		next := "L" + string(rune('a'+i+1))
		lists = append(lists, List{Name: "L" + string(rune('a'+i)), Values: []string{next, next}})
	}
	_, _, err := SubstituteLists("x in (La)", lists)
	if !errors.Is(err, ErrConditionTooLong) {
		t.Fatalf("err = %v, want ErrConditionTooLong", err)
	}
}

func TestConditionWithExceptions(t *testing.T) {
	tests := []struct {
		name string
		exc  []Exception
		want string
	}{
		{"no exceptions", nil, "evt.type = open"},
		{"single form", []Exception{{Name: "e", Single: true, Fields: []string{"proc.name"}, Comps: []string{"in"},
			Values: []ExceptionValue{{Text: "a"}, {Text: "b c"}}}},
			`(evt.type = open) and not (proc.name in (a, "b c"))`},
		{"list form", []Exception{{Name: "e", Fields: []string{"proc.name", "fd.name"}, Comps: []string{"=", "startswith"},
			Values: []ExceptionValue{
				{IsList: true, List: []ExceptionValue{{Text: "a"}, {Text: "/tmp"}}},
				{IsList: true, List: []ExceptionValue{{Text: "b"}, {Text: "/var dir"}}},
			}}},
			`(evt.type = open) and not (( proc.name = a and  fd.name startswith /tmp) or ( proc.name = b and  fd.name startswith "/var dir"))`},
		{"list operator wraps a plain entry in parentheses", []Exception{{Name: "e", Fields: []string{"proc.name"}, Comps: []string{"in"},
			Values: []ExceptionValue{{IsList: true, List: []ExceptionValue{{Text: "shell_binaries"}}}}}},
			`(evt.type = open) and not (( proc.name in (shell_binaries)))`},
		{"list operator keeps an entry already in parentheses", []Exception{{Name: "e", Fields: []string{"proc.name"}, Comps: []string{"pmatch"},
			Values: []ExceptionValue{{IsList: true, List: []ExceptionValue{{Text: "(/a, /b)"}}}}}},
			`(evt.type = open) and not (( proc.name pmatch (/a, /b)))`},
		{"list entry", []Exception{{Name: "e", Fields: []string{"proc.name"}, Comps: []string{"in"},
			Values: []ExceptionValue{{IsList: true, List: []ExceptionValue{{IsList: true, List: []ExceptionValue{{Text: "a"}, {Text: "b c"}}}}}}}},
			`(evt.type = open) and not (( proc.name in (a, "b c")))`},
		{"exception without values adds only the parentheses", []Exception{{Name: "e", Single: true, Fields: []string{"proc.name"}, Comps: []string{"in"}}},
			`(evt.type = open)`},
		{"two exceptions", []Exception{
			{Name: "e1", Single: true, Fields: []string{"proc.name"}, Comps: []string{"in"}, Values: []ExceptionValue{{Text: "a"}}},
			{Name: "e2", Fields: []string{"fd.name"}, Comps: []string{"="}, Values: []ExceptionValue{{IsList: true, List: []ExceptionValue{{Text: "/x"}}}}},
		}, `(evt.type = open) and not (proc.name in (a)) and not (( fd.name = /x))`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Rule{Condition: "evt.type = open", Exceptions: tt.exc}
			got, err := r.ConditionWithExceptions()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestConditionWithExceptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		exc  Exception
		want string
	}{
		{"list value in single form", Exception{Name: "e", Single: true, Fields: []string{"f.x"}, Comps: []string{"in"},
			Values: []ExceptionValue{{IsList: true}}}, "must be strings"},
		{"tuple of wrong length", Exception{Name: "e", Fields: []string{"f.x", "f.y"}, Comps: []string{"=", "="},
			Values: []ExceptionValue{{IsList: true, List: []ExceptionValue{{Text: "a"}}}}}, "one entry per field"},
		{"comps of wrong length", Exception{Name: "e", Fields: []string{"f.x"}, Comps: nil,
			Values: []ExceptionValue{{IsList: true, List: []ExceptionValue{{Text: "a"}}}}}, "different lengths"},
	}
	for _, tt := range tests {
		r := Rule{Condition: "c", Exceptions: []Exception{tt.exc}}
		_, err := r.ConditionWithExceptions()
		var ve *ExceptionValueError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in   string
		want Version
		ok   bool
	}{
		{"0.57.0", Version{0, 57, 0}, true},
		{"1.2.3", Version{1, 2, 3}, true},
		{"0.57.0-rc1", Version{0, 57, 0}, true},
		{" 1.2.3", Version{1, 2, 3}, true},
		{"1.2.3.4", Version{1, 2, 3}, true},
		{"+1.2.3", Version{1, 2, 3}, true},
		{"1.2", Version{}, false},
		{"seven", Version{}, false},
		{"", Version{}, false},
		{"1..3", Version{}, false},
		{"4294967296.0.0", Version{}, false},
		{"4294967295.0.0", Version{4294967295, 0, 0}, true},
	}
	for _, tt := range tests {
		got, ok := ParseVersion(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestVersionCompatibility(t *testing.T) {
	engine := EngineVersion()
	if engine != (Version{0, 62, 0}) || engine.String() != "0.62.0" {
		t.Fatalf("EngineVersion = %v", engine)
	}
	tests := []struct {
		req  Version
		want bool
	}{
		{Version{0, 57, 0}, true},
		{Version{0, 62, 0}, true},
		{Version{0, 15, 0}, true},
		{Version{0, 62, 1}, false},
		{Version{0, 63, 0}, false},
		{Version{1, 0, 0}, false},
	}
	for _, tt := range tests {
		if got := engine.CompatibleWith(tt.req); got != tt.want {
			t.Errorf("%v.CompatibleWith(%v) = %v, want %v", engine, tt.req, got, tt.want)
		}
	}
	if (Version{1, 0, 0}).CompatibleWith(Version{0, 9, 0}) {
		t.Error("a different major must not be compatible")
	}
	if !(Version{1, 2, 3}).Less(Version{1, 3, 0}) || (Version{1, 3, 0}).Less(Version{1, 2, 9}) {
		t.Error("Less is wrong")
	}
}

func TestPositionAndDiagnostic(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Pos: Position{"r.yaml", 3, 5}, Severity: SeverityError, Message: "bad"}, "r.yaml:3:5: error: bad"},
		{Diagnostic{Pos: Position{"r.yaml", 3, 0}, Severity: SeverityWarning, Message: "hm"}, "r.yaml:3: warning: hm"},
		{Diagnostic{Pos: Position{File: "r.yaml"}, Severity: SeverityError, Message: "x"}, "r.yaml: error: x"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
