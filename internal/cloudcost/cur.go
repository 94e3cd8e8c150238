package cloudcost

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// curField is a column Peregrine reads from a CUR file.
type curField int

const (
	curDate curField = iota
	curProduct
	curUsageType
	curCost
	curAccount
	curRegionCode
	curRegion
	curZone
	curResource
	curItemType
	numCURFields
)

// curColumns maps the lower-cased column names of both header styles to the
// field they hold. Legacy CUR names are category/Name; CUR 2.0 (and Athena's
// view of the legacy CUR) writes them in snake case.
var curColumns = map[string]curField{
	"lineitem/usagestartdate":     curDate,
	"line_item_usage_start_date":  curDate,
	"lineitem/productcode":        curProduct,
	"line_item_product_code":      curProduct,
	"lineitem/usagetype":          curUsageType,
	"line_item_usage_type":        curUsageType,
	"lineitem/unblendedcost":      curCost,
	"line_item_unblended_cost":    curCost,
	"lineitem/usageaccountid":     curAccount,
	"line_item_usage_account_id":  curAccount,
	"product/regioncode":          curRegionCode,
	"product_region_code":         curRegionCode,
	"product/region":              curRegion,
	"product_region":              curRegion,
	"lineitem/availabilityzone":   curZone,
	"line_item_availability_zone": curZone,
	"lineitem/resourceid":         curResource,
	"line_item_resource_id":       curResource,
	"lineitem/lineitemtype":       curItemType,
	"line_item_line_item_type":    curItemType,
}

// curRequired are the columns without which a row means nothing.
var curRequired = []curField{curDate, curProduct, curUsageType, curCost}

// curUsageItemTypes are the line item types that are usage. Others (Tax,
// Credit, Refund, Fee, RIFee, discounts, Savings Plans negations) are not
// consumption and are left out of the analysis.
var curUsageItemTypes = map[string]bool{
	"Usage": true, "DiscountedUsage": true, "SavingsPlanCoveredUsage": true,
}

// readCUR reads a CUR CSV file: a header row, then one line item per row.
func (r *Reader) readCUR(name string, in *bufio.Reader, st FileStats) (FileStats, []error) {
	cr := csv.NewReader(in)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		st.Skipped++
		return st, []error{&Error{File: name, Line: 1, Err: fmt.Errorf("header: %w", readErr(err))}}
	}
	var col [numCURFields]int
	for i := range col {
		col[i] = -1
	}
	st.Format = FormatCUR2
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if strings.Contains(h, "/") {
			st.Format = FormatCURLegacy
		}
		if f, ok := curColumns[h]; ok && col[f] < 0 {
			col[f] = i
		}
	}
	var missing []string
	for _, f := range curRequired {
		if col[f] < 0 {
			missing = append(missing, curFieldName(st.Format, f))
		}
	}
	if missing != nil {
		errs := []error{&Error{File: name, Line: 1, Err: fmt.Errorf("header: missing required columns %s", strings.Join(missing, ", "))}}
		for {
			if _, err := cr.Read(); err == io.EOF {
				break
			} else if err != nil && !isParseError(err) {
				break
			}
			st.Skipped++
		}
		return st, errs
	}
	var errs []error
	line := 1 // of the last row read
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				st.Skipped++
				errs = append(errs, &Error{File: name, Line: pe.StartLine, Err: pe.Err})
				line = pe.Line
				continue
			}
			// The stream broke (a cut gzip file): what was read stands.
			st.Skipped++
			errs = append(errs, &Error{File: name, Line: line + 1, Err: readErr(err)})
			break
		}
		line, _ = cr.FieldPos(0)
		rec, ok, err := curRecord(row, &col, st.Format)
		if err != nil {
			st.Skipped++
			errs = append(errs, &Error{File: name, Line: line, Err: err})
			continue
		}
		if !ok {
			st.Ignored++
			continue
		}
		st.Records++
		if r.Record != nil {
			r.Record(rec)
		}
	}
	return st, errs
}

// curRecord makes a record of a row. ok is false for rows that are not usage.
func curRecord(row []string, col *[numCURFields]int, style Format) (rec Record, ok bool, err error) {
	field := func(f curField) string {
		if c := col[f]; c >= 0 && c < len(row) {
			return strings.TrimSpace(row[c])
		}
		return ""
	}
	for _, f := range curRequired {
		if col[f] >= len(row) {
			return rec, false, fmt.Errorf("row has %d columns, %s is column %d", len(row), curFieldName(style, f), col[f]+1)
		}
	}
	if t := field(curItemType); t != "" && !curUsageItemTypes[t] {
		return rec, false, nil
	}
	day, err := ParseDay(field(curDate))
	if err != nil {
		return rec, false, fmt.Errorf("%s: %w", curFieldName(style, curDate), err)
	}
	cost, err := parseCost(field(curCost))
	if err != nil {
		return rec, false, fmt.Errorf("%s: %w", curFieldName(style, curCost), err)
	}
	rec = Record{
		Source:     SourceCUR,
		Day:        day,
		Account:    field(curAccount),
		Service:    field(curProduct),
		UsageType:  field(curUsageType),
		ResourceID: field(curResource),
		Cost:       cost,
	}
	rec.Region = field(curRegionCode)
	if rec.Region == "" {
		rec.Region = field(curRegion)
	}
	if rec.Region == "" {
		rec.Region = zoneRegion(field(curZone))
	}
	if rec.Region == "" {
		rec.Region = usageTypeRegion(rec.UsageType)
	}
	return rec, true, nil
}

// curFieldName is the column name of f in the header style of the file, for
// messages.
func curFieldName(style Format, f curField) string {
	legacy := [numCURFields]string{"lineItem/UsageStartDate", "lineItem/ProductCode", "lineItem/UsageType",
		"lineItem/UnblendedCost", "lineItem/UsageAccountId", "product/regionCode", "product/region",
		"lineItem/AvailabilityZone", "lineItem/ResourceId", "lineItem/LineItemType"}
	snake := [numCURFields]string{"line_item_usage_start_date", "line_item_product_code", "line_item_usage_type",
		"line_item_unblended_cost", "line_item_usage_account_id", "product_region_code", "product_region",
		"line_item_availability_zone", "line_item_resource_id", "line_item_line_item_type"}
	if style == FormatCURLegacy {
		return legacy[f]
	}
	return snake[f]
}

// isParseError reports whether err is a CSV syntax error (after which the
// reader goes on with the next line).
func isParseError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}
