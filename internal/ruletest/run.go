package ruletest

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"peregrine/internal/alert"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/scap"
	"peregrine/internal/state"
)

// Result is the outcome of one case.
type Result struct {
	File string `json:"file"`
	Case string `json:"case"`
	Line int    `json:"line"`
	Pass bool   `json:"pass"`
	// Error is set when the case could not run (a bad event, an unknown
	// rule, an unreadable capture).
	Error string `json:"error,omitempty"`
	// Missing are the expected alerts that did not occur; Extra the
	// alerts no expectation took; Got every alert of the case.
	Missing []Miss  `json:"missing,omitempty"`
	Extra   []Alert `json:"extra,omitempty"`
	Got     []Alert `json:"got"`
	// Positive are the rules the case expects to alert; Negative those
	// it expects to stay silent although its events are of a type they
	// test (for --coverage).
	Positive []string `json:"-"`
	Negative []string `json:"-"`
}

// Alert is an alert a case raised.
type Alert struct {
	Rule    string            `json:"rule"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// Miss is an expected alert that did not occur, with why the nearest
// alert of its rule did not match.
type Miss struct {
	Expectation
	Why string `json:"why"`
}

// MarshalJSON writes an expectation as its rule and fields.
func (x Expectation) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Rule   string            `json:"rule"`
		Fields map[string]string `json:"fields,omitempty"`
		Line   int               `json:"line"`
	}{x.Rule, x.Fields, x.Line})
}

// baseTime is when the events of a case happen (2023-11-14T22:13:20Z).
const baseTime = 1_700_000_000_000_000_000

// Run runs every case of the suites against the rules of spec.
func Run(spec *rules.Spec, suites []*Suite) []Result {
	var out []Result
	for _, s := range suites {
		for i := range s.Cases {
			out = append(out, RunCase(spec, s, &s.Cases[i]))
		}
	}
	return out
}

// RunCase runs one case: a fresh engine with the rules of spec, the
// case's machine, its events (or capture), and its alerts checked.
func RunCase(spec *rules.Spec, s *Suite, c *Case) Result {
	res := Result{File: s.File, Case: c.Name, Line: c.Line, Got: []Alert{}}
	fail := func(err error) Result {
		res.Error = err.Error()
		return res
	}
	eng, _, err := engine.New(spec, engine.Options{Hostname: "ruletest"})
	if err != nil {
		return fail(fmt.Errorf("compile rules: %w", err))
	}
	enabled := map[string]*rules.CompiledRule{}
	for _, r := range eng.Ruleset().Rules() {
		enabled[r.Name] = r
	}
	for _, x := range c.Expect {
		if enabled[x.Rule] == nil {
			return fail(fmt.Errorf("line %d: rule %q is not among the enabled rules under test", x.Line, x.Rule))
		}
	}
	seen := map[event.Type]bool{}
	emit := func(a *alert.Alert) { res.Got = append(res.Got, gotAlert(a)) }
	if c.Capture != "" {
		err = runCapture(eng, c.Capture, seen, emit)
	} else {
		err = runEvents(eng, c, seen, emit)
	}
	if err != nil {
		return fail(err)
	}
	res.Missing, res.Extra = compare(c.Expect, res.Got)
	res.Pass = len(res.Missing) == 0 && len(res.Extra) == 0
	expected := map[string]bool{}
	for _, x := range c.Expect {
		expected[x.Rule] = true
	}
	for name, r := range enabled {
		switch {
		case expected[name]:
			res.Positive = append(res.Positive, name)
		case slices.ContainsFunc(r.EventTypes(), func(t event.Type) bool { return seen[t] }):
			res.Negative = append(res.Negative, name)
		}
	}
	sort.Strings(res.Positive)
	sort.Strings(res.Negative)
	return res
}

// gotAlert keeps what a test compares of an alert.
func gotAlert(a *alert.Alert) Alert {
	g := Alert{Rule: a.Rule, Message: a.Message, Fields: map[string]string{}}
	for _, f := range a.Fields {
		g.Fields[f.Name] = fieldText(f.JSON)
	}
	return g
}

// fieldText turns a field's JSON value into the text a test writes: a
// string unquoted, null as <NA>, numbers, booleans and lists as written.
func fieldText(j string) string {
	switch {
	case j == "null":
		return "<NA>"
	case strings.HasPrefix(j, `"`):
		var s string
		if json.Unmarshal([]byte(j), &s) == nil {
			return s
		}
	}
	return j
}

// runEvents bootstraps the case's machine and processes its events.
func runEvents(eng *engine.Engine, c *Case, seen map[event.Type]bool, emit func(*alert.Alert)) error {
	eb := &eventBuilder{procs: map[int64]*Process{}, opens: map[int64]map[int64]bool{}, ts: baseTime}
	boot := state.Bootstrap{Users: defaultUsers(c.Users)}
	for i := range c.Processes {
		p := c.Processes[i]
		if p.Exe == "" {
			p.Exe = "/usr/bin/" + p.Name
		}
		if p.Name == "" {
			p.Name = path.Base(p.Exe)
		}
		if p.Cwd == "" {
			p.Cwd = "/"
		}
		if _, dup := eb.procs[p.PID]; dup {
			return fmt.Errorf("line %d: process %d listed twice", p.Line, p.PID)
		}
		eb.procs[p.PID] = &p
		boot.Procs = append(boot.Procs, bootProcess(&p))
	}
	eng.Bootstrap(boot)
	var evs []*event.Event
	for i := range c.Containers {
		ev, err := containerEvent(eb, &c.Containers[i])
		if err != nil {
			return fmt.Errorf("line %d: %w", c.Containers[i].Line, err)
		}
		evs = append(evs, ev)
	}
	for i := range c.Events {
		var err error
		if evs, err = eb.build(&c.Events[i], evs); err != nil {
			return fmt.Errorf("line %d: %w", c.Events[i].Line, err)
		}
	}
	for _, ev := range evs {
		seen[ev.Type()] = true
		eng.Process(ev, emit)
	}
	return nil
}

// defaultUsers are the users every case knows, plus the case's own.
func defaultUsers(extra map[uint32]string) []event.User {
	users := map[uint32]string{0: "root", 1: "daemon", 33: "www-data", 65534: "nobody"}
	for uid, name := range extra {
		users[uid] = name
	}
	var out []event.User
	for uid, name := range users {
		out = append(out, event.User{UID: uid, GID: uid, Name: name, Home: "/home/" + name, Shell: "/bin/sh"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out
}

// bootProcess is the process-list entry of a listed process.
func bootProcess(p *Process) event.Process {
	cg := "cpuset=/"
	if p.Container != "" {
		cg = "cpuset=/docker/" + fullID(p.Container)
	}
	var args strings.Builder
	for _, a := range p.Args {
		args.WriteString(a)
		args.WriteByte(0)
	}
	return event.Process{
		TID: p.PID, PID: p.PID, PTID: p.PPID, SID: p.PID, VPGID: p.PID, VTID: p.PID, VPID: p.PID,
		Comm: p.Name, Exe: p.Exe, ExePath: p.Exe, Args: args.String(), Cwd: p.Cwd,
		FDLimit: 1024, UID: p.UID, GID: p.UID, LoginUID: p.UID, Cgroups: cg + "\x00",
	}
}

// containerEvent is the container event that describes c, as a capture
// carries it.
func containerEvent(eb *eventBuilder, c *Container) (*event.Event, error) {
	rec := &state.Container{ID: c.ID[:12], FullID: fullID(c.ID), Type: "docker", Name: c.Name, Image: c.Image, Labels: c.Labels}
	rec.ImageRepository, rec.ImageTag = splitImage(c.Image)
	rec.PodName = c.Labels["io.kubernetes.pod.name"]
	rec.PodNamespace = c.Labels["io.kubernetes.pod.namespace"]
	eb.ts += 1000
	eb.b.Reset(state.ContainerEventType, eb.ts, -1)
	eb.b.String(string(state.AppendContainerJSON(nil, rec)))
	return eb.take()
}

// splitImage splits "registry/repo:tag" into repository and tag.
func splitImage(image string) (repo, tag string) {
	slash := strings.LastIndexByte(image, '/')
	if colon := strings.LastIndexByte(image, ':'); colon > slash {
		return image[:colon], image[colon+1:]
	}
	return image, ""
}

// runCapture replays a capture file.
func runCapture(eng *engine.Engine, file string, seen map[event.Type]bool, emit func(*alert.Alert)) error {
	r, err := scap.Open(file)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	defer r.Close()
	src := scap.NewSource(r, false)
	tap := capTap{src: src, seen: seen}
	if err := eng.RunCapture(context.Background(), &tap, emit); err != nil {
		return fmt.Errorf("capture %s: %w", file, err)
	}
	return nil
}

// capTap notes the event types of a capture as the engine reads them.
type capTap struct {
	src  *scap.Source
	seen map[event.Type]bool
}

func (t *capTap) Next() (*event.Event, error) {
	ev, err := t.src.Next()
	if err == nil {
		t.seen[ev.Type()] = true
	}
	return ev, err
}

func (t *capTap) Meta() *scap.Meta { return t.src.Meta() }

// compare pairs expectations with alerts, order aside: every expectation
// takes one alert of its rule whose fields all hold the expected values.
func compare(want []Expectation, got []Alert) (missing []Miss, extra []Alert) {
	used := make([]bool, len(got))
	for _, x := range want {
		found := -1
		why := "no alert of this rule"
		for i, g := range got {
			if used[i] || g.Rule != x.Rule {
				continue
			}
			if d := fieldDiff(x.Fields, g.Fields); d != "" {
				why = d
				continue
			}
			found = i
			break
		}
		if found < 0 {
			missing = append(missing, Miss{Expectation: x, Why: why})
			continue
		}
		used[found] = true
	}
	for i, g := range got {
		if !used[i] {
			extra = append(extra, g)
		}
	}
	return missing, extra
}

// fieldDiff says which expected field values an alert lacks ("" if none).
func fieldDiff(want, got map[string]string) string {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var diffs []string
	for _, k := range keys {
		v, ok := got[k]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s is not in the rule's output", k))
		case v != want[k]:
			diffs = append(diffs, fmt.Sprintf("%s = %q, want %q", k, v, want[k]))
		}
	}
	return strings.Join(diffs, "; ")
}
