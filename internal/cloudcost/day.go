package cloudcost

import (
	"fmt"
	"time"
)

// Day is a calendar day in UTC, counted from 1970-01-01.
type Day int32

// DayOf returns the day t falls on in UTC.
func DayOf(t time.Time) Day {
	return Day(t.UTC().Unix() / 86400)
}

// Time returns midnight UTC of d.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats d as YYYY-MM-DD.
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// ParseDay reads the day of a billing time stamp: YYYY-MM-DD, optionally
// followed by a time of day after 'T' or a space (2026-03-01T00:00:00Z,
// 2026-03-01 00:00:00.000). The time of day is not checked beyond its
// separator: billing rows are summed per day.
func ParseDay(s string) (Day, error) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' || (len(s) > 10 && s[10] != 'T' && s[10] != ' ') {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD[THH:MM:SSZ]", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD[THH:MM:SSZ]", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return 0, fmt.Errorf("date %q: no such day", s)
	}
	return DayOf(t), nil
}

// digits parses a run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
