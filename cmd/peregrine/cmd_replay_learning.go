package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"peregrine/internal/cloudtrail"
	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// defaultLearningPeriod is the text of --learning-period's default.
const defaultLearningPeriod = "7d"

// parseLearningPeriod reads --learning-period: a whole number of days
// ("7d") or a Go duration ("36h", "90m"). It must be positive: the
// learner takes zero for its default, and a period of zero would judge
// nothing new, which is what disabling the two learned rules does more
// plainly.
func parseLearningPeriod(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > 100*365 {
			return 0, fmt.Errorf("--learning-period %q: want days (7d) or a duration (36h)", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("--learning-period %q: want days (7d) or a duration (36h)", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("--learning-period %q: want a positive period (disable the learned rules to judge nothing new)", s)
	}
	return d, nil
}

// learningDef returns, for replay of a source that learns (aws_cloudtrail),
// its Def with a learner of --learning-period, and the learner; for any
// other source def and nil.
func learningDef(def *docsrc.Def, o replayOptions) (*docsrc.Def, *cloudtrail.Learner, error) {
	if o.source != field.SourceCloudTrail {
		return def, nil, nil
	}
	d, err := parseLearningPeriod(o.learningPeriod)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("replay: %w", err)}
	}
	l := cloudtrail.NewLearner(d, 0)
	return cloudtrail.NewDef(l), l, nil
}

// checkLearningFlag: --learning-period is for --source aws_cloudtrail
// only, the one source that learns.
func checkLearningFlag(o replayOptions, given bool) error {
	if given && o.source != field.SourceCloudTrail {
		return usageError{fmt.Errorf("replay: --learning-period applies to --source %s only", field.SourceCloudTrail)}
	}
	return nil
}

// writeLearnerSummary says how full the learned state got.
func writeLearnerSummary(w io.Writer, l *cloudtrail.Learner, period string) {
	if l == nil {
		return
	}
	s := l.Stats()
	fmt.Fprintf(w, "peregrine: learned (period %s): %d entries, %d refused (state full)\n", period, s.Entries, s.Dropped)
}
