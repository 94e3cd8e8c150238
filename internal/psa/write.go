package psa

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"k8s.io/pod-security-admission/api"
)

// WriteText prints the report grouped by namespace, then workload.
func WriteText(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	for _, ns := range r.Namespaces {
		fmt.Fprintf(b, "namespace %s", ns.Name)
		if ns.Known {
			fmt.Fprintf(b, " (%s:%d): enforce=%s audit=%s warn=%s", ns.Source.File, ns.Source.Line,
				orNone(ns.Enforce), orNone(ns.Audit), orNone(ns.Warn))
		} else {
			b.WriteString(": not in the input, labels unknown")
		}
		if ns.Required != "" {
			fmt.Fprintf(b, ", required %s", ns.Required)
		}
		b.WriteString("\n")
		for _, f := range ns.Findings {
			fmt.Fprintf(b, "  [%s] %s: %s\n    fix: %s\n", f.Severity, f.Rule, f.Message, f.Fix)
		}
		for _, wl := range ns.Workloads {
			writeWorkload(b, wl)
		}
		b.WriteString("\n")
	}
	if len(r.Errors) > 0 {
		b.WriteString("errors (not audited):\n")
		for _, e := range r.Errors {
			fmt.Fprintf(b, "  %v\n", e)
		}
		b.WriteString("\n")
	}
	writeSummary(b, r.Summarize())
	return b.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func writeWorkload(b *bufio.Writer, wl *Workload) {
	fmt.Fprintf(b, "  %s %s (%v): meets %s at %s\n", wl.Kind, wl.Name, wl.Source, wl.Meets, wl.Version)
	for _, a := range wl.Admission {
		verdict := "allowed"
		switch {
		case a.Allowed:
		case a.Mode == "enforce":
			verdict = "REJECTED"
			if wl.Kind != "Pod" {
				verdict = "pods REJECTED"
			}
		case a.Mode == "audit":
			verdict = "audit annotation"
		default:
			verdict = "warning to the client"
		}
		fmt.Fprintf(b, "    %s %s: %s\n", a.Mode, a.Policy, verdict)
	}
	for _, v := range wl.Violations {
		fmt.Fprintf(b, "    [%s] %s %s at %s", v.Severity, v.Level, v.Check, v.Path)
		if v.Line > 0 {
			fmt.Fprintf(b, " (line %d)", v.Line)
		}
		fmt.Fprintf(b, "\n      %s", v.Reason)
		if v.Detail != "" {
			fmt.Fprintf(b, ": %s", v.Detail)
		}
		fmt.Fprintf(b, "\n      fix: %s\n", v.Fix)
	}
}

func writeSummary(b *bufio.Writer, s Summary) {
	fmt.Fprintf(b, "%d namespaces, %d workloads (%d restricted, %d baseline, %d privileged), %d would be rejected\n",
		s.Namespaces, s.Workloads, s.Meets[api.LevelRestricted], s.Meets[api.LevelBaseline], s.Meets[api.LevelPrivileged], s.Rejected)
	fmt.Fprintf(b, "findings: %d high, %d medium, %d low; %d errors, %d objects skipped (no pod template)\n",
		s.Findings[SeverityHigh], s.Findings[SeverityMedium], s.Findings[SeverityLow], s.Errors, s.Skipped)
}

// jsonReport is the JSON document: the report and its summary.
type jsonReport struct {
	*Report
	Summary Summary `json:"summary"`
}

// WriteJSON writes the report as one indented JSON document.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Report: r, Summary: r.Summarize()})
}
