package cloudcost

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds arbitrary files to the reader and the analysis: whatever
// the bytes, they are read or reported, never a panic, and every record
// handed on has a day and a finite cost.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"cur2-attack.csv", "anomalies.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data[:min(len(data), 4096)])
	}
	f.Add([]byte(legacyHeader + goodRows))
	f.Add(gz([]byte(legacyHeader + goodRows)))
	f.Add([]byte(`{"GroupDefinitions":[{"Type":"DIMENSION","Key":"REGION"}],"ResultsByTime":[{"TimePeriod":{"Start":"2026-03-01","End":"2026-03-02"},"Groups":[{"Keys":["us-east-1"],"Metrics":{"UnblendedCost":{"Amount":"1"}}}]}]}`))
	f.Add([]byte(`[{"ResultsByTime":[{"TimePeriod":{"Start":"2026-03-01"},"Total":{"BlendedCost":{"Amount":"2"}}}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l := NewLedger()
		r := &Reader{
			Record: func(rec Record) {
				if rec.Day == 0 || rec.Cost != rec.Cost {
					t.Fatalf("bad record %+v", rec)
				}
				l.Add(rec)
			},
			Anomaly: l.AddAnomaly,
		}
		st, errs := r.Read("fuzz", bytes.NewReader(data))
		if st.Skipped > 0 && len(errs) == 0 {
			t.Fatalf("%d skipped without an error", st.Skipped)
		}
		l.Analyze(Options{MinHistory: 1})
		l.Totals(0, 0)
	})
}
