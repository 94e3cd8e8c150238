package ruletest

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"peregrine/internal/rules"
)

// Coverage counts the cases of one rule.
type Coverage struct {
	Rule     string `json:"rule"`
	Positive int    `json:"positive"` // cases that expect it to alert
	Negative int    `json:"negative"` // cases of its event types that expect silence
}

// Covered reports whether the rule has a positive and a negative case.
func (c Coverage) Covered() bool { return c.Positive > 0 && c.Negative > 0 }

// CoverageOf counts, for every enabled rule of spec, its positive and
// negative cases among results (cases that could not run count for none).
// Rules of other sources than system calls (k8s_audit, aws_guardduty ...)
// are left out: cases are system call events, so no case can cover them;
// their packages test them on corpora of their own documents.
func CoverageOf(spec *rules.Spec, results []Result) []Coverage {
	byRule := map[string]*Coverage{}
	for _, r := range spec.Rules {
		if r.Enabled && (r.Source == "" || r.Source == "syscall") && byRule[r.Name] == nil {
			byRule[r.Name] = &Coverage{Rule: r.Name}
		}
	}
	for _, res := range results {
		for _, name := range res.Positive {
			if c := byRule[name]; c != nil {
				c.Positive++
			}
		}
		for _, name := range res.Negative {
			if c := byRule[name]; c != nil {
				c.Negative++
			}
		}
	}
	out := make([]Coverage, 0, len(byRule))
	for _, c := range byRule {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	return out
}

// Summary counts the results.
type Summary struct {
	Cases  int `json:"cases"`
	Passed int `json:"passed"`
	Failed int `json:"failed"`
}

// Summarize counts passed and failed cases.
func Summarize(results []Result) Summary {
	s := Summary{Cases: len(results)}
	for _, r := range results {
		if r.Pass {
			s.Passed++
		} else {
			s.Failed++
		}
	}
	return s
}

// WriteText writes one line per case, a diff under each failure, the
// coverage table when cov is not nil, and the summary.
func WriteText(w io.Writer, results []Result, cov []Coverage) error {
	var b strings.Builder
	for _, r := range results {
		status := "PASS"
		if !r.Pass {
			status = "FAIL"
		}
		fmt.Fprintf(&b, "%s  %s:%d  %s\n", status, r.File, r.Line, r.Case)
		if r.Error != "" {
			fmt.Fprintf(&b, "      error: %s\n", r.Error)
			continue
		}
		if r.Pass {
			continue
		}
		for _, m := range r.Missing {
			fmt.Fprintf(&b, "      missing (line %d): %q%s\n", m.Line, m.Rule, fieldsText(m.Fields))
			fmt.Fprintf(&b, "          because: %s\n", m.Why)
		}
		for _, g := range r.Extra {
			fmt.Fprintf(&b, "      unexpected: %q: %s\n", g.Rule, g.Message)
		}
		if len(r.Got) == 0 {
			b.WriteString("      got: no alerts\n")
		}
	}
	if cov != nil {
		b.WriteString("\ncoverage (positive/negative cases):\n")
		for _, c := range cov {
			mark := "ok"
			if !c.Covered() {
				mark = "MISSING"
			}
			fmt.Fprintf(&b, "  %3d %3d  %-7s  %s\n", c.Positive, c.Negative, mark, c.Rule)
		}
	}
	s := Summarize(results)
	fmt.Fprintf(&b, "\n%d cases: %d passed, %d failed\n", s.Cases, s.Passed, s.Failed)
	_, err := io.WriteString(w, b.String())
	return err
}

func fieldsText(f map[string]string) string {
	if len(f) == 0 {
		return ""
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, f[k])
	}
	return " with " + strings.Join(parts, " ")
}

// Report is the JSON form of a run.
type Report struct {
	Summary  Summary    `json:"summary"`
	Results  []Result   `json:"results"`
	Coverage []Coverage `json:"coverage,omitempty"`
}

// WriteJSON writes the run as one JSON object.
func WriteJSON(w io.Writer, results []Result, cov []Coverage) error {
	if results == nil {
		results = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(Report{Summary: Summarize(results), Results: results, Coverage: cov})
}
