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

// TestGuardDutyFindingWithoutID: the never-true default of
// gd_user_known_mining hides no finding, not even one whose id is empty
// or missing (a malformed finding is still a mining finding).
func TestGuardDutyFindingWithoutID(t *testing.T) {
	spec, diags, err := loader.Load("cloud_guardduty.yaml")
	if err != nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	ev, _, err := docsrc.New(guardduty.Def(), spec, docsrc.Options{Matching: rules.MatchFirst})
	if err != nil {
		t.Fatal(err)
	}
	// The EC2 mining finding of the guardduty corpus, read in place.
	data, err := os.ReadFile(filepath.Join("..", "internal", "guardduty", "testdata", "eventbridge.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	finding, _, _ := bytes.Cut(data, []byte("\n"))
	const id = `"id":"gd-ec2-btc",`
	if !bytes.Contains(finding, []byte(id)) {
		t.Fatalf("the corpus's first finding is not gd-ec2-btc: %.200s", finding)
	}
	for _, tc := range []struct{ name, replace string }{
		{"with its id", id},
		{"empty id", `"id":"",`},
		{"no id", ""},
	} {
		record := bytes.Replace(finding, []byte(id), []byte(tc.replace), 1)
		var fired []string
		err := ev.Batch(record, func(a *alert.Alert) { fired = append(fired, a.Rule) },
			func(err error) { t.Errorf("%s: %v", tc.name, err) })
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if want := "[GuardDuty EC2 instance mining traffic]"; fmt.Sprint(fired) != want {
			t.Errorf("%s: raised %v, want %s", tc.name, fired, want)
		}
	}
}
