// Package alert defines an alert (the rule that fired, its priority, time,
// source, host, formatted output, tags and output fields) and its JSON form,
// which is Falco's, so that Falcosidekick and the other consumers of Falco's
// alerts accept Peregrine's.
//
// It knows nothing of rules, events or outputs: the rules engine fills
// alerts, the output sinks carry them.
package alert
