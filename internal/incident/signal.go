package incident

import (
	"strings"
	"time"
)

// Category is the kind of evidence a signal gives.
type Category string

// The categories: four kinds of evidence and control-plane context.
const (
	CategoryCost         Category = "cost"
	CategoryCompute      Category = "compute"
	CategoryNetwork      Category = "network"
	CategoryRuntime      Category = "runtime"
	CategoryControlPlane Category = "control-plane"
)

// Categories lists every category in the order reports show them.
var Categories = []Category{CategoryCost, CategoryCompute, CategoryNetwork, CategoryRuntime, CategoryControlPlane}

// evidence reports whether c is one of the four evidence categories.
func (c Category) evidence() bool { return c != CategoryControlPlane }

// Field is one output field of an alert, its value as text (a JSON string
// unquoted, anything else as its JSON text). A list field gives one Field
// per element, under the same name.
type Field struct {
	Name  string
	Value string
}

// Signal is one alert or cost finding.
type Signal struct {
	Start    time.Time // when it happened (a cost finding: its first day)
	End      time.Time // equal to Start, or the end of a cost finding's last day
	Source   string    // "syscall", "aws_cloudtrail", ..., or "cost"
	Rule     string    // the rule, or the cost finding's kind
	Priority string    // Falco's priority name
	Hostname string
	Output   string
	Tags     []string
	Fields   []Field // sorted by name; the elements of a list in their order
	Origin   string  // file:line (file and finding index for cost)

	// Set by classify (alerts) or from the finding (cost).
	Category Category
	Mining   bool
	Keys     []Key
}

// Field returns the value of the output field name, and whether the
// signal has it with a value.
func (s *Signal) Field(name string) (string, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// priorityRanks ranks Falco's priority names, lowest first.
var priorityRanks = map[string]int{
	"debug": 1, "informational": 2, "info": 2, "notice": 3, "warning": 4,
	"error": 5, "critical": 6, "alert": 7, "emergency": 8,
}

// priorityRank ranks a priority name; unknown names rank 0.
func priorityRank(p string) int { return priorityRanks[strings.ToLower(p)] }

// summary is the signal's output without the time and priority that
// start Falco's output line, at most 240 characters.
func (s *Signal) summary() string {
	out := s.Output
	if i := strings.Index(out, ": "); i > 0 && i < 40 && strings.ContainsAny(out[:i], ":.") && out[0] >= '0' && out[0] <= '9' {
		out = out[i+2:]
		if p, rest, ok := strings.Cut(out, " "); ok && priorityRank(p) > 0 {
			out = rest
		}
	}
	out = strings.Join(strings.Fields(out), " ")
	if len(out) > 240 {
		cut := 237
		for cut > 0 && out[cut]&0xc0 == 0x80 {
			cut--
		}
		out = out[:cut] + "..."
	}
	return out
}
