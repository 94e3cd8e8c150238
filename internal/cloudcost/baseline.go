package cloudcost

import (
	"math"
	"slices"
)

// madScale turns a median absolute deviation into an estimate of the
// standard deviation of normally distributed data.
const madScale = 1.4826

// baseline is the robust summary of the days before the one judged.
type baseline struct {
	days   int     // days of history (days the source covers within the window)
	median float64 // median daily spend
	mad    float64 // median absolute deviation from the median
	zero   bool    // no spend on any of those days
}

// newBaseline summarises vals, reordering them.
func newBaseline(vals []float64) baseline {
	b := baseline{days: len(vals), zero: true}
	if len(vals) == 0 {
		return b
	}
	for _, v := range vals {
		if v != 0 {
			b.zero = false
		}
	}
	b.median = median(vals)
	for i, v := range vals {
		vals[i] = math.Abs(v - b.median)
	}
	b.mad = median(vals)
	return b
}

// score is how far actual is above the baseline, in robust standard
// deviations. The spread is at least a tenth of the median (a flat baseline
// is not infinitely sure) and at least minIncrease/threshold, so that from a
// zero baseline the score reaches the threshold when the increase reaches
// the minimum increase.
func (b baseline) score(actual, minIncrease, threshold float64) float64 {
	spread := max(madScale*b.mad, 0.1*b.median, 0.01)
	if threshold > 0 {
		spread = max(spread, minIncrease/threshold)
	}
	return (actual - b.median) / spread
}

// median returns the median of vals, reordering them.
func median(vals []float64) float64 {
	slices.Sort(vals)
	n := len(vals)
	if n%2 == 1 {
		return vals[n/2]
	}
	return (vals[n/2-1] + vals[n/2]) / 2
}
