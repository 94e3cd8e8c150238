package output

import (
	"encoding/json"
	"testing"
	"time"

	"peregrine/internal/alert"
)

func TestFormat(t *testing.T) {
	a := &alert.Alert{
		Time:     time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		Rule:     "R",
		Priority: alert.PriorityWarning,
		Source:   "syscall",
		Hostname: "h",
		Output:   "03:04:05.000000006: Warning m (proc.name=cat)",
		Message:  "m (proc.name=cat)",
		Tags:     []string{"t"},
		Fields:   []alert.Field{{Name: "proc.name", JSON: `"cat"`}},
	}
	withStatic := &alert.Alert{}
	*withStatic = *a
	withStatic.Fields = append([]alert.Field{{Name: "static.env", JSON: `"engine"`}}, a.Fields...)
	static := map[string]string{"env": "prod", "cluster": `eu "1"`}
	const jsonTail = `"priority":"Warning","rule":"R","source":"syscall","tags":["t"],"time":"2026-01-02T03:04:05.000000006Z"}`
	tests := []struct {
		name string
		f    Format
		a    *alert.Alert
		want string
	}{
		{"text", Format{}, a, a.Output},
		{"text static", Format{StaticFields: static}, a, a.Output + ` static.cluster=eu "1" static.env=prod`},
		{"text static given", Format{StaticFields: static}, withStatic, a.Output + ` static.cluster=eu "1"`},
		{"json", Format{JSON: true, JSONOptions: alert.DefaultJSON()}, a,
			`{"hostname":"h","output":"` + a.Output + `","output_fields":{"proc.name":"cat"},` + jsonTail},
		{"json static", Format{JSON: true, JSONOptions: alert.DefaultJSON(), StaticFields: static}, a,
			`{"hostname":"h","output":"` + a.Output + `","output_fields":{"proc.name":"cat","static.cluster":"eu \"1\"","static.env":"prod"},` + jsonTail},
		{"json static given", Format{JSON: true, JSONOptions: alert.DefaultJSON(), StaticFields: static}, withStatic,
			`{"hostname":"h","output":"` + a.Output + `","output_fields":{"static.env":"engine","proc.name":"cat","static.cluster":"eu \"1\""},` + jsonTail},
		{"json no fields", Format{JSON: true, JSONOptions: alert.JSONOptions{Tags: true}, StaticFields: static}, a,
			`{"hostname":"h",` + jsonTail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fm := newFormatter(tc.f)
			for range 2 { // the scratch slice is reused
				got := string(fm.appendLine(nil, tc.a))
				if got != tc.want {
					t.Errorf("got  %s\nwant %s", got, tc.want)
				}
				if tc.f.JSON && !json.Valid([]byte(got)) {
					t.Errorf("invalid JSON %s", got)
				}
			}
			if len(tc.a.Fields) != len(a.Fields) && tc.a != withStatic {
				t.Error("the alert's fields changed")
			}
		})
	}
}
