package incident

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScore(t *testing.T) {
	sig := func(c Category, mining bool, prio string) *Signal {
		return &Signal{Category: c, Mining: mining, Priority: prio}
	}
	for _, tc := range []struct {
		name  string
		sigs  []*Signal
		score int
		level string
		why   []string
	}{
		{"miner alone", []*Signal{sig(CategoryRuntime, true, "Critical")}, 55, "medium",
			[]string{"+30 a signal says cryptomining", "+15 runtime evidence", "+10 highest priority Critical"}},
		{"miner and its pool", []*Signal{sig(CategoryRuntime, true, "Critical"), sig(CategoryNetwork, true, "Warning")}, 70, "high", nil},
		{"every category and context, capped", []*Signal{sig(CategoryCost, false, "Critical"), sig(CategoryCompute, true, "Warning"),
			sig(CategoryNetwork, true, "Error"), sig(CategoryRuntime, true, "Emergency"), sig(CategoryControlPlane, false, "Notice")}, 100, "high", nil},
		{"no mining signal: a shell", []*Signal{sig(CategoryRuntime, false, "Notice")}, 15, "low", []string{"+15 runtime evidence"}},
		{"cost and compute, no mining signal", []*Signal{sig(CategoryCost, false, "Error"), sig(CategoryCompute, false, "Warning")}, 37, "low", nil},
		{"control plane alone counts as context only", []*Signal{sig(CategoryControlPlane, true, "Warning")}, 39, "low",
			[]string{"+30 a signal says cryptomining", "+4 highest priority Warning", "+5 control-plane context"}},
		{"error priority, two categories", []*Signal{sig(CategoryNetwork, true, "Error"), sig(CategoryCompute, false, "")}, 67, "medium", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, level, why := score(tc.sigs)
			if got != tc.score || level != tc.level {
				t.Errorf("score %d (%s), want %d (%s); %v", got, level, tc.score, tc.level, why)
			}
			if tc.why != nil {
				if d := cmp.Diff(tc.why, why); d != "" {
					t.Errorf("reasons (-want +got):\n%s", d)
				}
			}
		})
	}
}
