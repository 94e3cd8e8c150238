package cloudcost

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ceResult is one time period of a GetCostAndUsage response.
type ceResult struct {
	TimePeriod struct {
		Start string
		End   string
	}
	Total  map[string]json.RawMessage
	Groups []json.RawMessage
}

// ceGroup is one group of a time period.
type ceGroup struct {
	Keys    []string
	Metrics map[string]struct{ Amount json.RawMessage }
}

// ceMetrics are the cost metrics taken when the one asked for is absent, in
// order of preference.
var ceMetrics = []string{"UnblendedCost", "NetUnblendedCost", "BlendedCost", "AmortizedCost", "NetAmortizedCost"}

// explorer reads the ResultsByTime of a GetCostAndUsage response.
func (r *Reader) explorer(name, base string, top map[string]json.RawMessage, st *FileStats, errs []error) []error {
	var defs []struct{ Type, Key string }
	if raw := top["GroupDefinitions"]; raw != nil {
		if err := json.Unmarshal(raw, &defs); err != nil {
			errs = append(errs, fieldError(name, base+".GroupDefinitions", err))
			defs = nil // guess each key from its value
		}
	}
	var results []json.RawMessage
	if err := json.Unmarshal(top["ResultsByTime"], &results); err != nil {
		st.Skipped++
		return append(errs, fieldError(name, base+".ResultsByTime", err))
	}
	for i, raw := range results {
		path := fmt.Sprintf("%s.ResultsByTime[%d]", base, i)
		var res ceResult
		if err := json.Unmarshal(raw, &res); err != nil {
			st.Skipped++
			errs = append(errs, fieldError(name, path, err))
			continue
		}
		day, err := explorerDay(res.TimePeriod.Start, res.TimePeriod.End)
		if err != nil {
			st.Skipped++
			errs = append(errs, &Error{File: name, Path: path + ".TimePeriod", Err: err})
			continue
		}
		if len(res.Groups) == 0 && res.Total != nil {
			// Not grouped: the total is the one series.
			metric, raw := r.pick(func(m string) (json.RawMessage, bool) {
				v, ok := res.Total[m]
				return v, ok
			})
			var amt struct{ Amount json.RawMessage }
			err := json.Unmarshal(raw, &amt)
			cost := 0.0
			if err == nil {
				cost, err = amount(amt.Amount)
			}
			if metric == "" || err != nil {
				st.Skipped++
				errs = append(errs, &Error{File: name, Path: path + ".Total", Err: metricError(metric, r.Metric, err)})
				continue
			}
			st.Records++
			r.emit(Record{Source: SourceExplorer, Day: day, Cost: cost})
			continue
		}
		for j, graw := range res.Groups {
			gpath := fmt.Sprintf("%s.Groups[%d]", path, j)
			var g ceGroup
			if err := json.Unmarshal(graw, &g); err != nil {
				st.Skipped++
				errs = append(errs, fieldError(name, gpath, err))
				continue
			}
			metric, _ := r.pick(func(m string) (json.RawMessage, bool) {
				v, ok := g.Metrics[m]
				return v.Amount, ok
			})
			if metric == "" {
				st.Skipped++
				errs = append(errs, &Error{File: name, Path: gpath + ".Metrics", Err: metricError("", r.Metric, nil)})
				continue
			}
			cost, err := amount(g.Metrics[metric].Amount)
			if err != nil {
				st.Skipped++
				errs = append(errs, &Error{File: name, Path: gpath + ".Metrics." + metric + ".Amount", Err: err})
				continue
			}
			if len(g.Keys) == 0 {
				st.Skipped++
				errs = append(errs, &Error{File: name, Path: gpath + ".Keys", Err: fmt.Errorf("no keys")})
				continue
			}
			rec := Record{Source: SourceExplorer, Day: day, Cost: cost}
			for k, v := range g.Keys {
				dim := ""
				if k < len(defs) {
					dim = defs[k].Key
					if defs[k].Type == "TAG" || defs[k].Type == "COST_CATEGORY" {
						dim = defs[k].Type
					}
				} else {
					dim = guessDimension(v)
				}
				setExplorerKey(&rec, dim, v)
			}
			st.Records++
			r.emit(rec)
		}
	}
	return errs
}

// emit hands a record on.
func (r *Reader) emit(rec Record) {
	if r.Record != nil {
		r.Record(rec)
	}
}

// pick chooses the metric to read: the one asked for, or the first of
// [ceMetrics] present. It returns "" when there is none.
func (r *Reader) pick(lookup func(string) (json.RawMessage, bool)) (string, json.RawMessage) {
	if r.Metric != "" {
		v, ok := lookup(r.Metric)
		if !ok {
			return "", nil
		}
		return r.Metric, v
	}
	for _, m := range ceMetrics {
		if v, ok := lookup(m); ok {
			return m, v
		}
	}
	return "", nil
}

// metricError explains why no amount was read.
func metricError(metric, want string, err error) error {
	if metric == "" {
		if want != "" {
			return fmt.Errorf("no %s metric", want)
		}
		return fmt.Errorf("no cost metric (want one of %s)", strings.Join(ceMetrics, ", "))
	}
	return fmt.Errorf("%s: %w", metric, err)
}

// explorerDay is the day of a time period, which must be daily or shorter.
func explorerDay(start, end string) (Day, error) {
	d, err := ParseDay(start)
	if err != nil {
		return 0, fmt.Errorf("start: %w", err)
	}
	if len(end) == 10 {
		e, err := ParseDay(end)
		if err != nil {
			return 0, fmt.Errorf("end: %w", err)
		}
		if e-d > 1 {
			return 0, fmt.Errorf("period %s to %s spans %d days: daily or hourly granularity is needed", start, end, e-d)
		}
	}
	return d, nil
}

// setExplorerKey stores a group key by its GroupBy dimension. Dimensions
// that are not keys of the analysis (INSTANCE_TYPE, OPERATION, tags) are kept
// in the usage type as DIMENSION=value, so their groups stay apart.
func setExplorerKey(rec *Record, dim, v string) {
	switch dim {
	case "SERVICE":
		rec.Service = v
	case "USAGE_TYPE":
		rec.UsageType = joinKey(rec.UsageType, v)
	case "REGION":
		rec.Region = v
	case "LINKED_ACCOUNT":
		rec.Account = v
	default:
		rec.UsageType = joinKey(rec.UsageType, dim+"="+v)
	}
}

// joinKey appends a part to a composite key.
func joinKey(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// regionPattern matches AWS region codes (us-east-1, us-gov-west-1).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$`)

// guessDimension tells which dimension a group key holds when the response
// has no GroupDefinitions.
func guessDimension(v string) string {
	switch {
	case len(v) == 12 && strings.Trim(v, "0123456789") == "":
		return "LINKED_ACCOUNT"
	case regionPattern.MatchString(v) || slices.Contains([]string{"global", "NoRegion"}, v):
		return "REGION"
	case !strings.Contains(v, " ") && (strings.Contains(v, ":") || strings.Contains(v, "-")):
		return "USAGE_TYPE"
	}
	return "SERVICE"
}
