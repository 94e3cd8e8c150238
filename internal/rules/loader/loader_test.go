package loader

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/rules"
)

func TestLists(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		list       string
		items      []string
		values     []string
		refs       []string
		errs, warn int
	}{
		{"plain items; numbers kept as written", "- list: l\n  items: [a, \"b c\", 1, 0x10]\n",
			"l", []string{"a", "b c", "1", "0x10"}, []string{"a", "b c", "1", "0x10"}, nil, 0, 0},
		{"legacy append", "- list: l\n  items: [a]\n- list: l\n  items: [b]\n  append: true\n",
			"l", []string{"a", "b"}, []string{"a", "b"}, nil, 0, 1},
		{"override append", "- list: l\n  items: [a]\n- list: l\n  items: [b]\n  override: {items: append}\n",
			"l", []string{"a", "b"}, []string{"a", "b"}, nil, 0, 0},
		{"override replace is a redefinition", "- list: l\n  items: [a]\n- list: l\n  items: [b]\n  override: {items: replace}\n",
			"l", []string{"b"}, []string{"b"}, nil, 0, 0},
		// As in Falco: with replace, an override before the definition
		// defines the list, and the later definition replaces it.
		{"override replace before definition", "- list: l\n  items: [a]\n  override: {items: replace}\n- list: l\n  items: [b]\n",
			"l", []string{"b"}, []string{"b"}, nil, 0, 0},
		{"redefinition replaces", "- list: l\n  items: [a]\n- list: l\n  items: [c, d]\n",
			"l", []string{"c", "d"}, []string{"c", "d"}, nil, 0, 0},
		{"reference to an earlier list is expanded", "- list: a\n  items: [x, y]\n- list: l\n  items: [a, z]\n",
			"l", []string{"a", "z"}, []string{"x", "y", "z"}, []string{"a"}, 0, 0},
		{"reference to a later list is not", "- list: l\n  items: [a, z]\n- list: a\n  items: [x, y]\n",
			"l", []string{"a", "z"}, []string{"a", "z"}, nil, 0, 0},
		// Appending to l after a is defined makes a visible to l.
		{"append makes a later list visible", "- list: l\n  items: [a]\n- list: a\n  items: [x]\n- list: l\n  items: [w]\n  override: {items: append}\n",
			"l", []string{"a", "w"}, []string{"x", "w"}, []string{"a"}, 0, 0},
		{"expansion is one level deep", "- list: a\n  items: [x]\n- list: b\n  items: [a]\n- list: l\n  items: [b]\n",
			"l", []string{"b"}, []string{"a"}, []string{"b"}, 0, 0},
		{"empty list", "- list: l\n  items: []\n", "l", []string{}, nil, nil, 0, 0},
		{"invalid name warns", "- list: \"a b\"\n  items: [x]\n", "a b", []string{"x"}, []string{"x"}, nil, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, diags := loadStrings(t, tt.text)
			if n := len(errorsOf(diags)); n != tt.errs || len(diags)-n != tt.warn {
				t.Fatalf("diagnostics %v, want %d errors and %d warnings", diags, tt.errs, tt.warn)
			}
			l := listNamed(t, spec, tt.list)
			if d := cmp.Diff(tt.items, l.Items); d != "" {
				t.Errorf("items (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.values, l.Values); d != "" {
				t.Errorf("values (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.refs, l.ListRefs); d != "" {
				t.Errorf("refs (-want +got):\n%s", d)
			}
		})
	}
}

func TestListErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"append to nothing", "- list: l\n  items: [a]\n  append: true\n",
			[]string{`f1.yaml:1:3: error: list "l": 'append: true' or 'override: {items: append}' given, but no list of that name is defined before`}},
		{"override append before definition", "- list: l\n  items: [a]\n  override: {items: append}\n- list: l\n  items: [b]\n",
			[]string{`f1.yaml:1:3: error: list "l": 'append: true' or 'override: {items: append}' given, but no list of that name is defined before`}},
		{"items not a sequence", "- list: l\n  items: a\n", []string{`f1.yaml:2:10: error: list "l": key "items" must be a sequence, found the scalar "a"`}},
		{"items missing", "- list: l\n", []string{`f1.yaml:1:3: error: list "l": missing required key "items"`}},
		{"item not a string", "- list: l\n  items: [a, [b]]\n", []string{`f1.yaml:2:14: error: list "l": each entry of "items" must be a string, found a sequence`}},
		{"null item", "- list: l\n  items: [a, ~]\n", []string{`f1.yaml:2:14: error: list "l": each entry of "items" must be a string, found nothing`}},
		{"override of another key", "- list: l\n  items: [a]\n  override: {condition: append}\n",
			[]string{`f1.yaml:3:14: error: list "l": key "condition" cannot be overridden`}},
		{"append with override", "- list: l\n  items: [a]\n- list: l\n  items: [b]\n  append: true\n  override: {items: append}\n",
			[]string{`f1.yaml:3:3: error: list "l": 'override' and 'append: true' cannot be used together: list the appended keys under 'override' instead (e.g. 'condition: append')`}},
		// The failed definition is reported once; the append to it is not
		// reported again.
		{"no cascade", "- list: l\n  items: x\n- list: l\n  items: [b]\n  append: true\n",
			[]string{`f1.yaml:2:10: error: list "l": key "items" must be a sequence, found the scalar "x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := loadStrings(t, tt.text)
			if d := cmp.Diff(tt.want, errorsOf(diags)); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
		})
	}
}

func TestMacros(t *testing.T) {
	tests := []struct {
		name, text, macro, cond, expanded string
		errs                              []string
	}{
		{"lists substituted", "- list: l\n  items: [a, b]\n- macro: m\n  condition: proc.name in (l)\n",
			"m", "proc.name in (l)", "proc.name in ( a, b )", nil},
		{"a later list is substituted too", "- macro: m\n  condition: proc.name in (l)\n- list: l\n  items: [a]\n",
			"m", "proc.name in (l)", "proc.name in ( a )", nil},
		{"legacy append", "- macro: m\n  condition: a\n- macro: m\n  condition: or b\n  append: true\n",
			"m", "a or b", "a or b", nil},
		{"override append", "- macro: m\n  condition: a\n- macro: m\n  condition: or b\n  override: {condition: append}\n",
			"m", "a or b", "a or b", nil},
		{"override replace", "- macro: m\n  condition: a\n- macro: m\n  condition: b\n  override: {condition: replace}\n",
			"m", "b", "b", nil},
		{"override replace before definition defines", "- macro: m\n  condition: b\n  override: {condition: replace}\n- macro: m\n  condition: c\n",
			"m", "c", "c", nil},
		{"override append before definition", "- macro: m\n  condition: or b\n  override: {condition: append}\n- macro: m\n  condition: a\n",
			"m", "a", "a", []string{`f1.yaml:1:3: error: macro "m": 'append: true' or 'override: {condition: append}' given, but no macro of that name is defined before`}},
		{"condition missing", "- macro: m\n- macro: m2\n  condition: x\n", "m2", "x", "x",
			[]string{`f1.yaml:1:3: error: macro "m": missing required key "condition"`}},
		{"condition empty", "- macro: m\n  condition: \"\"\n- macro: m2\n  condition: x\n", "m2", "x", "x",
			[]string{`f1.yaml:2:14: error: macro "m": key "condition" must not be empty`}},
		{"condition null", "- macro: m\n  condition:\n- macro: m2\n  condition: x\n", "m2", "x", "x",
			[]string{`f1.yaml:2:13: error: macro "m": key "condition" has no value`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, diags := loadStrings(t, tt.text)
			if d := cmp.Diff(tt.errs, errorsOf(diags)); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
			m := macroNamed(t, spec, tt.macro)
			if m.Condition != tt.cond || m.Expanded != tt.expanded {
				t.Errorf("condition %q expanded %q, want %q and %q", m.Condition, m.Expanded, tt.cond, tt.expanded)
			}
		})
	}
}

// TestOrderAndVisibility pins Index and Visibility (Falco's shared counter)
// through definitions, redefinitions, appends, overrides and toggles,
// across two files.
func TestOrderAndVisibility(t *testing.T) {
	f1 := `
- list: l1
  items: [a]
- macro: m1
  condition: x
- rule: r1
  desc: d
  condition: m1
  output: o
  priority: info
- macro: m2
  condition: y
`
	f2 := `
- macro: m1
  condition: z
- list: l1
  items: [b]
  append: true
- rule: r1
  enabled: false
- rule: r1
  condition: and w
  priority: debug
  override: {condition: append, priority: replace}
- list: l2
  items: [c]
`
	spec, diags := loadStrings(t, f1, f2)
	if len(errorsOf(diags)) != 0 {
		t.Fatal(diags)
	}
	type iv struct {
		Name              string
		Index, Visibility int
	}
	var got []iv
	for _, l := range spec.Lists {
		got = append(got, iv{"list " + l.Name, l.Index, l.Visibility})
	}
	for _, m := range spec.Macros {
		got = append(got, iv{"macro " + m.Name, m.Index, m.Visibility})
	}
	for _, r := range spec.Rules {
		got = append(got, iv{"rule " + r.Name, r.Index, r.Visibility})
	}
	want := []iv{
		{"list l1", 0, 5},  // defined 0, appended 5
		{"list l2", 8, 8},  // the toggle took no number; the override took 6 and 7
		{"macro m1", 1, 4}, // redefined in f2, keeps its place
		{"macro m2", 3, 3},
		{"rule r1", 2, 7},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	r := ruleNamed(t, spec, "r1")
	if r.Enabled || r.Condition != "m1 and w" || r.Priority.String() != "Debug" {
		t.Errorf("rule r1 = %+v", r)
	}
	if d := cmp.Diff([]rules.Position{{File: "f2.yaml", Line: 7, Column: 3}, {File: "f2.yaml", Line: 9, Column: 3}, {File: "f2.yaml", Line: 9, Column: 3}}, r.Updates); d != "" {
		t.Errorf("updates (-want +got):\n%s", d)
	}
	m := macroNamed(t, spec, "m1")
	if m.Pos != (rules.Position{File: "f2.yaml", Line: 2, Column: 3}) || m.ConditionPos != (rules.Position{File: "f2.yaml", Line: 3, Column: 14}) {
		t.Errorf("macro m1 at %v, condition at %v", m.Pos, m.ConditionPos)
	}
}

func TestRuleDefinition(t *testing.T) {
	spec, diags := loadStrings(t, `- rule: r
  desc: a rule
  condition: >
    evt.type = open
    and proc.name = cat
  output: >
    file opened (%fd.name)
  priority: WaRnInG
  tags: [b, a, b]
  source: k8s_audit
  enabled: no
  warn_evttypes: False
  skip-if-unknown-filter: ON
  capture: yes
  capture_duration: 3000
`)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	r := ruleNamed(t, spec, "r")
	want := rules.Rule{
		Name: "r", Desc: "a rule", Condition: "evt.type = open and proc.name = cat\n",
		Expanded: "evt.type = open and proc.name = cat\n", Output: "file opened (%fd.name)",
		Priority: 4, Source: "k8s_audit", Enabled: false, Tags: []string{"a", "b"},
		Capture: true, CaptureDuration: 3000, WarnEvttypes: false, SkipIfUnknownFilter: true,
		Pos:          rules.Position{File: "f1.yaml", Line: 1, Column: 3},
		ConditionPos: rules.Position{File: "f1.yaml", Line: 3, Column: 14},
		OutputPos:    rules.Position{File: "f1.yaml", Line: 6, Column: 11},
	}
	if d := cmp.Diff(want, *r); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestRuleDefinitionErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"missing keys", "- rule: r\n  condition: x\n", []string{
			`f1.yaml:1:3: error: rule "r": missing required key "output"`,
			`f1.yaml:1:3: error: rule "r": missing required key "desc"`,
			`f1.yaml:1:3: error: rule "r": missing required key "priority"`,
		}},
		{"bad priority", "- rule: r\n  desc: d\n  condition: x\n  output: o\n  priority: urgent\n", []string{
			`f1.yaml:5:13: error: rule "r": invalid priority "urgent": expected emergency, alert, critical, error, warning, notice, informational (or info) or debug`,
		}},
		{"wrong types", "- rule: r\n  desc: [d]\n  condition: x\n  output: o\n  priority: info\n  enabled: maybe\n  tags: t\n  capture_duration: -1\n", []string{
			`f1.yaml:2:9: error: rule "r": key "desc" must be a string, found a sequence`,
			`f1.yaml:6:12: error: rule "r": key "enabled" must be a boolean (true or false), found "maybe"`,
			`f1.yaml:8:21: error: rule "r": key "capture_duration" must be a non-negative integer, found "-1"`,
			`f1.yaml:7:9: error: rule "r": key "tags" must be a sequence, found the scalar "t"`,
		}},
		{"empty source", "- rule: r\n  desc: d\n  condition: x\n  output: o\n  priority: info\n  source: \"\"\n", []string{
			`f1.yaml:6:11: error: rule "r": key "source" must not be empty`,
		}},
		{"duplicate key", "- rule: r\n  desc: d\n  condition: x\n  condition: y\n  output: o\n  priority: info\n", []string{
			`f1.yaml:4:3: error: rule "r": duplicate key "condition"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, diags := loadStrings(t, tt.text)
			if d := cmp.Diff(tt.want, errorsOf(diags)); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
			if len(spec.Rules) != 0 {
				t.Errorf("a failed rule was kept: %v", spec.Rules)
			}
		})
	}
}

func TestFilesAndDirectories(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := write("base.yaml", "- list: l\n  items: [a]\n- macro: m\n  condition: x in (l)\n")
	write("d/b.yml", "- list: l\n  items: [c]\n  override: {items: append}\n")
	write("d/a.yaml", "- list: l\n  items: [b]\n  append: true\n")
	write("d/README.md", "not rules")
	write("d/sub/z.yaml", "- list: l\n  items: [nested]\n  append: true\n")
	notes := write("notes.txt", "- list: l\n  items: [t]\n  append: true\n")
	spec, diags, err := Load(base, filepath.Join(dir, "d"), notes, filepath.Join(dir, "missing.yaml"))
	if err == nil {
		t.Fatal("a missing file must be an error")
	}
	wantFiles := []string{base, filepath.Join(dir, "d", "a.yaml"), filepath.Join(dir, "d", "b.yml")}
	if d := cmp.Diff(wantFiles, spec.Files); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"a", "b", "c"}, listNamed(t, spec, "l").Items); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
	if got := macroNamed(t, spec, "m").Expanded; got != "x in ( a, b, c )" {
		t.Errorf("macro expanded %q", got)
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	want := []string{
		filepath.Join(dir, "d", "a.yaml") + ":3:3: warning: list \"l\": " + msgAppendDeprecated,
		notes + ": warning: not a .yaml or .yml file: skipped",
		filepath.Join(dir, "missing.yaml") + ": error: read rules: stat " + filepath.Join(dir, "missing.yaml") + ": no such file or directory",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("diagnostics (-want +got):\n%s", d)
	}
}

func TestDocuments(t *testing.T) {
	spec, diags := loadStrings(t, "- list: a\n  items: [x]\n---\n# nothing\n---\n- list: b\n  items: [a]\n-\n- macro: m\n  condition: y\n...\n")
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	if len(spec.Lists) != 2 || len(spec.Macros) != 1 {
		t.Fatalf("%d lists, %d macros", len(spec.Lists), len(spec.Macros))
	}
	if d := cmp.Diff([]string{"x"}, listNamed(t, spec, "b").Values); d != "" {
		t.Errorf("list in a later document sees the earlier one: %s", d)
	}
}

// TestMacroVisibilityData shows the numbers a compiler compares to decide
// which macros a macro may use (Index of the used < Visibility of the
// user); rules may use every macro.
func TestMacroVisibilityData(t *testing.T) {
	tests := []struct {
		name, text string
		visible    bool // may "user" use "used"?
	}{
		{"used defined before", "- macro: used\n  condition: a\n- macro: user\n  condition: used\n", true},
		{"used defined after", "- macro: user\n  condition: used\n- macro: used\n  condition: a\n", false},
		{"user appended after used is defined", "- macro: user\n  condition: b\n- macro: used\n  condition: a\n- macro: user\n  condition: or used\n  append: true\n", true},
		{"user redefined after used is defined", "- macro: user\n  condition: b\n- macro: used\n  condition: a\n- macro: user\n  condition: used\n", true},
		{"used redefined after user keeps its first index", "- macro: used\n  condition: a\n- macro: user\n  condition: used\n- macro: used\n  condition: c\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, diags := loadStrings(t, tt.text)
			if len(diags) > 0 && len(errorsOf(diags)) > 0 {
				t.Fatal(diags)
			}
			used, user := macroNamed(t, spec, "used"), macroNamed(t, spec, "user")
			if got := used.Index < user.Visibility; got != tt.visible {
				t.Errorf("used.Index %d < user.Visibility %d is %v, want %v", used.Index, user.Visibility, got, tt.visible)
			}
		})
	}
}
