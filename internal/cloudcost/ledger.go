package cloudcost

import (
	"cmp"
	"slices"
)

// seriesKey names one daily series of spend.
type seriesKey struct {
	Source    Source
	Dim       Dimension
	Account   string
	Service   string
	UsageType string
	Region    string
}

// series is the spend of one key per day, and per resource where known.
type series struct {
	key       seriesKey
	spend     map[Day]float64
	resources map[Day]map[string]float64
}

// Ledger sums records into daily series: one per full key of a record, one
// per service, one per region and one per account. Spend of different sources is kept apart.
// The zero Ledger is not usable; make one with [NewLedger]. A Ledger is not
// safe for concurrent use.
type Ledger struct {
	series    map[seriesKey]*series
	daily     map[Source]map[Day]float64 // total per day; its keys are the days the source covers
	anomalies []Finding
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{
		series: make(map[seriesKey]*series),
		daily:  make(map[Source]map[Day]float64),
	}
}

// Add sums one record into its series.
func (l *Ledger) Add(r Record) {
	daily := l.daily[r.Source]
	if daily == nil {
		daily = make(map[Day]float64)
		l.daily[r.Source] = daily
	}
	daily[r.Day] += r.Cost

	full := seriesKey{Source: r.Source, Account: r.Account, Service: r.Service, UsageType: r.UsageType, Region: r.Region}
	switch {
	case r.UsageType != "":
		full.Dim = DimUsage
	case r.Service != "":
		full.Dim = DimService
	case r.Region != "":
		full.Dim = DimRegion
	case r.Account != "":
		full.Dim = DimAccount
	default:
		full.Dim = DimTotal
	}
	s := l.add(full, r.Day, r.Cost)
	if r.ResourceID != "" {
		if s.resources == nil {
			s.resources = make(map[Day]map[string]float64)
		}
		m := s.resources[r.Day]
		if m == nil {
			m = make(map[string]float64)
			s.resources[r.Day] = m
		}
		m[r.ResourceID] += r.Cost
	}
	if svc := (seriesKey{Source: r.Source, Dim: DimService, Service: r.Service}); r.Service != "" && svc != full {
		l.add(svc, r.Day, r.Cost)
	}
	if reg := (seriesKey{Source: r.Source, Dim: DimRegion, Region: r.Region}); r.Region != "" && reg != full {
		l.add(reg, r.Day, r.Cost)
	}
	if acc := (seriesKey{Source: r.Source, Dim: DimAccount, Account: r.Account}); r.Account != "" && acc != full {
		l.add(acc, r.Day, r.Cost)
	}
}

// add sums cost into the series of k.
func (l *Ledger) add(k seriesKey, d Day, cost float64) *series {
	s := l.series[k]
	if s == nil {
		s = &series{key: k, spend: make(map[Day]float64)}
		l.series[k] = s
	}
	s.spend[d] += cost
	return s
}

// AddAnomaly keeps an anomaly found by AWS, to be reported as it is.
func (l *Ledger) AddAnomaly(f Finding) { l.anomalies = append(l.anomalies, f) }

// sortedSeries returns the series of a source in key order.
func (l *Ledger) sortedSeries(src Source) []*series {
	var out []*series
	for k, s := range l.series {
		if k.Source == src {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *series) int {
		return cmp.Or(cmp.Compare(a.key.Dim, b.key.Dim), cmp.Compare(a.key.Account, b.key.Account),
			cmp.Compare(a.key.Service, b.key.Service), cmp.Compare(a.key.Region, b.key.Region),
			cmp.Compare(a.key.UsageType, b.key.UsageType))
	})
	return out
}

// sources returns the sources with spend, in a fixed order.
func (l *Ledger) sources() []Source {
	var out []Source
	for src := range l.daily {
		out = append(out, src)
	}
	slices.Sort(out)
	return out
}

// sortedDays returns the keys of a day set or map in order.
func sortedDays[V any](m map[Day]V) []Day {
	out := make([]Day, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// SourceTotal is what a ledger holds of one source.
type SourceTotal struct {
	Source  Source  `json:"source"`
	First   string  `json:"first_day"`
	Last    string  `json:"last_day"`
	Days    int     `json:"days"`
	Spend   float64 `json:"spend"`    // all days read
	InRange float64 `json:"in_range"` // days within --since/--until
}

// Totals returns the spend per source, overall and within [since, until]
// (a zero Day is no bound).
func (l *Ledger) Totals(since, until Day) []SourceTotal {
	var out []SourceTotal
	for _, src := range l.sources() {
		days := sortedDays(l.daily[src])
		t := SourceTotal{Source: src, First: days[0].String(), Last: days[len(days)-1].String(), Days: len(days)}
		for _, d := range days {
			v := l.daily[src][d]
			t.Spend += v
			if inRange(d, since, until) {
				t.InRange += v
			}
		}
		t.Spend, t.InRange = round(t.Spend), round(t.InRange)
		out = append(out, t)
	}
	return out
}

// inRange reports whether d is within [since, until]; zero is no bound.
func inRange(d, since, until Day) bool {
	return (since == 0 || d >= since) && (until == 0 || d <= until)
}
