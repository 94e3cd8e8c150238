package cloudcost

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"
)

// awsAnomaly is one element of the Anomalies of a GetAnomalies response.
type awsAnomaly struct {
	AnomalyID        string `json:"AnomalyId"`
	AnomalyStartDate string
	AnomalyEndDate   string
	DimensionValue   string
	MonitorArn       string
	Feedback         string
	RootCauses       []struct {
		Service           string
		Region            string
		LinkedAccount     string
		LinkedAccountName string
		UsageType         string
		Impact            *struct{ Contribution float64 }
	}
	AnomalyScore *struct{ MaxScore, CurrentScore float64 }
	Impact       *struct {
		MaxImpact             float64
		TotalImpact           *float64
		TotalActualSpend      *float64
		TotalExpectedSpend    *float64
		TotalImpactPercentage *float64
	}
}

// anomalies reads the Anomalies of a GetAnomalies response; each becomes a
// finding of kind anomaly_detection, as AWS reported it.
func (r *Reader) anomalies(name, base string, raw json.RawMessage, st *FileStats, errs []error) []error {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		st.Skipped++
		return append(errs, fieldError(name, base+".Anomalies", err))
	}
	for i, raw := range list {
		path := fmt.Sprintf("%s.Anomalies[%d]", base, i)
		var a awsAnomaly
		if err := json.Unmarshal(raw, &a); err != nil {
			st.Skipped++
			errs = append(errs, fieldError(name, path, err))
			continue
		}
		f, err := anomalyFinding(&a)
		if err != nil {
			st.Skipped++
			errs = append(errs, &Error{File: name, Path: path + "." + err.field, Err: err.err})
			continue
		}
		st.Records++
		if r.Anomaly != nil {
			r.Anomaly(f)
		}
	}
	return errs
}

// anomalyErr is a missing or bad field of an anomaly.
type anomalyErr struct {
	field string
	err   error
}

// anomalyFinding turns an AWS anomaly into a finding. Its keys are those of
// the first root cause; the others are named in the explanation.
func anomalyFinding(a *awsAnomaly) (Finding, *anomalyErr) {
	start, err := ParseDay(a.AnomalyStartDate)
	if err != nil {
		return Finding{}, &anomalyErr{"AnomalyStartDate", err}
	}
	f := Finding{Kind: KindAnomalyDetection, Source: SourceAnomalies, Date: start.String(), AnomalyID: a.AnomalyID, Dimension: DimService}
	if a.AnomalyEndDate != "" {
		end, err := ParseDay(a.AnomalyEndDate)
		if err != nil {
			return Finding{}, &anomalyErr{"AnomalyEndDate", err}
		}
		f.EndDate = end.String()
	}
	if a.Impact == nil {
		return Finding{}, &anomalyErr{"Impact", fmt.Errorf("missing")}
	}
	f.Increase = a.Impact.MaxImpact
	if a.Impact.TotalImpact != nil {
		f.Increase = *a.Impact.TotalImpact
	}
	if a.Impact.TotalActualSpend != nil {
		f.Actual = *a.Impact.TotalActualSpend
	}
	if a.Impact.TotalExpectedSpend != nil {
		f.Expected = *a.Impact.TotalExpectedSpend
	}
	f.Expected, f.Actual, f.Increase = round(f.Expected), round(f.Actual), round(f.Increase)
	if a.AnomalyScore != nil {
		f.Score = a.AnomalyScore.MaxScore
	}
	var causes []string
	for i, rc := range a.RootCauses {
		if i == 0 {
			f.Account, f.Service, f.Region, f.UsageType = rc.LinkedAccount, rc.Service, rc.Region, rc.UsageType
		}
		c := strings.Join(nonEmpty(rc.Service, rc.UsageType, rc.Region, rc.LinkedAccount), " ")
		if rc.Impact != nil {
			c += fmt.Sprintf(" (%.2f)", rc.Impact.Contribution)
		}
		causes = append(causes, c)
		f.Compute = f.Compute || isCompute(rc.Service, rc.UsageType)
		f.GPU = f.GPU || (rc.UsageType != "" && isGPU(rc.UsageType))
	}
	if f.Service == "" {
		f.Service = a.DimensionValue
	}
	if f.UsageType != "" {
		f.Dimension = DimUsage
	}
	f.Severity = impactSeverity(f.Increase)
	var sb strings.Builder
	fmt.Fprintf(&sb, "AWS Cost Anomaly Detection: %s impact %.2f", cmp.Or(a.DimensionValue, f.Service), f.Increase)
	if a.Impact.TotalActualSpend != nil && a.Impact.TotalExpectedSpend != nil {
		fmt.Fprintf(&sb, " (actual %.2f, expected %.2f)", f.Actual, f.Expected)
	}
	if f.EndDate != "" {
		fmt.Fprintf(&sb, " from %s to %s", f.Date, f.EndDate)
	} else {
		fmt.Fprintf(&sb, " since %s, ongoing", f.Date)
	}
	if len(causes) > 0 {
		fmt.Fprintf(&sb, "; root causes: %s", strings.Join(causes, "; "))
	}
	if a.Feedback != "" {
		fmt.Fprintf(&sb, "; feedback %s", a.Feedback)
	}
	f.Explanation = sb.String()
	return f, nil
}

// impactSeverity ranks an AWS anomaly by its total impact in the bill's
// currency: 1000 and more is critical, 100 high, 10 medium, less low.
func impactSeverity(impact float64) Severity {
	switch {
	case impact >= 1000:
		return SeverityCritical
	case impact >= 100:
		return SeverityHigh
	case impact >= 10:
		return SeverityMedium
	}
	return SeverityLow
}

// nonEmpty returns the non-empty strings of ss.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
