package loader

import (
	"strings"

	"peregrine/internal/alert"
	"peregrine/internal/rules"
	"peregrine/internal/yamlnode"
)

// The keys an override may append to or replace in a rule
// (rule_loader_reader.cpp; capture_events and capture_filesize come from
// the newer rule schema).
var (
	ruleAppendable = map[string]bool{
		"condition": true, "output": true, "desc": true, "tags": true, "exceptions": true,
	}
	ruleReplaceable = map[string]bool{
		"condition": true, "output": true, "desc": true, "tags": true, "exceptions": true,
		"priority": true, "enabled": true, "warn_evttypes": true, "skip-if-unknown-filter": true,
		"capture": true, "capture_duration": true, "capture_events": true, "capture_filesize": true,
	}
)

// overridableOrder is the order in which Falco checks the override keys,
// and so the order of the errors about them.
var overridableOrder = []string{
	"condition", "exceptions", "output", "desc", "tags", "priority", "enabled",
	"warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration",
	"capture_events", "capture_filesize",
}

// readRule reads a rule item: a definition, a legacy append, an override,
// or a bare "enabled" toggle, told apart as Falco does.
func (st *load) readRule(it *item, m *mapping) {
	name, _, ok := it.scalar(m, "rule", true)
	it.name = name
	it.reportKeyProblems(m)
	it.checkKeys(m, ruleKeys)
	if !ok {
		return
	}
	appendFlag := it.appendFlag(m)
	o := it.readOverrides(m, ruleAppendable, ruleReplaceable)
	if it.failed {
		return
	}
	switch {
	case appendFlag && o.any():
		it.errorf(nil, msgAppendAndOverride)
	case o.any():
		st.overrideRule(it, m, o)
	case appendFlag:
		st.appendRuleItem(it, m)
	case !m.has("condition") && !m.has("output") && !m.has("desc") && !m.has("priority"):
		st.enableRule(it, m)
	default:
		st.defineRuleItem(it, m)
	}
	if it.failed && st.rule(name) == nil {
		st.markFailed("rule", name)
	}
}

// defineRuleItem reads a full rule definition.
func (st *load) defineRuleItem(it *item, m *mapping) {
	r := rules.Rule{
		Name: it.name, Source: "syscall", Enabled: true, WarnEvttypes: true,
		Pos: pos(it.file, it.node),
	}
	var ok bool
	var e *entry
	if r.Condition, e, ok = it.scalar(m, "condition", true); ok {
		r.ConditionPos = pos(it.file, e.value)
	}
	if r.Output, e, ok = it.scalar(m, "output", true); ok {
		r.OutputPos = pos(it.file, e.value)
		r.Output = strings.Trim(r.Output, " \t\n\r\f\v")
	}
	r.Desc, _, _ = it.scalar(m, "desc", true)
	if p, e, ok := it.scalar(m, "priority", true); ok {
		r.Priority, _ = it.priority(p, e)
	}
	if s, _, ok := it.scalar(m, "source", false); ok {
		r.Source = s
	}
	if v, ok := it.boolean(m, "enabled", false); ok {
		r.Enabled = v
	}
	if v, ok := it.boolean(m, "warn_evttypes", false); ok {
		r.WarnEvttypes = v
	}
	if v, ok := it.boolean(m, "skip-if-unknown-filter", false); ok {
		r.SkipIfUnknownFilter = v
	}
	r.Capture, _ = it.boolean(m, "capture", false)
	r.CaptureDuration, _ = it.unsigned(m, "capture_duration")
	r.CaptureEvents, _ = it.unsigned(m, "capture_events")
	r.CaptureFilesize, _ = it.unsigned(m, "capture_filesize")
	if tags, e := it.strings(m, "tags", false); e != nil {
		r.Tags = tagSet(tags)
	}
	raws, _ := st.readExceptions(it, m, false)
	for _, raw := range raws {
		if raw.complete() {
			r.Exceptions = append(r.Exceptions, raw.ex)
		} else {
			it.failed = true
		}
	}
	if it.failed {
		return
	}
	if prev := st.rule(r.Name); prev != nil && prev.Source != r.Source {
		it.errorf(nil, "rule redefined with a different source (%q, was %q)", r.Source, prev.Source)
		return
	}
	st.defineRule(r)
}

// priority parses a priority value.
func (it *item) priority(s string, e *entry) (alert.Priority, bool) {
	p, err := alert.ParsePriority(s)
	if err != nil {
		it.errorf(e.value, "invalid priority %q: expected emergency, alert, critical, error, warning, notice, informational (or info) or debug", s)
		return 0, false
	}
	return p, true
}

// checkSource reports an append or override that names a source other
// than the rule's (Falco 0.40 and later). An empty source is not checked.
func (it *item) checkSource(m *mapping, prev *rules.Rule) {
	e := m.get("source")
	if e == nil || yamlnode.IsNull(e.value) || e.value.Value == "" {
		return
	}
	if e.value.Value != prev.Source {
		it.errorf(e.value, "rule redefined with a different source (%q, was %q)", e.value.Value, prev.Source)
	}
}

// enableRule reads the deprecated form "- rule: name, enabled: bool".
func (st *load) enableRule(it *item, m *mapping) {
	if !m.has("enabled") {
		it.errorf(nil, "a new rule needs condition, output, desc and priority (an item with only the name and \"enabled\" toggles an existing rule)")
		return
	}
	v, present := it.boolean(m, "enabled", true)
	if !present || it.failed {
		return
	}
	it.warnf(nil, msgEnabledDeprecated)
	prev := st.rule(it.name)
	if prev == nil {
		if !st.hasFailed("rule", it.name) {
			it.errorf(nil, "key \"enabled\" given, but no rule of that name is defined before")
		}
		return
	}
	prev.Enabled = v
	prev.Updates = append(prev.Updates, pos(it.file, it.node))
}

// appendRuleItem reads the legacy "append: true" form: only condition and
// exceptions are appended (other keys are ignored, as in Falco).
func (st *load) appendRuleItem(it *item, m *mapping) {
	u := &ruleUpdate{at: pos(it.file, it.node)}
	if m.has("condition") {
		if c, _, ok := it.scalar(m, "condition", true); ok {
			u.cond = &c
		}
	}
	raws, present := st.readExceptions(it, m, true)
	if !present && u.cond == nil && !it.failed {
		it.errorf(nil, "'append: true' needs a condition or exceptions to append")
	}
	st.applyAppend(it, m, u, raws)
}

// applyAppend checks an append against the rule it extends and applies
// it.
func (st *load) applyAppend(it *item, m *mapping, u *ruleUpdate, raws []*rawException) {
	if it.failed {
		return
	}
	prev := st.rule(it.name)
	if prev == nil {
		if !st.hasFailed("rule", it.name) {
			it.errorf(nil, "'append: true' or 'override: {<key>: append}' given, but no rule of that name is defined before")
		}
		return
	}
	it.checkSource(m, prev)
	for _, raw := range raws {
		i := -1
		for j := range prev.Exceptions {
			if prev.Exceptions[j].Name == raw.ex.Name {
				i = j
				break
			}
		}
		if i < 0 {
			if !raw.fields.given {
				raw.it.errorf(nil, "a new exception needs \"fields\" (a field or a list of fields)")
				continue
			}
			if len(raw.ex.Values) == 0 {
				raw.it.errorf(nil, "a new exception needs \"values\"")
				continue
			}
			if raw.complete() {
				u.exceptions = append(u.exceptions, raw.ex)
			}
			continue
		}
		if raw.fields.given {
			raw.it.errorf(nil, "cannot append fields to an existing exception, only values")
			continue
		}
		if raw.comps.given {
			raw.it.errorf(nil, "cannot append comps to an existing exception, only values")
			continue
		}
		if checkValues(raw.it, &prev.Exceptions[i], raw.ex.Values) {
			u.exceptions = append(u.exceptions, raw.ex)
		}
	}
	for _, raw := range raws {
		if raw.it.failed {
			it.failed = true
		}
	}
	if it.failed {
		return
	}
	st.appendRule(prev, u)
}

// overrideRule reads the "override:" form. Every overridable key present
// must be listed under override, and every key listed must be present.
func (st *load) overrideRule(it *item, m *mapping, o *overrides) {
	for _, k := range overridableOrder {
		if oe := o.appends[k]; oe != nil && !m.has(k) {
			it.errorf(oe.keyN, "an append override for %q was given but %q is not defined", k, k)
		}
	}
	for _, k := range overridableOrder {
		if oe := o.replaces[k]; oe != nil && !m.has(k) {
			it.errorf(oe.keyN, "a replace override for %q was given but %q is not defined", k, k)
		}
	}
	for _, e := range m.entries {
		if (ruleAppendable[e.key] || ruleReplaceable[e.key]) && o.appends[e.key] == nil && o.replaces[e.key] == nil {
			it.errorf(e.keyN, "unexpected key %q: no entry for it under 'override'", e.key)
		}
	}
	if it.failed {
		return
	}
	if len(o.appends) > 0 {
		u := &ruleUpdate{at: pos(it.file, it.node)}
		st.readUpdate(it, m, u, o.appends)
		var raws []*rawException
		if o.appends["exceptions"] != nil {
			raws, _ = st.readExceptions(it, m, true)
		}
		st.applyAppend(it, m, u, raws)
	}
	if len(o.replaces) > 0 && !it.failed {
		u := &ruleUpdate{at: pos(it.file, it.node)}
		st.readUpdate(it, m, u, o.replaces)
		if o.replaces["exceptions"] != nil {
			raws, _ := st.readExceptions(it, m, false)
			u.hasExceptions = true
			u.exceptions = []rules.Exception{}
			for _, raw := range raws {
				if raw.complete() {
					u.exceptions = append(u.exceptions, raw.ex)
				} else {
					it.failed = true
				}
			}
		}
		if it.failed {
			return
		}
		prev := st.rule(it.name)
		if prev == nil {
			if !st.hasFailed("rule", it.name) {
				it.errorf(nil, "'override: {<key>: replace}' given, but no rule of that name is defined before")
			}
			return
		}
		if it.checkSource(m, prev); it.failed {
			return
		}
		st.replaceRule(prev, u)
	}
}

// readUpdate reads the values of the keys in keys (except exceptions)
// into u.
func (st *load) readUpdate(it *item, m *mapping, u *ruleUpdate, keys map[string]*entry) {
	str := func(k string) *string {
		if keys[k] == nil {
			return nil
		}
		s, _, ok := it.scalar(m, k, true)
		if !ok {
			return nil
		}
		return &s
	}
	boolean := func(k string) *bool {
		if keys[k] == nil {
			return nil
		}
		v, _ := it.boolean(m, k, true)
		return &v
	}
	unsigned := func(k string) *uint64 {
		if keys[k] == nil {
			return nil
		}
		v, _ := it.unsigned(m, k)
		return &v
	}
	u.cond = str("condition")
	u.output = str("output") // not trimmed, as in Falco
	u.desc = str("desc")
	if keys["tags"] != nil {
		u.tags, _ = it.strings(m, "tags", true)
		u.hasTags = true
	}
	if keys["priority"] != nil {
		if s, e, ok := it.scalar(m, "priority", true); ok {
			if p, ok := it.priority(s, e); ok {
				u.priority = &p
			}
		}
	}
	u.enabled = boolean("enabled")
	u.warnEvttypes = boolean("warn_evttypes")
	u.skipIfUnknownFilter = boolean("skip-if-unknown-filter")
	u.capture = boolean("capture")
	u.captureDuration = unsigned("capture_duration")
	u.captureEvents = unsigned("capture_events")
	u.captureFilesize = unsigned("capture_filesize")
}
