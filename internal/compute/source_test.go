package compute

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
)

// A recorded high container event and a host process event, as the
// sampler writes them.
const (
	recContainer = `{"time":"2026-11-26T06:01:00Z","compute":{"kind":"container","state":"high","cpu":{"pct":99.6,"cores_pct":49.8,"min_pct":98.0},"cpus":2,"threshold":80.0,"window":60,"duration":60,"interval":5000,"since":"2026-11-26T06:00:00Z","cgroup":"/docker/` + idA + `","container":{"id":"3f4e1a9c0b2d","full_id":"` + idA + `","name":"web","image":"nginx:1.25"},"proc":{"pid":4242,"name":"kworkerds","exepath":"/tmp/.x/kworkerds","cmdline":"kworkerds -o pool:3333","cpu":{"pct":99.1}},"host":"node-1"}}`
	recProcess   = `{"time":"2026-11-26T06:02:00Z","compute":{"kind":"process","state":"high","cpu":{"pct":180.2,"cores_pct":90.1,"min_pct":170.0},"cpus":2,"threshold":80.0,"window":60,"duration":600,"interval":5000,"since":"2026-11-26T05:52:00Z","container":{"id":"host"},"proc":{"pid":77,"name":"xmr","exepath":"/usr/local/bin/xmr","cmdline":"xmr --threads 2"},"host":"node-1"}}`
	recInProc    = `{"time":"2026-11-26T06:02:00Z","compute":{"kind":"process","state":"high","cpu":{"pct":99},"container":{"id":"3f4e1a9c0b2d"},"proc":{"pid":4242,"name":"kworkerds"}}}`
	recNormal    = `{"time":"2026-11-26T06:03:00Z","compute":{"kind":"container","state":"normal","cpu":{"pct":99},"container":{"id":"3f4e1a9c0b2d"}}}`
)

// TestCorpus runs recorded events through the embedded rules: the high
// container and host process events alert with the keys incidents need in
// their output fields; a process in a container and a normal event do not.
func TestCorpus(t *testing.T) {
	ev := computeEvaluator(t)
	log := strings.Join([]string{recContainer, recProcess, recInProc, recNormal}, "\n")
	var got []*alert.Alert
	var bad []error
	if err := ev.ReadFile(strings.NewReader(log), "rec.jsonl", func(a *alert.Alert) { got = append(got, a) },
		func(err error) { bad = append(bad, err) }); err != nil {
		t.Fatal(err)
	}
	if len(bad) != 0 {
		t.Fatalf("bad records: %v", bad)
	}
	var rules []string
	fields := map[string]string{}
	for _, a := range got {
		rules = append(rules, a.Rule+" "+a.Priority.String())
		if a.Source != "compute" {
			t.Errorf("alert source %q", a.Source)
		}
		for _, f := range a.Fields {
			fields[a.Rule+" "+f.Name] = f.JSON
		}
	}
	want := []string{"Sustained high CPU in container Warning", "Sustained high CPU process Notice"}
	if diff := cmp.Diff(want, rules); diff != "" {
		t.Fatalf("rules (-want +got):\n%s", diff)
	}
	for k, v := range map[string]string{
		"Sustained high CPU in container compute.container.id":    `"3f4e1a9c0b2d"`,
		"Sustained high CPU in container compute.container.image": `"nginx:1.25"`,
		"Sustained high CPU in container compute.proc.name":       `"kworkerds"`,
		"Sustained high CPU in container compute.cpu.pct":         `100`,
		"Sustained high CPU in container compute.host":            `"node-1"`,
		"Sustained high CPU process compute.proc.cmdline":         `"xmr --threads 2"`,
		"Sustained high CPU process compute.proc.pid":             `77`,
		"Sustained high CPU process compute.cpu.cores_pct":        `90`,
		"Sustained high CPU process compute.duration":             `600`,
	} {
		if fields[k] != v {
			t.Errorf("output field %s = %s, want %s", k, fields[k], v)
		}
	}
}

// TestRecordsBad: records without a usable time, and items that are not
// compute events, are reported one by one and the rest evaluated; a batch
// of another shape is an error.
func TestRecordsBad(t *testing.T) {
	var times []time.Time
	var bad []string
	each := func(_ []byte, ts time.Time) { times = append(times, ts) }
	badf := func(err error) { bad = append(bad, err.Error()) }
	body := `[` + recNormal + `,{"compute":{"kind":"process"}},{"time":"yesterday","compute":{}},{"x":1},` + recInProc + `]`
	if err := Records([]byte(body), each, badf); err != nil {
		t.Fatal(err)
	}
	if len(times) != 2 || len(bad) != 3 {
		t.Fatalf("%d events, bad %q", len(times), bad)
	}
	for i, want := range []string{"without a time", "yesterday", "item 3: not a compute event"} {
		if !strings.Contains(bad[i], want) {
			t.Errorf("bad[%d] = %q, want %q in it", i, bad[i], want)
		}
	}
	for _, body := range []string{`{"Records":[]}`, `42`, `"compute"`} {
		if err := Records([]byte(body), each, badf); !errors.Is(err, ErrNotCompute) {
			t.Errorf("Records(%s) = %v, want ErrNotCompute", body, err)
		}
	}
}
