package cloudcost

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Options tune the analysis. The zero value of a field takes its default.
type Options struct {
	// Window is how many days before a day make its baseline (default 14).
	Window int
	// MinHistory is how many of those days the data must cover before the
	// day is judged (default 7).
	MinHistory int
	// MinIncrease is the smallest increase over the baseline median, in the
	// bill's currency, worth a spike or a new region (default 5).
	MinIncrease float64
	// Threshold is the smallest robust score of a spike (default 5).
	Threshold float64
	// Since and Until bound the days findings are reported for: the report
	// is the part of the unbounded one within them (data before Since still
	// makes baselines). Zero is no bound.
	Since, Until Day
}

// Defaults of [Options].
const (
	DefaultWindow      = 14
	DefaultMinHistory  = 7
	DefaultMinIncrease = 5.0
	DefaultThreshold   = 5.0
)

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.MinHistory <= 0 {
		o.MinHistory = DefaultMinHistory
	}
	o.MinHistory = min(o.MinHistory, o.Window)
	if o.MinIncrease <= 0 {
		o.MinIncrease = DefaultMinIncrease
	}
	if o.Threshold <= 0 {
		o.Threshold = DefaultThreshold
	}
	return o
}

// Analyze judges every day of every series against the days before it and
// returns the findings, with the anomalies AWS reported, in a fixed order.
func (l *Ledger) Analyze(opt Options) []Finding {
	opt = opt.withDefaults()
	var out []Finding
	for _, src := range l.sources() {
		daily := l.daily[src]
		for _, s := range l.sortedSeries(src) {
			out = l.judge(out, s, daily, opt)
		}
	}
	for _, f := range l.anomalies {
		d, err := ParseDay(f.Date)
		if err == nil && inRange(d, opt.Since, opt.Until) {
			out = append(out, f)
		}
	}
	sortFindings(out)
	return out
}

// judge appends the findings of one series.
func (l *Ledger) judge(out []Finding, s *series, daily map[Day]float64, opt Options) []Finding {
	days := sortedDays(s.spend)
	firstSpend := Day(math.MaxInt32)
	for _, d := range days {
		if s.spend[d] > 0 {
			firstSpend = d
			break
		}
	}
	vals := make([]float64, 0, opt.Window)
	// An anomaly that goes on is reported on its first day: while each day
	// is flagged again and spends less than 1.5 times the day last reported,
	// it is the same anomaly.
	lastFlagged, reported := Day(math.MinInt32), 0.0
	for _, d := range days {
		actual := s.spend[d]
		if actual <= 0 {
			continue
		}
		vals = vals[:0]
		for w := d - Day(opt.Window); w < d; w++ {
			if _, covered := daily[w]; covered {
				vals = append(vals, s.spend[w])
			}
		}
		if len(vals) < opt.MinHistory {
			continue
		}
		b := newBaseline(vals)
		k := s.key
		f := Finding{
			Date: d.String(), Source: k.Source, Dimension: k.Dim,
			Account: k.Account, Service: k.Service, UsageType: k.UsageType, Region: k.Region,
			Expected: round(b.median), Actual: round(actual), Increase: round(actual - b.median),
			Score:        math.Round(b.score(actual, opt.MinIncrease, opt.Threshold)*100) / 100,
			BaselineDays: b.days,
			Compute:      isCompute(k.Service, k.UsageType),
			GPU:          k.UsageType != "" && isGPU(k.UsageType),
		}
		newGPU := f.GPU && d == firstSpend
		newRegion := k.Dim == DimRegion && b.zero && actual >= opt.MinIncrease
		spike := f.Increase >= opt.MinIncrease && f.Score >= opt.Threshold
		if !newGPU && !newRegion && !spike {
			continue
		}
		top := l.contributors(k, d) // only for a finding: it scans every series
		f.ResourceIDs = top.resources
		switch {
		case newGPU:
			f.Kind = KindNewGPUUsage
			f.Severity = SeverityHigh
			if actual >= 20*opt.MinIncrease {
				f.Severity = SeverityCritical
			}
			f.Explanation = fmt.Sprintf("GPU or accelerator usage seen for the first time: %s, %.2f on its first day, none in the %d days before",
				describe(k), actual, b.days)
		case newRegion:
			f.Kind = KindNewRegion
			f.Compute = top.compute
			f.Severity = SeverityMedium
			if top.compute {
				f.Severity = SeverityHigh
			}
			f.Explanation = fmt.Sprintf("spend of %.2f in region %s, which had none in the %d days before; mostly %s",
				actual, k.Region, b.days, strings.Join(top.usage, ", "))
		default: // spike
			f.Kind = KindSpike
			if k.Dim != DimUsage {
				f.Compute = f.Compute || top.compute
			}
			f.Severity = spikeSeverity(b.median, actual, f.Compute, opt)
			f.Explanation = spikeExplanation(k, b, actual, top, f.Compute)
		}
		ongoing := lastFlagged == d-1 && actual < 1.5*reported
		lastFlagged = d
		if ongoing {
			continue
		}
		reported = actual
		if inRange(d, opt.Since, opt.Until) { // judged outside the range too, so that ongoing is the same
			out = append(out, f)
		}
	}
	return out
}

// spikeSeverity ranks a spike by how many times the baseline it is and by
// how much money: compute that jumps tenfold by a lot is critical.
func spikeSeverity(median, actual float64, compute bool, opt Options) Severity {
	inc := actual - median
	ratio := math.Inf(1)
	if median > 0 {
		ratio = actual / median
	}
	switch {
	case compute && ratio >= 10 && inc >= 20*opt.MinIncrease:
		return SeverityCritical
	case ratio >= 3 && inc >= 10*opt.MinIncrease:
		return SeverityHigh
	case inc < 2*opt.MinIncrease:
		return SeverityLow
	}
	return SeverityMedium
}

// spikeExplanation says what rose, by how much, against what.
func spikeExplanation(k seriesKey, b baseline, actual float64, top contribution, compute bool) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %.2f, ", describe(k), actual)
	if b.zero {
		fmt.Fprintf(&sb, "no spend in the %d days before", b.days)
	} else {
		fmt.Fprintf(&sb, "%.1fx the median %.2f of the %d days before (MAD %.2f)", actual/b.median, b.median, b.days, b.mad)
	}
	if k.Dim != DimUsage && len(top.usage) > 0 {
		fmt.Fprintf(&sb, "; mostly %s", strings.Join(top.usage, ", "))
	}
	if compute {
		sb.WriteString("; compute")
	}
	return sb.String()
}

// describe names the keys of a series for a person: "AmazonEC2
// BoxUsage:c5.4xlarge in us-east-1, account 111122223333", "region us-east-1".
func describe(k seriesKey) string {
	var sb strings.Builder
	switch k.Dim {
	case DimRegion:
		sb.WriteString("region " + k.Region)
	case DimAccount:
		sb.WriteString("account " + k.Account)
	case DimTotal:
		sb.WriteString("total spend")
	default:
		sb.WriteString(strings.Join(nonEmpty(k.Service, k.UsageType), " "))
		if k.Region != "" {
			sb.WriteString(" in " + k.Region)
		}
	}
	if k.Account != "" && k.Dim != DimAccount {
		sb.WriteString(", account " + k.Account)
	}
	return sb.String()
}

// maxResources is how many resource ids a finding keeps.
const maxResources = 50

// contribution is what the usage-type series under a key spent on a day.
type contribution struct {
	usage     []string // the costliest usage types (at most three), "AmazonEC2 BoxUsage:c5.4xlarge (300.00)"
	resources []string // the costliest resource ids (at most maxResources)
	compute   bool     // whether most of the spend was compute
}

// contributors looks at the usage-type series within k (the same series if
// k is one) on day d.
func (l *Ledger) contributors(k seriesKey, d Day) contribution {
	type item struct {
		name string
		cost float64
	}
	var usage []item
	res := make(map[string]float64)
	var computeSpend, total float64
	for sk, s := range l.series {
		if sk.Source != k.Source || sk.Dim != DimUsage ||
			(k.Dim == DimUsage && sk != k) ||
			(k.Service != "" && sk.Service != k.Service) || (k.Region != "" && sk.Region != k.Region) ||
			(k.Account != "" && sk.Account != k.Account) {
			continue
		}
		v := s.spend[d]
		if v <= 0 {
			continue
		}
		total += v
		if isCompute(sk.Service, sk.UsageType) {
			computeSpend += v
		}
		usage = append(usage, item{fmt.Sprintf("%s %s (%.2f)", sk.Service, sk.UsageType, v), v})
		for id, c := range s.resources[d] {
			res[id] += c
		}
	}
	byCost := func(a, b item) int { return cmp.Or(cmp.Compare(b.cost, a.cost), cmp.Compare(a.name, b.name)) }
	slices.SortFunc(usage, byCost)
	var c contribution
	for i := 0; i < len(usage) && i < 3; i++ {
		c.usage = append(c.usage, usage[i].name)
	}
	var ids []item
	for id, v := range res {
		ids = append(ids, item{id, v})
	}
	slices.SortFunc(ids, byCost)
	for i := 0; i < len(ids) && i < maxResources; i++ {
		c.resources = append(c.resources, ids[i].name)
	}
	c.compute = total > 0 && computeSpend >= total/2
	return c
}
