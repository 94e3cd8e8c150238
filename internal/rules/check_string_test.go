package rules

import (
	"testing"

	"peregrine/internal/field"
)

func TestStringOperators(t *testing.T) {
	name := func(s string) env { return env{"proc.name": strs(s)} }
	runTruth(t, field.SourceSyscall, []truthCase{
		{"proc.name = bash", name("bash"), true},
		{"proc.name == bash", name("bash"), true},
		{"proc.name = bash", name("bash2"), false},
		{"proc.name = bash", name(""), false},
		{`proc.name = ""`, name(""), true},
		{"proc.name != bash", name("bash"), false},
		{"proc.name != bash", name("sh"), true},
		{"proc.name = 123", name("123"), true},
		// Ordering operators take numbers after them; a string field
		// compares them as text (strcmp).
		{"proc.name < 5", name("4"), true},
		{"proc.name < 5", name("5"), false},
		{"proc.name <= 5", name("5"), true},
		{"proc.name > 5", name("50"), true},
		{"proc.name >= 5", name("a"), true},
		{"proc.name > 5", name("/"), false},
		{"proc.name < 10", name("9"), false},
		{"proc.name contains as", name("bash"), true},
		{"proc.name contains AS", name("bash"), false},
		{`proc.name contains ""`, name("bash"), true},
		{"proc.name icontains AS", name("bash"), true},
		{"proc.name icontains BASH", name("xBaShx"), true},
		{"proc.name icontains é", name("É"), false}, // ASCII folding only, as strcasestr in the C locale
		{"proc.name startswith ba", name("bash"), true},
		{"proc.name startswith sh", name("bash"), false},
		{"proc.name startswith bash", name("ba"), false},
		{"proc.name endswith sh", name("bash"), true},
		{"proc.name endswith ba", name("bash"), false},
		{"proc.name endswith bash", name("sh"), false},
		{"proc.name glob 'b*'", name("bash"), true},
		{"proc.name glob 'B*'", name("bash"), false},
		{"proc.name iglob 'B*H'", name("bash"), true},
		{"proc.name glob 'b?sh'", name("bash"), true},
		{"proc.name glob 'b[a-c]sh'", name("bash"), true},
		{"proc.name glob 'b[!a]sh'", name("bash"), false},
		{"proc.name regex 'ba.h'", name("bash"), true},
		{"proc.name regex 'as'", name("bash"), false}, // anchored at both ends
		{"proc.name regex '.*as.*'", name("bash"), true},
		{"proc.name regex 'b(a|e)sh'", name("besh"), true},
		{"proc.name regex '^bash$'", name("bash"), true},
		{"proc.name regex '[[:alpha:]]+'", name("bash"), true},
		{"proc.name regex '[^x]+'", name("ba\nsh"), true}, // negated classes match a newline, as RE2's
		{"proc.name regex 'ba.sh'", name("ba\nsh"), false},
		{"proc.name in (sh, bash)", name("bash"), true},
		{"proc.name in (sh, bash)", name("zsh"), false},
		{"proc.name in ()", name("bash"), false},
		{`proc.name in ("ba sh", x)`, name("ba sh"), true},
		{"proc.name intersects (sh, bash)", name("bash"), true},
		{"proc.name pmatch (/usr)", name("/usr/bin"), true},
		{"proc.name exists", name(""), true},
	})
}

func TestBufferOperators(t *testing.T) {
	buf := func(s string) env { return env{"evt.buffer": {bin(s)}} }
	runTruth(t, field.SourceSyscall, []truthCase{
		{"evt.buffer = abc", buf("abc"), true},
		{"evt.buffer = abc", buf("abc\x00"), false},
		{"evt.buffer != abc", buf("abd"), true},
		{"evt.buffer contains b", buf("abc"), true},
		{"evt.buffer bcontains 7f454c46", buf("xx\x7fELFyy"), true},
		{"evt.buffer bcontains 7F454C46", buf("xx\x7fELFyy"), true},
		{"evt.buffer bcontains 7f454c46", buf("xx\x7fEL"), false},
		{"evt.buffer bcontains 00", buf("a\x00b"), true},
		{"evt.buffer bstartswith 7f45", buf("\x7fELF"), true},
		{"evt.buffer bstartswith 45", buf("\x7fELF"), false},
		{"evt.buffer startswith ab", buf("abc"), true},
		{"evt.buffer endswith bc", buf("abc"), true},
		{"evt.buffer in (abc, def)", buf("def"), true},
		{"evt.buffer exists", buf(""), true},
	})
}

// The check is false when the left-hand side has no value, whatever the
// operator, so that "not" of it is true.
func TestMissingValues(t *testing.T) {
	conds := []string{
		"proc.name = bash", "proc.name != bash", "proc.name contains a", "proc.name startswith ''",
		"proc.name glob '*'", "proc.name regex '.*'", "proc.name in (a)", "proc.name pmatch (/)",
		"proc.name exists", "proc.pid = 1", "proc.pid != 1", "proc.pid < 1", "proc.pid >= 0",
		"fd.cip = 1.2.3.4", "fd.cip != 1.2.3.4", "fd.net = 10.0.0.0/8", "fd.net != 10.0.0.0/8",
		"evt.is_open_write = true", "evt.is_open_write = false", "evt.buffer bcontains 00",
		"proc.name icontains x", "proc.name = anyof (a)", "proc.name != allof (a)",
		"proc.name = val(proc.pname)", "proc.name != val(proc.pname)", "tolower(proc.name) = bash",
		"len(proc.name) = 0", "b64(proc.name) exists",
	}
	for _, cond := range conds {
		b := newFakeBinder()
		b.set("proc.pname", str("bash"))
		p, err := compileCond(field.SourceSyscall, cond, b)
		if err != nil {
			t.Fatalf("compile %q: %v", cond, err)
		}
		if p() {
			t.Errorf("%s is true with no value", cond)
		}
		if not := func() bool { return !p() }; !not() {
			t.Errorf("not %s is false with no value", cond)
		}
	}
	// The right-hand field missing makes the check false too.
	if eval(t, "proc.name != val(proc.pname)", env{"proc.name": strs("a")}) {
		t.Error("!= val() of a missing field is true")
	}
}
