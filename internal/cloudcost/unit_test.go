package cloudcost

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for an error
	}{
		{"2026-03-01", "2026-03-01"},
		{"2026-03-01T23:00:00Z", "2026-03-01"},
		{"2026-03-01 00:00:00.000", "2026-03-01"},
		{"2024-02-29T00:00:00Z", "2024-02-29"},
		{"2026-02-29", ""},
		{"2026-13-01", ""},
		{"2026-3-1", ""},
		{"2026-03-01Z", ""},
		{"", ""},
		{"20260301", ""},
	} {
		d, err := ParseDay(tc.in)
		got := ""
		if err == nil {
			got = d.String()
		}
		if got != tc.want {
			t.Errorf("ParseDay(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestUsageTypes(t *testing.T) {
	for _, tc := range []struct {
		usage   string
		service string
		gpu     bool
		compute bool
		region  string
	}{
		{"BoxUsage:p3.2xlarge", "AmazonEC2", true, true, ""},
		{"USE2-BoxUsage:p3.2xlarge", "AmazonEC2", true, true, "us-east-2"},
		{"APN1-SpotUsage:g4dn.xlarge", "AmazonEC2", true, true, "ap-northeast-1"},
		{"EU-BoxUsage:g5.12xlarge", "AmazonEC2", true, true, "eu-west-1"},
		{"USW2-DedicatedUsage:p4d.24xlarge", "AmazonEC2", true, true, "us-west-2"},
		{"BoxUsage:inf2.xlarge", "AmazonEC2", true, true, ""},
		{"BoxUsage:trn1.32xlarge", "AmazonEC2", true, true, ""},
		{"BoxUsage:dl1.24xlarge", "AmazonEC2", true, true, ""},
		{"USE1-Train:ml.p3.2xlarge", "AmazonSageMaker", true, true, "us-east-1"},
		{"INSTANCE_TYPE=g6.xlarge", "Amazon Elastic Compute Cloud - Compute", true, true, ""},
		{"BoxUsage:c5.4xlarge", "AmazonEC2", false, true, ""},
		{"BoxUsage:m5.large", "AmazonEC2", false, true, ""},
		{"BoxUsage:gr6.4xlarge", "AmazonEC2", true, true, ""},
		{"BoxUsage:g4ad.xlarge", "AmazonEC2", true, true, ""},
		{"Nvidia Tesla T4 GPU running in Americas", "Compute Engine", true, false, ""},
		{"USE2-Fargate-vCPU-Hours:perCPU", "AmazonECS", false, true, "us-east-2"},
		{"Lambda-GB-Second", "AWSLambda", false, true, ""},
		{"TimedStorage-ByteHrs", "AmazonS3", false, false, ""},
		{"USE2-DataTransfer-Out-Bytes", "AmazonS3", false, false, "us-east-2"},
	} {
		if got := isGPU(tc.usage); got != tc.gpu {
			t.Errorf("isGPU(%q) = %v", tc.usage, got)
		}
		if got := isCompute(tc.service, tc.usage); got != tc.compute {
			t.Errorf("isCompute(%q, %q) = %v", tc.service, tc.usage, got)
		}
		if got := usageTypeRegion(tc.usage); got != tc.region {
			t.Errorf("usageTypeRegion(%q) = %q, want %q", tc.usage, got, tc.region)
		}
	}
	for zone, want := range map[string]string{"us-east-1a": "us-east-1", "ap-southeast-1c": "ap-southeast-1", "": "", "us-east-1": "", "use1-az4": ""} {
		if got := zoneRegion(zone); got != want {
			t.Errorf("zoneRegion(%q) = %q, want %q", zone, got, want)
		}
	}
}

func TestBaseline(t *testing.T) {
	for _, tc := range []struct {
		vals        []float64
		median, mad float64
		zero        bool
	}{
		{[]float64{1, 2, 3, 4, 100}, 3, 1, false},
		{[]float64{10, 10, 10, 10}, 10, 0, false},
		{[]float64{0, 0, 0}, 0, 0, true},
		{[]float64{4, 1, 3, 2}, 2.5, 1, false},
	} {
		b := newBaseline(append([]float64(nil), tc.vals...))
		if b.median != tc.median || b.mad != tc.mad || b.zero != tc.zero || b.days != len(tc.vals) {
			t.Errorf("newBaseline(%v) = %+v", tc.vals, b)
		}
	}
	// A flat baseline is not infinitely sure: the spread is a tenth of the median.
	if s := newBaseline([]float64{10, 10, 10}).score(15, 5, 5); s != 5 {
		t.Errorf("score over a flat 10 of 15 = %v, want 5", s)
	}
	// From nothing, the minimum increase scores the threshold.
	if s := newBaseline([]float64{0, 0}).score(5, 5, 5); s != 5 {
		t.Errorf("score over zero of 5 = %v, want 5", s)
	}
}

// day is 2026-03-01 plus n.
func day(n int) Day { d, _ := ParseDay("2026-03-01"); return d + Day(n) }

// series adds one key's spend, a value per day from 2026-03-01.
func addSeries(l *Ledger, src Source, usage string, costs ...float64) {
	for i, c := range costs {
		l.Add(Record{Source: src, Day: day(i), Account: "1", Service: "AmazonEC2", UsageType: usage, Region: "us-east-1", Cost: c})
	}
}

func TestAnalyzeRules(t *testing.T) {
	flat := func(n int, v float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	type got struct {
		Kind      Kind
		Date      string
		Dimension Dimension
		Severity  Severity
	}
	for _, tc := range []struct {
		name  string
		costs []float64
		opt   Options
		want  []got
	}{
		{"spike", append(flat(14, 10), 100), Options{}, []got{
			{KindSpike, "2026-03-15", DimAccount, SeverityHigh},
			{KindSpike, "2026-03-15", DimRegion, SeverityHigh},
			{KindSpike, "2026-03-15", DimService, SeverityHigh},
			{KindSpike, "2026-03-15", DimUsage, SeverityHigh},
		}},
		{"ongoing spike reported once", append(flat(14, 10), 100, 110, 120), Options{}, []got{
			{KindSpike, "2026-03-15", DimAccount, SeverityHigh},
			{KindSpike, "2026-03-15", DimRegion, SeverityHigh},
			{KindSpike, "2026-03-15", DimService, SeverityHigh},
			{KindSpike, "2026-03-15", DimUsage, SeverityHigh},
		}},
		{"ongoing spike that jumps again", append(flat(14, 10), 100, 400), Options{}, []got{
			{KindSpike, "2026-03-15", DimAccount, SeverityHigh},
			{KindSpike, "2026-03-15", DimRegion, SeverityHigh},
			{KindSpike, "2026-03-15", DimService, SeverityHigh},
			{KindSpike, "2026-03-15", DimUsage, SeverityHigh},
			{KindSpike, "2026-03-16", DimAccount, SeverityCritical},
			{KindSpike, "2026-03-16", DimRegion, SeverityCritical},
			{KindSpike, "2026-03-16", DimService, SeverityCritical},
			{KindSpike, "2026-03-16", DimUsage, SeverityCritical},
		}},
		{"too little history", append(flat(5, 10), 100), Options{}, nil},
		{"enough history when asked for less", append(flat(5, 10), 100), Options{MinHistory: 5}, []got{
			{KindSpike, "2026-03-06", DimAccount, SeverityHigh},
			{KindSpike, "2026-03-06", DimRegion, SeverityHigh},
			{KindSpike, "2026-03-06", DimService, SeverityHigh},
			{KindSpike, "2026-03-06", DimUsage, SeverityHigh},
		}},
		{"cents", append(flat(14, 0.02), 0.4), Options{}, nil},
		{"under the minimum increase", append(flat(14, 10), 14.9), Options{Threshold: 4}, nil},
		{"a lower minimum increase", append(flat(14, 10), 14.9), Options{Threshold: 4, MinIncrease: 1}, []got{
			{KindSpike, "2026-03-15", DimAccount, SeverityMedium},
			{KindSpike, "2026-03-15", DimRegion, SeverityMedium},
			{KindSpike, "2026-03-15", DimService, SeverityMedium},
			{KindSpike, "2026-03-15", DimUsage, SeverityMedium},
		}},
		{"a higher threshold", append(flat(14, 10), 40), Options{Threshold: 50}, nil},
		{"critical compute", append(flat(14, 10), 300), Options{}, []got{
			{KindSpike, "2026-03-15", DimAccount, SeverityCritical},
			{KindSpike, "2026-03-15", DimRegion, SeverityCritical},
			{KindSpike, "2026-03-15", DimService, SeverityCritical},
			{KindSpike, "2026-03-15", DimUsage, SeverityCritical},
		}},
		{"older days than the window do not count", append(append(flat(7, 100), flat(14, 10)...), 100), Options{}, []got{
			{KindSpike, "2026-03-22", DimAccount, SeverityHigh},
			{KindSpike, "2026-03-22", DimRegion, SeverityHigh},
			{KindSpike, "2026-03-22", DimService, SeverityHigh},
			{KindSpike, "2026-03-22", DimUsage, SeverityHigh},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLedger()
			addSeries(l, SourceCUR, "BoxUsage:c5.large", tc.costs...)
			var gotF []got
			for _, f := range l.Analyze(tc.opt) {
				gotF = append(gotF, got{f.Kind, f.Date, f.Dimension, f.Severity})
			}
			if d := cmp.Diff(tc.want, gotF); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestGapsAreNotZero checks that days no file covers are left out of the
// baseline rather than counted as days without spend.
func TestGapsAreNotZero(t *testing.T) {
	l := NewLedger()
	for i := 0; i < 10; i++ {
		l.Add(Record{Source: SourceCUR, Day: day(i), Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", Region: "us-east-1", Cost: 10})
	}
	// Nothing covers days 10-19; day 20 costs the same.
	l.Add(Record{Source: SourceCUR, Day: day(20), Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", Region: "us-east-1", Cost: 10})
	if fs := l.Analyze(Options{Window: 14, MinHistory: 3}); len(fs) != 0 {
		t.Errorf("findings %+v", fs)
	}
}

// TestSourcesApart checks that the same spend from two sources is not added
// up, and that a Cost Explorer export grouped by SERVICE alone gives one
// series per service (no roll-up of itself).
func TestSourcesApart(t *testing.T) {
	l := NewLedger()
	for i := 0; i < 15; i++ {
		l.Add(Record{Source: SourceCUR, Day: day(i), Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", Region: "us-east-1", Cost: 10})
		l.Add(Record{Source: SourceExplorer, Day: day(i), Service: "Amazon Elastic Compute Cloud - Compute", Cost: 10})
	}
	if fs := l.Analyze(Options{}); len(fs) != 0 {
		t.Errorf("findings %+v", fs)
	}
	n := 0
	for k := range l.series {
		if k.Source == SourceExplorer {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d Cost Explorer series, want 1", n)
	}
	got := l.Totals(day(14), 0)
	want := []SourceTotal{
		{Source: SourceExplorer, First: "2026-03-01", Last: "2026-03-15", Days: 15, Spend: 150, InRange: 10},
		{Source: SourceCUR, First: "2026-03-01", Last: "2026-03-15", Days: 15, Spend: 150, InRange: 10},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("totals (-want +got):\n%s", d)
	}
}

func TestGuessDimension(t *testing.T) {
	for v, want := range map[string]string{
		"111122223333":                           "LINKED_ACCOUNT",
		"us-east-1":                              "REGION",
		"us-gov-west-1":                          "REGION",
		"NoRegion":                               "REGION",
		"USE2-BoxUsage:p3.2xlarge":               "USAGE_TYPE",
		"DataTransfer-Out-Bytes":                 "USAGE_TYPE",
		"Amazon Elastic Compute Cloud - Compute": "SERVICE",
		"AWS Lambda":                             "SERVICE",
		"AmazonCloudWatch":                       "SERVICE",
	} {
		if got := guessDimension(v); got != want {
			t.Errorf("guessDimension(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestExplorerShapes reads Cost Explorer responses without GroupDefinitions
// and without groups: keys are told by their values, and an ungrouped
// response is one total series that spikes like any other.
func TestExplorerShapes(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"ResultsByTime": [`)
	for i := 0; i < 15; i++ {
		cost := 10.0
		if i == 14 {
			cost = 100
		}
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"TimePeriod": {"Start": %q, "End": %q}, "Total": {"UnblendedCost": {"Amount": "%g", "Unit": "USD"}}, "Groups": []}`,
			day(i).String(), day(i+1).String(), cost)
	}
	sb.WriteString(`]}`)
	l := NewLedger()
	r := &Reader{Record: l.Add}
	if _, errs := r.Read("total.json", strings.NewReader(sb.String())); len(errs) != 0 {
		t.Fatal(errs)
	}
	fs := l.Analyze(Options{})
	if len(fs) != 1 || fs[0].Dimension != DimTotal || fs[0].Date != "2026-03-15" || !strings.HasPrefix(fs[0].Explanation, "total spend: 100.00") {
		t.Errorf("findings %+v", fs)
	}

	var recs []Record
	r = &Reader{Record: func(rec Record) { recs = append(recs, rec) }}
	doc := `{"ResultsByTime": [{"TimePeriod": {"Start": "2026-03-01", "End": "2026-03-02"}, "Groups": [
		{"Keys": ["111122223333", "us-west-2"], "Metrics": {"AmortizedCost": {"Amount": "3.5"}}}]}]}`
	if _, errs := r.Read("guess.json", strings.NewReader(doc)); len(errs) != 0 {
		t.Fatal(errs)
	}
	want := []Record{{Source: SourceExplorer, Day: day(0), Account: "111122223333", Region: "us-west-2", Cost: 3.5}}
	if d := cmp.Diff(want, recs); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
