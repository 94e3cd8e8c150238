// Package field is the catalog of the fields that rule conditions and
// outputs name (evt.type, proc.name, fd.name, ka.user.name, ct.name ...):
// each field's source, type, argument, list-ness, flags and description,
// and the contract between the rules engine and the event sources that
// give fields their values.
//
// The contract is small. At compile time the rules engine looks a field up
// in a [Catalog] and asks the event source's [Binder] for an [Extractor]
// of that field (with its argument). At run time the source points itself
// at the event being evaluated and the engine calls the extractors, which
// append the field's [Value]s for that event without allocating. A source
// that cannot give a field for an event appends nothing: "no value", and
// every comparison on it is false.
//
// This package holds no event data and no state: the syscall source
// (package state) and the other sources (Kubernetes audit, CloudTrail)
// implement the extractors.
package field
