package field

// Extractor appends to dst the values of one field (with its argument)
// for the event its source is at, and returns the extended slice. It
// appends nothing when the field has no value for that event, one value
// for most fields, and several for list fields and for fields that range
// over several things (proc.aname without an index: every ancestor).
// Extractors must not allocate in steady state; the values' bytes may
// alias the source's memory until it moves to another event.
type Extractor func(dst []Value) []Value

// Binder is the side of an event source that the rules engine compiles
// against: it turns a field use (a catalog entry and its argument) into an
// Extractor bound to the source's current event. Bind is called at compile
// time; it fails for a field or argument the source cannot give.
//
// One Binder serves one evaluation loop: its extractors read the event the
// source is at, so a compiled rule set is bound to one source and is not
// shared between goroutines.
type Binder interface {
	Bind(f *Field, arg Arg) (Extractor, error)
}
