package loader

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/rules"
	"peregrine/internal/yamlnode"
)

// Messages Falco gives for deprecated forms (rule_loading_messages.h), in
// our words.
const (
	msgAppendDeprecated  = "'append: true' is deprecated: list the key under 'override' instead (e.g. 'condition: append')"
	msgEnabledDeprecated = "an item with only 'enabled' is deprecated: add 'override: {enabled: replace}'"
	msgAppendAndOverride = "'override' and 'append: true' cannot be used together: list the appended keys under 'override' instead (e.g. 'condition: append')"
)

// The keys each kind of item may have; others are warned about.
var (
	listKeys  = map[string]bool{"list": true, "items": true, "append": true, "override": true}
	macroKeys = map[string]bool{"macro": true, "condition": true, "append": true, "override": true}
	ruleKeys  = map[string]bool{
		"rule": true, "desc": true, "condition": true, "output": true, "priority": true,
		"enabled": true, "tags": true, "source": true, "exceptions": true,
		"capture": true, "capture_duration": true, "capture_events": true, "capture_filesize": true,
		"warn_evttypes": true, "skip-if-unknown-filter": true, "override": true, "append": true,
	}
	engineKeys      = map[string]bool{"required_engine_version": true}
	pluginsKeys     = map[string]bool{"required_plugin_versions": true}
	pluginKeys      = map[string]bool{"name": true, "version": true, "alternatives": true}
	alternativeKeys = map[string]bool{"name": true, "version": true}
)

// readItem reads one item of a file's top-level sequence. The kind is the
// first of these keys present, as in Falco: required_engine_version,
// required_plugin_versions, list, macro, rule.
func (st *load) readItem(file string, n *yaml.Node) {
	it := &item{l: st, file: file, kind: "item", node: n}
	v := yamlnode.Resolve(n)
	if yamlnode.IsNull(v) {
		return // Falco skips empty items
	}
	if v.Kind != yaml.MappingNode {
		it.errorf(n, "each item must be a mapping (list, macro, rule, ...), found %s", kindName(v))
		return
	}
	m := readMapping(v)
	switch {
	case m.has("required_engine_version"):
		it.kind = "required_engine_version"
		st.readEngineVersion(it, m)
	case m.has("required_plugin_versions"):
		it.kind = "required_plugin_versions"
		st.readPluginVersions(it, m)
	case m.has("list"):
		it.kind = "list"
		st.readList(it, m)
	case m.has("macro"):
		it.kind = "macro"
		st.readMacro(it, m)
	case m.has("rule"):
		it.kind = "rule"
		st.readRule(it, m)
	default:
		it.reportKeyProblems(m)
		keys := make([]string, len(m.entries))
		for i, e := range m.entries {
			keys[i] = strconv.Quote(e.key)
		}
		what := "no keys"
		if len(keys) > 0 {
			what = "keys " + strings.Join(keys, ", ")
		}
		it.warnf(n, "unknown item (%s): expected list, macro, rule, required_engine_version or required_plugin_versions; ignored", what)
	}
}

// readEngineVersion reads required_engine_version: an unsigned integer N
// (meaning 0.N.0, the legacy form) or a "x.y.z" version.
func (st *load) readEngineVersion(it *item, m *mapping) {
	it.reportKeyProblems(m)
	it.checkKeys(m, engineKeys)
	s, e, ok := it.scalar(m, "required_engine_version", true)
	if !ok || it.failed {
		return
	}
	var v rules.Version
	if n, isInt := parseUint(s, 32); isInt {
		v = rules.Version{Minor: uint32(n)}
	} else if v, ok = rules.ParseVersion(s); !ok {
		it.errorf(e.value, "cannot parse engine version %q: expected a \"x.y.z\" version or an integer", s)
		return
	}
	if !st.engine.CompatibleWith(v) {
		it.errorf(e.value, "the rules require engine version %s, but the engine version is %s", v, st.engine)
		return
	}
	if !st.hasEngine || st.spec.RequiredEngineVersion.Version.Less(v) {
		st.hasEngine = true
		st.spec.RequiredEngineVersion = rules.EngineRequirement{Version: v, Pos: pos(it.file, e.value)}
	}
}

// readPluginVersions reads required_plugin_versions: a sequence of
// {name, version, alternatives: [{name, version}]}.
func (st *load) readPluginVersions(it *item, m *mapping) {
	it.reportKeyProblems(m)
	it.checkKeys(m, pluginsKeys)
	e := m.get("required_plugin_versions")
	if yamlnode.IsNull(e.value) || e.value.Kind != yaml.SequenceNode {
		it.errorf(valueNode(e), "key %q must be a sequence, found %s", e.key, kindName(e.value))
		return
	}
	for _, c := range e.value.Content {
		pit := &item{l: st, file: it.file, kind: "required plugin", node: c}
		pv := yamlnode.Resolve(c)
		if yamlnode.IsNull(pv) || pv.Kind != yaml.MappingNode {
			pit.errorf(c, "each entry must be a mapping with a name and a version, found %s", kindName(pv))
			continue
		}
		pm := pit.mapping(pv)
		name, _, _ := pit.scalar(pm, "name", true)
		pit.name = name
		pit.checkKeys(pm, pluginKeys)
		req := rules.PluginRequirement{Name: name, Pos: pos(it.file, pv)}
		req.Version, _, _ = pit.scalar(pm, "version", true)
		if a := pm.get("alternatives"); a != nil {
			if yamlnode.IsNull(a.value) || a.value.Kind != yaml.SequenceNode {
				pit.errorf(valueNode(a), "key %q must be a sequence, found %s", a.key, kindName(a.value))
			} else {
				for _, an := range a.value.Content {
					alt, ok := st.readAlternative(pit, an)
					if ok {
						req.Alternatives = append(req.Alternatives, alt)
					}
				}
			}
		}
		if pit.failed {
			continue
		}
		seen := map[string]bool{}
		for _, pv := range append([]rules.PluginVersion{{Name: req.Name, Version: req.Version}}, req.Alternatives...) {
			if _, ok := rules.ParseVersion(pv.Version); !ok {
				pit.errorf(nil, "invalid required version %q for plugin %q", pv.Version, pv.Name)
			}
			if seen[pv.Name] {
				pit.errorf(nil, "plugin %q has more than one version requirement among its alternatives", pv.Name)
			}
			seen[pv.Name] = true
		}
		if !pit.failed {
			st.spec.RequiredPlugins = append(st.spec.RequiredPlugins, req)
		}
	}
}

func (st *load) readAlternative(parent *item, n *yaml.Node) (rules.PluginVersion, bool) {
	ait := &item{l: st, file: parent.file, kind: "plugin " + fmt.Sprintf("%q", parent.name) + " alternative", node: n}
	v := yamlnode.Resolve(n)
	if yamlnode.IsNull(v) || v.Kind != yaml.MappingNode {
		ait.errorf(n, "must be a mapping with a name and a version, found %s", kindName(v))
		parent.failed = true
		return rules.PluginVersion{}, false
	}
	am := ait.mapping(v)
	var pv rules.PluginVersion
	pv.Name, _, _ = ait.scalar(am, "name", true)
	ait.checkKeys(am, alternativeKeys)
	pv.Version, _, _ = ait.scalar(am, "version", true)
	if ait.failed {
		parent.failed = true
		return pv, false
	}
	return pv, true
}

// overrides are the keys under "override" and what to do with each.
type overrides struct {
	appends  map[string]*entry
	replaces map[string]*entry
}

func (o *overrides) any() bool { return len(o.appends)+len(o.replaces) > 0 }

// readOverrides reads the "override" mapping of an item. canAppend and
// canReplace are the keys the kind of item allows for each operation.
func (it *item) readOverrides(m *mapping, canAppend, canReplace map[string]bool) *overrides {
	o := &overrides{appends: map[string]*entry{}, replaces: map[string]*entry{}}
	e := m.get("override")
	if e == nil || yamlnode.IsNull(e.value) {
		return o
	}
	if e.value.Kind != yaml.MappingNode {
		it.errorf(e.value, "key \"override\" must be a mapping of keys to append or replace, found %s", kindName(e.value))
		return o
	}
	om := it.mapping(e.value)
	for i := range om.entries {
		oe := &om.entries[i]
		if yamlnode.IsNull(oe.value) || oe.value.Kind != yaml.ScalarNode {
			it.errorf(valueNode(oe), "override of %q must be append or replace, found %s", oe.key, kindName(oe.value))
			continue
		}
		switch op := oe.value.Value; {
		case op == "append" && canAppend[oe.key]:
			o.appends[oe.key] = oe
		case op == "append" && canReplace[oe.key]:
			it.errorf(oe.keyN, "key %q cannot be appended to, use 'replace' instead", oe.key)
		case op == "replace" && canReplace[oe.key]:
			o.replaces[oe.key] = oe
		case !canAppend[oe.key] && !canReplace[oe.key]:
			it.errorf(oe.keyN, "key %q cannot be overridden", oe.key)
		default:
			allowed := "replace"
			if canAppend[oe.key] {
				allowed = "append or replace"
			}
			it.errorf(oe.value, "invalid override operation %q for key %q: it must be %s", op, oe.key, allowed)
		}
	}
	return o
}

// appendFlag reads the legacy "append" key and warns when it is set.
func (it *item) appendFlag(m *mapping) bool {
	v, _ := it.boolean(m, "append", false)
	if v {
		it.warnf(m.get("append").keyN, msgAppendDeprecated)
	}
	return v
}

var itemsOnly = map[string]bool{"items": true}

// readList reads "- list: name, items: [...]" with append or override.
func (st *load) readList(it *item, m *mapping) {
	name, _, ok := it.scalar(m, "list", true)
	it.name = name
	it.reportKeyProblems(m)
	it.checkKeys(m, listKeys)
	if !ok {
		return
	}
	if !isBareString(name) {
		it.warnf(nil, "invalid list name: list names should match [^()\"'[:space:]=,]+")
	}
	items, _ := it.strings(m, "items", true)
	appendItems := it.appendFlag(m)
	o := it.readOverrides(m, itemsOnly, itemsOnly)
	if appendItems && o.any() {
		it.errorf(nil, msgAppendAndOverride)
	}
	if it.failed {
		st.markFailed("list", name)
		return
	}
	at := pos(it.file, it.node)
	if appendItems || o.appends["items"] != nil {
		l := st.list(name)
		if l == nil {
			if !st.hasFailed("list", name) {
				it.errorf(nil, "'append: true' or 'override: {items: append}' given, but no list of that name is defined before")
			}
			return
		}
		st.appendList(l, items, at)
		return
	}
	st.defineList(rules.List{Name: name, Items: items, Pos: at})
}

var conditionOnly = map[string]bool{"condition": true}

// readMacro reads "- macro: name, condition: ..." with append or override.
func (st *load) readMacro(it *item, m *mapping) {
	name, _, ok := it.scalar(m, "macro", true)
	it.name = name
	it.reportKeyProblems(m)
	it.checkKeys(m, macroKeys)
	if !ok {
		return
	}
	if !isIdentifier(name) {
		it.warnf(nil, "invalid macro name: macro names should match [a-zA-Z]+[a-zA-Z0-9_]*")
	}
	cond, ce, _ := it.scalar(m, "condition", true)
	appendCond := it.appendFlag(m)
	o := it.readOverrides(m, conditionOnly, conditionOnly)
	if appendCond && o.any() {
		it.errorf(nil, msgAppendAndOverride)
	}
	if it.failed {
		st.markFailed("macro", name)
		return
	}
	at := pos(it.file, it.node)
	if appendCond || o.appends["condition"] != nil {
		mac := st.macro(name)
		if mac == nil {
			if !st.hasFailed("macro", name) {
				it.errorf(nil, "'append: true' or 'override: {condition: append}' given, but no macro of that name is defined before")
			}
			return
		}
		st.appendMacro(mac, cond, at)
		return
	}
	st.defineMacro(rules.Macro{Name: name, Condition: cond, Pos: at, ConditionPos: pos(it.file, ce.value)})
}
