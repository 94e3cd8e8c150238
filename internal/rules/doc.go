// Package rules compiles a rule spec against a field catalog into a
// runnable rule set, indexed by event type, and evaluates events against it.
//
// Not implemented yet (issue [2]).
package rules
