// Package field is the catalog of fields that rules and outputs can name
// (evt.type, proc.name, fd.name, ka.user.name ...): their types, arguments
// and descriptions, and the extractor interface that event sources
// implement.
//
// Not implemented yet (issue [2]).
package field
