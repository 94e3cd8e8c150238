package k8saudit_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/k8saudit"
)

func TestRecords(t *testing.T) {
	ev := func(id, ts string) string {
		return `{"kind":"Event","auditID":"` + id + `","stageTimestamp":"` + ts + `"}`
	}
	for _, tc := range []struct {
		name    string
		body    string
		want    []string // auditID@unix nanoseconds
		bad     []string
		wantErr error
	}{
		{name: "event", body: ev("a", "2026-11-20T10:00:01.5Z"), want: []string{"a@1795168801500000000"}},
		{name: "event list", body: `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + ev("a", "2026-11-20T10:00:01Z") + `,` + ev("b", "2026-11-20T12:00:01+02:00") + `]}`,
			want: []string{"a@1795168801000000000", "b@1795168801000000000"}},
		{name: "array", body: `[` + ev("a", "2026-11-20T10:00:01Z") + `,{"kind":"EventList","items":[` + ev("b", "2026-11-20T10:00:02Z") + `]}]`,
			want: []string{"a@1795168801000000000", "b@1795168802000000000"}},
		{name: "bad items", body: `{"kind":"EventList","items":[1,` + ev("a", "yesterday") + `,{"kind":"Event","auditID":"c"},` + ev("d", "2026-11-20T10:00:01Z") + `]}`,
			want: []string{"d@1795168801000000000"},
			bad: []string{"item 0: event is not a JSON object", `item 1: event a: stageTimestamp: parsing time "yesterday" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "yesterday" as "2006"`,
				"item 2: event c has no stageTimestamp"}},
		{name: "array with bad elements", body: `[` + ev("a", "2026-11-20T10:00:01Z") + `,5,{"kind":"Pod"},[` + ev("x", "2026-11-20T10:00:01Z") + `],` + ev("b", "2026-11-20T10:00:02Z") + `]`,
			want: []string{"a@1795168801000000000", "b@1795168802000000000"},
			bad: []string{"element 1: " + k8saudit.ErrNotAudit.Error(), "element 2: " + k8saudit.ErrNotAudit.Error() + `: kind "Pod"`,
				"element 3: " + k8saudit.ErrNotAudit.Error()}},
		{name: "empty list", body: `{"kind":"EventList","items":[]}`},
		{name: "other kind", body: `{"kind":"Pod"}`, wantErr: k8saudit.ErrNotAudit},
		{name: "no kind", body: `{"auditID":"x"}`, wantErr: k8saudit.ErrNotAudit},
		{name: "scalar", body: `42`, wantErr: k8saudit.ErrNotAudit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got, bad []string
			err := k8saudit.Records([]byte(tc.body), func(doc []byte, ts time.Time) {
				got = append(got, gjson.GetBytes(doc, "auditID").Str+"@"+strconv.FormatInt(ts.UnixNano(), 10))
			}, func(err error) { bad = append(bad, err.Error()) })
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.bad, bad); diff != "" {
				t.Errorf("bad (-want +got):\n%s", diff)
			}
		})
	}
}
