// Package engine wires a source of events, the state engine, a rule set
// and outputs into a running pipeline, and reports its metrics.
//
// Not implemented yet.
package engine
