package state

import (
	"fmt"
	"time"
	"unsafe"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// BinderOptions configure a [Binder].
type BinderOptions struct {
	// Location is the time zone of evt.time, evt.time.s, evt.datetime and
	// evt.datetime.s; nil means time.Local, as sysdig prints them.
	Location *time.Location
	// Hostname, when set, is what evt.hostname gives instead of the
	// machine's host name (Falco's FALCO_HOSTNAME).
	Hostname string
	// Resolver supplies the state annotations of evt.arg and evt.args
	// (fd=3(<f>/etc/hosts), ptid=3200(bash)); nil means the state's own
	// ([State.Resolver]), which annotates as sysdig does.
	Resolver event.Resolver
}

// Binder gives the rules engine the syscall fields of the event a [State]
// is at: its Bind turns a catalog field and its argument into an
// extractor that reads the state's current event, thread and descriptor
// (the ones the last [State.Update] left in place). Every syscall field
// of the catalog binds; a field whose data the state does not have yields
// no value (see [Unimplemented]).
//
// Extractors do not allocate. Text they render (proc.cmdline, evt.arg,
// socket tuples ...) lives in a buffer of the extractor's own, valid until
// that extractor runs again; other bytes alias the state or the event and
// are valid until the next Update.
//
// A Binder serves the one goroutine that updates its State.
type Binder struct {
	s   *State
	opt BinderOptions
	loc *time.Location

	// clock is what the engine tells about the event stream through
	// SetNum: the event number, the first event's time (evt.reltime) and
	// the time of the event before the current one (evt.deltatime).
	num      uint64
	numSet   bool
	startTS  uint64
	startSet bool
	prevTS   uint64
	curTS    uint64

	printer event.Printer
}

// NewBinder returns a Binder over s.
func NewBinder(s *State, opt BinderOptions) *Binder {
	b := &Binder{s: s, opt: opt, loc: opt.Location}
	if b.loc == nil {
		b.loc = time.Local
	}
	// Buffers are rendered whole, as libsinsp renders them for fields;
	// the 80-byte cut is sysdig's default line, not the field's value.
	r := opt.Resolver
	if r == nil {
		r = s.Resolver()
	}
	b.printer = event.Printer{Resolver: r}
	return b
}

// Binder returns a Binder over s with the default options.
func (s *State) Binder() *Binder { return NewBinder(s, BinderOptions{}) }

// SetNum tells the binder the number of the event the state is at (the
// engine's evt.num). Call it after each [State.Update]: the first call
// also records the capture start for evt.reltime, and each call the time
// of the previous event for evt.deltatime. Without SetNum, evt.num is the
// count of events the state applied, and evt.reltime and evt.deltatime
// have no value.
func (b *Binder) SetNum(num uint64) {
	e := b.s.cur.ev
	b.num, b.numSet = num, true
	if e == nil || !e.Loaded() {
		return
	}
	ts := e.Timestamp()
	if !b.startSet {
		b.startTS, b.startSet = ts, true
		b.curTS = ts
	}
	b.prevTS, b.curTS = b.curTS, ts
}

// bindFunc makes the extractor of one field use. It runs at compile time
// and may allocate.
type bindFunc func(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error)

// bindings lists the tables of implemented fields, one per file.
var bindings = []map[string]bindFunc{
	evtBindings, evtArgBindings, evtSyscallBindings,
	procBindings, lineageBindings, threadBindings,
	fdBindings, fdNetBindings, fdListBindings, fsPathBindings,
	userBindings, containerBindings, k8sBindings,
}

func lookupBinding(name string) (bindFunc, bool) {
	for _, t := range bindings {
		if fn, ok := t[name]; ok {
			return fn, true
		}
	}
	return nil, false
}

// Bind returns the extractor of field f with argument arg. It fails for a
// field of another source, a field the catalog of this build does not
// know, and an argument the field does not accept. A field listed in
// [Unimplemented] binds to an extractor that never gives a value.
func (b *Binder) Bind(f *field.Field, arg field.Arg) (field.Extractor, error) {
	if f.Source != field.SourceSyscall {
		return nil, fmt.Errorf("field %s belongs to source %s, not %s", f.Name, f.Source, field.SourceSyscall)
	}
	if fn, ok := lookupBinding(f.Name); ok {
		return fn(b, f, arg)
	}
	if _, ok := unimplemented[f.Name]; ok {
		return noValue, nil
	}
	return nil, fmt.Errorf("field %s is not known to the state binder", f.Name)
}

// Implemented reports whether the state binder gives values for f: false
// for fields of other sources and for the syscall fields listed in
// [Unimplemented]. `peregrine fields` marks the catalog with it.
func Implemented(f *field.Field) bool {
	if f.Source != field.SourceSyscall {
		return false
	}
	_, ok := lookupBinding(f.Name)
	return ok
}

// Unimplemented returns why the syscall field name has no value here, or
// "" when it is implemented or unknown.
func Unimplemented(name string) string { return unimplemented[name] }

// noValue is the extractor of fields without data.
func noValue(dst []field.Value) []field.Value { return dst }

// Helpers shared by the extractors.

// bytesOf returns the bytes of s without copying. The bytes must not be
// written: extractors hand them out read-only, as field.Value documents.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// str returns a string value aliasing s.
func str(s string) field.Value { return field.String(bytesOf(s)) }

// timeValue returns a KindTime value.
func timeValue(ns uint64) field.Value { return field.Value{Kind: field.KindTime, N: ns} }

// boolValue returns a KindBool value.
func boolValue(v bool) field.Value { return field.Bool(v) }

// noArg fails when a field that takes no argument got one; the rules
// compiler checks this already, other callers may not.
func noArg(f *field.Field, arg field.Arg) error {
	if arg.Present() {
		return fmt.Errorf("field %s takes no argument", f.Name)
	}
	return nil
}

// simple adapts an extractor that needs no argument into a bindFunc.
func simple(ext func(b *Binder) field.Extractor) bindFunc {
	return func(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
		if err := noArg(f, arg); err != nil {
			return nil, err
		}
		return ext(b), nil
	}
}

// thread returns the event's thread, nil when unknown.
func (b *Binder) thread() *Thread { return b.s.cur.thread }

// event returns the current event, nil before the first Update.
func (b *Binder) event() *event.Event {
	if e := b.s.cur.ev; e != nil && e.Loaded() {
		return e
	}
	return nil
}
