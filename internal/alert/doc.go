// Package alert defines an alert (rule, priority, time, output fields) and
// its text and JSON forms, compatible with Falco's alert format.
//
// Not implemented yet.
package alert
