package loader

import (
	"errors"
	"fmt"
	"slices"

	"peregrine/internal/alert"
	"peregrine/internal/rules"
)

// load is the state of one Load call: the spec being built and the
// diagnostics, as Falco's rule collector keeps them.
type load struct {
	engine rules.Version
	spec   *rules.Spec
	diags  []rules.Diagnostic
	// counter numbers definitions, appends and overrides of lists, macros
	// and rules (Falco's m_cur_index), see [rules.Spec].
	counter    int
	hasEngine  bool
	listByName map[string]int
	macroByNam map[string]int
	ruleByName map[string]int
	// failed holds "kind\x00name" of items whose definition failed, so that
	// appends to them are not reported again as appends to nothing.
	failed map[string]bool
}

func (st *load) add(p rules.Position, sev rules.Severity, msg string) {
	st.diags = append(st.diags, rules.Diagnostic{Pos: p, Severity: sev, Message: msg})
}

func (st *load) next() int {
	n := st.counter
	st.counter++
	return n
}

func (st *load) markFailed(kind, name string) { st.failed[kind+"\x00"+name] = true }

func (st *load) hasFailed(kind, name string) bool { return st.failed[kind+"\x00"+name] }

// defineList defines or redefines a list.
func (st *load) defineList(l rules.List) {
	id := st.next()
	l.Visibility = id
	if i, ok := st.listByName[l.Name]; ok {
		l.Index = st.spec.Lists[i].Index
		st.spec.Lists[i] = l
		return
	}
	l.Index = id
	st.listByName[l.Name] = len(st.spec.Lists)
	st.spec.Lists = append(st.spec.Lists, l)
}

// list returns the list named name, or nil.
func (st *load) list(name string) *rules.List {
	if i, ok := st.listByName[name]; ok {
		return &st.spec.Lists[i]
	}
	return nil
}

// appendList appends items to an existing list.
func (st *load) appendList(l *rules.List, items []string, at rules.Position) {
	l.Items = append(l.Items, items...)
	l.Updates = append(l.Updates, at)
	l.Visibility = st.next()
}

// defineMacro defines or redefines a macro.
func (st *load) defineMacro(m rules.Macro) {
	id := st.next()
	m.Visibility = id
	if i, ok := st.macroByNam[m.Name]; ok {
		m.Index = st.spec.Macros[i].Index
		st.spec.Macros[i] = m
		return
	}
	m.Index = id
	st.macroByNam[m.Name] = len(st.spec.Macros)
	st.spec.Macros = append(st.spec.Macros, m)
}

// macro returns the macro named name, or nil.
func (st *load) macro(name string) *rules.Macro {
	if i, ok := st.macroByNam[name]; ok {
		return &st.spec.Macros[i]
	}
	return nil
}

// appendMacro appends condition text to an existing macro.
func (st *load) appendMacro(m *rules.Macro, cond string, at rules.Position) {
	m.Condition += " " + cond
	m.Updates = append(m.Updates, at)
	m.Visibility = st.next()
}

// rule returns the rule named name, or nil.
func (st *load) rule(name string) *rules.Rule {
	if i, ok := st.ruleByName[name]; ok {
		return &st.spec.Rules[i]
	}
	return nil
}

// defineRule defines or redefines a rule (the caller checked the source).
func (st *load) defineRule(r rules.Rule) {
	id := st.next()
	r.Visibility = id
	if i, ok := st.ruleByName[r.Name]; ok {
		r.Index = st.spec.Rules[i].Index
		st.spec.Rules[i] = r
		return
	}
	r.Index = id
	st.ruleByName[r.Name] = len(st.spec.Rules)
	st.spec.Rules = append(st.spec.Rules, r)
}

// ruleUpdate is what an append or override brings to a rule; nil fields
// are not given.
type ruleUpdate struct {
	at                  rules.Position
	cond                *string
	output              *string
	desc                *string
	tags                []string
	hasTags             bool
	exceptions          []rules.Exception
	hasExceptions       bool
	priority            *alert.Priority
	enabled             *bool
	warnEvttypes        *bool
	skipIfUnknownFilter *bool
	capture             *bool
	captureDuration     *uint64
	captureEvents       *uint64
	captureFilesize     *uint64
}

// appendRule applies an append to r, as Falco's collector does: text keys
// get a space and the new text, tags are added, exceptions either merge
// their values into the exception of the same name or are added (the
// caller checked them against r).
func (st *load) appendRule(r *rules.Rule, u *ruleUpdate) {
	exc := slices.Clone(r.Exceptions)
	for _, e := range u.exceptions {
		i := slices.IndexFunc(exc, func(p rules.Exception) bool { return p.Name == e.Name })
		if i < 0 {
			exc = append(exc, e)
			continue
		}
		merged := exc[i]
		merged.Values = append(slices.Clone(merged.Values), e.Values...)
		exc[i] = merged
	}
	if u.cond != nil && *u.cond != "" {
		r.Condition += " " + *u.cond
	}
	if u.output != nil && *u.output != "" {
		r.Output += " " + *u.output
	}
	if u.desc != nil && *u.desc != "" {
		r.Desc += " " + *u.desc
	}
	if u.hasTags {
		r.Tags = tagSet(append(slices.Clone(r.Tags), u.tags...))
	}
	r.Exceptions = exc
	r.Updates = append(r.Updates, u.at)
	r.Visibility = st.next()
}

// replaceRule applies an override with replace to r.
func (st *load) replaceRule(r *rules.Rule, u *ruleUpdate) {
	if u.cond != nil {
		r.Condition = *u.cond
	}
	if u.output != nil {
		r.Output = *u.output
	}
	if u.desc != nil {
		r.Desc = *u.desc
	}
	if u.hasTags {
		r.Tags = tagSet(u.tags)
	}
	if u.hasExceptions {
		r.Exceptions = u.exceptions
	}
	if u.priority != nil {
		r.Priority = *u.priority
	}
	if u.enabled != nil {
		r.Enabled = *u.enabled
	}
	if u.warnEvttypes != nil {
		r.WarnEvttypes = *u.warnEvttypes
	}
	if u.skipIfUnknownFilter != nil {
		r.SkipIfUnknownFilter = *u.skipIfUnknownFilter
	}
	if u.capture != nil {
		r.Capture = *u.capture
	}
	if u.captureDuration != nil {
		r.CaptureDuration = *u.captureDuration
	}
	if u.captureEvents != nil {
		r.CaptureEvents = *u.captureEvents
	}
	if u.captureFilesize != nil {
		r.CaptureFilesize = *u.captureFilesize
	}
	r.Updates = append(r.Updates, u.at)
	r.Visibility = st.next()
}

// tagSet sorts tags and drops duplicates.
func tagSet(tags []string) []string {
	out := slices.Clone(tags)
	slices.Sort(out)
	return slices.Compact(out)
}

// expansionBudget bounds the text scanned by list substitution in one
// load (over 50 times what the five upstream rule files need), so that a
// hostile file cannot make loading slow.
const expansionBudget = 512 << 20

// expand fills the derived fields: list values, then the conditions to
// parse, with exceptions and lists substituted.
func (st *load) expand() {
	lists := st.spec.Lists
	work := expansionBudget
	for i := range lists {
		l := &lists[i]
		l.Values, l.ListRefs = nil, nil
		for _, it := range l.Items {
			ref := st.list(it)
			if ref != nil && ref.Index < l.Visibility {
				l.Values = append(l.Values, ref.Items...)
				l.ListRefs = append(l.ListRefs, ref.Name)
				continue
			}
			l.Values = append(l.Values, it)
		}
	}
	for i := range st.spec.Macros {
		m := &st.spec.Macros[i]
		text, used, err := rules.SubstituteListsWithin(m.Condition, lists, &work)
		if err != nil {
			st.add(m.ConditionPos, rules.SeverityError, fmt.Sprintf("macro %q: %v", m.Name, err))
			continue
		}
		m.Expanded, m.ListRefs = text, used
	}
	for i := range st.spec.Rules {
		r := &st.spec.Rules[i]
		text, err := r.ConditionWithExceptions()
		if err == nil {
			var used []string
			text, used, err = rules.SubstituteListsWithin(text, lists, &work)
			r.ListRefs = used
		}
		if err != nil {
			var ve *rules.ExceptionValueError
			at := r.ConditionPos
			if errors.As(err, &ve) {
				at = r.Pos
			}
			st.add(at, rules.SeverityError, fmt.Sprintf("rule %q: %v", r.Name, err))
			continue
		}
		r.Expanded = text
	}
}
