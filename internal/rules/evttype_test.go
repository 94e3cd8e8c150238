package rules

import (
	"sort"
	"strings"
	"testing"

	"peregrine/internal/rules/syntax"
)

// typeNames returns the sorted distinct names of the types in s, or "ALL"
// for every type and "ALL-x,y" for every type but those named.
func typeNames(s, all typeSet) string {
	names := func(s typeSet) string {
		m := map[string]bool{}
		for _, t := range s.types() {
			m[t.Name()] = true
		}
		var out []string
		for n := range m {
			out = append(out, n)
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	if s == all {
		return "ALL"
	}
	if s.count() > all.count()/2 {
		return "ALL-" + names(all.minus(s))
	}
	return names(s)
}

func TestEventTypes(t *testing.T) {
	tests := []struct {
		cond string
		want string
	}{
		{"evt.type = open", "open"},
		{"evt.type == open", "open"},
		{"evt.type in (open, openat, openat2)", "open,openat,openat2"},
		{"evt.type in (open, openat) and proc.name = cat", "open,openat"},
		{"evt.type = open or evt.type = connect", "connect,open"},
		{"(evt.type = open or proc.name = x) and evt.type = connect", "connect"},
		{"evt.type = open and evt.type = connect", ""},
		{"proc.name = cat", "ALL"},
		{"not proc.name = cat", "ALL"},
		{"evt.type != open", "ALL-open"},
		{"not evt.type = open", "ALL-open"},
		{"not evt.type != open", "open"},
		{"not not evt.type = open", "open"},
		{"not (evt.type = open and proc.name = cat)", "ALL"},
		{"not (evt.type = open or evt.type = close)", "ALL-close,open"},
		{"not (evt.type in (open, close) and evt.type = open)", "ALL-open"},
		{"evt.type exists", "ALL"},
		{"evt.type startswith open", "ALL"},
		{"evt.type = clock_gettime", "syscall"}, // generic events only
		{"evt.type != clock_gettime", "ALL"},    // other calls are generic too
		{"not evt.type in (clock_gettime, open)", "ALL-open"},
		{"evt.type = no_such_call", ""},
		{"evt.type = anyof (open, close)", "close,open"},
		{"evt.type != anyof (open, close)", "ALL"},
		{"evt.type in (execve, execveat) and not evt.type = execveat", "execve"},
	}
	all := allTypes()
	for _, tt := range tests {
		e, err := syntax.Parse(tt.cond)
		if err != nil {
			t.Fatalf("%s: %v", tt.cond, err)
		}
		s, err := eventTypes(e, all)
		if err != nil {
			t.Fatalf("%s: %v", tt.cond, err)
		}
		if got := typeNames(s, all); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.cond, got, tt.want)
		}
	}
}

func TestEventTypesErrors(t *testing.T) {
	for _, cond := range []string{"evt.type = val(proc.name)", "tolower(evt.type) = open"} {
		e, err := syntax.Parse(cond)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eventTypes(e, allTypes()); err == nil {
			t.Errorf("%s: no error", cond)
		}
	}
}

func TestDropIndexedChecks(t *testing.T) {
	tests := []struct{ cond, want string }{
		{"evt.type = open and proc.name = cat", "proc.name = cat"},
		{"(evt.type in (open, openat) and fd.num >= 0) and proc.name = cat", "fd.num >= 0 and proc.name = cat"},
		{"evt.type = open", "<nil>"},
		{"evt.type = open or proc.name = cat", "evt.type = open or proc.name = cat"},
		{"evt.type = clock_gettime and proc.name = cat", "evt.type = clock_gettime and proc.name = cat"},
		{"not evt.type = open and proc.name = cat", "not evt.type = open and proc.name = cat"},
	}
	all := allTypes()
	for _, tt := range tests {
		e, err := syntax.Parse(tt.cond)
		if err != nil {
			t.Fatal(err)
		}
		types, _ := eventTypes(e, all)
		got := "<nil>"
		if d := dropIndexedChecks(e, types); d != nil {
			got = d.String()
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.cond, got, tt.want)
		}
	}
}
