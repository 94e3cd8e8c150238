package engine

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/container"
	"peregrine/internal/event"
	"peregrine/internal/field"
	"peregrine/internal/rules"
	"peregrine/internal/scap"
	"peregrine/internal/state"
)

// Options configure an [Engine].
type Options struct {
	// Catalog gives the fields; nil means field.Default().
	Catalog *field.Catalog
	// Matching, MinPriority and HasMinPriority choose which rules run
	// and which of the matching ones alert (see rules.Options).
	Matching       rules.Matching
	MinPriority    alert.Priority
	HasMinPriority bool
	// Hostname goes into every alert; "" means the capture's machine
	// name, or this host's.
	Hostname string
	// State configures the state engine.
	State state.Options
	// Containers, when set, gives container metadata from the runtime
	// (see containers.go); ContainerWait bounds how long the first event
	// of a new container waits for it (0: DefaultContainerWait).
	Containers    *container.Cache
	ContainerWait time.Duration
	// AppendOutput is added to every rule's output (see
	// rules.Options.AppendOutput); ContainerOutput is the usual choice.
	AppendOutput string
	// Appends add output to the rules each selects (see
	// rules.Options.Appends).
	Appends []rules.Append
	// Record, when set, receives every event the engine processes, in
	// order, and a container event each time the runtime's metadata for a
	// container goes into the state, just before the event that needed
	// it: a capture written from it replays to the same alerts (see
	// recorder.go).
	Record Recorder
}

// ContainerOutput names the container an alert comes from ("host" for
// the host), as Falco's default append_output does with the container
// plugin's suggested fields, plus the image.
const ContainerOutput = "container_id=%container.id container_name=%container.name container_image_repository=%container.image.repository"

// Engine evaluates a stream of system call events: each event updates the
// state of the machine, then is tested against the rules that can match
// its type, and every match becomes an alert. An Engine serves one stream
// and is not safe for concurrent use, except for Ruleset, Published (see
// published.go) and the hot reload of rules (Prepare, Swap, Reload: see
// reload.go), which may be called from other goroutines while it runs.
type Engine struct {
	opt     Options
	ropt    rules.Options // how rules compile, for New and Prepare
	st      *state.State
	binder  *state.Binder
	rs      *rules.Ruleset
	matched []*rules.CompiledRule
	counts  Counters
	conts   *containers // nil without a container cache
	rec     *recorder   // nil without Options.Record

	signal   atomic.Uint32                 // signalRules | signalCounters: Process looks first
	pub      published                     // counters for other goroutines
	next     atomic.Pointer[Pending]       // rules swapped in, not yet taken
	active   atomic.Pointer[rules.Ruleset] // rs, for other goroutines
	reloadMu sync.Mutex                    // serialises Reload
	retired  map[string]uint64             // alerts of rules reloads removed
}

// Counters count what an Engine did.
type Counters struct {
	Events       uint64   // events processed
	EventsByType []uint64 // indexed by event type
	Alerts       uint64
	// DropAlerts counts the alerts about events the source lost (part of
	// Alerts; see DropSource).
	DropAlerts uint64
	// AlertsByRule is indexed like Ruleset().Rules(): the alerts of each
	// rule, counted by name across rule reloads (a rule a reload keeps
	// keeps its count). AlertsByName holds the same counts by rule name,
	// with those of rules reloads removed; it is nil until Counters fills
	// it, and its sum is Alerts - DropAlerts.
	AlertsByRule []uint64
	AlertsByName map[string]uint64
	// Reloads counts the rule sets swapped in (see Engine.Swap).
	Reloads uint64
	State   state.Stats
	// ContainerWaits counts events that waited for their container's
	// metadata; ContainerLate those that gave up (fields then <NA>).
	ContainerWaits, ContainerLate uint64
}

// New compiles the syscall rules of spec against a new state engine.
// Diagnostics are the compiler's (warnings included); the error is
// non-nil when a rule does not compile.
func New(spec *rules.Spec, opt Options) (*Engine, []rules.Diagnostic, error) {
	var conts *containers
	if opt.Containers != nil {
		conts = &containers{cache: opt.Containers, wait: opt.ContainerWait, filled: map[string]bool{}, waited: map[string]bool{}}
		if conts.wait == 0 {
			conts.wait = DefaultContainerWait
		}
		announce := opt.State.NewContainer
		opt.State.NewContainer = func(id string) {
			opt.Containers.Request(id)
			if announce != nil {
				announce(id)
			}
		}
	}
	st := state.New(opt.State)
	binder := state.NewBinder(st, state.BinderOptions{Hostname: opt.Hostname, Resolver: st.Resolver()})
	ropt := rules.Options{
		Catalog:        opt.Catalog,
		Source:         field.SourceSyscall,
		Binder:         binder,
		Matching:       opt.Matching,
		MinPriority:    opt.MinPriority,
		HasMinPriority: opt.HasMinPriority,
		AppendOutput:   opt.AppendOutput,
		Appends:        opt.Appends,
	}
	rs, diags, err := rules.Compile(spec, ropt)
	if err != nil {
		return nil, diags, err
	}
	e := &Engine{opt: opt, ropt: ropt, st: st, binder: binder, rs: rs, matched: make([]*rules.CompiledRule, 0, 8), conts: conts}
	e.active.Store(rs)
	if opt.Record != nil {
		e.rec = &recorder{w: opt.Record}
		if conts != nil {
			conts.applied = e.rec.container
		}
	}
	e.counts.EventsByType = make([]uint64, event.NumTypes())
	e.counts.AlertsByRule = make([]uint64, len(rs.Rules()))
	e.publishCounters()
	return e, diags, nil
}

// State returns the engine's state.
func (e *Engine) State() *state.State { return e.st }

// Ruleset returns the engine's rules: those in effect at the last event
// processed. It may be called from any goroutine.
func (e *Engine) Ruleset() *rules.Ruleset { return e.active.Load() }

// Bootstrap gives the state its starting point (a capture's metadata, or
// /proc).
func (e *Engine) Bootstrap(b state.Bootstrap) {
	e.st.Bootstrap(b)
	if e.opt.Hostname == "" && b.Machine != nil {
		e.opt.Hostname = b.Machine.Hostname
	}
	e.publishCounters()
}

// Process applies ev to the state and tests it against the rules; emit is
// called with each alert. It does not allocate when no rule matches.
// Rules handed over by Swap take effect here, before the state update.
func (e *Engine) Process(ev *event.Event, emit func(*alert.Alert)) {
	// One atomic load: rules to take or a reader of the counters waiting
	// (see between); every publishEvery events the counters go out anyway.
	if s := e.signal.Load(); s != 0 || e.counts.Events%publishEvery == 0 {
		e.between(s, ev)
	}
	e.counts.Events++
	t := ev.Type()
	if int(t) < len(e.counts.EventsByType) {
		e.counts.EventsByType[t]++
	}
	e.st.Update(ev)
	// After the update, as SetNum asks: it reads the time of the state's
	// current event, which before the update is the previous one, whose
	// memory a pipelined source may already have reused.
	e.binder.SetNum(e.counts.Events)
	if ev.BlockFlags&event.StateOnly != 0 {
		e.rec.event(ev)
		return // it updates the state but is never shown nor matched
	}
	if e.conts != nil {
		if _, th, _ := e.st.Current(); th != nil && th.Container != "" && !e.conts.filled[th.Container] {
			e.rec.at(ev.Timestamp())
			// A recording waits too: it carries the metadata ahead of
			// the container's events, for the rules of a later replay.
			if !e.conts.fill(e.st, th.Container) && (e.rs.Tests(t) || e.rec != nil) {
				e.conts.waitFor(e.st, th.Container)
			}
		}
	}
	e.rec.event(ev)
	e.matched = e.rs.Match(t, e.matched[:0])
	if len(e.matched) == 0 {
		return
	}
	when := time.Unix(0, int64(ev.Timestamp()))
	for _, r := range e.matched {
		e.counts.Alerts++
		e.countRule(r)
		a := r.Alert(when, e.hostname())
		emit(&a)
	}
}

func (e *Engine) countRule(r *rules.CompiledRule) {
	for i, x := range e.rs.Rules() {
		if x == r {
			e.counts.AlertsByRule[i]++
			return
		}
	}
}

func (e *Engine) hostname() string {
	if e.opt.Hostname == "" {
		e.opt.Hostname, _ = os.Hostname()
	}
	return e.opt.Hostname
}

// Counters returns the counters so far. It must be called from the
// goroutine that runs the engine, or when nothing runs it; other
// goroutines call [Engine.Published].
func (e *Engine) Counters() Counters {
	c := e.counts
	c.EventsByType = append([]uint64(nil), c.EventsByType...)
	c.AlertsByRule = append([]uint64(nil), c.AlertsByRule...)
	c.AlertsByName = alertsByName(e.rs.Rules(), c.AlertsByRule, e.retired)
	c.State = e.st.Stats()
	if e.conts != nil {
		c.ContainerWaits, c.ContainerLate = e.conts.waits, e.conts.late
	}
	return c
}

// Source is a stream of events: scap.Source for a capture file, live
// capture later. Next returns io.EOF at the end.
type Source interface {
	Next() (*event.Event, error)
}

// checkEvery is how many events Run processes between looks at ctx.
const checkEvery = 4096

// Run processes the events of src until its end (nil), an error of src,
// or the cancellation of ctx (ctx.Err()).
//
// A source that loses events (DropSource) gets a drop alert, "Peregrine
// internal: event drops", whenever it lost events since the last one, at
// most every ten seconds, and at the end.
func (e *Engine) Run(ctx context.Context, src Source, emit func(*alert.Alert)) error {
	e.startPublishing()
	defer e.stopPublishing() // after the last drop check
	var drops *dropMonitor
	if ds, ok := src.(DropSource); ok {
		drops = &dropMonitor{src: ds, now: time.Now}
		defer drops.check(e, emit, true)
	}
	for n := 0; ; n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if drops != nil {
				drops.check(e, emit, false)
			}
		}
		ev, err := src.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		e.Process(ev, emit)
	}
}

// CaptureSource is a capture as the engine reads it: normalised events,
// with the metadata of the current section.
type CaptureSource interface {
	Source
	Meta() *scap.Meta
}

// RunCapture is Run for a capture: the state is bootstrapped from the
// capture's metadata, and again at each new section.
//
// With more than one CPU, reading and normalising run on a goroutine of
// their own, ahead of the state and the rules; src must not be used by
// anything else until RunCapture returns.
func (e *Engine) RunCapture(ctx context.Context, src CaptureSource, emit func(*alert.Alert)) error {
	if pipelined() {
		return e.runPipelined(ctx, src, emit)
	}
	meta := src.Meta()
	e.Bootstrap(CaptureBootstrap(meta))
	return e.Run(ctx, sourceFunc(func() (*event.Event, error) {
		ev, err := src.Next()
		if err == nil && src.Meta() != meta {
			meta = src.Meta()
			e.Bootstrap(CaptureBootstrap(meta))
		}
		return ev, err
	}), emit)
}

type sourceFunc func() (*event.Event, error)

func (f sourceFunc) Next() (*event.Event, error) { return f() }
