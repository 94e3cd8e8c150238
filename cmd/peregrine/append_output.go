package main

import (
	"strings"

	"peregrine/internal/config"
	"peregrine/internal/engine"
	"peregrine/internal/field"
	"peregrine/internal/rules"
)

// appendRules turns append_output entries into the rule options' Appends,
// in order, with one rule for every source, in run and replay alike: an
// explicit extra_output applies to every rule its match selects (source,
// tags, rule name; an empty match selects all), whatever the rule's
// source; the suggested output (suggested_output) is the container's id,
// name and image, fields only system call events have, so it applies to
// the syscall rules the match selects and to no other. rules.Compile
// leaves out, for each source, the entries that name another one.
func appendRules(entries []config.AppendOutput) []rules.Append {
	var out []rules.Append
	for _, a := range entries {
		m := a.Match
		if a.SuggestedOutput && (m.Source == "" || m.Source == field.SourceSyscall) {
			out = append(out, rules.Append{Source: field.SourceSyscall, Tags: m.Tags, Rule: m.Rule, Output: engine.ContainerOutput})
		}
		if text := strings.TrimSpace(a.ExtraOutput); text != "" {
			out = append(out, rules.Append{Source: m.Source, Tags: m.Tags, Rule: m.Rule, Output: text})
		}
	}
	return out
}

// replayAppends are the append_output entries of replay's --append-output
// flag: the suggested output when the flag is not given, else its text as
// an entry for every rule (none when empty).
func replayAppends(given bool, text string) []config.AppendOutput {
	if !given {
		return []config.AppendOutput{{SuggestedOutput: true}}
	}
	if text == "" {
		return nil
	}
	return []config.AppendOutput{{ExtraOutput: text}}
}
