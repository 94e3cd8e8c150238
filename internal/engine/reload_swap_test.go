package engine_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	"peregrine/internal/scap"
	"peregrine/internal/testenv"
)

// curlEvents returns the events of the curl capture, copied, and its
// metadata.
func curlEvents(t testing.TB) ([]event.Event, *scap.Meta) {
	t.Helper()
	r, err := scap.Open(testenv.Shared(t, filepath.Join("captures", "libs_curl_google.scap")))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	src := scap.NewSource(r, false)
	var out []event.Event
	for {
		ev, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out, src.Meta()
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, event.Event{})
		ev.Clone(&out[len(out)-1])
	}
}

// A rule file that does not compile is refused by Prepare with the
// compiler's diagnostics, and the running engine goes on with its rules as
// if nothing happened.
func TestPrepareErrors(t *testing.T) {
	rule := func(cond, output string) string {
		return "- rule: bad\n  desc: bad\n  condition: " + cond + "\n  output: \"" + output + "\"\n  priority: ERROR\n"
	}
	tests := []struct {
		name, text, diag string
	}{
		{"unknown field", rule("evt.type = open and proc.nosuchfield = x", "x"), "proc.nosuchfield"},
		{"syntax", rule("evt.type = open and (proc.name = x", "x"), "bad"},
		{"undefined macro", rule("evt.type = open and no_such_macro", "x"), "no_such_macro"},
		{"bad operator for type", rule("evt.type = open and proc.pid contains 3", "x"), "contains"},
		{"bad output field", rule("evt.type = open", "%proc.nosuchfield"), "proc.nosuchfield"},
		{"bad regex", rule("evt.type = open and proc.name regex \"(\"", "x"), "regex"},
	}
	data := sharedCaptures(t)
	opt := engine.Options{Matching: rules.MatchAll}
	eng, _, err := engine.New(spec(t, rulesA), opt)
	if err != nil {
		t.Fatal(err)
	}
	before := eng.Ruleset()
	c := &collector{t: t}
	src := newLoopSource(t, data, 0)
	ran := make(chan error, 1)
	go func() { ran <- eng.RunCapture(context.Background(), src, c.emit) }()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// While the engine runs.
			if err := src.waitDelivered(context.Background(), src.delivered.Load()+1000); err != nil {
				t.Fatal(err)
			}
			p, diags, err := eng.Prepare(spec(t, rulesB+tt.text))
			if err == nil || p != nil {
				t.Fatalf("Prepare: %v, %v; want an error", p, err)
			}
			if !errors.Is(err, rules.ErrCompile) {
				t.Errorf("error %v does not wrap rules.ErrCompile", err)
			}
			var text []string
			for _, d := range diags {
				if d.Severity == rules.SeverityError {
					text = append(text, d.String())
				}
			}
			if !strings.Contains(strings.Join(text, "\n"), tt.diag) {
				t.Errorf("error diagnostics %q do not mention %q", text, tt.diag)
			}
		})
	}
	src.Finish()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if eng.Ruleset() != before || eng.Counters().Reloads != 0 {
		t.Fatal("a refused rule file changed the rules")
	}
	ref, n := reference(t, data, src.played, rulesA, opt)
	if n != eng.Counters().Events {
		t.Fatalf("%d events, reference %d", eng.Counters().Events, n)
	}
	var want []alertKey
	for _, num := range slices.Sorted(func(yield func(uint64) bool) {
		for k := range ref {
			if !yield(k) {
				return
			}
		}
	}) {
		want = append(want, ref[num]...)
	}
	if diff := cmp.Diff(want, c.alerts, cmp.AllowUnexported(alertKey{})); diff != "" {
		t.Errorf("alerts differ from A's alone (-want +got):\n%s", diff)
	}
}

// Swap puts the rules in effect at the next event; a Pending is swapped
// once, into its own engine; a Pending replaced before it took effect
// says so; alert counts follow rule names across swaps.
func TestSwap(t *testing.T) {
	events, meta := curlEvents(t)
	eng, _, err := engine.New(spec(t, rulesA), engine.Options{Matching: rules.MatchAll})
	if err != nil {
		t.Fatal(err)
	}
	eng.Bootstrap(engine.CaptureBootstrap(meta))
	byRule := map[string]uint64{}
	var outputs []string
	var num uint64
	process := func(n int) {
		for range n {
			eng.Process(&events[num], func(a *alert.Alert) {
				byRule[a.Rule]++
				outputs = append(outputs, a.Output)
			})
			num++
		}
	}
	prepare := func(text string) *engine.Pending {
		p, _, err := eng.Prepare(spec(t, text))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	countOf := func(name string) (uint64, bool) {
		c := eng.Counters()
		for i, r := range eng.Ruleset().Rules() {
			if r.Name == name {
				return c.AlertsByRule[i], true
			}
		}
		return 0, false
	}
	// Up to a close, which A and B both report, each in its own words.
	process(300)
	for events[num].TypeName() != "close" || events[num].Dir() != event.Exit {
		process(1)
	}

	b := prepare(rulesB)
	if err := eng.Swap(b); err != nil {
		t.Fatal(err)
	}
	if eng.Ruleset() == b.Ruleset() {
		t.Fatal("rules in effect before an event came")
	}
	outputs = outputs[:0]
	process(1)
	if at, err := b.Wait(context.Background()); err != nil || at != num {
		t.Fatalf("B in effect at event %d (%v), want %d", at, err, num)
	}
	if len(outputs) != 1 || !strings.Contains(outputs[0], "B close") {
		t.Errorf("alerts of the first event of B: %q, want B's close alone", outputs)
	}
	if err := eng.Swap(b); err == nil {
		t.Error("a Pending swapped twice")
	}
	other, _, err := engine.New(spec(t, rulesA), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Swap(prepare(rulesC)); err == nil {
		t.Error("a Pending swapped into another engine")
	}
	process(200)
	if n, _ := countOf("common"); n != byRule["common"] || n == 0 {
		t.Errorf("common: AlertsByRule %d, %d alerts (A's and B's)", n, byRule["common"])
	}

	// C replaces A before A takes effect; "common" leaves the rules.
	a, c := prepare(rulesA), prepare(rulesC)
	eng.Swap(a)
	eng.Swap(c)
	if _, err := a.Wait(context.Background()); !errors.Is(err, engine.ErrSuperseded) {
		t.Errorf("replaced Pending: %v, want ErrSuperseded", err)
	}
	process(1)
	if at, err := c.Wait(context.Background()); err != nil || at != num {
		t.Fatalf("C in effect at event %d (%v), want %d", at, err, num)
	}
	process(100)
	if _, ok := countOf("common"); ok {
		t.Error("common still among the rules")
	}
	cnt := eng.Counters()
	if !sameCounts(cnt.AlertsByName, byRule) || cnt.Reloads != 2 {
		t.Errorf("AlertsByName %v, Reloads %d; want %v, 2", cnt.AlertsByName, cnt.Reloads, byRule)
	}

	// "common" comes back with its count.
	eng.Swap(prepare(rulesB))
	process(100)
	if n, _ := countOf("common"); n != byRule["common"] {
		t.Errorf("common back: AlertsByRule %d, %d alerts", n, byRule["common"])
	}
	if c := eng.Counters(); c.Alerts != sum(byRule) {
		t.Errorf("Alerts %d, %d emitted", c.Alerts, sum(byRule))
	}
}

// sameCounts compares counts by name, a missing count being 0.
func sameCounts(a, b map[string]uint64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func sum(m map[string]uint64) uint64 {
	var n uint64
	for _, v := range m {
		n += v
	}
	return n
}

// A reload that cannot widen the filter, or whose context ends before the
// engine takes the rules, leaves the old rules and filter in place.
func TestReloadRefused(t *testing.T) {
	events, meta := curlEvents(t)
	eng, _, err := engine.New(spec(t, rulesA), engine.Options{Matching: rules.MatchAll})
	if err != nil {
		t.Fatal(err)
	}
	eng.Bootstrap(engine.CaptureBootstrap(meta))
	before := eng.Ruleset()
	old := sorted(engine.Types(before))

	refused := errors.New("filter refused")
	p, _, err := eng.Prepare(spec(t, rulesC))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeFilter{err: refused}
	if _, err := eng.Reload(context.Background(), p, f); !errors.Is(err, refused) {
		t.Errorf("Reload with a refusing filter: %v", err)
	}
	if _, err := p.Wait(context.Background()); !errors.Is(err, engine.ErrSuperseded) {
		t.Errorf("Wait after a refused reload: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	f = &fakeFilter{called: make(chan struct{}, 1)}
	p, _, err = eng.Prepare(spec(t, rulesC))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := eng.Reload(ctx, p, f)
		done <- err
	}()
	<-f.called
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Reload cancelled: %v", err)
	}
	if _, err := p.Wait(context.Background()); !errors.Is(err, engine.ErrSuperseded) {
		t.Errorf("Wait after a cancelled reload: %v", err)
	}
	want := [][]event.Type{union(old, p.Types()), old}
	if got := f.takeCalls(); !cmp.Equal(got, want) {
		t.Errorf("filter changes %v, want %v", got, want)
	}
	var rulesSeen []string
	for i := range events {
		eng.Process(&events[i], func(a *alert.Alert) { rulesSeen = append(rulesSeen, a.Rule) })
	}
	if eng.Ruleset() != before || eng.Counters().Reloads != 0 {
		t.Error("rules changed")
	}
	for _, r := range rulesSeen {
		if !rulesOf(rulesA)[r] {
			t.Fatalf("alert of %q after refused reloads", r)
		}
	}
}

// Falco's rules compile against the engine's binder while it runs (the
// race detector watches), and take over from a small set.
func TestPrepareUpstreamWhileRunning(t *testing.T) {
	up, diags, err := loader.Load(upstream(t)...)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	eng, _, err := engine.New(spec(t, rulesB), engine.Options{Matching: rules.MatchAll})
	if err != nil {
		t.Fatal(err)
	}
	src := newLoopSource(t, sharedCaptures(t), 0)
	ran := make(chan error, 1)
	go func() { ran <- eng.RunCapture(context.Background(), src, func(*alert.Alert) {}) }()
	if err := src.waitDelivered(context.Background(), 2000); err != nil {
		t.Fatal(err)
	}
	p, _, err := eng.Prepare(up)
	if err != nil {
		t.Fatal(err)
	}
	at, err := eng.Reload(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	src.Finish()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if eng.Ruleset() != p.Ruleset() || eng.Ruleset().Active() < 50 || at == 0 {
		t.Errorf("upstream rules in effect from event %d: %v, %d rules running", at, eng.Ruleset() == p.Ruleset(), eng.Ruleset().Active())
	}
	if c := eng.Counters(); c.Events != src.delivered.Load() || len(c.AlertsByRule) != len(p.Ruleset().Rules()) {
		t.Errorf("%d events of %d; %d rule counts for %d rules", c.Events, src.delivered.Load(), len(c.AlertsByRule), len(p.Ruleset().Rules()))
	}
}

// PrepareWith compiles with a reloaded configuration's rule options: the
// minimum priority and the appended output change with the rules.
func TestPrepareWith(t *testing.T) {
	events, meta := curlEvents(t)
	eng, _, err := engine.New(spec(t, rulesB), engine.Options{Matching: rules.MatchAll})
	if err != nil {
		t.Fatal(err)
	}
	eng.Bootstrap(engine.CaptureBootstrap(meta))
	if _, _, err := eng.PrepareWith(spec(t, rulesB), engine.Options{AppendOutput: "%nosuch.field"}); !errors.Is(err, rules.ErrAppendOutput) {
		t.Errorf("bad appended output: %v", err)
	}
	p, _, err := eng.PrepareWith(spec(t, rulesB), engine.Options{
		MinPriority:    alert.PriorityWarning,
		HasMinPriority: true,
		AppendOutput:   "tid=%thread.tid",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Swap(p); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for i := range events {
		eng.Process(&events[i], func(a *alert.Alert) {
			got[a.Rule]++
			if !strings.Contains(a.Output, " tid=") {
				t.Errorf("output %q without the appended format", a.Output)
			}
		})
	}
	// Only the warning is severe enough.
	if p.Ruleset().Active() != 1 || len(got) != 1 || got["B curl reads"] == 0 {
		t.Errorf("%d rules active, alerts %v; want B curl reads alone", p.Ruleset().Active(), got)
	}
}
