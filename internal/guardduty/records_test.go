package guardduty_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/guardduty"
	"peregrine/internal/rules"
)

// A minimal finding in each spelling, for the tables below.
const (
	camelOK  = `{"id":"ok1","type":"CryptoCurrency:EC2/BitcoinTool.B","severity":8,"updatedAt":"2026-03-02T10:00:00.000Z","accountId":"123456789012"}`
	pascalOK = `{"Id":"ok2","Type":"Impact:Runtime/CryptoMinerExecuted","Severity":8.5,"CreatedAt":"2026-03-02T10:00:01Z","AccountId":"123456789012"}`
)

// TestRecords checks the shapes a batch may take and the findings and
// errors each gives: the good findings of a batch are given even when
// others in it are bad, each bad one named by its place and id.
func TestRecords(t *testing.T) {
	bridge := func(detail string) string {
		return `{"version":"0","id":"ev1","detail-type":"GuardDuty Finding","source":"aws.guardduty","detail":` + detail + `}`
	}
	cases := []struct {
		name   string
		batch  string
		ids    []string // ids of the findings given, in order
		bad    []string // the errors given to bad, as text
		errMsg string   // the error of the whole batch, "" for none
	}{
		{name: "single camelCase finding", batch: camelOK, ids: []string{"ok1"}},
		{name: "single PascalCase finding", batch: pascalOK, ids: []string{"ok2"}},
		{name: "GetFindings of the CLI", batch: `{"Findings":[` + pascalOK + `,` + camelOK + `]}`, ids: []string{"ok2", "ok1"}},
		{name: "GetFindings of the wire protocol", batch: `{"findings":[` + camelOK + `]}`, ids: []string{"ok1"}},
		{name: "empty GetFindings", batch: `{"Findings":[]}`},
		{name: "EventBridge event", batch: bridge(camelOK), ids: []string{"ok1"}},
		{name: "array of events and results", batch: `[` + bridge(camelOK) + `,{"Findings":[` + pascalOK + `]}]`, ids: []string{"ok1", "ok2"}},
		{
			name:  "finding without type",
			batch: `{"Findings":[{"Id":"nt","Severity":5,"UpdatedAt":"2026-03-02T10:00:00Z"},` + pascalOK + `]}`,
			ids:   []string{"ok2"},
			bad:   []string{"finding 0: finding nt has no type"},
		},
		{
			name:  "severity as a string",
			batch: `{"Findings":[{"Id":"ss","Type":"Recon:EC2/PortProbeUnprotectedPort","Severity":"8","UpdatedAt":"2026-03-02T10:00:00Z"},` + camelOK + `]}`,
			ids:   []string{"ok1"},
			bad:   []string{`finding 0: finding ss (Recon:EC2/PortProbeUnprotectedPort): severity is a string "8", not a number`},
		},
		{
			name:  "no severity",
			batch: `{"id":"ns","type":"Recon:EC2/Portscan","updatedAt":"2026-03-02T10:00:00Z"}`,
			bad:   []string{"finding ns (Recon:EC2/Portscan) has no severity"},
		},
		{
			name:  "no time",
			batch: bridge(`{"id":"nt2","type":"Recon:EC2/Portscan","severity":2}`),
			bad:   []string{"event detail: finding nt2 (Recon:EC2/Portscan) has neither updatedAt nor createdAt"},
		},
		{
			name:  "time that does not parse",
			batch: `{"id":"bt","type":"Recon:EC2/Portscan","severity":2,"updatedAt":"yesterday"}`,
			bad:   []string{`finding bt (Recon:EC2/Portscan): updatedAt: parsing time "yesterday" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "yesterday" as "2006"`},
		},
		{
			name:  "type not a string, no id",
			batch: `{"type":7,"severity":2,"updatedAt":"2026-03-02T10:00:00Z"}`,
			bad:   []string{"finding without id has no type"},
		},
		{
			name:  "finding that is not an object",
			batch: `{"Findings":["gd-1",` + camelOK + `]}`,
			ids:   []string{"ok1"},
			bad:   []string{"finding 0: finding is a string, not a JSON object"},
		},
		{
			name:  "EventBridge event without detail",
			batch: `{"detail-type":"GuardDuty Finding","source":"aws.guardduty"}`,
			bad:   []string{"event detail: finding is missing, not a JSON object"},
		},
		{
			name:  "bad element of an array",
			batch: `[` + camelOK + `,42,{"kind":"Event"}]`,
			ids:   []string{"ok1"},
			bad:   []string{"element 1: " + guardduty.ErrNotFinding.Error(), "element 2: " + guardduty.ErrNotFinding.Error()},
		},
		{name: "EventBridge event of another kind", batch: `{"detail-type":"EC2 Instance State-change Notification","detail":{}}`, errMsg: `EventBridge event of detail-type "EC2 Instance State-change Notification"`},
		{name: "Findings not an array", batch: `{"Findings":{"Id":"x"}}`, errMsg: "Findings is an object, not an array"},
		{name: "a Kubernetes audit event", batch: `{"kind":"Event","auditID":"a"}`, errMsg: guardduty.ErrNotFinding.Error()},
		{name: "not an object", batch: `"text"`, errMsg: guardduty.ErrNotFinding.Error()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ids, bad []string
			err := guardduty.Records([]byte(tc.batch), func(doc []byte, ts time.Time) {
				if ts.IsZero() {
					t.Error("zero time")
				}
				if !strings.Contains(tc.batch, string(doc)) {
					t.Errorf("document %s is not part of the batch", doc)
				}
				ids = append(ids, gjson.GetBytes(doc, "id").Str+gjson.GetBytes(doc, "Id").Str)
			}, func(err error) { bad = append(bad, err.Error()) })
			if diff := cmp.Diff(tc.ids, ids); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.bad, bad); diff != "" {
				t.Errorf("bad (-want +got):\n%s", diff)
			}
			switch {
			case tc.errMsg == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.errMsg != "" && (err == nil || !strings.Contains(err.Error(), tc.errMsg) || !errors.Is(err, guardduty.ErrNotFinding)):
				t.Errorf("error %v, want one saying %q", err, tc.errMsg)
			}
		})
	}
}

// TestReadFileBadRecords replays a log with bad lines and bad findings
// among good ones: each bad one is reported with its file, line and
// place, every good one is evaluated.
func TestReadFileBadRecords(t *testing.T) {
	log := strings.Join([]string{
		camelOK,
		`{"Findings":[{"Id":"ss","Type":"CryptoCurrency:EC2/BitcoinTool.B","Severity":"High","UpdatedAt":"2026-03-02T10:00:00Z"},` + pascalOK + `]}`,
		`{"id":"cut","type":"CryptoCurrency:EC2/Bitc`,
		``,
		`{"detail-type":"GuardDuty Finding","detail":{"id":"nt","severity":8,"updatedAt":"2026-03-02T10:00:00Z"}}`,
		`{"some":"thing"}`,
		camelOK,
	}, "\n")
	ev := ourEvaluator(t, rules.MatchFirst)
	var bad []string
	err := ev.ReadFile(bytes.NewReader([]byte(log)), "findings.jsonl", nil, func(err error) { bad = append(bad, err.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`findings.jsonl:2: finding 0: finding ss (CryptoCurrency:EC2/BitcoinTool.B): severity is a string "High", not a number`,
		`findings.jsonl:3: not a JSON document: "{\"id\":\"cut\",\"type\":\"CryptoCurrency:EC2/Bitc"`,
		`findings.jsonl:5: event detail: finding nt has no type`,
		`findings.jsonl:6: ` + guardduty.ErrNotFinding.Error(),
	}
	if diff := cmp.Diff(want, bad); diff != "" {
		t.Errorf("bad records (-want +got):\n%s", diff)
	}
	c := ev.Counters()
	if c.Docs != 3 || c.Alerts != 3 {
		t.Errorf("%d findings evaluated, %d alerts; want 3 and 3", c.Docs, c.Alerts)
	}
}

// bytesReader returns a reader of b.
func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
