package main

import (
	"fmt"
	"io"
	"sort"

	"peregrine/internal/alert"
	"peregrine/internal/rules"
)

// alertWriter returns the emit function of a replay: each alert on its
// own line of out, its output text or, for output "json", Falco's JSON.
// The line buffer is reused from one alert to the next.
func alertWriter(out io.Writer, output string) func(*alert.Alert) {
	var line []byte
	return func(a *alert.Alert) {
		if output == "json" {
			line = a.AppendJSON(line[:0], alert.DefaultJSON())
		} else {
			line = append(line[:0], a.Output...)
		}
		line = append(line, '\n')
		out.Write(line)
	}
}

// writeAlertCounts writes the head of a replay's summary ("peregrine:
// 12 events, 3 alerts"), the rule warnings when there are any, and the
// rules that matched (rs, with their counts in byRule, same index), most
// alerts first.
func writeAlertCounts(w io.Writer, head string, warnings int, rs []*rules.CompiledRule, byRule []uint64) {
	fmt.Fprintf(w, "peregrine: %s", head)
	if warnings > 0 {
		fmt.Fprintf(w, " (%d rule warnings: see peregrine rules validate)", warnings)
	}
	fmt.Fprintln(w)
	type ruleCount struct {
		name string
		prio alert.Priority
		n    uint64
	}
	var counts []ruleCount
	for i, r := range rs {
		if n := byRule[i]; n > 0 {
			counts = append(counts, ruleCount{r.Name, r.Priority, n})
		}
	}
	sort.SliceStable(counts, func(i, j int) bool { return counts[i].n > counts[j].n })
	for _, rc := range counts {
		fmt.Fprintf(w, "  %6d  %-13s %s\n", rc.n, rc.prio, rc.name)
	}
}
