package engine_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
)

// Three rule sets that alert on events the shared captures have plenty
// of. "common" is in A and B with the same condition and another output,
// so which set an alert came from shows; B's curl rule needs the state
// (the process name), which reloads must leave alone.
const (
	rulesA = `
- rule: A opens
  desc: files opened
  condition: evt.type in (open, openat) and evt.dir = <
  output: "A open %evt.num %fd.name"
  priority: NOTICE
- rule: common
  desc: descriptors closed
  condition: evt.type = close and evt.dir = <
  output: "A close %evt.num fd=%evt.arg.fd"
  priority: NOTICE
- rule: A maps
  desc: memory mapped
  condition: evt.type = mmap and evt.dir = <
  output: "A mmap %evt.num"
  priority: INFO
`
	rulesB = `
- rule: common
  desc: descriptors closed
  condition: evt.type = close and evt.dir = <
  output: "B close %evt.num fd=%evt.arg.fd"
  priority: NOTICE
- rule: B curl reads
  desc: reads by curl
  condition: evt.type = read and evt.dir = < and proc.name = curl
  output: "B read %evt.num %proc.name %fd.name"
  priority: WARNING
- rule: B opens
  desc: files opened, under another name than A's
  condition: evt.type in (open, openat) and evt.dir = <
  output: "B open %evt.num %fd.name"
  priority: NOTICE
`
	rulesC = `
- rule: C unmaps
  desc: memory unmapped
  condition: evt.type = munmap
  output: "C munmap %evt.num %evt.dir"
  priority: INFO
- rule: C sleeps
  desc: sleeps
  condition: evt.type = nanosleep and evt.dir = <
  output: "C nanosleep %evt.num"
  priority: INFO
- rule: C writes
  desc: writes
  condition: evt.type = write and evt.dir = <
  output: "C write %evt.num %fd.name"
  priority: INFO
`
)

// rulesOf returns the names of the rules of a set.
func rulesOf(text string) map[string]bool {
	return map[string]map[string]bool{
		rulesA: {"A opens": true, "common": true, "A maps": true},
		rulesB: {"common": true, "B curl reads": true, "B opens": true},
		rulesC: {"C unmaps": true, "C sleeps": true, "C writes": true},
	}[text]
}

// fakeFilter records the filter changes of Reload; its clock says 0, so
// a swap is not held back. Now signals on called, if set.
type fakeFilter struct {
	mu     sync.Mutex
	calls  [][]event.Type
	now    uint64
	err    error
	called chan struct{}
}

func (f *fakeFilter) SetTypes(types []event.Type) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, slices.Clone(types))
	return f.err
}

func (f *fakeFilter) Now() (uint64, error) {
	if f.called != nil {
		f.called <- struct{}{}
	}
	return f.now, nil
}

func (f *fakeFilter) takeCalls() [][]event.Type {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// Hot reload under load: the shared captures replay in a loop while the
// rules are reloaded 20 times, A and B in turn, then C. No event is lost
// (the engine counts exactly the events of the source), every alert is
// one the rule set in effect at its event gives when it runs alone (so no
// alert comes from the wrong set, none is missing and none is duplicated),
// and after the last swap only C's rules alert.
func TestReloadUnderLoad(t *testing.T) {
	for _, mode := range []string{"pipelined", "serial"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "serial" {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			}
			testReloadUnderLoad(t)
		})
	}
}

func testReloadUnderLoad(t *testing.T) {
	const reloads = 20
	// Events between the end of a reload and the next: 2,000 to 7,000, so
	// that the swaps do not fall into step with the rounds (of 8,131).
	spacing := rand.New(rand.NewPCG(1, 2))
	data := sharedCaptures(t)
	opt := engine.Options{Matching: rules.MatchAll}
	eng, _, err := engine.New(spec(t, rulesA), opt)
	if err != nil {
		t.Fatal(err)
	}
	next := []string{}
	for k := 1; k < reloads; k++ {
		next = append(next, map[bool]string{true: rulesB, false: rulesA}[k%2 == 1])
	}
	next = append(next, rulesC)

	src := newLoopSource(t, data, 0)
	c := &collector{t: t}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- eng.RunCapture(ctx, src, c.emit) }()

	// The reloads, each once spacing events have gone by since the last.
	ats := make([]uint64, 0, reloads)
	f := &fakeFilter{}
	for k, text := range next {
		if err := src.waitDelivered(ctx, src.delivered.Load()+2000+spacing.Uint64N(5000)); err != nil {
			t.Fatalf("reload %d: %v", k+1, err)
		}
		old := engine.Types(eng.Ruleset())
		p, diags, err := eng.Prepare(spec(t, text))
		if err != nil {
			t.Fatalf("reload %d: %v %v", k+1, err, diags)
		}
		at, err := eng.Reload(ctx, p, f)
		if err != nil {
			t.Fatalf("reload %d: %v", k+1, err)
		}
		if eng.Ruleset() != p.Ruleset() {
			t.Fatalf("reload %d: rules in effect are not the new ones", k+1)
		}
		// The filter was widened to both sets, then narrowed to the new.
		want := [][]event.Type{union(old, p.Types()), sorted(p.Types())}
		if got := f.takeCalls(); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("reload %d: filter changes %v, want %v", k+1, got, want)
		}
		ats = append(ats, at)
	}
	src.Finish()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}

	cnt := eng.Counters()
	if cnt.Events != src.delivered.Load() {
		t.Errorf("engine processed %d events, the source gave %d", cnt.Events, src.delivered.Load())
	}
	if cnt.Reloads != reloads {
		t.Errorf("%d reloads counted, want %d", cnt.Reloads, reloads)
	}
	if !slices.IsSorted(ats) || ats[0] <= 1 || ats[len(ats)-1] > cnt.Events || len(slices.Compact(slices.Clone(ats))) != reloads {
		t.Fatalf("swaps at events %v of %d: want increasing, within the stream", ats, cnt.Events)
	}
	t.Logf("%d events in %d rounds, %d alerts, swaps at %v", cnt.Events, src.played, len(c.alerts), ats)

	// What each set gives alone over the same stream.
	refs := map[string]map[uint64][]alertKey{}
	for _, text := range []string{rulesA, rulesB, rulesC} {
		ref, n := reference(t, data, src.played, text, opt)
		if n != cnt.Events {
			t.Fatalf("reference run: %d events, reload run %d", n, cnt.Events)
		}
		refs[text] = ref
	}
	setAt := func(num uint64) string {
		i, found := slices.BinarySearch(ats, num)
		if found {
			i++
		}
		if i == 0 {
			return rulesA
		}
		return next[i-1]
	}

	type ruleAt struct {
		num  uint64
		rule string
	}
	seen := map[ruleAt]bool{}
	perRule := map[string]uint64{}
	perSet := map[string]int{}
	afterLast := 0
	for _, a := range c.alerts {
		set := setAt(a.num)
		if !rulesOf(set)[a.rule] {
			t.Fatalf("event %d: alert of rule %q, not in the set in effect (%v)", a.num, a.rule, rulesOf(set))
		}
		if seen[ruleAt{a.num, a.rule}] {
			t.Fatalf("event %d: rule %q alerted twice", a.num, a.rule)
		}
		seen[ruleAt{a.num, a.rule}] = true
		if !slices.Contains(refs[set][a.num], a) {
			t.Fatalf("event %d: alert %+v; the set alone gives %+v", a.num, a, refs[set][a.num])
		}
		perRule[a.rule]++
		perSet[set]++
		if a.num >= ats[len(ats)-1] {
			afterLast++
		}
	}
	for text, ref := range refs {
		for num, want := range ref {
			if setAt(num) != text {
				continue
			}
			for _, a := range want {
				if !seen[ruleAt{num, a.rule}] {
					t.Fatalf("event %d: no alert of %q, which the set in effect gives", num, a.rule)
				}
			}
		}
	}
	if afterLast == 0 {
		t.Error("no alert after the last swap")
	}
	for _, text := range []string{rulesA, rulesB, rulesC} {
		if perSet[text] == 0 {
			t.Errorf("no alert while %v were in effect: the test proves less than it should", rulesOf(text))
		}
	}
	// Counts by name cover every set the engine ran; the rules in effect
	// keep theirs.
	if !sameCounts(cnt.AlertsByName, perRule) {
		t.Errorf("AlertsByName %v, alerts seen %v", cnt.AlertsByName, perRule)
	}
	for i, r := range eng.Ruleset().Rules() {
		if cnt.AlertsByRule[i] != perRule[r.Name] {
			t.Errorf("AlertsByRule[%q] = %d, want %d", r.Name, cnt.AlertsByRule[i], perRule[r.Name])
		}
	}
	if cnt.Alerts != uint64(len(c.alerts)) {
		t.Errorf("Alerts = %d, %d emitted", cnt.Alerts, len(c.alerts))
	}
}

func union(a, b []event.Type) []event.Type {
	return slices.Compact(sorted(slices.Concat(a, b)))
}

func sorted(a []event.Type) []event.Type {
	a = slices.Clone(a)
	slices.Sort(a)
	return a
}
