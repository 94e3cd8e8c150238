package server

import (
	"context"
	"net/http"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"peregrine/internal/alert"
	"peregrine/internal/metrics"
)

// TestMetricsOverHTTP serves the real metrics on a real listener and
// parses a scrape with Prometheus' text parser.
func TestMetricsOverHTTP(t *testing.T) {
	m, err := metrics.New(func() metrics.Snapshot {
		return metrics.Snapshot{
			Version: "1.2.3",
			Kernel:  &metrics.KernelCounters{Seen: 100, Sent: 90, DroppedFull: 7, DroppedOther: 1, Filtered: 2},
			Rules:   []metrics.RuleMatches{{Name: "Terminal shell in container", Priority: alert.PriorityNotice, Tags: []string{"shell", "T1059"}, Matches: 3}},
			Outputs: []metrics.OutputCounters{{Name: "http", Dropped: 5}},
		}
	}, metrics.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Address: "127.0.0.1", Metrics: m.Handler()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())

	resp, err := http.Get("http://" + s.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	values := map[string]float64{
		"falcosecurity_scap_n_drops_total":                  8,
		"falcosecurity_scap_n_evts_total":                   98,
		"falcosecurity_falco_outputs_queue_num_drops_total": 5,
		"falcosecurity_falco_rules_matches_total":           3,
	}
	for name, want := range values {
		f := fams[name]
		if f == nil || len(f.GetMetric()) != 1 {
			t.Errorf("%s: %v", name, f)
			continue
		}
		if got := f.GetMetric()[0].GetCounter().GetValue(); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	labels := map[string]string{}
	for _, l := range fams["falcosecurity_falco_rules_matches_total"].GetMetric()[0].GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	if labels["rule_name"] != "Terminal shell in container" || labels["priority"] != "5" || labels["tag_shell"] != "true" || labels["tag_T1059"] != "true" {
		t.Errorf("rule labels %v", labels)
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("no go_goroutines")
	}
}
