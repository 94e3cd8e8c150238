// Package loader reads Falco rule files (YAML: lists, macros, rules,
// exceptions, append and override) into a deterministic rule spec.
//
// Not implemented yet (issue [2]).
package loader
