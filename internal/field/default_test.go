package field

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// excluded are the fields of falco_fields.tsv that the catalog leaves out
// on purpose, with the reason.
var excluded = map[string]string{
	// The syslog class: listed up to Falco 0.40, gone from 0.42's list and
	// from libs (no sinsp_filtercheck_syslog among the filter checks the
	// TSV's appendix was taken from), so Falco 0.44 rejects it.
	"syslog.facility.str": "syslog class removed after Falco 0.40",
	"syslog.facility":     "syslog class removed after Falco 0.40",
	"syslog.severity.str": "syslog class removed after Falco 0.40",
	"syslog.severity":     "syslog class removed after Falco 0.40",
	"syslog.message":      "syslog class removed after Falco 0.40",
}

// extras are catalog fields that falco_fields.tsv does not list: the json
// plugin's, which the upstream k8s_audit and aws_cloudtrail rules use, and
// Peregrine's own learned fields of the aws_cloudtrail source.
var extras = map[string]bool{
	"json.value": true, "json.obj": true, "json.rawtime": true,
	"jevt.value": true, "jevt.obj": true, "jevt.rawtime": true,
	"ct.region.new": true, "ct.user.new": true,
}

// ownSources are the sources no Falco plugin defines: their fields are
// Peregrine's own, so falco_fields.tsv cannot list them.
var ownSources = map[string]bool{SourceGuardDuty: true, SourceCompute: true}

// argOverrides are libsinsp fields whose argument rule differs from their
// EPF_ARG_* flag in the appendix, because libsinsp's own name parsing
// says otherwise.
var argOverrides = map[string]ArgRule{
	// Flagged EPF_ARG_REQUIRED, but the event filter check accepts the
	// bare name (the first path) as well as evt.abspath.src and .dst.
	"evt.abspath": ArgOptional,
}

// dotExtras are fields we let take a dotted argument although their note
// in the TSV shows no dotted example: the container plugin's deprecated
// label stubs, which libsinsp's own k8s filter check (before the plugin)
// parsed like k8s.pod.label. Not confirmed for the plugin.
var dotExtras = map[string]bool{
	"k8s.rc.label": true, "k8s.svc.label": true, "k8s.ns.label": true,
	"k8s.rs.label": true, "k8s.deployment.label": true,
}

// dottedIn reports whether a field's note shows it with a dotted argument
// (evt.arg.fd, k8s.pod.label.foo): its name, a dot and a word that is not
// itself a field.
func dottedIn(name, note string, isField func(string) bool) bool {
	re := regexp.MustCompile(regexp.QuoteMeta(name) + `\.[A-Za-z]\w*`)
	for _, m := range re.FindAllString(note, -1) {
		if !isField(m) {
			return true
		}
	}
	return false
}

// TestDefaultMatchesTSV checks every field of falco_fields.tsv that Falco
// 0.44 accepts against the catalog: source, class, type, list-ness,
// argument rule and flags (from the appendix's EPF_* flags for libsinsp
// fields, from the notes for plugin fields).
func TestDefaultMatchesTSV(t *testing.T) {
	d := readTSV(t)
	c := Default()
	listed := map[string]bool{}
	isField := func(n string) bool { return listed[n] }
	for _, r := range d.fields {
		listed[r.name] = true
	}
	for n := range d.appendix {
		listed[n] = true
	}

	type want struct {
		Source, Class, Type string
		List                bool
		Arg                 ArgRule
		Flags               Flags
	}
	check := func(line int, name, source string, w want) {
		t.Helper()
		f, arg, ok := c.Lookup(source, name)
		if !ok || arg.Present() || f.Name != name {
			t.Errorf("falco_fields.tsv:%d: %s (%s) not in the catalog", line, name, source)
			return
		}
		got := want{f.Source, f.Class, f.Type.String(), f.List, f.Arg, f.Flags}
		if w.Class == "" {
			got.Class = ""
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("falco_fields.tsv:%d: %s (-tsv +catalog):\n%s", line, name, diff)
		}
	}

	// The container fields are listed twice, in Falco's list and from the
	// plugin's README; only the latter marks arguments and deprecation, so
	// the notes of all rows of a field count.
	notes := map[string][]string{}
	for _, r := range d.fields {
		notes[r.source+" "+r.name] = append(notes[r.source+" "+r.name], r.note)
	}

	seen := map[string]bool{}
	for _, r := range d.fields {
		if excluded[r.name] != "" {
			continue
		}
		typ, list := tsvType(t, r.typ)
		w := want{Source: r.source, Class: tsvClass(r.class), Type: typ.String(), List: list}
		all := notes[r.source+" "+r.name]
		if strings.Contains(r.class, "plugin") {
			for _, n := range all {
				w.Arg = max(w.Arg, tsvArg(n))
				if strings.Contains(n, "Deprecated") {
					w.Flags |= Deprecated
				}
			}
		} else {
			w.Arg, w.Flags = appendixRules(d.appendix[r.name])
		}
		if a, ok := argOverrides[r.name]; ok {
			w.Arg = a
		}
		if dottedIn(r.name, strings.Join(all, "\n"), isField) || dotExtras[r.name] {
			w.Flags |= DotArg
		}
		check(r.line, r.name, r.source, w)
		seen[r.source+" "+r.name] = true
	}

	// Fields that only the appendix names (table-only, print-only and
	// deprecated fields that Falco's list hides) are in the catalog too.
	for _, a := range d.appendix {
		if seen[SourceSyscall+" "+a.name] {
			continue
		}
		typ, list := tsvType(t, a.typ)
		w := want{Source: SourceSyscall, Type: typ.String(), List: list}
		w.Arg, w.Flags = appendixRules(a)
		check(a.line, a.name, SourceSyscall, w)
		seen[SourceSyscall+" "+a.name] = true
	}

	// And the catalog holds nothing else, but for the generic event
	// fields, which every source has.
	for _, f := range c.Fields("") {
		generic := f.Class == ClassEvt && seen[SourceSyscall+" "+f.Name]
		if !seen[f.Source+" "+f.Name] && !extras[f.Name] && !generic && !ownSources[f.Source] {
			t.Errorf("%s (%s) is in the catalog but not in falco_fields.tsv", f.Name, f.Source)
		}
	}
}

// appendixRules turns a field's EPF_* flags into our argument rule and
// flags. The DotArg flag has no EPF_ equivalent and is left out.
func appendixRules(a tsvFlags) (ArgRule, Flags) {
	var arg ArgRule
	switch {
	case a.flags["EPF_ARG_REQUIRED"]:
		arg = ArgRequired
	case a.flags["EPF_ARG_ALLOWED"]:
		arg = ArgOptional
	}
	var f Flags
	for epf, flag := range map[string]Flags{
		"EPF_NO_RHS": NoRHS, "EPF_NO_TRANSFORMER": NoTransformer, "EPF_FILTER_ONLY": FilterOnly,
		"EPF_PRINT_ONLY": PrintOnly, "EPF_TABLE_ONLY": TableOnly, "EPF_DEPRECATED": Deprecated,
	} {
		if a.flags[epf] {
			f |= flag
		}
	}
	return arg, f
}

// TestTSVTypesAgree checks that the appendix and the field list agree on
// the type of the fields both name, so that the conformance test above
// cannot pass on one while the other says something else.
func TestTSVTypesAgree(t *testing.T) {
	d := readTSV(t)
	for _, r := range d.fields {
		a, ok := d.appendix[r.name]
		if !ok {
			continue
		}
		ft, fl := tsvType(t, r.typ)
		at, _ := tsvType(t, a.typ)
		if ft != at || fl != a.flags["EPF_IS_LIST"] {
			t.Errorf("%s: list says %s, appendix says %s %v", r.name, r.typ, a.typ, a.flags)
		}
	}
}

// TestExclusionsAreListed keeps the exclusion list honest: every excluded
// name is in the TSV and absent from the catalog.
func TestExclusionsAreListed(t *testing.T) {
	d := readTSV(t)
	c := Default()
	inTSV := map[string]bool{}
	for _, r := range d.fields {
		inTSV[r.name] = true
	}
	for name := range excluded {
		if !inTSV[name] {
			t.Errorf("excluded field %s is not in falco_fields.tsv", name)
		}
		for _, src := range c.Sources() {
			if _, _, ok := c.Lookup(src, name); ok {
				t.Errorf("excluded field %s is in the catalog (%s)", name, src)
			}
		}
	}
}

// TestGenericFieldsInEverySource checks that the generic event fields
// (libsinsp's gen_event class: evt.num, evt.time, evt.plugininfo ...) are
// in every source, as Falco's plugin sources have them.
func TestGenericFieldsInEverySource(t *testing.T) {
	c := Default()
	for _, src := range c.Sources() {
		for _, g := range evtFields {
			f, _, ok := c.Lookup(src, g.Name)
			if !ok || f.Class != ClassEvt || f.Type != g.Type {
				t.Errorf("%s: %s missing or different", src, g.Name)
			}
		}
	}
}
