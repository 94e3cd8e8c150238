// Package syntax scans and parses the condition language of Falco rules
// into an AST.
//
// Not implemented yet (issue [2]).
package syntax
