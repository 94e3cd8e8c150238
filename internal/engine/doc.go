// Package engine wires a source of events, the state engine, a rule set
// and the alerts it raises into one pipeline, and counts what flows
// through it: events (by type), alerts (by rule), the state's misses and
// the events a live source lost (raised as drop alerts).
//
// It is the only package that knows all the others. A source is a capture
// file (RunCapture: the state is bootstrapped from its metadata; reading
// runs ahead on a goroutine of its own) or the live capture (Run with a
// LiveSource, bootstrapped from a /proc snapshot). Container metadata from
// the runtime goes into the state as it arrives, and an event that rules
// test waits for it a bounded time. Options.Record receives everything the
// engine processed, so that a recording replays to the same alerts.
//
// Rules can be replaced while the engine runs (reload.go): Prepare
// compiles them aside, Swap or Reload hands them over, and the goroutine
// that runs the engine switches between two events, keeping the state.
// Reload also widens a live capture's kernel filter before the switch and
// narrows it after.
//
// Other goroutines (a metrics scrape) read the counters with Published
// (published.go): the engine's goroutine publishes a copy between two
// events, every 256 events and whenever a reader asks.
package engine
