package field

import (
	"fmt"
	"strconv"

	"peregrine/internal/event"
)

// Sources of events, as rules name them in `source:`.
const (
	SourceSyscall    = "syscall"
	SourceK8sAudit   = "k8s_audit"
	SourceCloudTrail = "aws_cloudtrail"
)

// Field describes one field.
type Field struct {
	Name   string          // e.g. "proc.name"
	Source string          // the event source that gives it, e.g. SourceSyscall
	Class  string          // the group it is listed under, e.g. "process"
	Type   event.ParamType // the value type (libs' PT_* of the field)
	List   bool            // list-valued: `in` needs every value in the set, `intersects` any
	Arg    ArgRule         // whether it takes an argument
	Flags  Flags
	Desc   string // what it gives, in one or two sentences
}

// Kind returns the comparison kind of the field's values.
func (f *Field) Kind() Kind { return KindOf(f.Type) }

// ArgRule says whether a field takes an argument, written field[arg] or,
// for some fields, field.arg (evt.arg.name, k8s.pod.label.app).
type ArgRule uint8

// Argument rules.
const (
	ArgNone     ArgRule = iota // no argument
	ArgOptional                // an optional argument (proc.aname[2], proc.aname)
	ArgRequired                // an argument is required (evt.arg.name, proc.env[HOME])
)

// Flags are properties of a field (libs' EPF_* flags).
type Flags uint16

// Field flags.
const (
	NoRHS         Flags = 1 << iota // cannot be the right-hand side of a field comparison (val())
	NoTransformer                   // cannot be wrapped in a transformer
	FilterOnly                      // usable in conditions only, not in outputs
	PrintOnly                       // usable in outputs only, not in conditions
	TableOnly                       // not usable in rules at all
	Deprecated                      // works, but will go away: rules using it get a warning
	Hidden                          // not listed by `peregrine fields` (internal or alias)
	DotArg                          // the argument may also be written field.arg (evt.arg.name)
)

// Arg is the argument of one use of a field.
type Arg struct {
	// Text is the argument as written, "" when there is none.
	Text string
	// Dotted is true when it was written field.arg rather than field[arg].
	Dotted bool
}

// Present reports whether an argument was given.
func (a Arg) Present() bool { return a.Text != "" || a.Dotted }

// Index returns the argument as a non-negative integer, for fields
// indexed by number (proc.aname[2], evt.arg[0]).
func (a Arg) Index() (int, error) {
	n, err := strconv.Atoi(a.Text)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("argument %q is not a non-negative number", a.Text)
	}
	return n, nil
}
