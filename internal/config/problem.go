package config

import (
	"fmt"
	"strconv"
)

// Pos is where a key or value comes from: a file, line and column, or a
// --set option (File is then `--set "key=value"` and Line is 0).
type Pos struct {
	File   string
	Line   int
	Column int
}

// String returns "file:line:col", "file:line" or "file".
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return p.File + ":" + strconv.Itoa(p.Line)
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}

// Warning is a problem that does not stop the agent: an unknown key, a
// Falco key that Peregrine ignores, an unset environment variable.
type Warning struct {
	Pos     Pos
	Message string
}

// String returns "pos: warning: message".
func (w Warning) String() string { return w.Pos.String() + ": warning: " + w.Message }

// Error is a problem that makes the configuration unusable: a value of the
// wrong type or out of range, a file that cannot be read. [Load] returns
// every Error it finds, joined with errors.Join.
type Error struct {
	Pos     Pos
	Message string
}

// Error returns "pos: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Message }

// problems collects what a load finds, in the order it finds it.
type problems struct {
	warnings []Warning
	errs     []error
}

func (p *problems) warnf(pos Pos, format string, args ...any) {
	p.warnings = append(p.warnings, Warning{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) errorf(pos Pos, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: pos, Message: fmt.Sprintf(format, args...)})
}
