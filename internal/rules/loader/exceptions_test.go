package loader

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExceptions(t *testing.T) {
	head := "- list: shells\n  items: [bash, zsh]\n- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: info\n  exceptions:\n"
	tests := []struct {
		name, exc, expanded string
		errs                []string
		warns               int
	}{
		{"list form, comps default to =", "    - name: e\n      fields: [proc.name, fd.name]\n      values: [[a, /x], [b c, /y]]\n",
			`(evt.type = execve) and not (( proc.name = a and  fd.name = /x) or ( proc.name = "b c" and  fd.name = /y))`, nil, 0},
		{"single form, comps default to in, lists substituted in values", "    - name: e\n      fields: proc.name\n      values: [shells, sh]\n",
			`(evt.type = execve) and not (proc.name in ( bash, zsh , sh))`, nil, 0},
		{"list operator value names a list", "    - name: e\n      fields: [proc.name]\n      comps: [in]\n      values: [[shells]]\n",
			`(evt.type = execve) and not (( proc.name in ( bash, zsh )))`, nil, 0},
		{"value entry that is a list", "    - name: e\n      fields: [proc.name, proc.pname]\n      comps: [in, =]\n      values: [[[a, b c], x]]\n",
			`(evt.type = execve) and not (( proc.name in (a, "b c") and  proc.pname = x))`, nil, 0},
		{"no values", "    - name: e\n      fields: [proc.name]\n", `(evt.type = execve)`, nil, 0},
		{"0.44 modifier", "    - name: e\n      fields: proc.cmdline\n      comps: contains anyof\n      values: [a, b]\n",
			`(evt.type = execve) and not (proc.cmdline contains anyof (a, b))`, nil, 0},
		{"null value is an empty string", "    - name: e\n      fields: [proc.name]\n      comps: [in]\n      values: [[~]]\n",
			`(evt.type = execve) and not (( proc.name in ()))`, nil, 0},
		{"duplicate names warn", "    - name: e\n      fields: proc.name\n      values: [a]\n    - name: e\n      fields: proc.name\n      values: [b]\n",
			`(evt.type = execve) and not (proc.name in (a)) and not (proc.name in (b))`, nil, 1},
		{"unknown key warns", "    - name: e\n      fields: proc.name\n      value: [a]\n", `(evt.type = execve)`, nil, 1},
		{"fields missing", "    - name: e\n      values: [a]\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": missing required key "fields" (a field or a list of fields)`}, 0},
		{"name missing", "    - fields: proc.name\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception: missing required key "name"`}, 0},
		{"lengths differ", "    - name: e\n      fields: [proc.name, fd.name]\n      comps: [=]\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": fields and comps must be lists of the same length`}, 0},
		{"comps string with fields list", "    - name: e\n      fields: [proc.name]\n      comps: =\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": fields and comps must be lists of the same length`}, 0},
		{"unknown operator", "    - name: e\n      fields: [proc.name]\n      comps: [like]\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": "like" is not a supported comparison operator`}, 0},
		{"single field with a non-list operator", "    - name: e\n      fields: proc.name\n      comps: =\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": fields is a single field, so comps must be in, pmatch or intersects (or an operator with oneof, anyof or allof), found "="`}, 0},
		{"single field with comps list", "    - name: e\n      fields: proc.name\n      comps: [in]\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": fields is a single field, so comps must be a single operator too`}, 0},
		{"tuple of wrong arity", "    - name: e\n      fields: [proc.name, fd.name]\n      values: [[a]]\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": each value must be a list of 2 entries, one per field`}, 0},
		{"tuple where a string is expected", "    - name: e\n      fields: proc.name\n      values: [[a]]\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": fields is a single field, so each value must be a string`}, 0},
		{"string where a tuple is expected", "    - name: e\n      fields: [proc.name]\n      values: [a]\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception "e": each value must be a list of 1 entries, one per field`}, 0},
		{"values not a sequence", "    - name: e\n      fields: [proc.name]\n      values: a\n", "",
			[]string{`f1.yaml:11:15: error: rule "r": exception "e": key "values" must be a sequence, found the scalar "a"`}, 0},
		{"empty string value", "    - name: e\n      fields: [proc.name]\n      values: [[\"\"]]\n", "",
			[]string{`f1.yaml:11:17: error: rule "r": exception "e": exception values must not be empty strings`}, 0},
		{"mapping value", "    - name: e\n      fields: [proc.name]\n      values: [[{a: b}]]\n", "",
			[]string{`f1.yaml:11:17: error: rule "r": exception "e": exception values must be strings or lists, found a mapping`}, 0},
		{"nested too deep", "    - name: e\n      fields: [proc.name]\n      values: [[[[a]]]]\n", "",
			[]string{`f1.yaml:11:18: error: rule "r": exception "e": exception values nest too deep: a value is a string, a list (one entry per field), or a list of lists of strings`}, 0},
		{"exceptions not a sequence", "    name: e\n", "",
			[]string{`f1.yaml:9:5: error: rule "r": key "exceptions" must be a sequence, found a mapping`}, 0},
		{"exception not a mapping", "    - e\n", "",
			[]string{`f1.yaml:9:7: error: rule "r": exception: each exception must be a mapping, found the scalar "e"`}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, diags := loadStrings(t, head+tt.exc)
			errs := errorsOf(diags)
			if d := cmp.Diff(tt.errs, errs); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
			if len(diags)-len(errs) != tt.warns {
				t.Errorf("warnings: %v, want %d", diags, tt.warns)
			}
			if tt.errs != nil {
				return
			}
			if got := ruleNamed(t, spec, "r").Expanded; got != tt.expanded {
				t.Errorf("expanded\n got %s\nwant %s", got, tt.expanded)
			}
		})
	}
}
