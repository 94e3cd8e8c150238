package alert

import (
	"fmt"
	"strings"
)

// Priority is the severity of a rule and of the alerts it raises, on
// Falco's syslog-like scale. A smaller value is more severe:
// [PriorityEmergency] is 0 and [PriorityDebug] is 7.
type Priority uint8

// The priorities, from the most to the least severe.
const (
	PriorityEmergency Priority = iota
	PriorityAlert
	PriorityCritical
	PriorityError
	PriorityWarning
	PriorityNotice
	PriorityInformational
	PriorityDebug
)

// priorityNames holds the names Falco prints, indexed by Priority.
var priorityNames = [...]string{
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
}

// ParsePriority parses a priority name case-insensitively, as Falco reads
// the priority of a rule: "emergency", "alert", "critical", "error",
// "warning", "notice", "informational" (or its alias "info") and "debug".
func ParsePriority(s string) (Priority, error) {
	for i, n := range priorityNames {
		if strings.EqualFold(s, n) {
			return Priority(i), nil
		}
	}
	if strings.EqualFold(s, "info") {
		return PriorityInformational, nil
	}
	return 0, fmt.Errorf("unknown priority %q", s)
}

// Valid reports whether p is one of the eight priorities.
func (p Priority) Valid() bool { return int(p) < len(priorityNames) }

// String returns the name as Falco prints it in alerts: "Emergency",
// "Alert", "Critical", "Error", "Warning", "Notice", "Informational",
// "Debug".
func (p Priority) String() string {
	if !p.Valid() {
		return fmt.Sprintf("Priority(%d)", uint8(p))
	}
	return priorityNames[p]
}

// ShortString is [Priority.String] except that informational is "Info",
// the short form Falco uses in some places (rule listings).
func (p Priority) ShortString() string {
	if p == PriorityInformational {
		return "Info"
	}
	return p.String()
}

// AtLeast reports whether p is as severe as min or more: the test Falco
// applies with its minimum "priority" setting (a rule is loaded when its
// priority is at least the configured one).
func (p Priority) AtLeast(min Priority) bool { return p <= min }

// MarshalText encodes p as its [Priority.String] name.
func (p Priority) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("marshal priority: invalid value %d", uint8(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText decodes a name accepted by [ParsePriority].
func (p *Priority) UnmarshalText(b []byte) error {
	v, err := ParsePriority(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
