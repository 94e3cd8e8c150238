package loader

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/rules"
)

const baseRule = `- rule: r
  desc: d
  condition: evt.type = open
  output: out %proc.name
  priority: INFO
  tags: [b, a]
  exceptions:
    - name: e1
      fields: [proc.name]
      values: [[bash]]
`

// ruleState is the part of a rule that appends and overrides change.
type ruleState struct {
	Desc, Condition, Output string
	Priority                alert.Priority
	Enabled                 bool
	Tags                    []string
	Exceptions              []rules.Exception
	WarnEvttypes, Skip      bool
	Capture                 bool
	CaptureDuration         uint64
	Expanded                string
}

func stateOf(r *rules.Rule) ruleState {
	var exc []rules.Exception
	for _, e := range r.Exceptions {
		e.Pos = rules.Position{}
		exc = append(exc, e)
	}
	return ruleState{r.Desc, r.Condition, r.Output, r.Priority, r.Enabled, r.Tags, exc,
		r.WarnEvttypes, r.SkipIfUnknownFilter, r.Capture, r.CaptureDuration, r.Expanded}
}

func baseState() ruleState {
	return ruleState{
		Desc: "d", Condition: "evt.type = open", Output: "out %proc.name", Priority: alert.PriorityInformational,
		Enabled: true, Tags: []string{"a", "b"}, WarnEvttypes: true,
		Exceptions: []rules.Exception{{Name: "e1", Fields: []string{"proc.name"}, Comps: []string{"="},
			Values: []rules.ExceptionValue{tuple("bash")}}},
		Expanded: "(evt.type = open) and not (( proc.name = bash))",
	}
}

func tuple(vals ...string) rules.ExceptionValue {
	v := rules.ExceptionValue{IsList: true}
	for _, s := range vals {
		v.List = append(v.List, rules.ExceptionValue{Text: s})
	}
	return v
}

func TestOverrideRule(t *testing.T) {
	tests := []struct {
		name   string
		item   string
		change func(*ruleState)
	}{
		{"append condition", `
- rule: r
  condition: and proc.name = cat
  override: {condition: append}`, func(s *ruleState) {
			s.Condition = "evt.type = open and proc.name = cat"
			s.Expanded = "(evt.type = open and proc.name = cat) and not (( proc.name = bash))"
		}},
		{"append output and desc", `
- rule: r
  output: extra=%fd.name
  desc: more
  override: {output: append, desc: append}`, func(s *ruleState) {
			s.Output = "out %proc.name extra=%fd.name"
			s.Desc = "d more"
		}},
		{"append tags", `
- rule: r
  tags: [c, a]
  override: {tags: append}`, func(s *ruleState) { s.Tags = []string{"a", "b", "c"} }},
		{"append exceptions: values to an existing one, a new one", `
- rule: r
  exceptions:
    - name: e1
      values: [[zsh]]
    - name: e2
      fields: fd.name
      comps: pmatch
      values: [/tmp, /var tmp]
  override: {exceptions: append}`, func(s *ruleState) {
			s.Exceptions[0].Values = append(s.Exceptions[0].Values, tuple("zsh"))
			s.Exceptions = append(s.Exceptions, rules.Exception{Name: "e2", Fields: []string{"fd.name"}, Comps: []string{"pmatch"},
				Single: true, Values: []rules.ExceptionValue{{Text: "/tmp"}, {Text: "/var tmp"}}})
			s.Expanded = `(evt.type = open) and not (( proc.name = bash) or ( proc.name = zsh)) and not (fd.name pmatch (/tmp, "/var tmp"))`
		}},
		{"replace condition, output, desc", `
- rule: r
  condition: evt.type = close
  output: "  new  "
  desc: nd
  override: {condition: replace, output: replace, desc: replace}`, func(s *ruleState) {
			s.Condition, s.Output, s.Desc = "evt.type = close", "  new  ", "nd"
			s.Expanded = "(evt.type = close) and not (( proc.name = bash))"
		}},
		{"replace tags and priority", `
- rule: r
  tags: [z]
  priority: critical
  override: {tags: replace, priority: replace}`, func(s *ruleState) {
			s.Tags, s.Priority = []string{"z"}, alert.PriorityCritical
		}},
		{"replace booleans and capture", `
- rule: r
  enabled: false
  warn_evttypes: false
  skip-if-unknown-filter: true
  capture: true
  capture_duration: 7000
  override:
    enabled: replace
    warn_evttypes: replace
    skip-if-unknown-filter: replace
    capture: replace
    capture_duration: replace`, func(s *ruleState) {
			s.Enabled, s.WarnEvttypes, s.Skip, s.Capture, s.CaptureDuration = false, false, true, true, 7000
		}},
		{"replace exceptions (comps defaults applied)", `
- rule: r
  exceptions:
    - name: e9
      fields: proc.name
      values: [sh]
  override: {exceptions: replace}`, func(s *ruleState) {
			s.Exceptions = []rules.Exception{{Name: "e9", Fields: []string{"proc.name"}, Comps: []string{"in"}, Single: true,
				Values: []rules.ExceptionValue{{Text: "sh"}}}}
			s.Expanded = "(evt.type = open) and not (proc.name in (sh))"
		}},
		{"append and replace in one item", `
- rule: r
  condition: or evt.type = openat
  priority: debug
  override: {condition: append, priority: replace}`, func(s *ruleState) {
			s.Condition = "evt.type = open or evt.type = openat"
			s.Priority = alert.PriorityDebug
			s.Expanded = "(evt.type = open or evt.type = openat) and not (( proc.name = bash))"
		}},
		{"same source is fine", `
- rule: r
  source: syscall
  condition: x
  override: {condition: replace}`, func(s *ruleState) {
			s.Condition = "x"
			s.Expanded = "(x) and not (( proc.name = bash))"
		}},
		{"legacy append: condition, exceptions; other keys ignored", `
- rule: r
  condition: and proc.name = cat
  enabled: false
  desc: ignored
  exceptions:
    - name: e1
      values: [[zsh]]
  append: true`, func(s *ruleState) {
			s.Condition = "evt.type = open and proc.name = cat"
			s.Exceptions[0].Values = append(s.Exceptions[0].Values, tuple("zsh"))
			s.Expanded = "(evt.type = open and proc.name = cat) and not (( proc.name = bash) or ( proc.name = zsh))"
		}},
		{"enabled-only item", `
- rule: r
  enabled: false`, func(s *ruleState) { s.Enabled = false }},
		{"full redefinition replaces everything", `
- rule: r
  desc: d2
  condition: evt.type = close
  output: o2
  priority: ERROR`, func(s *ruleState) {
			*s = ruleState{Desc: "d2", Condition: "evt.type = close", Output: "o2", Priority: alert.PriorityError,
				Enabled: true, WarnEvttypes: true, Expanded: "evt.type = close"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, diags := loadStrings(t, baseRule+tt.item)
			if errs := errorsOf(diags); len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			want := baseState()
			tt.change(&want)
			if d := cmp.Diff(want, stateOf(ruleNamed(t, spec, "r"))); d != "" {
				t.Errorf("rule (-want +got):\n%s", d)
			}
		})
	}
}

func TestOverrideRuleErrors(t *testing.T) {
	tests := []struct {
		name string
		item string
		want []string
	}{
		{"priority cannot be appended", `
- rule: r
  priority: debug
  override: {priority: append}`, []string{`f1.yaml:14:14: error: rule "r": key "priority" cannot be appended to, use 'replace' instead`}},
		{"source cannot be overridden", `
- rule: r
  source: k8s_audit
  override: {source: replace}`, []string{`f1.yaml:14:14: error: rule "r": key "source" cannot be overridden`}},
		{"invalid operation", `
- rule: r
  condition: x
  override: {condition: prepend}`, []string{`f1.yaml:14:25: error: rule "r": invalid override operation "prepend" for key "condition": it must be append or replace`}},
		{"invalid operation on a replace-only key", `
- rule: r
  enabled: false
  override: {enabled: toggle}`, []string{`f1.yaml:14:23: error: rule "r": invalid override operation "toggle" for key "enabled": it must be replace`}},
		{"override key not present", `
- rule: r
  desc: x
  override: {desc: replace, condition: append}`, []string{`f1.yaml:14:29: error: rule "r": an append override for "condition" was given but "condition" is not defined`}},
		{"present key not under override", `
- rule: r
  condition: x
  priority: debug
  override: {condition: append}`, []string{`f1.yaml:14:3: error: rule "r": unexpected key "priority": no entry for it under 'override'`}},
		{"enabled given without replace", `
- rule: r
  desc: x
  override: {desc: replace, enabled: replace}`, []string{`f1.yaml:14:29: error: rule "r": a replace override for "enabled" was given but "enabled" is not defined`}},
		{"append and override together", `
- rule: r
  condition: x
  append: true
  override: {condition: append}`, []string{`f1.yaml:12:3: error: rule "r": 'override' and 'append: true' cannot be used together: list the appended keys under 'override' instead (e.g. 'condition: append')`}},
		{"source change on append", `
- rule: r
  source: k8s_audit
  condition: and x
  append: true`, []string{`f1.yaml:13:11: error: rule "r": rule redefined with a different source ("k8s_audit", was "syscall")`}},
		{"source change on override", `
- rule: r
  source: k8s_audit
  condition: x
  override: {condition: replace}`, []string{`f1.yaml:13:11: error: rule "r": rule redefined with a different source ("k8s_audit", was "syscall")`}},
		{"source change on redefinition", `
- rule: r
  source: k8s_audit
  desc: d
  condition: x
  output: o
  priority: info`, []string{`f1.yaml:12:3: error: rule "r": rule redefined with a different source ("k8s_audit", was "syscall")`}},
		{"append fields to an existing exception", `
- rule: r
  exceptions:
    - name: e1
      fields: [fd.name]
      values: [[x]]
  override: {exceptions: append}`, []string{`f1.yaml:14:7: error: rule "r": exception "e1": cannot append fields to an existing exception, only values`}},
		{"new exception without values", `
- rule: r
  exceptions:
    - name: e2
      fields: [fd.name]
  override: {exceptions: append}`, []string{`f1.yaml:14:7: error: rule "r": exception "e2": a new exception needs "values"`}},
		{"appended values of the wrong arity", `
- rule: r
  exceptions:
    - name: e1
      values: [[x, y]]
  override: {exceptions: append}`, []string{`f1.yaml:14:7: error: rule "r": exception "e1": each value must be a list of 1 entries, one per field`}},
		{"replace exceptions without fields", `
- rule: r
  exceptions:
    - name: e1
      values: [[x]]
  override: {exceptions: replace}`, []string{`f1.yaml:14:7: error: rule "r": exception "e1": missing required key "fields" (a field or a list of fields)`}},
		{"legacy append without anything to append", `
- rule: r
  desc: more
  append: true`, []string{`f1.yaml:12:3: error: rule "r": 'append: true' needs a condition or exceptions to append`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, diags := loadStrings(t, baseRule+tt.item)
			if d := cmp.Diff(tt.want, errorsOf(diags)); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
			// A failed item leaves the rule as it was.
			if d := cmp.Diff(baseState(), stateOf(ruleNamed(t, spec, "r"))); d != "" {
				t.Errorf("rule changed (-want +got):\n%s", d)
			}
		})
	}
}

func TestChangeMissingRule(t *testing.T) {
	tests := []struct {
		name, item, want string
	}{
		{"override append", "- rule: x\n  condition: a\n  override: {condition: append}\n",
			`f1.yaml:1:3: error: rule "x": 'append: true' or 'override: {<key>: append}' given, but no rule of that name is defined before`},
		{"override replace", "- rule: x\n  condition: a\n  override: {condition: replace}\n",
			`f1.yaml:1:3: error: rule "x": 'override: {<key>: replace}' given, but no rule of that name is defined before`},
		{"legacy append", "- rule: x\n  condition: a\n  append: true\n",
			`f1.yaml:1:3: error: rule "x": 'append: true' or 'override: {<key>: append}' given, but no rule of that name is defined before`},
		{"enabled only", "- rule: x\n  enabled: true\n",
			`f1.yaml:1:3: error: rule "x": key "enabled" given, but no rule of that name is defined before`},
		{"only a name", "- rule: x\n",
			`f1.yaml:1:3: error: rule "x": a new rule needs condition, output, desc and priority (an item with only the name and "enabled" toggles an existing rule)`},
		// The rule is defined after the override: still an error, as in Falco.
		{"override before definition", "- rule: x\n  condition: a\n  override: {condition: replace}\n- rule: x\n  desc: d\n  condition: c\n  output: o\n  priority: info\n",
			`f1.yaml:1:3: error: rule "x": 'override: {<key>: replace}' given, but no rule of that name is defined before`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := loadStrings(t, tt.item)
			if d := cmp.Diff([]string{tt.want}, errorsOf(diags)); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
		})
	}
}
