package rules

import (
	"fmt"
	"strconv"

	"peregrine/internal/alert"
)

// A Spec is the content of a set of Falco rule files once read, in the order
// the files were given, with redefinitions, appends and overrides applied.
// Package loader builds it; the compiler of this package turns it into a
// runnable rule set against a field catalog. A Spec depends only on the
// bytes of the files: loading the same files gives an equal Spec.
//
// Lists, Macros and Rules are each in definition order: the order in which
// an item of that name was first defined. Redefining an item replaces it in
// place and keeps its place in that order, as Falco does.
//
// # Ordering and visibility
//
// Falco numbers every successful definition, append or override of a list,
// macro or rule with one counter shared by the three kinds and by all files
// (enabling a rule with a bare "enabled" item does not count). Each item
// keeps two numbers from that counter: Index, the number of its first
// definition, and Visibility, the number of its latest definition, append
// or override. From them (falcosecurity/falco userspace/engine
// rule_loader_collector.cpp define_info/append_info, and
// rule_loader_compiler.cpp compile_list_infos, compile_macros_infos,
// resolve_macros, parse_condition):
//
//   - A list item that names another list L is replaced by L's items when
//     L.Index < the list's Visibility; otherwise it stays a plain value.
//     This expansion is one level deep: it uses L's items as written, so an
//     item of L that names a third list is not expanded ([List.Values]).
//   - Lists have no visibility order with conditions: every list, whenever
//     defined, is substituted into every macro and rule condition,
//     textually, in definition order ([SubstituteLists]).
//   - A macro's condition may use a macro M only when M.Index < the using
//     macro's Visibility; so a macro may use any macro first defined before
//     its own latest definition or append, in this file or an earlier one,
//     and never one first defined after it (an "undefined macro" error in
//     Falco). Falco resolves the macros in definition order, each against
//     the set of macros visible to it: a reference is replaced by a copy of
//     the referenced macro's condition as resolved so far, and references
//     inside that copy are resolved in turn with the same visible set (a
//     macro that reaches itself is an error).
//   - A rule's condition may use every macro, including macros defined
//     after the rule and in later files.
//
// Falco warns about lists and macros that nothing uses. A list counts as
// used when it appears in another list's ListRefs or in the ListRefs of a
// macro or rule that is compiled (rules of an unknown source are not);
// macro use is only known once conditions are parsed and resolved.
type Spec struct {
	// Files are the rule files read, in order.
	Files []string
	// Lists, Macros and Rules are in definition order (see above).
	Lists  []List
	Macros []Macro
	Rules  []Rule
	// RequiredEngineVersion is the highest required_engine_version of the
	// files; zero when none requires one.
	RequiredEngineVersion EngineRequirement
	// RequiredPlugins are the required_plugin_versions entries of all the
	// files, in order.
	RequiredPlugins []PluginRequirement
}

// Position is a place in a rule file. Line and Column count from 1; a zero
// Column means the column is unknown, a zero Line that the whole file is
// meant.
type Position struct {
	File   string
	Line   int
	Column int
}

// String returns "file:line:col", "file:line" or "file".
func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return p.File + ":" + strconv.Itoa(p.Line)
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}

// List is a named list of values ("- list: name").
type List struct {
	Name string
	// Items are the values as written, with appended items after them.
	Items []string
	// Values are Items with each item that names an earlier visible list
	// replaced by that list's Items (one level, as Falco does). These are
	// the values substituted into conditions.
	Values []string
	// ListRefs are the names of the lists expanded into Values, in order,
	// with repetitions.
	ListRefs []string
	// Pos is the item of the definition in force (the latest one).
	Pos Position
	// Updates are the items that appended to the list since then.
	Updates    []Position
	Index      int
	Visibility int
}

// Macro is a named condition fragment ("- macro: name").
type Macro struct {
	Name string
	// Condition is the condition as written; an append adds a space and
	// the appended text.
	Condition string
	// Expanded is Condition with every list substituted
	// ([SubstituteLists]): the text to parse.
	Expanded string
	// ListRefs are the names of the lists substituted into Expanded.
	ListRefs []string
	// Pos is the item of the definition in force, ConditionPos its
	// condition value.
	Pos          Position
	ConditionPos Position
	// Updates are the items that appended to the macro since then.
	Updates    []Position
	Index      int
	Visibility int
}

// Rule is a rule ("- rule: name").
type Rule struct {
	Name string
	Desc string
	// Condition is the condition as written, appends included, without
	// exceptions.
	Condition string
	// Expanded is the text to parse: Condition with the exceptions added
	// ([Rule.ConditionWithExceptions]) and then every list substituted
	// ([SubstituteLists]), as Falco does.
	Expanded string
	// ListRefs are the names of the lists substituted into Expanded.
	ListRefs []string
	// Output is the output format, with surrounding blanks trimmed.
	Output   string
	Priority alert.Priority
	// Source is the event source, "syscall" unless the rule names one.
	Source  string
	Enabled bool
	// Tags are sorted and without duplicates (Falco keeps a set).
	Tags       []string
	Exceptions []Exception
	// Capture asks for a capture file when the rule fires;
	// CaptureDuration is its length in milliseconds (0: the configured
	// default). CaptureEvents and CaptureFilesize are the stop conditions
	// of Falco's newer rule schema (0: none).
	Capture         bool
	CaptureDuration uint64
	CaptureEvents   uint64
	CaptureFilesize uint64
	// WarnEvttypes (default true) asks for a warning when the condition
	// does not restrict the event type.
	WarnEvttypes bool
	// SkipIfUnknownFilter (default false) skips the rule, with a warning,
	// when its condition or output uses a field the source lacks.
	SkipIfUnknownFilter bool
	// Pos is the item of the definition in force; ConditionPos and
	// OutputPos are its condition and output values.
	Pos          Position
	ConditionPos Position
	OutputPos    Position
	// Updates are the items that appended to, overrode or enabled the rule
	// since its definition, in order.
	Updates    []Position
	Index      int
	Visibility int
}

// Exception is one entry of a rule's "exceptions": events matching any of
// its values are excluded from the rule.
type Exception struct {
	Name string
	// Fields are the fields compared, Comps the operator for each (same
	// length; "=" for each field when not given in the list form, "in" in
	// the single form).
	Fields []string
	Comps  []string
	// Single is true when "fields" was one string rather than a list: then
	// Values are single values compared with one list operator, as
	// "(field comp (v1, v2, ...))".
	Single bool
	// Values are, in the list form, tuples with one entry per field; in the
	// single form, plain values.
	Values []ExceptionValue
	Pos    Position
}

// ExceptionValue is a value of an exception: a string, or (IsList) a list
// of values.
type ExceptionValue struct {
	Text   string
	IsList bool
	List   []ExceptionValue
}

// EngineRequirement is a required_engine_version.
type EngineRequirement struct {
	Version Version
	Pos     Position
}

// PluginRequirement is one entry of required_plugin_versions: the plugin
// Name at Version or later (same major), or any of the Alternatives.
type PluginRequirement struct {
	Name         string
	Version      string
	Alternatives []PluginVersion
	Pos          Position
}

// PluginVersion names a plugin and a minimum version.
type PluginVersion struct {
	Name    string
	Version string
}

// Version is a major.minor.patch version number.
type Version struct {
	Major, Minor, Patch uint32
}

// EngineVersion returns the version of the rules engine, which rule files
// compare with their required_engine_version: the version Falco 0.44
// reports (userspace/engine/falco_engine_version.h), so that files written
// for Falco 0.44 load.
func EngineVersion() Version { return Version{0, 62, 0} }

// ParseVersion reads "major.minor.patch" the way Falco's sinsp_version
// does (three unsigned decimal numbers separated by dots, at the start of
// the string; anything after them is ignored, so "0.57.0-rc1" is 0.57.0).
func ParseVersion(s string) (Version, bool) {
	var v Version
	var parts [3]uint32
	for i := range parts {
		if i > 0 {
			if s == "" || s[0] != '.' {
				return v, false
			}
			s = s[1:]
		}
		n, rest, ok := leadingUint32(s)
		if !ok {
			return v, false
		}
		parts[i], s = n, rest
	}
	return Version{parts[0], parts[1], parts[2]}, true
}

// leadingUint32 reads the unsigned number at the start of s, after
// optional blanks and an optional '+', as scanf's %u does for these.
func leadingUint32(s string) (uint32, string, bool) {
	for s != "" && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\v' || s[0] == '\f') {
		s = s[1:]
	}
	if s != "" && s[0] == '+' {
		s = s[1:]
	}
	i := 0
	var n uint64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + uint64(s[i]-'0')
		if n > 1<<32-1 {
			return 0, s, false
		}
		i++
	}
	if i == 0 {
		return 0, s, false
	}
	return uint32(n), s[i:], true
}

// String returns "major.minor.patch".
func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Less reports whether v is an earlier version than w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Patch < w.Patch
}

// CompatibleWith reports whether v satisfies a requirement for req: the
// same major version and not earlier.
func (v Version) CompatibleWith(req Version) bool {
	return v.Major == req.Major && !v.Less(req)
}

// Severity says whether a [Diagnostic] is an error or a warning.
type Severity uint8

// The severities.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is an error or warning about a rule file, at the position of
// the offending item, key or value.
type Diagnostic struct {
	Pos      Position
	Severity Severity
	Message  string
}

// String returns "pos: severity: message".
func (d Diagnostic) String() string {
	return d.Pos.String() + ": " + d.Severity.String() + ": " + d.Message
}
