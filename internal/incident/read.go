package incident

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"peregrine/internal/cloudcost"
)

// Read reads the signals of one input named name: either JSON lines of
// alerts in Falco's shape, or one cost report of `peregrine cloud cost -o
// json` (a JSON document with "findings"). A line or finding that cannot
// be read gives an error naming it (name:line) and is skipped; the rest
// is read.
func Read(name string, data []byte) ([]Signal, []error) {
	if isDocument(data) {
		return readCost(name, data)
	}
	var (
		sigs []Signal
		errs []error
	)
	line := 0
	for len(data) > 0 {
		line++
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		s, err := parseAlert(l)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, line, err))
			continue
		}
		s.Origin = name + ":" + strconv.Itoa(line)
		sigs = append(sigs, s)
	}
	return sigs, errs
}

// isDocument reports whether data is one JSON object over several lines
// (a cost report) rather than JSON lines: it starts with '{' and its first
// line is not a JSON value of its own.
func isDocument(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	first := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		first = data[:i]
	}
	return !json.Valid(first)
}

// jsonAlert is an alert as `peregrine run -o json` prints it.
type jsonAlert struct {
	Time         string                     `json:"time"`
	Rule         string                     `json:"rule"`
	Priority     string                     `json:"priority"`
	Source       string                     `json:"source"`
	Output       string                     `json:"output"`
	OutputFields map[string]json.RawMessage `json:"output_fields"`
	Tags         []string                   `json:"tags"`
	Hostname     string                     `json:"hostname"`
}

// parseAlert reads one alert line.
func parseAlert(l []byte) (Signal, error) {
	var a jsonAlert
	if err := json.Unmarshal(l, &a); err != nil {
		return Signal{}, fmt.Errorf("alert: %w", err)
	}
	if a.Rule == "" {
		return Signal{}, fmt.Errorf("alert: no rule")
	}
	if a.Time == "" {
		return Signal{}, fmt.Errorf("alert %q: no time", a.Rule)
	}
	t, err := time.Parse(time.RFC3339Nano, a.Time)
	if err != nil {
		return Signal{}, fmt.Errorf("alert %q: time: %w", a.Rule, err)
	}
	if a.Source == "" {
		a.Source = "syscall"
	}
	s := Signal{
		Start: t.UTC(), End: t.UTC(), Source: a.Source, Rule: a.Rule, Priority: a.Priority,
		Hostname: a.Hostname, Output: a.Output, Tags: a.Tags,
		Fields: make([]Field, 0, len(a.OutputFields)),
	}
	for name, raw := range a.OutputFields {
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '[' {
			// A list field: one field per element.
			var items []json.RawMessage
			if json.Unmarshal(raw, &items) == nil {
				for _, it := range items {
					if v, ok := fieldText(it); ok {
						s.Fields = append(s.Fields, Field{name, v})
					}
				}
				continue
			}
		}
		if v, ok := fieldText(raw); ok {
			s.Fields = append(s.Fields, Field{name, v})
		}
	}
	slices.SortStableFunc(s.Fields, func(a, b Field) int { return strings.Compare(a.Name, b.Name) })
	classify(&s)
	return s, nil
}

// fieldText gives a field's JSON value as text; null has none.
func fieldText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", false
	case raw[0] == '"':
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", false
		}
		return v, true
	}
	return string(raw), true
}

// costPriority maps a cost finding's severity to a Falco priority.
var costPriority = map[cloudcost.Severity]string{
	cloudcost.SeverityCritical: "Critical",
	cloudcost.SeverityHigh:     "Error",
	cloudcost.SeverityMedium:   "Warning",
	cloudcost.SeverityLow:      "Notice",
}

// readCost reads the findings of a cost report.
func readCost(name string, data []byte) ([]Signal, []error) {
	var rep cloudcost.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, []error{fmt.Errorf("%s: cost report: %w", name, err)}
	}
	var (
		sigs []Signal
		errs []error
	)
	for i, f := range rep.Findings {
		origin := fmt.Sprintf("%s:findings[%d]", name, i)
		start, err := time.Parse(time.DateOnly, f.Date)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: date: %w", origin, err))
			continue
		}
		end := start
		if f.EndDate != "" {
			if end, err = time.Parse(time.DateOnly, f.EndDate); err != nil {
				errs = append(errs, fmt.Errorf("%s: end_date: %w", origin, err))
				continue
			}
		}
		s := Signal{
			Start: start, End: end.Add(24*time.Hour - time.Nanosecond), Source: "cost",
			Rule: "Cost " + strings.ReplaceAll(string(f.Kind), "_", " "), Priority: costPriority[f.Severity],
			Output: f.Explanation, Origin: origin,
		}
		add := func(n, v string) {
			if v != "" {
				s.Fields = append(s.Fields, Field{n, v})
			}
		}
		add("cost.account", f.Account)
		add("cost.region", f.Region)
		add("cost.service", f.Service)
		add("cost.usage_type", f.UsageType)
		add("cost.resource_ids", strings.Join(f.ResourceIDs, " "))
		for _, r := range f.ResourceIDs {
			for _, m := range instancePattern.FindAllString(r, -1) {
				s.Keys = append(s.Keys, Key{KindInstance, m})
			}
		}
		if f.Account != "" && f.Region != "" {
			s.Keys = append(s.Keys, Key{KindAccount, f.Account + "/" + f.Region})
		}
		s.Keys = sortKeys(s.Keys)
		s.Category = CategoryCost
		sigs = append(sigs, s)
	}
	return sigs, errs
}
