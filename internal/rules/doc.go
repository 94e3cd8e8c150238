// Package rules compiles a rule spec (lists, macros and rules in Falco's
// language, as package loader reads them) against a field catalog into a
// runnable rule set: conditions become trees of compiled checks bound to
// the extractors of an event source, rules are indexed by the event types
// they can match, and outputs become formats that render an alert. It
// also compiles a lone condition (a filter, for sysdig-like selection) and
// a lone output format.
//
// Subpackage syntax parses conditions and output formats; subpackage
// loader reads rule files.
package rules
