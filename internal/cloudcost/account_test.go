package cloudcost

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAccountSeries checks that a rise spread over services and regions of
// one account, each part below its own threshold, is found through the
// account's daily spend and through nothing else; the other account, which
// spends as before, raises nothing.
func TestAccountSeries(t *testing.T) {
	parts := []struct{ service, usage, region string }{
		{"AmazonS3", "TimedStorage-ByteHrs", "us-east-1"},
		{"AmazonRDS", "InstanceUsage:db.t3.medium", "us-east-2"},
		{"AmazonDynamoDB", "ReadCapacityUnit-Hrs", "eu-west-1"},
		{"AmazonSQS", "Requests-Tier1", "ap-southeast-1"},
		{"AmazonSNS", "Requests-Tier1", "sa-east-1"},
	}
	l := NewLedger()
	for i := 0; i <= 14; i++ {
		for _, p := range parts {
			cost := 4.0 // each part doubles on the last day: +4, under the minimum increase of 5
			if i == 14 {
				cost = 8
			}
			l.Add(Record{Source: SourceCUR, Day: day(i), Account: "1", Service: p.service, UsageType: p.usage, Region: p.region, Cost: cost})
		}
		l.Add(Record{Source: SourceCUR, Day: day(i), Account: "2", Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", Region: "us-west-2", Cost: 3, ResourceID: "i-0other"})
	}
	rep := &Report{Findings: l.Analyze(Options{})}
	type got struct {
		Kind      Kind
		Date      string
		Dimension Dimension
		Account   string
		Severity  Severity
		Expected  float64
		Actual    float64
		Compute   bool
	}
	var gotF []got
	for _, f := range rep.Findings {
		gotF = append(gotF, got{f.Kind, f.Date, f.Dimension, f.Account, f.Severity, f.Expected, f.Actual, f.Compute})
	}
	want := []got{{KindSpike, "2026-03-15", DimAccount, "1", SeverityMedium, 20, 40, false}}
	if d := cmp.Diff(want, gotF); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	f := rep.Findings[0]
	if f.Service != "" || f.Region != "" || f.UsageType != "" || f.Score != 10 {
		t.Errorf("account finding %+v", f)
	}
	if !strings.HasPrefix(f.Explanation, "account 1: 40.00, 2.0x the median 20.00 of the 14 days before") {
		t.Errorf("explanation %q", f.Explanation)
	}

	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(text.String(), "\n")
	row := []string{"1", "2026-03-15", "medium", "spike", "account", "20.00", "40.00", "20.00", "10.00", "1"}
	if len(lines) < 2 || !cmp.Equal(strings.Fields(lines[1]), row) || !strings.Contains(text.String(), "\n1. account 1: 40.00") {
		t.Errorf("text report:\n%s", text.String())
	}
	if !strings.Contains(js.String(), `"dimension": "account"`) || !strings.Contains(js.String(), `"account": "1"`) {
		t.Errorf("JSON report:\n%s", js.String())
	}
}
