package incident

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes r for a person: per incident its confidence, the
// categories, the resources, the timeline and the response steps.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	mining := 0
	for _, inc := range r.Incidents {
		if inc.Cryptomining {
			mining++
		}
	}
	fmt.Fprintf(&b, "%s from %s (window %s); %s in none\n",
		plural(mining, "cryptomining incident"), plural(r.Signals, "signal"), r.Window, plural(r.Unrelated, "signal"))
	for _, inc := range r.Incidents {
		b.WriteString("\n")
		kind := "cryptomining incident"
		if !inc.Cryptomining {
			kind = "group (not cryptomining)"
		}
		fmt.Fprintf(&b, "== %s %s: confidence %d (%s), %s to %s\n", kind, inc.ID, inc.Confidence, inc.Level,
			inc.Start.Format(time.RFC3339), inc.End.Format(time.RFC3339))
		fmt.Fprintf(&b, "   scoring: %s\n", strings.Join(inc.Scoring, ", "))
		var cats []string
		for _, c := range inc.Categories {
			mark := "absent"
			if c.Present {
				mark = fmt.Sprintf("present (%d)", c.Signals)
			}
			cats = append(cats, fmt.Sprintf("%s %s", c.Category, mark))
		}
		fmt.Fprintf(&b, "   categories: %s\n", strings.Join(cats, "; "))
		b.WriteString("   resources:\n")
		for _, res := range inc.Resources {
			fmt.Fprintf(&b, "     %-15s %s (%s)\n", res.Kind, res.Value, plural(res.Signals, "signal"))
		}
		b.WriteString("   timeline:\n")
		for _, e := range inc.Timeline {
			mark := " "
			if e.Cryptomining {
				mark = "*"
			}
			fmt.Fprintf(&b, "   %s %s  %-13s %-14s %-8s %s\n", mark, e.Time.Format("2006-01-02T15:04:05.000Z07:00"), e.Category, e.Source, e.Priority, e.Rule)
			fmt.Fprintf(&b, "       %s  [%s]\n", e.Summary, e.Origin)
		}
		b.WriteString("   response:\n")
		for i, s := range inc.Steps {
			fmt.Fprintf(&b, "   %2d. %s\n", i+1, s.Action)
			if s.Command != "" {
				fmt.Fprintf(&b, "       $ %s\n", s.Command)
			}
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(&b, "\n%d records skipped:\n", len(r.Errors))
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
