package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/alert"
)

// TestLayering follows Falco's config_files semantics: files after the
// main one, in order, a directory's YAML files in lexical order; with the
// default strategy (append) top-level lists grow and other top-level keys
// are replaced whole; --set comes last.
func TestLayering(t *testing.T) {
	files := map[string]string{
		"peregrine.yaml": `rules_files: [/a.yaml]
priority: debug
webserver:
  enabled: true
  listen_port: 9000
config_files:
  - conf.d
`,
		"conf.d/10-rules.yaml": "rules_files: [/b.yaml]\npriority: warning\n",
		"conf.d/20-web.yml":    "webserver:\n  listen_port: 9100\n",
		"conf.d/30-last.yaml":  "priority: notice\n",
		"conf.d/README":        "not: [yaml",
		"conf.d/40.yaml.bak":   "priority: emergency\n",
	}
	r := load(t, files, "peregrine.yaml", "priority=error")
	if len(r.errs) > 0 || len(r.warnings) > 0 {
		t.Fatalf("errors %q, warnings %q", r.errs, r.warnings)
	}
	got := []any{r.cfg.RulesFiles, r.cfg.Priority, r.cfg.Webserver.Enabled, r.cfg.Webserver.ListenPort, r.cfg.Files}
	want := []any{
		[]string{"/a.yaml", "/b.yaml"},
		alert.PriorityError, // --set after the files
		false,               // the whole webserver block was replaced
		9100,
		[]string{"peregrine.yaml", "conf.d/10-rules.yaml", "conf.d/20-web.yml", "conf.d/30-last.yaml"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLayeringStrategies(t *testing.T) {
	const inc = "rules_files: [/b.yaml]\npriority: warning\njson_output: true\n"
	tests := []struct {
		strategy string
		want     []any // rules_files, priority, json_output
	}{
		{"", []any{[]string{"/a.yaml", "/b.yaml"}, alert.PriorityWarning, true}},
		{"append", []any{[]string{"/a.yaml", "/b.yaml"}, alert.PriorityWarning, true}},
		{"override", []any{[]string{"/b.yaml"}, alert.PriorityWarning, true}},
		{"add-only", []any{[]string{"/a.yaml"}, alert.PriorityDebug, true}},
	}
	for _, tt := range tests {
		t.Run(tt.strategy, func(t *testing.T) {
			entry := "config_files: [inc.yaml]\n"
			if tt.strategy != "" {
				entry = "config_files:\n  - path: inc.yaml\n    strategy: " + tt.strategy + "\n"
			}
			files := map[string]string{
				"peregrine.yaml": "rules_files: [/a.yaml]\npriority: debug\n" + entry,
				"inc.yaml":       inc,
			}
			r := load(t, files, "peregrine.yaml")
			if len(r.errs) > 0 || len(r.warnings) > 0 {
				t.Fatalf("errors %q, warnings %q", r.errs, r.warnings)
			}
			got := []any{r.cfg.RulesFiles, r.cfg.Priority, r.cfg.JSONOutput}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLayeringProblems(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		sets      []string
		wantErrs  []string
		wantWarns []string
	}{
		{name: "missing entry",
			files:     map[string]string{"peregrine.yaml": "config_files:\n  - /nonexistent/peregrine.d\n"},
			wantWarns: []string{`peregrine.yaml:2:5: warning: config_files: /nonexistent/peregrine.d does not exist; skipped`}},
		{name: "problems in an included file carry its name",
			files: map[string]string{
				"peregrine.yaml": "config_files: [inc.yaml]\n",
				"inc.yaml":       "# included\njson_output: maybe\nstdout_outptu: {}\n",
			},
			wantErrs:  []string{`inc.yaml:2:14: json_output: want true or false, got "maybe"`},
			wantWarns: []string{`inc.yaml:3:1: warning: unknown key "stdout_outptu" (did you mean "stdout_output"?)`}},
		{name: "nested include",
			files: map[string]string{
				"peregrine.yaml": "config_files: [inc.yaml]\n",
				"inc.yaml":       "config_files: [other.yaml]\n",
				"other.yaml":     "priority: info\n",
			},
			wantErrs: []string{`inc.yaml:1:1: config_files: an included file cannot include others`}},
		{name: "main file included",
			files:    map[string]string{"peregrine.yaml": "config_files: [./peregrine.yaml]\n"},
			wantErrs: []string{`peregrine.yaml:1:16: config_files: ./peregrine.yaml is the main configuration file`}},
		{name: "syntax error in an included file",
			files: map[string]string{
				"peregrine.yaml": "config_files: [inc.yaml]\n",
				"inc.yaml":       "- a list\n",
			},
			wantErrs: []string{`inc.yaml:1:1: the configuration must be a mapping of keys, not a list`}},
		{name: "config_files from --set",
			files: map[string]string{
				"peregrine.yaml": "priority: debug\n",
				"inc.yaml":       "priority: warning\njson_output: maybe\n",
			},
			sets:     []string{"config_files[]=inc.yaml"},
			wantErrs: []string{`inc.yaml:2:14: json_output: want true or false, got "maybe"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, tt.files, "peregrine.yaml", tt.sets...)
			if diff := cmp.Diff(tt.wantErrs, r.errs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWarns, r.warnings, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}
