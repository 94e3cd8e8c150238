package rules

import (
	"testing"

	"peregrine/internal/field"
)

// oneof: exactly one item matches; anyof: at least one; allof: all. An
// empty list matches nothing, allof included.
func TestModifiers(t *testing.T) {
	e := env{"proc.name": strs("myexe")}
	cases := []struct {
		cond string
		want bool
	}{
		{"proc.name == oneof (myexe, bash)", true},
		{"proc.name == oneof (bash, sh)", false},
		{"proc.name == oneof (myexe, myexe)", false},
		{"proc.name == anyof (myexe, bash)", true},
		{"proc.name == anyof (bash, sh)", false},
		{"proc.name == anyof (myexe, myexe)", true},
		{"proc.name == allof (myexe)", true},
		{"proc.name == allof (myexe, bash)", false},
		{"proc.name == allof (myexe, myexe)", true},
		{"proc.name != oneof (myexe, myexe, bash)", true},
		{"proc.name != oneof (myexe, myexe)", false},
		{"proc.name != oneof (bash, sh)", false},
		{"proc.name != anyof (myexe, bash)", true},
		{"proc.name != anyof (myexe)", false},
		{"proc.name != allof (bash, sh)", true},
		{"proc.name != allof (myexe, bash)", false},
		{"proc.name contains oneof (myex, bash)", true},
		{"proc.name contains oneof (my, exe)", false},
		{"proc.name contains anyof (my, exe)", true},
		{"proc.name contains allof (my, exe)", true},
		{"proc.name contains allof (myex, bash)", false},
		{"proc.name icontains oneof (MYEX, BASH)", true},
		{"proc.name icontains allof (MY, EXE)", true},
		{"proc.name startswith oneof (my, mye)", false},
		{"proc.name startswith anyof (my, bash)", true},
		{"proc.name startswith allof (my, mye)", true},
		{"proc.name endswith oneof (exe, sh)", true},
		{"proc.name endswith allof (exe, yexe)", true},
		{"proc.name glob oneof ('my*', '*exe')", false},
		{"proc.name glob anyof ('my*', bash)", true},
		{"proc.name glob allof ('my*', '*exe')", true},
		{"proc.name iglob anyof ('MY*', BASH)", true},
		{"proc.name regex oneof ('my.*', 'b.*')", true},
		{"proc.name regex oneof ('my.*', '.*exe')", false},
		{"proc.name regex allof ('my.*', '.*exe')", true},
		{"proc.name regex allof ('my.*', 'b.*')", false},
		{"toupper(proc.name) == oneof (MYEXE, BASH)", true},
		{"toupper(proc.name) != allof (MYEXE, BASH)", false},
		{"proc.name == oneof ()", false},
		{"proc.name == anyof ()", false},
		{"proc.name == allof ()", false},
		{"proc.name != allof ()", false},
		{"proc.name != anyof ()", false},
	}
	for _, tc := range cases {
		if got := eval(t, tc.cond, e); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.cond, got, tc.want)
		}
	}
	// Numbers take modifiers too, converted by the field's type.
	runTruth(t, field.SourceSyscall, []truthCase{
		{"proc.pid = anyof (1, 2)", env{"proc.pid": {i64(2)}}, true},
		{"proc.pid != allof (1, 2)", env{"proc.pid": {i64(2)}}, false},
		{"fd.cnet = anyof (10.0.0.0/8, 192.168.0.0/16)", env{"fd.cnet": {ip("192.168.9.9")}}, true},
	})
}
