package cloudtrail_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/cloudtrail"
)

// TestRecords splits batches of each shape, good and bad: what is
// evaluated (event ids with their times), what goes to bad, and whether
// the batch as a whole is refused.
func TestRecords(t *testing.T) {
	const (
		r1 = `{"eventID":"e1","eventTime":"2026-11-20T10:00:01Z","eventName":"RunInstances"}`
		r2 = `{"eventID":"e2","eventTime":"2026-11-20T10:00:02.5Z","eventName":"StopLogging"}`
	)
	tests := []struct {
		name    string
		body    string
		want    []string // eventID@unix-millis of each record evaluated
		bad     []string // substrings of each bad record's error
		refused bool
	}{
		{name: "log file", body: `{"Records":[` + r1 + `,` + r2 + `]}`, want: []string{"e1@1795168801000", "e2@1795168802500"}},
		{name: "empty log file", body: `{"Records":[]}`},
		{name: "single record", body: r1, want: []string{"e1@1795168801000"}},
		{name: "array of records", body: `[` + r2 + `,` + r1 + `]`, want: []string{"e2@1795168802500", "e1@1795168801000"}},
		{name: "no eventTime", body: `{"Records":[` + r1 + `,{"eventID":"e3","eventName":"X"},` + r2 + `]}`,
			want: []string{"e1@1795168801000", "e2@1795168802500"}, bad: []string{"record 1: record e3 has no eventTime"}},
		{name: "single record without eventTime", body: `{"eventID":"e4","eventName":"X"}`, bad: []string{"record e4 has no eventTime"}},
		{name: "eventTime not a time", body: `{"Records":[{"eventID":"e5","eventTime":"yesterday"}]}`, bad: []string{"record 0: record e5: eventTime: parsing time"}},
		{name: "eventTime a number", body: `{"Records":[{"eventTime":1795168801}]}`, bad: []string{"record 0: record without eventID has no eventTime"}},
		{name: "record not an object", body: `{"Records":[` + r1 + `,"text",7]}`, want: []string{"e1@1795168801000"},
			bad: []string{"record 1: record is not a JSON object", "record 2: record is not a JSON object"}},
		{name: "mistyped members still evaluated", body: `{"eventTime":"2026-11-20T10:00:01Z","eventID":"e6","requestParameters":"not json","userIdentity":[]}`,
			want: []string{"e6@1795168801000"}},
		{name: "Records not an array", body: `{"Records":{"a":1}}`, refused: true},
		{name: "other JSON object", body: `{"kind":"EventList","items":[]}`, refused: true},
		{name: "digest file", body: `{"awsAccountId":"1","digestStartTime":"2026-11-20T10:00:00Z","logFiles":[]}`, refused: true},
		{name: "not an object", body: `"text"`, refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, bad []string
			err := cloudtrail.Records([]byte(tt.body), func(doc []byte, ts time.Time) {
				got = append(got, gjson.GetBytes(doc, "eventID").Str+"@"+strconv.FormatInt(ts.UnixMilli(), 10))
				if !gjson.ValidBytes(doc) || !strings.Contains(tt.body, string(doc)) {
					t.Errorf("document %q is not a record of the batch", doc)
				}
			}, func(err error) { bad = append(bad, err.Error()) })
			if (err != nil) != tt.refused {
				t.Fatalf("error %v, refused %v", err, tt.refused)
			}
			if err != nil && !errors.Is(err, cloudtrail.ErrNotCloudTrail) {
				t.Errorf("error %v is not ErrNotCloudTrail", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if len(bad) != len(tt.bad) {
				t.Fatalf("bad %q, want %d like %q", bad, len(tt.bad), tt.bad)
			}
			for i := range bad {
				if !strings.Contains(bad[i], tt.bad[i]) {
					t.Errorf("bad[%d] = %q, want it to contain %q", i, bad[i], tt.bad[i])
				}
			}
		})
	}
}
