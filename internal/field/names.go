package field

import (
	"strconv"
	"strings"
)

// argRuleNames are the names of the argument rules, by value.
var argRuleNames = [...]string{"none", "optional", "required"}

// String returns "none", "optional" or "required".
func (r ArgRule) String() string {
	if int(r) < len(argRuleNames) {
		return argRuleNames[r]
	}
	return "ArgRule(" + strconv.Itoa(int(r)) + ")"
}

// flagNames are the names of the flags, by bit number.
var flagNames = [...]string{
	"no-rhs", "no-transformer", "filter-only", "print-only",
	"table-only", "deprecated", "hidden", "dot-arg",
}

// Names returns the names of the flags set in f, lowest bit first
// (no-rhs, filter-only, dot-arg ...); an unnamed bit is named flagN.
func (f Flags) Names() []string {
	var out []string
	for i := 0; f>>i != 0; i++ {
		if f&(1<<i) == 0 {
			continue
		}
		if i < len(flagNames) {
			out = append(out, flagNames[i])
		} else {
			out = append(out, "flag"+strconv.Itoa(i))
		}
	}
	return out
}

// String returns the names of the flags joined by "|", or "" for none.
func (f Flags) String() string { return strings.Join(f.Names(), "|") }
