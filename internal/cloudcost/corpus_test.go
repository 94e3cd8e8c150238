package cloudcost

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// update rewrites the corpus and the golden files (as PEREGRINE_UPDATE_GOLDEN=1 does).
var update = flag.Bool("update", false, "rewrite testdata corpus and golden files")

// updating reports whether golden files are to be rewritten.
func updating() bool { return *update || os.Getenv("PEREGRINE_UPDATE_GOLDEN") != "" }

// The corpus covers 28 days of March 2026. The attack starts on the 22nd:
// the c5.4xlarge spend in us-east-1 jumps twentyfold (nineteen more
// instances), c5.4xlarge instances start in ap-southeast-1, a region the
// accounts never used, and a p3.2xlarge GPU instance starts in us-east-2 on
// the 23rd. Around that, ordinary spend varies by up to 10% a day.
const (
	corpusDays  = 28
	attackDay   = 21 // index of 2026-03-22
	gpuDay      = 22 // 2026-03-23
	acctProd    = "111122223333"
	acctDev     = "444455556666"
	corpusMonth = "2026-03-"
)

// line is one kind of spend in the corpus: its keys, its daily cost per
// resource, and how that cost behaves.
type line struct {
	account, product, usageType, operation, zone, region string
	resources                                            []string
	daily                                                float64 // cost per resource per day
	growth                                               float64 // relative growth per day
	from                                                 int     // first day index with spend
	itemType                                             string  // lineItem/LineItemType, Usage if empty
	on                                                   func(day int) bool
}

// corpusLines returns the spend of the corpus; attack adds the planted lines
// and turns on the planted jumps.
func corpusLines(attack bool) []line {
	ls := []line{
		{account: acctProd, product: "AmazonEC2", usageType: "BoxUsage:m5.large", operation: "RunInstances", zone: "us-east-1a", region: "us-east-1",
			resources: []string{"i-0a1100000000000a1", "i-0a1200000000000a2"}, daily: 2.304},
		{account: acctProd, product: "AmazonEC2", usageType: "BoxUsage:c5.4xlarge", operation: "RunInstances", zone: "us-east-1b", region: "us-east-1",
			resources: []string{"i-0c5400000000000c1"}, daily: 16.32},
		{account: acctProd, product: "AmazonEC2", usageType: "USE2-BoxUsage:c5.xlarge", operation: "RunInstances", zone: "us-east-2a", region: "us-east-2",
			resources: []string{"i-0e2100000000000e1"}, daily: 4.08},
		{account: acctProd, product: "AmazonEC2", usageType: "DataTransfer-Out-Bytes", operation: "RunInstances", region: "us-east-1", daily: 0.9},
		{account: acctProd, product: "AmazonS3", usageType: "TimedStorage-ByteHrs", operation: "StandardStorage", region: "us-east-1",
			resources: []string{"prod-logs"}, daily: 3.5, growth: 0.02},
		{account: acctProd, product: "AWSLambda", usageType: "Lambda-GB-Second", operation: "Invoke", region: "us-east-1",
			resources: []string{"arn:aws:lambda:us-east-1:111122223333:function:thumbnailer"}, daily: 1.2},
		{account: acctDev, product: "AmazonRDS", usageType: "InstanceUsage:db.t3.medium", operation: "CreateDBInstance:0002", zone: "us-east-1a", region: "us-east-1",
			resources: []string{"arn:aws:rds:us-east-1:444455556666:db:dev"}, daily: 1.632},
		// Cents: a twentyfold jump of a few cents is no finding.
		{account: acctDev, product: "AmazonCloudWatch", usageType: "CW:Requests", operation: "GetMetricData", region: "us-east-1", daily: 0.02},
		{account: acctDev, product: "AmazonCloudWatch", usageType: "CW:Requests", operation: "GetMetricData", region: "us-east-1", daily: 0.4,
			on: func(d int) bool { return d == 23 }},
		// Not usage: left out.
		{account: acctProd, product: "AmazonEC2", usageType: "Tax", itemType: "Tax", region: "us-east-1", daily: 30,
			on: func(d int) bool { return d == 24 }},
		{account: acctProd, product: "AmazonEC2", usageType: "Credit", itemType: "Credit", region: "us-east-1", daily: -20,
			on: func(d int) bool { return d == 19 }},
	}
	if !attack {
		return ls
	}
	var extra []string
	for i := 1; i <= 19; i++ {
		extra = append(extra, fmt.Sprintf("i-0bad0000000000%03d", i))
	}
	return append(ls,
		line{account: acctProd, product: "AmazonEC2", usageType: "BoxUsage:c5.4xlarge", operation: "RunInstances", zone: "us-east-1c", region: "us-east-1",
			resources: extra, daily: 16.32, from: attackDay},
		line{account: acctProd, product: "AmazonEC2", usageType: "APS1-BoxUsage:c5.4xlarge", operation: "RunInstances", zone: "ap-southeast-1a", region: "ap-southeast-1",
			resources: []string{"i-0aps000000000001", "i-0aps000000000002", "i-0aps000000000003"}, daily: 18.72, from: attackDay},
		line{account: acctProd, product: "AmazonEC2", usageType: "USE2-SpotUsage:p3.2xlarge", operation: "RunInstances:SV002", zone: "us-east-2b", region: "us-east-2",
			resources: []string{"i-0gpu0000000000p3"}, daily: 22.03, from: gpuDay},
	)
}

// item is one generated CUR line item.
type item struct {
	id                 string
	day                int
	l                  line
	resource           string
	cost, amount, rate float64
}

// corpusItems expands lines into line items with deterministic noise.
func corpusItems(attack bool) []item {
	var out []item
	seed := uint64(0x9e3779b97f4a7c15)
	next := func() float64 { // xorshift64*, in [0, 1)
		seed ^= seed >> 12
		seed ^= seed << 25
		seed ^= seed >> 27
		return float64((seed*0x2545f4914f6cdd1d)>>11) / (1 << 53)
	}
	for day := 0; day < corpusDays; day++ {
		for li, l := range corpusLines(attack) {
			if day < l.from || (l.on != nil && !l.on(day)) {
				continue
			}
			res := l.resources
			if len(res) == 0 {
				res = []string{""}
			}
			for ri, r := range res {
				cost := l.daily * (1 + l.growth*float64(day))
				if l.itemType == "" && l.from == 0 {
					cost *= 0.9 + 0.2*next()
				}
				out = append(out, item{id: fmt.Sprintf("li%02d%02d%02d", day, li, ri), day: day, l: l, resource: r,
					cost: cost, amount: 24, rate: cost / 24})
			}
		}
	}
	return out
}

// dayTime is the start of day index d.
func dayTime(d int) time.Time {
	return time.Date(2026, 3, 1+d, 0, 0, 0, 0, time.UTC)
}

// curLegacy writes items as a legacy CUR file (slash headers), with columns
// the analysis does not read.
func curLegacy(items []item) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"identity/LineItemId", "identity/TimeInterval", "bill/PayerAccountId", "lineItem/UsageAccountId",
		"lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode",
		"lineItem/UsageType", "lineItem/Operation", "lineItem/AvailabilityZone", "lineItem/ResourceId",
		"lineItem/UsageAmount", "lineItem/UnblendedRate", "lineItem/UnblendedCost", "lineItem/CurrencyCode",
		"product/ProductName", "product/region", "pricing/unit", "resourceTags/user:team"})
	for _, it := range items {
		start, end := dayTime(it.day), dayTime(it.day+1)
		typ := it.l.itemType
		if typ == "" {
			typ = "Usage"
		}
		w.Write([]string{it.id, start.Format(time.RFC3339) + "/" + end.Format(time.RFC3339), acctProd, it.l.account,
			typ, start.Format(time.RFC3339), end.Format(time.RFC3339), it.l.product,
			it.l.usageType, it.l.operation, it.l.zone, it.resource,
			fmt.Sprintf("%.1f", it.amount), fmt.Sprintf("%.10f", it.rate), fmt.Sprintf("%.10f", it.cost), "USD",
			it.l.product, it.l.region, "Hrs", "platform, ops"})
	}
	w.Flush()
	return b.Bytes()
}

// cur2 writes items as a CUR 2.0 file (snake case headers, another column
// order, a map column with quotes and commas).
func cur2(items []item) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"bill_payer_account_id", "identity_line_item_id", "identity_time_interval", "line_item_line_item_type",
		"line_item_product_code", "line_item_usage_type", "line_item_operation", "line_item_unblended_cost",
		"line_item_usage_amount", "line_item_usage_start_date", "line_item_usage_end_date", "line_item_usage_account_id",
		"line_item_availability_zone", "line_item_resource_id", "product_region_code", "resource_tags", "line_item_currency_code"})
	for _, it := range items {
		start, end := dayTime(it.day), dayTime(it.day+1)
		typ := it.l.itemType
		if typ == "" {
			typ = "Usage"
		}
		tags := `{"user_team":"platform","user_env":"prod"}`
		w.Write([]string{acctProd, it.id, start.Format(time.RFC3339) + "/" + end.Format(time.RFC3339), typ,
			it.l.product, it.l.usageType, it.l.operation, fmt.Sprintf("%.10f", it.cost),
			fmt.Sprintf("%.1f", it.amount), start.Format("2006-01-02T15:04:05.000Z"), end.Format("2006-01-02T15:04:05.000Z"), it.l.account,
			it.l.zone, it.resource, it.l.region, tags, "USD"})
	}
	w.Flush()
	return b.Bytes()
}

// ceServiceNames are the Cost Explorer SERVICE names of the corpus products.
var ceServiceNames = map[string]string{
	"AmazonEC2":        "Amazon Elastic Compute Cloud - Compute",
	"AmazonS3":         "Amazon Simple Storage Service",
	"AWSLambda":        "AWS Lambda",
	"AmazonRDS":        "Amazon Relational Database Service",
	"AmazonCloudWatch": "AmazonCloudWatch",
}

// explorerJSON writes the usage items as a GetCostAndUsage response, daily,
// grouped by SERVICE and USAGE_TYPE.
func explorerJSON(items []item) []byte {
	type metric struct{ Amount, Unit string }
	type group struct {
		Keys    []string
		Metrics map[string]metric
	}
	type result struct {
		TimePeriod struct{ Start, End string }
		Total      map[string]metric
		Groups     []group
		Estimated  bool
	}
	var results []result
	for day := 0; day < corpusDays; day++ {
		var r result
		r.TimePeriod.Start, r.TimePeriod.End = dayTime(day).Format(time.DateOnly), dayTime(day+1).Format(time.DateOnly)
		r.Total = map[string]metric{}
		sums := map[[2]string]float64{}
		var order [][2]string
		for _, it := range items {
			if it.day != day || it.l.itemType != "" {
				continue
			}
			k := [2]string{ceServiceNames[it.l.product], it.l.usageType}
			if _, ok := sums[k]; !ok {
				order = append(order, k)
			}
			sums[k] += it.cost
		}
		for _, k := range order {
			r.Groups = append(r.Groups, group{Keys: k[:], Metrics: map[string]metric{
				"UnblendedCost": {fmt.Sprintf("%.10f", sums[k]), "USD"},
				"UsageQuantity": {"24", "N/A"},
			}})
		}
		results = append(results, r)
	}
	doc := map[string]any{
		"GroupDefinitions":         []map[string]string{{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}},
		"ResultsByTime":            results,
		"DimensionValueAttributes": []any{},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n')
}

// anomaliesJSON is a GetAnomalies response: the EC2 jump as AWS would see
// it, and a small S3 anomaly of an older kind without total spends.
const anomaliesJSON = `{
  "Anomalies": [
    {
      "AnomalyId": "a1b2c3d4-0000-4000-8000-000000000001",
      "AnomalyStartDate": "2026-03-22T00:00:00Z",
      "AnomalyEndDate": "2026-03-28T00:00:00Z",
      "DimensionValue": "Amazon Elastic Compute Cloud - Compute",
      "RootCauses": [
        {"Service": "Amazon Elastic Compute Cloud - Compute", "Region": "us-east-1", "LinkedAccount": "111122223333",
         "LinkedAccountName": "prod", "UsageType": "BoxUsage:c5.4xlarge", "Impact": {"Contribution": 2172.5}},
        {"Service": "Amazon Elastic Compute Cloud - Compute", "Region": "ap-southeast-1", "LinkedAccount": "111122223333",
         "LinkedAccountName": "prod", "UsageType": "APS1-BoxUsage:c5.4xlarge", "Impact": {"Contribution": 393.1}}
      ],
      "AnomalyScore": {"MaxScore": 0.97, "CurrentScore": 0.91},
      "Impact": {"MaxImpact": 380.2, "TotalImpact": 2565.6, "TotalActualSpend": 2680.4, "TotalExpectedSpend": 114.8,
                 "TotalImpactPercentage": 2234.8},
      "MonitorArn": "arn:aws:ce::111122223333:anomalymonitor/0d1e2f3a-0000-4000-8000-00000000abcd",
      "Feedback": "YES"
    },
    {
      "AnomalyId": "a1b2c3d4-0000-4000-8000-000000000002",
      "AnomalyStartDate": "2026-03-10",
      "DimensionValue": "Amazon Simple Storage Service",
      "RootCauses": [{"Service": "Amazon Simple Storage Service", "Region": "us-east-1", "LinkedAccount": "111122223333"}],
      "AnomalyScore": {"MaxScore": 0.41, "CurrentScore": 0.41},
      "Impact": {"MaxImpact": 6.3},
      "MonitorArn": "arn:aws:ce::111122223333:anomalymonitor/0d1e2f3a-0000-4000-8000-00000000abcd"
    }
  ],
  "NextPageToken": null
}
`

// gz compresses b.
func gz(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// corpus returns the test corpus, file name to content (uncompressed).
func corpus() map[string][]byte {
	attack, benign := corpusItems(true), corpusItems(false)
	return map[string][]byte{
		"cur-legacy-attack.csv.gz": curLegacy(attack),
		"cur2-attack.csv":          cur2(attack),
		"cur-legacy-benign.csv":    curLegacy(benign),
		"cur2-benign.csv.gz":       cur2(benign),
		"ce-attack.json":           explorerJSON(attack),
		"ce-benign.json":           explorerJSON(benign),
		"anomalies.json":           []byte(anomaliesJSON),
	}
}

// TestCorpus checks that the committed corpus is what the generator above
// writes (gzip files compared uncompressed); -update rewrites it.
func TestCorpus(t *testing.T) {
	for name, want := range corpus() {
		path := filepath.Join("testdata", name)
		if updating() {
			data := want
			if strings.HasSuffix(name, ".gz") {
				data = gz(want)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = f
		if strings.HasSuffix(name, ".gz") {
			if r, err = gzip.NewReader(f); err != nil {
				t.Fatal(err)
			}
		}
		got, err := io.ReadAll(r)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator; run go test -run TestCorpus -update", path)
		}
	}
}
