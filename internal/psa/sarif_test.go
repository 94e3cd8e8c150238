package psa

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/api"
)

// TestSARIFStructure checks the SARIF 2.1.0 log against the rules of the
// specification that consumers (GitHub code scanning) rely on: version and
// schema, one run with a named driver, unique rule ids, results whose
// ruleId and ruleIndex agree, valid levels, a message, and physical
// locations with a URI and a start line of at least 1.
func TestSARIFStructure(t *testing.T) {
	e := newTestEvaluator(t)
	var in Input
	for _, tc := range goldenCases {
		got, err := Load([]string{"testdata/manifests/" + tc.name}, nil)
		if err != nil {
			t.Fatal(err)
		}
		in.Add(got.Objects, got.Skipped, got.Errors)
	}
	r := e.Audit(in, Options{Require: api.LevelRestricted, Patterns: []string{"prod-*"}})
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, r, "1.2.3"); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if log["version"] != "2.1.0" || !strings.Contains(log["$schema"].(string), "sarif-2.1.0") {
		t.Errorf("version %v, $schema %v", log["version"], log["$schema"])
	}
	runs := log["runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("%d runs, want 1", len(runs))
	}
	run := runs[0].(map[string]any)
	driver := run["tool"].(map[string]any)["driver"].(map[string]any)
	if driver["name"] == "" || driver["version"] != "1.2.3" {
		t.Errorf("driver %v", driver)
	}
	var ruleIDs []string
	seen := map[string]bool{}
	for _, rl := range driver["rules"].([]any) {
		id := rl.(map[string]any)["id"].(string)
		if seen[id] {
			t.Errorf("rule %s twice", id)
		}
		seen[id] = true
		ruleIDs = append(ruleIDs, id)
		if rl.(map[string]any)["shortDescription"].(map[string]any)["text"] == "" {
			t.Errorf("rule %s: no description", id)
		}
	}
	if len(ruleIDs) != 19+4 {
		t.Errorf("%d rules, want the 19 checks and 4 namespace rules", len(ruleIDs))
	}
	results := run["results"].([]any)
	want := r.Count(SeverityLow)
	if len(results) != want {
		t.Errorf("%d results, want %d (every finding and violation)", len(results), want)
	}
	levels := map[string]int{}
	for i, res := range results {
		m := res.(map[string]any)
		idx := int(m["ruleIndex"].(float64))
		if idx < 0 || idx >= len(ruleIDs) || ruleIDs[idx] != m["ruleId"] {
			t.Errorf("result %d: ruleId %v, ruleIndex %d", i, m["ruleId"], idx)
		}
		level := m["level"].(string)
		levels[level]++
		if level != "error" && level != "warning" && level != "note" {
			t.Errorf("result %d: level %q", i, level)
		}
		if m["message"].(map[string]any)["text"] == "" {
			t.Errorf("result %d: no message", i)
		}
		locs := m["locations"].([]any)
		if len(locs) != 1 {
			t.Fatalf("result %d: %d locations", i, len(locs))
		}
		phys := locs[0].(map[string]any)["physicalLocation"].(map[string]any)
		uri := phys["artifactLocation"].(map[string]any)["uri"].(string)
		line := phys["region"].(map[string]any)["startLine"].(float64)
		if !strings.HasPrefix(uri, "testdata/manifests/") || line < 1 {
			t.Errorf("result %d: uri %q line %v", i, uri, line)
		}
	}
	if levels["error"] == 0 || levels["warning"] == 0 || levels["note"] == 0 {
		t.Errorf("levels %v: want all three", levels)
	}
	inv := run["invocations"].([]any)[0].(map[string]any)
	notes := inv["toolExecutionNotifications"].([]any)
	if inv["executionSuccessful"] != false || len(notes) != len(r.Errors) || len(notes) == 0 {
		t.Errorf("invocation %v: want failed with %d notifications", inv, len(r.Errors))
	}
}
