// Package engine wires a source of events, the state engine, a rule set
// and the alerts it raises into one pipeline, and counts what flows
// through it: events (by type), alerts (by rule) and the state's misses.
//
// It is the only package that knows all the others; the command line
// builds an Engine and feeds it a source (a capture file today, live
// capture later).
package engine
