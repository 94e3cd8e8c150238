package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/alert"
)

func TestParseKey(t *testing.T) {
	tests := []struct {
		key     string
		want    []step
		wantErr string
	}{
		{key: "a", want: []step{{name: "a"}}},
		{key: "a.b.c", want: []step{{name: "a"}, {name: "b"}, {name: "c"}}},
		{key: "a[0]", want: []step{{name: "a"}, {index: 0}}},
		{key: "a[12].b", want: []step{{name: "a"}, {index: 12}, {name: "b"}}},
		{key: "a[0][1]", want: []step{{name: "a"}, {index: 0}, {index: 1}}},
		{key: "a[]", want: []step{{name: "a"}, {append: true}}},
		{key: "a[].b", want: []step{{name: "a"}, {append: true}, {name: "b"}}},
		{key: "", wantErr: "empty key"},
		{key: ".a", wantErr: `key ".a": a name is missing at offset 0`},
		{key: "a..b", wantErr: `key "a..b": a name is missing at offset 2`},
		{key: "a.", wantErr: `key "a.": unexpected "." at offset 1`},
		{key: "a[x]", wantErr: `key "a[x]": index "x" is not a number`},
		{key: "a[-1]", wantErr: `key "a[-1]": index "-1" is not a number`},
		{key: "a[1", wantErr: `key "a[1": [ without ]`},
		{key: "a]b", wantErr: `key "a]b": unexpected "]" at offset 1`},
		{key: "a[0]b", wantErr: `key "a[0]b": unexpected "b" at offset 4`},
	}
	for _, tt := range tests {
		got, err := parseKey(tt.key)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("parseKey(%q) error = %v; want %s", tt.key, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseKey(%q): %v", tt.key, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(step{})); diff != "" {
			t.Errorf("parseKey(%q) (-want +got):\n%s", tt.key, diff)
		}
	}
}

func TestSet(t *testing.T) {
	const file = "rules_files: [/a.yaml, /b.yaml]\njson_output: false\nhttp_output:\n  enabled: true\n  url: http://old:2801/\n"
	tests := []struct {
		name string
		sets []string
		got  func(c *Config) any
		want any
	}{
		{"dotted path", []string{"http_output.url=https://sidekick:2801/"}, func(c *Config) any { return c.HTTPOutput.URL }, "https://sidekick:2801/"},
		{"scalar over the file", []string{"json_output=true"}, func(c *Config) any { return c.JSONOutput }, true},
		{"later wins", []string{"priority=error", "priority=notice"}, func(c *Config) any { return c.Priority }, alert.PriorityNotice},
		{"list index", []string{"rules_files[0]=/x.yaml"}, func(c *Config) any { return c.RulesFiles }, []string{"/x.yaml", "/b.yaml"}},
		{"list index at the end", []string{"rules_files[2]=/c.yaml"}, func(c *Config) any { return c.RulesFiles }, []string{"/a.yaml", "/b.yaml", "/c.yaml"}},
		{"list append", []string{"rules_files[]=/c.yaml"}, func(c *Config) any { return c.RulesFiles }, []string{"/a.yaml", "/b.yaml", "/c.yaml"}},
		{"flow list", []string{"rules_files=[/x.yaml, /y.yaml]"}, func(c *Config) any { return c.RulesFiles }, []string{"/x.yaml", "/y.yaml"}},
		{"flow mapping", []string{"static_fields={cluster: prod, zone: eu-1}"}, func(c *Config) any { return c.StaticFields },
			map[string]string{"cluster": "prod", "zone": "eu-1"}},
		{"new list of mappings", []string{"append_output[0].extra_output=uid=%user.uid", "append_output[0].match.tags[]=shell"},
			func(c *Config) any { return c.AppendOutput },
			[]AppendOutput{{ExtraOutput: "uid=%user.uid", Match: AppendMatch{Tags: []string{"shell"}}}}},
		{"new section", []string{"file_output.enabled=true", "file_output.filename=/var/log/p.txt"},
			func(c *Config) any { return c.FileOutput }, FileOutput{Enabled: true, Filename: "/var/log/p.txt"}},
		{"text with YAML in it stays text", []string{"program_output.program=jq '{text: .output}' | curl -d @- https://x"},
			func(c *Config) any { return c.ProgramOutput.Program }, "jq '{text: .output}' | curl -d @- https://x"},
		{"quoted value", []string{`http_output.user_agent="a: b"`}, func(c *Config) any { return c.HTTPOutput.UserAgent }, "a: b"},
		{"not expanded", []string{"file_output.filename=${HOME}/x"}, func(c *Config) any { return c.FileOutput.Filename }, "${HOME}/x"},
		{"equals sign in the value", []string{"http_output.url=http://h/?a=b"}, func(c *Config) any { return c.HTTPOutput.URL }, "http://h/?a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadYAML(t, file, tt.sets...)
			if len(r.errs) > 0 || len(r.warnings) > 0 {
				t.Fatalf("errors %q, warnings %q", r.errs, r.warnings)
			}
			if diff := cmp.Diff(tt.want, tt.got(r.cfg), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetProblems(t *testing.T) {
	const file = "rules_files: [/a.yaml, /b.yaml]\n"
	tests := []struct {
		name      string
		sets      []string
		wantErrs  []string
		wantWarns []string
	}{
		{name: "bad value", sets: []string{"priority=loud"},
			wantErrs: []string{`--set "priority=loud": priority: "loud" is not a priority (emergency, alert, critical, error, warning, notice, informational, debug)`}},
		{name: "negative size", sets: []string{"outputs_queue.capacity=-1"},
			wantErrs: []string{`--set "outputs_queue.capacity=-1": outputs_queue.capacity: -1 is negative`}},
		{name: "bad url", sets: []string{"http_output.url=sidekick:2801"},
			wantErrs: []string{`--set "http_output.url=sidekick:2801": http_output.url: "sidekick:2801" is not an http:// or https:// URL`}},
		{name: "no equals sign", sets: []string{"json_output"},
			wantErrs: []string{`--set "json_output": want key=value`}},
		{name: "bad key", sets: []string{"a..b=1"},
			wantErrs: []string{`--set "a..b=1": key "a..b": a name is missing at offset 2`}},
		{name: "index past the end", sets: []string{"rules_files[5]=/x.yaml"},
			wantErrs: []string{`--set "rules_files[5]=/x.yaml": rules_files[5]: rules_files has 2 items (use rules_files[] to add one)`}},
		{name: "path through a scalar", sets: []string{"rules_files[0].x=1"},
			wantErrs: []string{`--set "rules_files[0].x=1": rules_files[0] is "/a.yaml", not a mapping`}},
		{name: "index into a mapping", sets: []string{"webserver={enabled: true}", "webserver[0]=x"},
			wantErrs: []string{`--set "webserver[0]=x": webserver is a mapping, not a list`}},
		{name: "list where a section belongs", sets: []string{"http_output[0]=1"},
			wantErrs: []string{`--set "http_output[0]=1": http_output: want a mapping of keys, got a list`}},
		{name: "unknown key", sets: []string{"stdout_outptu.enabled=true"},
			wantWarns: []string{`--set "stdout_outptu.enabled=true": warning: unknown key "stdout_outptu" (did you mean "stdout_output"?)`}},
		{name: "bad flow value", sets: []string{"rules_files=[a, b"}},
		{name: "every problem", sets: []string{"priority=loud", "json_output=maybe", "nonsense"},
			wantErrs: []string{
				`--set "nonsense": want key=value`,
				`--set "priority=loud": priority: "loud" is not a priority (emergency, alert, critical, error, warning, notice, informational, debug)`,
				`--set "json_output=maybe": json_output: want true or false, got "maybe"`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadYAML(t, file, tt.sets...)
			if tt.name == "bad flow value" {
				if len(r.errs) != 1 || !strings.HasPrefix(r.errs[0], `--set "rules_files=[a, b": value [a, b: `) {
					t.Errorf("errors %q", r.errs)
				}
				return
			}
			if diff := cmp.Diff(tt.wantErrs, r.errs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWarns, r.warnings, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}
