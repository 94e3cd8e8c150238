package incident

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpus is the test corpus: alerts of every source and a cost report.
var corpus = []string{"syscall.jsonl", "compute.jsonl", "guardduty.jsonl", "cloudtrail.jsonl", "cost.json"}

// readCorpus reads the corpus as the command does.
func readCorpus(t testing.TB) ([]Signal, []error) {
	t.Helper()
	var (
		sigs []Signal
		errs []error
	)
	for _, name := range corpus {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		s, e := Read(name, data)
		sigs, errs = append(sigs, s...), append(errs, e...)
	}
	return sigs, errs
}

// golden compares got with the golden file name, or rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got):\n%s", name, d)
	}
}

func TestCorpusGolden(t *testing.T) {
	sigs, errs := readCorpus(t)
	rep := Correlate(sigs, errs, Options{})
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "corpus.txt", text.Bytes())
	golden(t, "corpus.json", js.Bytes())
	var page bytes.Buffer
	if err := rep.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	golden(t, "corpus.html", page.Bytes())

	// What the goldens hold, said plainly.
	if len(rep.Incidents) != 2 {
		t.Fatalf("%d incidents, want 2 (the container miner on web and the host miner on batch-7)", len(rep.Incidents))
	}
	web, batch := rep.Incidents[0], rep.Incidents[1]
	for _, e := range append(web.Timeline, batch.Timeline...) {
		if e.Rule == "Terminal shell in container" || e.Rule == "Console login without MFA" || strings.Contains(e.Summary, "444455556666") {
			t.Errorf("unrelated signal %q (%s) in an incident", e.Rule, e.Origin)
		}
	}
	if web.Confidence != 100 || len(web.Timeline) != 9 {
		t.Errorf("web incident: confidence %d with %d signals, want 100 with 9", web.Confidence, len(web.Timeline))
	}
	for _, c := range web.Categories {
		if !c.Present {
			t.Errorf("web incident lacks %s", c.Category)
		}
	}
	if rep.Unrelated != 4 {
		t.Errorf("%d signals in no incident, want 4 (shell, console login, two cost findings)", rep.Unrelated)
	}
	wantErrs := []string{
		`syscall.jsonl:5: alert "Something": no time`,
		"cloudtrail.jsonl:3: alert: unexpected end of JSON input",
	}
	if d := cmp.Diff(wantErrs, rep.Errors); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
}

func TestHTML(t *testing.T) {
	hostile := `<script>alert(1)</script>`
	sigs := []Signal{
		testSignal("syscall", "Crypto miner launched", 0, miningTags, "web-1", "container.id="+shortID, "container.image.repository=evil"+hostile),
		testSignal("aws_guardduty", "GuardDuty finding", 0, nil, "", "guardduty.container.id="+fullID, "guardduty.type=CryptoCurrency:EC2/BitcoinTool.B!DNS"),
	}
	sigs[0].Output = "10:00:00.000000000: Critical miner " + hostile
	cost := testSignal("cost", "Cost spike", 0, nil, "", "cost.resource_ids=i-0a1b2c3d4e5f60718")
	cost.End = cost.Start.Add(24 * time.Hour)
	cost.Category, cost.Keys = CategoryCost, []Key{{KindInstance, "i-0a1b2c3d4e5f60718"}}
	gd := testSignal("aws_guardduty", "GuardDuty finding", 12*time.Hour, nil, "", "guardduty.instance.id=i-0a1b2c3d4e5f60718", "guardduty.container.id="+shortID)
	sigs = append(sigs, cost, gd)
	var b bytes.Buffer
	if err := Correlate(sigs, nil, Options{}).WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, hostile) {
		t.Errorf("the page carries input unescaped:\n%s", page)
	}
	for _, want := range []string{
		"<svg", "&lt;script&gt;alert(1)&lt;/script&gt;", ">runtime</text>", ">network</text>", ">cost</text>",
		`<circle cx="110.0"`, "peregrine forensics collect " + shortID, "Confidence <b class=\"high\">79 (high)</b>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
	if n := strings.Count(page, "<circle"); n != 3 {
		t.Errorf("%d markers, want 3", n)
	}
	// The cost finding's day is a bar across the whole picture; the
	// finding at noon sits half way.
	for _, want := range []string{`<rect x="110.0" y="27.0" width="780.0"`, `<circle cx="500.0" cy="129.0"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the picture lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "http://") && !strings.Contains(page, `xmlns="http://www.w3.org/2000/svg"`) || strings.Contains(page, "<link") || strings.Contains(page, "src=") {
		t.Errorf("the page is not self-contained")
	}
}
