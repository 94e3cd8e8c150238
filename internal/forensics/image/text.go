package image

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode"
)

// WriteText writes r for a person to read: the image, its configuration,
// its layers with the steps that made them, then the findings, most
// severe first.
func WriteText(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) {
		for i, a := range args {
			if s, ok := a.(string); ok {
				args[i] = Printable(s)
			}
		}
		fmt.Fprintf(tw, format, args...)
	}
	p("Image\t%s\n", orNone(strings.Join(r.Image.Tags, ", ")))
	p("  id\t%s\n", r.Image.ID)
	p("  source\t%s (%s layout)\n", r.Source, r.Layout)
	plat := r.Image.OS + "/" + r.Image.Architecture
	if r.Image.Variant != "" {
		plat += "/" + r.Image.Variant
	}
	p("  platform\t%s\n", plat)
	p("  created\t%s\n", orNone(r.Image.Created))
	p("Config\t\n")
	c := r.Config
	user := c.User
	if user == "" {
		user = "(none: root)"
	}
	p("  user\t%s\n", user)
	p("  entrypoint\t%s\n", orNone(quoteAll(c.Entrypoint)))
	p("  cmd\t%s\n", orNone(quoteAll(c.Cmd)))
	p("  workdir\t%s\n", orNone(c.WorkingDir))
	p("  exposed ports\t%s\n", orNone(strings.Join(c.ExposedPorts, " ")))
	p("  volumes\t%s\n", orNone(strings.Join(c.Volumes, " ")))
	for _, e := range c.Env {
		p("  env\t%s\n", e)
	}
	for _, k := range sortedKeys(c.Labels) {
		p("  label\t%s=%s\n", k, c.Labels[k])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(tw, "\nLayers (%d)\n", len(r.Layers))
	p("  #\tSIZE\tENTRIES\tDIFF ID\tCREATED BY\n")
	for _, l := range r.Layers {
		by := l.CreatedBy
		if by == "" && l.Comment != "" {
			by = "(" + l.Comment + ")"
		}
		p("  %d\t%s\t%d\t%s\t%s\n", l.Index, HumanBytes(l.Size), l.Entries, short(l.DiffID), oneLine(by, 100))
	}
	empty := 0
	for _, h := range r.History {
		if h.EmptyLayer {
			empty++
		}
	}
	if empty > 0 {
		fmt.Fprintf(tw, "\nConfiguration-only steps (%d)\n", empty)
		for _, h := range r.History {
			if h.EmptyLayer {
				p("  history[%d]\t%s\n", h.Index, oneLine(h.CreatedBy, 100))
			}
		}
	}
	s := r.Summary
	fmt.Fprintf(tw, "\nFiles: %d in the effective tree (%s), %s scanned, %d scanned only in part, %d recoverable from earlier layers\n",
		s.Files, HumanBytes(s.Bytes), HumanBytes(s.Scanned), s.Truncated, s.Recovered)
	var counts []string
	for _, sev := range Severities() {
		counts = append(counts, fmt.Sprintf("%d %s", s.BySeverity[string(sev)], sev))
	}
	fmt.Fprintf(tw, "\nFindings (%s)\n", strings.Join(counts, ", "))
	for _, f := range r.Findings {
		at := f.Path
		if at == "" {
			at = f.Where
		}
		if f.Layer != nil {
			at += fmt.Sprintf(" (layer %d)", *f.Layer)
		}
		p("  %s\t%s\t%s\t%s", f.Severity, f.Rule, strings.TrimSpace(at), f.Reason)
		if f.Evidence != "" {
			p(" [%s]", oneLine(f.Evidence, 120))
		}
		p("\n")
	}
	if s.Omitted > 0 {
		fmt.Fprintf(tw, "  ... %d less severe findings omitted\n", s.Omitted)
	}
	return tw.Flush()
}

// Printable escapes the control characters of s (terminal escape
// sequences, line breaks, tabs) as \xNN, for text that comes from a
// suspect (names, paths, commands) and may be read on a terminal.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, " ")
}

// short is the first 12 hex digits of a digest.
func short(d string) string {
	d = strings.TrimPrefix(d, "sha256:")
	if len(d) > 12 {
		return d[:12]
	}
	return d
}

// oneLine folds white space (tabs and newlines break the table) and cuts
// s to n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// HumanBytes writes a byte count with a binary unit: "512 B", "1.5 MiB".
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
