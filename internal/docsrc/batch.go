package docsrc

import (
	"time"

	"fmt"

	"peregrine/internal/alert"
)

// Batch splits a batch into documents with the source's Records and
// evaluates each. Records that cannot be evaluated are counted (see
// Counters.Bad) and passed to bad when it is not nil; the error is for a
// batch that is not of the source's shape.
func (e *Evaluator) Batch(body []byte, emit func(*alert.Alert), bad func(error)) error {
	if e.def.Records == nil {
		return fmt.Errorf("%s: no batch reader", e.def.Source)
	}
	err := e.def.Records(body, func(doc []byte, t time.Time) { e.Eval(doc, t, emit) }, func(err error) {
		e.Bad()
		if bad != nil {
			bad(err)
		}
	})
	if err != nil {
		e.Bad()
	}
	return err
}
