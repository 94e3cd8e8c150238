package defaultrules_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"peregrine/internal/alert"
	"peregrine/internal/docsrc"
	"peregrine/internal/guardduty"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

// The EC2 mining finding that starts the guardduty corpus, and the parts
// of it the tests below change.
const (
	gdFindingID   = `"id":"gd-ec2-btc",`
	gdFindingType = `"type":"CryptoCurrency:EC2/BitcoinTool.B",`
)

// TestGuardDutyFindingWithoutID: the never-true default of
// gd_user_known_mining hides no finding, not even one whose id is empty
// or missing (a malformed finding is still a mining finding).
func TestGuardDutyFindingWithoutID(t *testing.T) {
	ev, finding := guardDutyEvaluator(t)
	for _, tc := range []struct{ name, replace string }{
		{"with its id", gdFindingID},
		{"empty id", `"id":"",`},
		{"no id", ""},
	} {
		record := bytes.Replace(finding, []byte(gdFindingID), []byte(tc.replace), 1)
		if got, want := guardDutyFired(t, ev, record), "[GuardDuty EC2 instance mining traffic]"; got != want {
			t.Errorf("%s: raised %s, want %s", tc.name, got, want)
		}
	}
}

// TestGuardDutyMiningTypes: the mining types of other resources than the
// listed ones (Impact:*/BitcoinDomainRequest.*, Impact:*/CryptoMiner*,
// CryptoCurrency:*) raise the catch-all rule; the listed ones their own
// rule; other types nothing.
func TestGuardDutyMiningTypes(t *testing.T) {
	ev, finding := guardDutyEvaluator(t)
	for _, tc := range []struct{ typ, want string }{
		{"CryptoCurrency:EC2/BitcoinTool.B", "[GuardDuty EC2 instance mining traffic]"},
		{"Impact:EKS/BitcoinDomainRequest.Reputation", "[GuardDuty other crypto currency finding]"},
		{"Impact:ECS/CryptoMinerExecuted", "[GuardDuty other crypto currency finding]"},
		{"CryptoCurrency:S3/BitcoinTool.B", "[GuardDuty other crypto currency finding]"},
		{"Impact:EC2/MaliciousDomainRequest.Reputation", "[]"},
		{"Recon:EC2/PortProbeUnprotectedPort", "[]"},
	} {
		record := bytes.Replace(finding, []byte(gdFindingType), []byte(`"type":"`+tc.typ+`",`), 1)
		if got := guardDutyFired(t, ev, record); got != tc.want {
			t.Errorf("%s: raised %s, want %s", tc.typ, got, tc.want)
		}
	}
}

// guardDutyEvaluator compiles cloud_guardduty.yaml alone and returns the
// first finding of the guardduty corpus (read in place).
func guardDutyEvaluator(t *testing.T) (*docsrc.Evaluator, []byte) {
	t.Helper()
	spec, diags, err := loader.Load("cloud_guardduty.yaml")
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	ev, _, err := docsrc.New(guardduty.Def(), spec, docsrc.Options{Matching: rules.MatchFirst})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "internal", "guardduty", "testdata", "eventbridge.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	finding, _, _ := bytes.Cut(data, []byte("\n"))
	if !bytes.Contains(finding, []byte(gdFindingID)) || !bytes.Contains(finding, []byte(gdFindingType)) {
		t.Fatalf("the corpus's first finding is not gd-ec2-btc: %.300s", finding)
	}
	return ev, finding
}

// guardDutyFired returns the rules one finding raises, as "[a b]".
func guardDutyFired(t *testing.T, ev *docsrc.Evaluator, record []byte) string {
	t.Helper()
	var fired []string
	err := ev.Batch(record, func(a *alert.Alert) { fired = append(fired, a.Rule) },
		func(err error) { t.Errorf("%.100s: %v", record, err) })
	if err != nil {
		t.Fatalf("%.100s: %v", record, err)
	}
	return fmt.Sprint(fired)
}
