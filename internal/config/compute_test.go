package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The compute section: values, defaults and errors at their
// file:line:column.
func TestComputeSection(t *testing.T) {
	def := Compute{Enabled: true, Interval: 5 * time.Second, ThresholdPercent: 80, Window: time.Minute, Realert: 10 * time.Minute}
	for _, tc := range []struct {
		name     string
		yaml     string
		want     *Compute
		wantErrs []string
	}{
		{name: "defaults", yaml: "priority: debug\n", want: &def},
		{name: "values",
			yaml: "compute:\n  enabled: false\n  interval: 1s\n  threshold_percent: 150\n  window: 2m\n  realert: 1h\n",
			want: &Compute{Interval: time.Second, ThresholdPercent: 150, Window: 2 * time.Minute, Realert: time.Hour}},
		{name: "window shorter than interval",
			yaml:     "compute:\n  interval: 10s\n  window: 5s\n",
			wantErrs: []string{`peregrine.yaml:3:11: compute: window 5s is shorter than interval 10s: it would never hold two samples`}},
		{name: "threshold out of range",
			yaml:     "compute:\n  threshold_percent: 0\n",
			wantErrs: []string{`peregrine.yaml:2:22: compute.threshold_percent: 0 is out of range (1 to 409600)`}},
		{name: "bad interval",
			yaml:     "compute:\n  interval: often\n",
			wantErrs: []string{`peregrine.yaml:2:13: compute.interval: want a duration such as 500ms, 30s, 15m or 1h30m, got "often"`}},
		{name: "not a boolean",
			yaml:     "compute:\n  enabled: maybe\n",
			wantErrs: []string{`peregrine.yaml:2:12: compute.enabled: want true or false, got "maybe"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := loadYAML(t, tc.yaml)
			if diff := cmp.Diff(tc.wantErrs, r.errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if tc.want != nil && r.cfg != nil {
				if diff := cmp.Diff(*tc.want, r.cfg.Compute); diff != "" {
					t.Errorf("compute (-want +got):\n%s", diff)
				}
			}
		})
	}
}
