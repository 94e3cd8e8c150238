package docsrc

import (
	"fmt"
	"time"

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
	if e.eachDoc == nil {
		// Made once: a closure per batch would allocate per batch (a
		// line of a log file). They read the batch's emit and bad from
		// the evaluator, which one goroutine uses at a time.
		e.eachDoc = func(doc []byte, t time.Time) { e.Eval(doc, t, e.batchEmit) }
		e.badDoc = func(err error) {
			e.Bad()
			if e.batchBad != nil {
				e.batchBad(err)
			}
		}
	}
	// Restored on return, so that a Batch called from emit or bad (a
	// batch within a batch) leaves the outer one's as they were.
	prevEmit, prevBad := e.batchEmit, e.batchBad
	e.batchEmit, e.batchBad = emit, bad
	defer func() { e.batchEmit, e.batchBad = prevEmit, prevBad }()
	err := e.def.Records(body, e.eachDoc, e.badDoc)
	if err != nil {
		e.Bad()
	}
	return err
}
