package incident

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"
)

// DefaultWindow is the default time window of the grouping.
const DefaultWindow = 24 * time.Hour

// Options choose how signals are grouped and what is reported.
type Options struct {
	Window time.Duration // see the package documentation; DefaultWindow when 0
	All    bool          // report groups that are not cryptomining incidents too
}

// Report is the result of a correlation. Its JSON form is stable.
type Report struct {
	Window    string     `json:"window"`
	Signals   int        `json:"signals"`   // signals read
	Unrelated int        `json:"unrelated"` // signals in no cryptomining incident
	Incidents []Incident `json:"incidents"` // cryptomining incidents, then (with All) the other groups
	Errors    []string   `json:"errors"`    // inputs that could not be read, with their location
}

// Incident is one group of signals about the same resources.
type Incident struct {
	ID           string          `json:"id"`
	Cryptomining bool            `json:"cryptomining"`
	Confidence   int             `json:"confidence"`
	Level        string          `json:"level"` // high, medium or low
	Scoring      []string        `json:"scoring"`
	Start        time.Time       `json:"start"`
	End          time.Time       `json:"end"`
	Categories   []CategoryState `json:"categories"`
	Resources    []Resource      `json:"resources"`
	Timeline     []Entry         `json:"timeline"`
	Steps        []Step          `json:"steps"`
}

// CategoryState says whether a category has signals in an incident.
type CategoryState struct {
	Category Category `json:"category"`
	Present  bool     `json:"present"`
	Signals  int      `json:"signals"`
}

// Resource is a resource involved in an incident and how many of its
// signals name it.
type Resource struct {
	Key
	Signals int `json:"signals"`
}

// Entry is one signal on an incident's timeline.
type Entry struct {
	Time         time.Time  `json:"time"`
	End          *time.Time `json:"end,omitempty"` // a signal over a span (a cost finding's days)
	Source       string     `json:"source"`
	Rule         string     `json:"rule"`
	Priority     string     `json:"priority"`
	Category     Category   `json:"category"`
	Cryptomining bool       `json:"cryptomining"`
	Summary      string     `json:"summary"`
	Origin       string     `json:"origin"`
}

// Correlate groups signals into incidents; errs are the read errors to
// report with them. It sorts sigs by time, in place.
func Correlate(sigs []Signal, errs []error, opt Options) *Report {
	if opt.Window <= 0 {
		opt.Window = DefaultWindow
	}
	slices.SortStableFunc(sigs, func(a, b Signal) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Origin, b.Origin))
	})
	rep := &Report{Window: opt.Window.String(), Signals: len(sigs), Incidents: []Incident{}, Errors: []string{}}
	for _, e := range errs {
		rep.Errors = append(rep.Errors, e.Error())
	}
	inMining := make([]bool, len(sigs))
	var others []Incident
	for _, members := range group(sigs, opt.Window) {
		inc := build(sigs, members)
		if inc.Cryptomining {
			for _, i := range members {
				inMining[i] = true
			}
			rep.Incidents = append(rep.Incidents, inc)
		} else if opt.All {
			others = append(others, inc)
		}
	}
	for _, in := range inMining {
		if !in {
			rep.Unrelated++
		}
	}
	order := func(a, b Incident) int {
		return cmp.Or(cmp.Compare(b.Confidence, a.Confidence), a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	}
	slices.SortFunc(rep.Incidents, order)
	slices.SortFunc(others, order)
	rep.Incidents = append(rep.Incidents, others...)
	return rep
}

// build makes the incident of one group.
func build(sigs []Signal, members []int) Incident {
	group := make([]*Signal, len(members))
	for j, i := range members {
		group[j] = &sigs[i]
	}
	inc := Incident{Start: group[0].Start, End: group[0].End, Scoring: []string{}, Steps: []Step{}}
	counts := map[Key]int{}
	cats := map[Category]int{}
	for _, s := range group {
		inc.Cryptomining = inc.Cryptomining || s.Mining
		if s.End.After(inc.End) {
			inc.End = s.End
		}
		cats[s.Category]++
		for _, k := range s.Keys {
			counts[k]++
		}
		e := Entry{
			Time: s.Start, Source: s.Source, Rule: s.Rule, Priority: s.Priority, Category: s.Category,
			Cryptomining: s.Mining, Summary: s.summary(), Origin: s.Origin,
		}
		if s.End.After(s.Start) {
			e.End = &s.End
		}
		inc.Timeline = append(inc.Timeline, e)
	}
	inc.Confidence, inc.Level, inc.Scoring = score(group)
	for _, c := range Categories {
		inc.Categories = append(inc.Categories, CategoryState{Category: c, Present: cats[c] > 0, Signals: cats[c]})
	}
	for k, n := range counts {
		inc.Resources = append(inc.Resources, Resource{Key: k, Signals: n})
	}
	slices.SortFunc(inc.Resources, func(a, b Resource) int {
		return cmp.Or(cmp.Compare(slices.Index(kindOrder, a.Kind), slices.Index(kindOrder, b.Kind)), cmp.Compare(a.Value, b.Value))
	})
	inc.ID = incidentID(inc)
	for _, r := range inc.Resources {
		inc.Steps = append(inc.Steps, stepsFor(r.Key, inc.ID)...)
	}
	return inc
}

// incidentID names an incident after its strong resources and its start,
// so that the same input gives the same id: "inc-" and 10 hex digits.
func incidentID(inc Incident) string {
	h := sha256.New()
	h.Write([]byte(inc.Start.Format(time.RFC3339Nano)))
	for _, r := range inc.Resources {
		if r.Kind.strong() {
			h.Write([]byte("\x00" + r.String()))
		}
	}
	return "inc-" + hex.EncodeToString(h.Sum(nil))[:10]
}
