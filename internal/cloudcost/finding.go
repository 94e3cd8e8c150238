package cloudcost

import (
	"cmp"
	"math"
	"slices"
)

// Kind is what a finding is about.
type Kind string

// The kinds of findings.
const (
	KindSpike            Kind = "spike"             // a day well above the robust baseline
	KindNewRegion        Kind = "new_region"        // spend in a region that had none in the baseline window
	KindNewGPUUsage      Kind = "new_gpu_usage"     // a GPU or accelerator usage type seen for the first time
	KindAnomalyDetection Kind = "anomaly_detection" // an anomaly found by AWS Cost Anomaly Detection
)

// Severity ranks findings.
type Severity string

// The severities, lowest first.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Rank orders severities: low 1 ... critical 4; unknown 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

// Dimension names the keys a series of spend is summed over.
type Dimension string

// The dimensions. A CUR file gives all of them; a Cost Explorer export
// gives those its GroupBy asked for.
const (
	DimUsage   Dimension = "usage_type" // (account, service, usage type, region), as far as known
	DimService Dimension = "service"
	DimRegion  Dimension = "region"
	DimAccount Dimension = "account"
	DimTotal   Dimension = "total" // an ungrouped Cost Explorer export
)

// Finding is one thing worth a look in the bill. Its JSON form is stable:
// the incident correlation reads account, region, usage type and resource
// ids from it.
type Finding struct {
	Severity  Severity  `json:"severity"`
	Kind      Kind      `json:"kind"`
	Date      string    `json:"date"`               // the day (YYYY-MM-DD), for AWS anomalies the start day
	EndDate   string    `json:"end_date,omitempty"` // AWS anomalies: last day, if over
	Source    Source    `json:"source"`
	Dimension Dimension `json:"dimension"`
	Account   string    `json:"account,omitempty"`
	Service   string    `json:"service,omitempty"`
	UsageType string    `json:"usage_type,omitempty"`
	Region    string    `json:"region,omitempty"`
	// ResourceIDs are the resources (instance ids, ARNs) billed for the
	// finding's day, costliest first (at most 50), when the CUR has them.
	ResourceIDs []string `json:"resource_ids,omitempty"`
	Compute     bool     `json:"compute"` // EC2, ECS, EKS, Lambda or instance usage
	GPU         bool     `json:"gpu"`
	Expected    float64  `json:"expected"` // baseline median (or AWS's expected spend)
	Actual      float64  `json:"actual"`
	Increase    float64  `json:"increase"`
	Score       float64  `json:"score"` // (actual-expected)/robust spread, or AWS's anomaly score
	// BaselineDays is how many days of history the baseline had.
	BaselineDays int    `json:"baseline_days,omitempty"`
	AnomalyID    string `json:"anomaly_id,omitempty"`
	Explanation  string `json:"explanation"`
}

// sortFindings orders findings by date, then severity (highest first), kind,
// source, dimension and keys, so that output is the same for the same input.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Date, b.Date),
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Source, b.Source),
			cmp.Compare(a.Dimension, b.Dimension),
			cmp.Compare(a.Account, b.Account),
			cmp.Compare(a.Service, b.Service),
			cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.UsageType, b.UsageType),
			cmp.Compare(a.AnomalyID, b.AnomalyID),
		)
	})
}

// round keeps amounts to four decimals, so that sums of floats print the same.
func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }
