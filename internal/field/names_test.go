package field

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestArgRuleString(t *testing.T) {
	for r, want := range map[ArgRule]string{ArgNone: "none", ArgOptional: "optional", ArgRequired: "required", 7: "ArgRule(7)"} {
		if got := r.String(); got != want {
			t.Errorf("ArgRule(%d).String() = %q, want %q", r, got, want)
		}
	}
}

func TestFlagsNames(t *testing.T) {
	tests := []struct {
		f    Flags
		want []string
	}{
		{0, nil},
		{NoRHS, []string{"no-rhs"}},
		{FilterOnly | NoRHS | NoTransformer, []string{"no-rhs", "no-transformer", "filter-only"}},
		{PrintOnly | TableOnly | Deprecated | Hidden | DotArg, []string{"print-only", "table-only", "deprecated", "hidden", "dot-arg"}},
		{DotArg << 1, []string{"flag8"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.f.Names()); diff != "" {
			t.Errorf("Flags(%#x).Names() (-want +got):\n%s", uint16(tt.f), diff)
		}
	}
	if got := (DotArg | NoRHS).String(); got != "no-rhs|dot-arg" {
		t.Errorf("String() = %q", got)
	}
	// Every flag constant has a name: the last one is DotArg.
	if len(flagNames) != 8 || DotArg != 1<<7 {
		t.Errorf("flagNames has %d names for flags up to %#x", len(flagNames), uint16(DotArg))
	}
}
