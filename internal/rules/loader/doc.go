// Package loader reads Falco rule files (YAML) into a [rules.Spec]: lists,
// macros and rules with Falco's redefinition, legacy "append: true" and
// "override:" semantics, exceptions, required_engine_version and
// required_plugin_versions. It follows falcosecurity/falco's
// userspace/engine rule_loader_reader.cpp (what an item means),
// rule_loader_collector.cpp (how items combine) and the parts of
// rule_loader_compiler.cpp that only rewrite text (list expansion and
// substitution, exceptions), so that the upstream rule files load
// unchanged and mean the same.
//
// Use [Load] (or [Loader.Load], [Loader.LoadFiles]). Problems come back as
// [rules.Diagnostic] values, each with the file, line and column of the
// offending item, key or value; all of them, not just the first. A failing
// item is left out and reading goes on.
//
// # What an item means
//
// A file is one or more YAML documents, each a sequence of items (empty
// items and empty documents are skipped). An item is a mapping whose kind
// is the first key present among required_engine_version,
// required_plugin_versions, list, macro, rule; a mapping with none of them
// is ignored with a warning. Keys an item of that kind does not have are
// warned about (Falco 0.44); so are deprecated forms.
//
//   - list: items is required, a sequence of strings (numbers are kept as
//     written). Redefining a list replaces it in place. "append: true" or
//     "override: {items: append}" appends items to a list defined before
//     (an error when there is none); "override: {items: replace}" is a
//     redefinition.
//   - macro: condition is required. Redefinition, append (the text is
//     added after a space) and override of condition as for lists.
//   - rule, with neither "append: true" nor "override": when it has one of
//     condition, output, desc, priority it is a definition and needs all
//     four (source defaults to syscall, enabled and warn_evttypes to true);
//     redefining a rule replaces it wholly, in place, and must keep its
//     source. Otherwise it must have "enabled" and toggles a rule defined
//     before (deprecated form).
//   - rule with "append: true" (deprecated): condition is appended after a
//     space, exceptions are merged (values added to the exception of the
//     same name, which may not restate fields or comps; a new exception
//     needs fields and values); other keys are ignored. It needs a
//     condition or exceptions and a rule defined before.
//   - rule with "override": each key under override says append or
//     replace. Appendable: condition, output, desc, tags, exceptions;
//     replaceable: those and priority, enabled, warn_evttypes,
//     skip-if-unknown-filter, capture, capture_duration, capture_events,
//     capture_filesize. A key listed must be present in the item, and an
//     overridable key present must be listed. Appending adds text after a
//     space (condition, output, desc), adds tags, merges exceptions as
//     above; replacing sets the value. The rule must exist. "append: true"
//     together with a non-empty override is an error. A source given with
//     an append or override must be the rule's (Falco 0.40).
//
// Exceptions: name is required; fields is a field or a list of fields
// (optional only when appending values to an existing exception); comps
// defaults to "=" for each field of a list and to "in" for a single field
// (which allows only in, pmatch, intersects, or an operator with a
// oneof/anyof/allof modifier); values is a sequence of tuples (list form)
// or of strings (single form). The text Falco builds from them is in
// [rules.Rule.ConditionWithExceptions].
//
// # Where we differ from Falco
//
//   - Falco stops a file at its first error and the whole load at the first
//     failing file; we report every error. To avoid cascades, an append to
//     an item whose definition failed is not reported again.
//   - Checks that Falco makes while compiling but that depend only on the
//     text are made here, for every rule: exception values of the wrong
//     shape. Conditions that list substitution grows past
//     [rules.MaxConditionLen], and loads whose substitutions scan more than
//     512 MiB of text, are errors (Falco has no bound: lists whose values
//     name later lists can grow a condition exponentially).
//   - Falco 0.44 warns about unknown keys; the key sets we check each kind
//     of item against are the keys Falco's reader uses for that kind plus
//     those of its rule schema (capture_events, capture_filesize), and the
//     wording of every message is ours.
//   - Replacing a rule's exceptions checks them and applies the comps
//     defaults, as a definition does (Falco copies them unchecked, which
//     yields a broken condition later).
//   - Exception values that are mappings, and lists nested deeper than a
//     tuple of lists of strings, are errors (Falco turns them into empty
//     strings).
//   - Whether a field exists, whether a source is known, which rules are
//     skipped by priority: these depend on the fields and sources available
//     and are the compiler's business, not the loader's.
package loader
