package config

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// promDuration is Prometheus's duration syntax: whole numbers with units,
// largest first, each unit at most once.
var promDuration = regexp.MustCompile(`^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$`)

// promUnits are the lengths of promDuration's units, in its order (a year
// is 365 days, a week 7, a day 24 hours, as in Prometheus).
var promUnits = [...]time.Duration{
	365 * 24 * time.Hour, 7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second, time.Millisecond,
}

// parseDuration reads a duration in Prometheus's form (what Falco's
// metrics.interval takes: 1h30m, 500ms, 2d) or Go's (1.5s, 100us).
func parseDuration(s string) (time.Duration, error) {
	if m := promDuration.FindStringSubmatch(s); m != nil && s != "" {
		var total time.Duration
		for i, part := range m[1:] {
			if part == "" {
				continue
			}
			n, err := strconv.ParseInt(part, 10, 64)
			if err != nil || n > int64(time.Duration(1<<63-1)/promUnits[i]) {
				return 0, fmt.Errorf("duration %q is too long", s)
			}
			total += time.Duration(n) * promUnits[i]
			if total < 0 {
				return 0, fmt.Errorf("duration %q is too long", s)
			}
		}
		return total, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	return 0, fmt.Errorf("want a duration such as 500ms, 30s, 15m or 1h30m, got %q", s)
}
