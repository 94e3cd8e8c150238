package scap

import "peregrine/internal/event"

// The conversion table describes, for an event of one type that carries one
// number of parameters, how the savefile converter of falcosecurity-libs
// turns it into its current layout. The table itself lives in
// convert_table*.go; this file holds its vocabulary.

// convAction is what a rule does with the event it matches.
type convAction uint8

const (
	// actPass delivers the event as it is.
	actPass convAction = iota + 1
	// actStore remembers the event as its thread's pending enter event
	// and delivers nothing.
	actStore
	// actStoreAndPass remembers the event and also delivers it.
	actStoreAndPass
	// actAdd appends parameters to the event, keeping its type.
	actAdd
	// actChangeType builds an event of another type whose parameters are
	// all given by the steps.
	actChangeType
)

func (a convAction) String() string {
	switch a {
	case actPass:
		return "pass"
	case actStore:
		return "store"
	case actStoreAndPass:
		return "store+pass"
	case actAdd:
		return "add"
	case actChangeType:
		return "change-type"
	}
	return "unknown"
}

// convSource says where the value of one output parameter comes from.
type convSource uint8

const (
	// srcOld copies parameter idx of the event being converted.
	srcOld convSource = iota + 1
	// srcEnter copies parameter idx of the thread's stored enter event.
	// Without a stored event the parameter gets the zero value of its type,
	// or stays empty when the step says orEmpty.
	srcEnter
	// srcZero writes the zero value of the parameter type (see convZero).
	srcZero
	// srcEmpty writes a zero-length parameter.
	srcEmpty
	// srcContainerJSON writes the JSON document that describes the
	// container of an old four-parameter container event.
	srcContainerJSON
)

// convStep fills one parameter of the output event.
type convStep struct {
	src     convSource
	idx     uint8
	orEmpty bool // srcEnter only: empty rather than zero when there is no enter event
}

// convRule is one entry of the conversion table, keyed by (typ, n).
type convRule struct {
	typ   event.Type
	name  string // the libs enum of typ without PPME_; tests check it against the event table
	n     uint8  // number of parameters the matched event carries
	act   convAction
	to    event.Type // actChangeType: the type of the output event
	steps []convStep
}

// Step constructors, to keep the table readable.

func convOld(idx ...uint8) []convStep { return convFrom(srcOld, false, idx) }

// convOldRange copies parameters lo..hi-1 of the converted event.
func convOldRange(lo, hi uint8) []convStep {
	s := make([]convStep, 0, hi-lo)
	for i := lo; i < hi; i++ {
		s = append(s, convStep{src: srcOld, idx: i})
	}
	return s
}

func convEnter(idx ...uint8) []convStep { return convFrom(srcEnter, false, idx) }

func convEnterOrEmpty(idx ...uint8) []convStep { return convFrom(srcEnter, true, idx) }

func convEmpty(n int) []convStep { return convRepeat(convStep{src: srcEmpty}, n) }

func convZero(n int) []convStep { return convRepeat(convStep{src: srcZero}, n) }

func convJSONStep() []convStep {
	return []convStep{{src: srcContainerJSON, orEmpty: true}}
}

func convFrom(src convSource, orEmpty bool, idx []uint8) []convStep {
	s := make([]convStep, len(idx))
	for k, i := range idx {
		s[k] = convStep{src: src, idx: i, orEmpty: orEmpty}
	}
	return s
}

func convRepeat(st convStep, n int) []convStep {
	s := make([]convStep, n)
	for k := range s {
		s[k] = st
	}
	return s
}

// convSeq concatenates step lists.
func convSeq(parts ...[]convStep) []convStep {
	var s []convStep
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

// convIndexTable indexes rules by event type; each type has at most a few
// rules, told apart by parameter count.
func convIndexTable(rules []convRule) [][]*convRule {
	idx := make([][]*convRule, event.NumTypes())
	for k := range rules {
		r := &rules[k]
		if int(r.typ) < len(idx) {
			idx[r.typ] = append(idx[r.typ], r)
		}
	}
	return idx
}

// convRuleIndex is the read-only index of convTable.
var convRuleIndex = convIndexTable(convTable)

// convLookup returns the rule for an event of type t carrying n
// parameters, or nil.
func convLookup(t event.Type, n int) *convRule {
	if int(t) >= len(convRuleIndex) {
		return nil
	}
	for _, r := range convRuleIndex[t] {
		if int(r.n) == n {
			return r
		}
	}
	return nil
}
