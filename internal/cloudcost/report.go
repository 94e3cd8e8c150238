package cloudcost

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Report is the result of reading and analysing billing files.
type Report struct {
	Files    []FileStats   `json:"files"`
	Totals   []SourceTotal `json:"totals"`
	Findings []Finding     `json:"findings"`
	Skipped  int           `json:"skipped"` // records not read, over all files
	Errors   []string      `json:"errors"`  // one per skipped record, with its location
}

// WriteJSON writes r as indented JSON. Empty lists are written as [].
func (r *Report) WriteJSON(w io.Writer) error {
	out := *r
	if out.Files == nil {
		out.Files = []FileStats{}
	}
	if out.Totals == nil {
		out.Totals = []SourceTotal{}
	}
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	if out.Errors == nil {
		out.Errors = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteText writes r for a person: the findings as a table, each finding's
// explanation and resources, then the totals.
func (r *Report) WriteText(w io.Writer) error {
	var sb strings.Builder
	if len(r.Findings) == 0 {
		sb.WriteString("no findings\n")
	} else {
		tw := tabwriter.NewWriter(&sb, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tDATE\tSEVERITY\tKIND\tDIMENSION\tEXPECTED\tACTUAL\tINCREASE\tSCORE\tKEYS")
		for i, f := range r.Findings {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%s\n", i+1, f.Date, f.Severity, f.Kind, f.Dimension,
				f.Expected, f.Actual, f.Increase, f.Score, findingKeys(f))
		}
		tw.Flush()
		sb.WriteString("\n")
		for i, f := range r.Findings {
			fmt.Fprintf(&sb, "%d. %s\n", i+1, f.Explanation)
			if n := len(f.ResourceIDs); n > 0 {
				fmt.Fprintf(&sb, "   resources: %s", strings.Join(f.ResourceIDs[:min(n, 10)], ", "))
				if n > 10 {
					fmt.Fprintf(&sb, " and %d more", n-10)
				}
				sb.WriteString("\n")
			}
		}
	}
	sb.WriteString("\n")
	records, ignored := 0, 0
	for _, fs := range r.Files {
		records += fs.Records
		ignored += fs.Ignored
	}
	fmt.Fprintf(&sb, "files %d, records %d, ignored %d (not usage), skipped %d\n", len(r.Files), records, ignored, r.Skipped)
	for _, t := range r.Totals {
		fmt.Fprintf(&sb, "%s: %s to %s (%d days), spend %.2f, in range %.2f\n", t.Source, t.First, t.Last, t.Days, t.Spend, t.InRange)
	}
	counts := map[Severity]int{}
	for _, f := range r.Findings {
		counts[f.Severity]++
	}
	fmt.Fprintf(&sb, "findings %d (critical %d, high %d, medium %d, low %d)\n", len(r.Findings),
		counts[SeverityCritical], counts[SeverityHigh], counts[SeverityMedium], counts[SeverityLow])
	_, err := io.WriteString(w, sb.String())
	return err
}

// findingKeys names the keys of a finding in one cell.
func findingKeys(f Finding) string {
	parts := nonEmpty(f.Account, f.Service, f.UsageType, f.Region)
	if len(parts) == 0 {
		return "(total)"
	}
	return strings.Join(parts, " ")
}
