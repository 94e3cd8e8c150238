package cloudcost

import (
	"fmt"
	"strconv"
)

// Source names the kind of billing data a record or finding comes from.
// Spend of different sources is never added together: a CUR file and a Cost
// Explorer export of the same month describe the same money.
type Source string

// The sources.
const (
	SourceCUR       Source = "cur"
	SourceExplorer  Source = "cost_explorer"
	SourceAnomalies Source = "anomaly_detection"
)

// Record is one amount of spend on one day. Keys a source does not have are
// empty (a Cost Explorer export grouped by SERVICE has no account, usage
// type or region).
type Record struct {
	Source     Source
	Day        Day
	Account    string
	Service    string
	UsageType  string
	Region     string
	ResourceID string
	Cost       float64
}

// Error is a record that could not be read, with where it is: a line of a
// CSV file or a JSON path in a JSON file. The records around it are still
// read.
type Error struct {
	File string
	Line int    // CSV line (1-based), or 0
	Path string // JSON path such as $.ResultsByTime[3].Groups[0], or ""
	Err  error
}

// Error formats the location first: file:line: msg or file: $.path: msg.
func (e *Error) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	case e.Path != "":
		return fmt.Sprintf("%s: %s: %v", e.File, e.Path, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// parseCost reads an amount of money; NaN and infinities are not money.
func parseCost(s string) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("cost is empty")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || v > 1e15 || v < -1e15 {
		return 0, fmt.Errorf("cost %q is not a number", s)
	}
	return v, nil
}
