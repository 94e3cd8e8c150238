package psa

import (
	"encoding/json"
	"fmt"

	"k8s.io/pod-security-admission/api"
)

// Severity ranks findings; --fail-on compares against it.
type Severity int

// Severities, lowest first.
const (
	SeverityLow Severity = iota + 1
	SeverityMedium
	SeverityHigh
)

var severityNames = map[Severity]string{SeverityLow: "low", SeverityMedium: "medium", SeverityHigh: "high"}

// String returns low, medium or high.
func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText writes the name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads low, medium or high.
func ParseSeverity(s string) (Severity, error) {
	for sev, n := range severityNames {
		if n == s {
			return sev, nil
		}
	}
	return 0, fmt.Errorf("severity %q: want low, medium or high", s)
}

// Report is the result of an audit.
type Report struct {
	// Namespaces are sorted by name; each holds its workloads.
	Namespaces []*NamespaceReport `json:"namespaces"`
	// Errors are the documents that could not be audited.
	Errors []*DecodeError `json:"errors"`
	// Objects counts the Namespaces and workloads read.
	Objects int `json:"objects"`
	// Skipped counts objects of kinds without pod templates.
	Skipped int `json:"skipped"`
}

// NamespaceReport is one namespace, present in the input or referred to by
// a workload.
type NamespaceReport struct {
	Name string `json:"name"`
	// Known is true when the Namespace object was in the input; otherwise
	// its labels are unknown.
	Known  bool    `json:"known"`
	Source *Source `json:"source,omitempty"`
	// Enforce, Audit and Warn are the policies the labels set, as
	// level:version, empty when the label is absent.
	Enforce string `json:"enforce,omitempty"`
	Audit   string `json:"audit,omitempty"`
	Warn    string `json:"warn,omitempty"`
	// Required is the level --require asks of this namespace, if any.
	Required  api.Level   `json:"required,omitempty"`
	Findings  []Finding   `json:"findings,omitempty"`
	Workloads []*Workload `json:"workloads,omitempty"`

	labels map[string]string
	policy api.Policy
	has    [3]bool // enforce, audit, warn labels present
}

// Namespace finding rules.
const (
	RuleNoEnforce     = "namespaceNoEnforce"
	RuleEnforceWeaker = "namespaceEnforceWeaker"
	RuleLabelInvalid  = "namespaceLabelInvalid"
	RuleUnknownNS     = "namespaceUnknown"
)

// Finding is a namespace finding.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
}

// Workload is one object with a pod template and its verdict.
type Workload struct {
	Source
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// Version is the policy version the workload was judged at: the
	// namespace's enforce-version label, or latest.
	Version string `json:"version"`
	// Meets is the highest level the pod template passes.
	Meets      api.Level   `json:"meets"`
	Admission  []Admission `json:"admission,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
}

// Admission is what one mode of the namespace's labels would do with the
// workload's pods.
type Admission struct {
	Mode    string `json:"mode"`   // enforce, audit or warn
	Policy  string `json:"policy"` // level:version
	Allowed bool   `json:"allowed"`
}

// Violation is one field that fails one check.
type Violation struct {
	Check    string    `json:"check"`
	Level    api.Level `json:"level"` // the level the check belongs to
	Severity Severity  `json:"severity"`
	Reason   string    `json:"reason"`
	Detail   string    `json:"detail"`
	Path     string    `json:"path"`
	// Line is the line of the field, or of its closest parent present
	// in the manifest when the fix adds it; 0 when unknown.
	Line int    `json:"line,omitempty"`
	Fix  string `json:"fix"`
}

// MarshalJSON writes a decode error as its source and message.
func (e *DecodeError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Source
		Error string `json:"error"`
	}{e.Source, e.Err.Error()})
}

// Count returns the number of findings and violations at or above sev.
func (r *Report) Count(sev Severity) int {
	n := 0
	for _, ns := range r.Namespaces {
		for _, f := range ns.Findings {
			if f.Severity >= sev {
				n++
			}
		}
		for _, w := range ns.Workloads {
			for _, v := range w.Violations {
				if v.Severity >= sev {
					n++
				}
			}
		}
	}
	return n
}

// Summary counts what a report holds.
type Summary struct {
	Namespaces int               `json:"namespaces"`
	Workloads  int               `json:"workloads"`
	Meets      map[api.Level]int `json:"meets"`
	Findings   map[Severity]int  `json:"findings"`
	Rejected   int               `json:"rejected"` // workloads the enforce label would reject
	Errors     int               `json:"errors"`
	Skipped    int               `json:"skipped"`
}

// Summarize counts the report.
func (r *Report) Summarize() Summary {
	s := Summary{Namespaces: len(r.Namespaces), Meets: map[api.Level]int{}, Findings: map[Severity]int{},
		Errors: len(r.Errors), Skipped: r.Skipped}
	for _, ns := range r.Namespaces {
		for _, f := range ns.Findings {
			s.Findings[f.Severity]++
		}
		for _, w := range ns.Workloads {
			s.Workloads++
			s.Meets[w.Meets]++
			for _, v := range w.Violations {
				s.Findings[v.Severity]++
			}
			for _, a := range w.Admission {
				if a.Mode == "enforce" && !a.Allowed {
					s.Rejected++
				}
			}
		}
	}
	return s
}
