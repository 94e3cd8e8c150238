package rules

import (
	"fmt"

	"peregrine/internal/rules/syntax"
)

// posError is a compile error of a condition or an output format: what is
// wrong (Msg) and where in the text it starts (Pos), so that the caller can
// report it as file:line:col.
type posError struct {
	Pos syntax.Pos
	Msg string
	// Unknown marks an unknown field: a rule flagged
	// skip-if-unknown-filter is then skipped instead of failing.
	Unknown bool
}

// Error returns "line:col: message", or the message alone when the
// position is unknown.
func (e *posError) Error() string {
	if !e.Pos.IsValid() {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// errAt returns a *posError at the position of node n.
func errAt(n syntax.Node, format string, args ...any) error {
	var pos syntax.Pos
	if n != nil {
		pos = n.Position()
	}
	return &posError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
