package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/alert"
)

func TestDefaultPathMissing(t *testing.T) {
	r := load(t, nil, "")
	if len(r.errs) > 0 || len(r.warnings) > 0 {
		t.Fatalf("errors %q, warnings %q", r.errs, r.warnings)
	}
	if diff := cmp.Diff(Default(), r.cfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestDefaultPathPresent(t *testing.T) {
	r := load(t, map[string]string{"peregrine.yaml": "json_output: true\n"}, "")
	if len(r.errs) > 0 || !r.cfg.JSONOutput {
		t.Fatalf("errors %q, json_output %v", r.errs, r.cfg != nil && r.cfg.JSONOutput)
	}
	if diff := cmp.Diff([]string{"peregrine.yaml"}, r.cfg.Files); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
}

func TestExplicitPathMissing(t *testing.T) {
	r := load(t, nil, "nope.yaml")
	want := []string{"nope.yaml: read: no such file or directory"}
	if diff := cmp.Diff(want, r.errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// TestValues loads good snippets and checks what they set.
func TestValues(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		sets []string
		got  func(c *Config) any
		want any
	}{
		{"empty file", "", nil, func(c *Config) any { d := *c; d.Files = nil; return d }, *Default()},
		{"comments only", "# nothing\n", nil, func(c *Config) any { return c.Priority }, alert.PriorityDebug},
		{"null section keeps defaults", "webserver:\n", nil, func(c *Config) any { return c.Webserver.ListenPort }, 8765},
		{"priority", "priority: Warning\n", nil, func(c *Config) any { return c.Priority }, alert.PriorityWarning},
		{"priority info", "priority: info\n", nil, func(c *Config) any { return c.Priority }, alert.PriorityInformational},
		{"rule_matching", "rule_matching: all\n", nil, func(c *Config) any { return c.RuleMatching }, MatchAll},
		{"booleans as Falco's YAML reads them", "json_output: yes\nbuffered_outputs: On\nlog_stderr: \"false\"\n", nil,
			func(c *Config) any { return []bool{c.JSONOutput, c.BufferedOutputs, c.LogStderr} }, []bool{true, true, false}},
		{"rules_files list", "rules_files:\n  - /a.yaml\n  - /b.d\n", nil, func(c *Config) any { return c.RulesFiles }, []string{"/a.yaml", "/b.d"}},
		{"rules_files scalar", "rules_files: /a.yaml\n", nil, func(c *Config) any { return c.RulesFiles }, []string{"/a.yaml"}},
		{"queue capacity", "outputs_queue:\n  capacity: 10_000\n", nil, func(c *Config) any { return c.OutputsQueue.Capacity }, 10000},
		{"output_timeout ms", "output_timeout: 500\n", nil, func(c *Config) any { return c.OutputTimeout }, 500 * time.Millisecond},
		{"output_timeout duration", "output_timeout: 3s\n", nil, func(c *Config) any { return c.OutputTimeout }, 3 * time.Second},
		{"metrics interval", "metrics:\n  interval: 1h30m20s10ms\n", nil, func(c *Config) any { return c.Metrics.Interval },
			time.Hour + 30*time.Minute + 20*time.Second + 10*time.Millisecond},
		{"metrics interval days", "metrics:\n  interval: 2d\n", nil, func(c *Config) any { return c.Metrics.Interval }, 48 * time.Hour},
		{"log level", "log_level: Informational\n", nil, func(c *Config) any { return c.LogLevel }, "info"},
		{"static fields", "static_fields:\n  cluster: prod\n  zone: 3\n  empty:\n", nil, func(c *Config) any { return c.StaticFields },
			map[string]string{"cluster": "prod", "zone": "3", "empty": ""}},
		{"http output", "http_output:\n  enabled: true\n  url: https://sidekick:2801/\n  custom_headers:\n    Authorization: Bearer x\n  timeout: 2s\n", nil,
			func(c *Config) any { return c.HTTPOutput }, func() HTTPOutput {
				h := Default().HTTPOutput
				h.Enabled, h.URL, h.CustomHeaders, h.Timeout = true, "https://sidekick:2801/", map[string]string{"Authorization": "Bearer x"}, 2*time.Second
				return h
			}()},
		{"syslog output", "syslog_output:\n  enabled: true\n  address: udp://collector:5514\n  format: rfc5424\n  facility: local3\n  tag: agent\n", nil,
			func(c *Config) any { return c.SyslogOutput },
			SyslogOutput{Enabled: true, Address: "udp://collector:5514", Format: FormatRFC5424, Facility: "local3", Tag: "agent"}},
		{"syslog unix address", "syslog_output:\n  address: unix:///run/log.sock\n", nil, func(c *Config) any { return c.SyslogOutput.Address }, "unix:///run/log.sock"},
		{"append_output", `append_output:
  - match:
      source: syscall
      tags: [container, shell]
    extra_output: "uid=%user.uid"
    extra_fields:
      - proc.cmdline
      - parent: "%proc.pname[%proc.ppid]"
  - suggested_output: true
`, nil, func(c *Config) any { return c.AppendOutput }, []AppendOutput{
			{
				Match:       AppendMatch{Source: "syscall", Tags: []string{"container", "shell"}},
				ExtraOutput: "uid=%user.uid",
				ExtraFields: []ExtraField{{Name: "proc.cmdline"}, {Name: "parent", Format: "%proc.pname[%proc.ppid]"}},
			},
			{SuggestedOutput: true},
		}},
		{"append_output emptied", "append_output: []\n", nil, func(c *Config) any { return len(c.AppendOutput) }, 0},
		{"peregrine section", "peregrine:\n  ring_size: 65536\n  snaplen: 80\n  docker: false\n  docker_host: tcp://127.0.0.1:2375\n  container_wait: 1s\n  write: /tmp/x.scap\n", nil,
			func(c *Config) any { return c.Peregrine },
			Peregrine{RingSize: 65536, Snaplen: 80, Docker: false, DockerHost: "tcp://127.0.0.1:2375", ContainerWait: time.Second, Write: "/tmp/x.scap"}},
		{"anchors and aliases", "file_output: &out\n  enabled: true\n  filename: /var/log/a.txt\nx-unused: *out\n", nil,
			func(c *Config) any { return c.FileOutput.Filename }, "/var/log/a.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadYAML(t, tt.yaml, tt.sets...)
			if len(r.errs) > 0 {
				t.Fatalf("errors: %q", r.errs)
			}
			if diff := cmp.Diff(tt.want, tt.got(r.cfg), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestProblems loads bad snippets: each problem once, with its position,
// all of them, and no Config when one is an error.
func TestProblems(t *testing.T) {
	tests := []struct {
		name      string
		yaml      string
		sets      []string
		wantErrs  []string
		wantWarns []string
	}{
		{name: "unknown key with a suggestion",
			yaml:      "stdout_outptu:\n  enabled: true\n",
			wantWarns: []string{`peregrine.yaml:1:1: warning: unknown key "stdout_outptu" (did you mean "stdout_output"?)`}},
		{name: "nested unknown key",
			yaml:      "http_output:\n  ulr: http://x\n",
			wantWarns: []string{`peregrine.yaml:2:3: warning: unknown key "http_output.ulr" (did you mean "http_output.url"?)`}},
		{name: "unknown key without a suggestion",
			yaml:      "frobnicate: 1\n",
			wantWarns: []string{`peregrine.yaml:1:1: warning: unknown key "frobnicate"`}},
		{name: "unknown key differing in case",
			yaml:      "JSON_Output: true\n",
			wantWarns: []string{`peregrine.yaml:1:1: warning: unknown key "JSON_Output" (did you mean "json_output"?)`}},
		{name: "Falco key not supported",
			yaml: "plugins:\n  - name: k8saudit\nmetrics:\n  libbpf_stats_enabled: true\n",
			wantWarns: []string{
				`peregrine.yaml:1:1: warning: "plugins" is a Falco setting that Peregrine does not support; ignored (Peregrine loads no plugins)`,
				`peregrine.yaml:4:3: warning: "metrics.libbpf_stats_enabled" is a Falco setting that Peregrine does not support; ignored (libbpf statistics are not collected)`,
			}},
		{name: "not a boolean",
			yaml:     "json_output: maybe\n",
			wantErrs: []string{`peregrine.yaml:1:14: json_output: want true or false, got "maybe"`}},
		{name: "priority as a number",
			yaml:     "priority: 3\n",
			wantErrs: []string{`peregrine.yaml:1:11: priority: "3" is not a priority (emergency, alert, critical, error, warning, notice, informational, debug)`}},
		{name: "priority as a list",
			yaml:     "priority: [debug]\n",
			wantErrs: []string{`peregrine.yaml:1:11: priority: want a priority, got a list`}},
		{name: "rule matching",
			yaml:     "rule_matching: most\n",
			wantErrs: []string{`peregrine.yaml:1:16: rule_matching: "most" is not one of first, all`}},
		{name: "log level",
			yaml:     "log_level: verbose\n",
			wantErrs: []string{`peregrine.yaml:1:12: log_level: "verbose" is not a log level (emergency, alert, critical, error, warning, notice, info, debug)`}},
		{name: "negative size",
			yaml:     "outputs_queue:\n  capacity: -5\n",
			wantErrs: []string{`peregrine.yaml:2:13: outputs_queue.capacity: -5 is negative`}},
		{name: "not a number",
			yaml:     "outputs_queue:\n  capacity: lots\n",
			wantErrs: []string{`peregrine.yaml:2:13: outputs_queue.capacity: want a whole number, got "lots"`}},
		{name: "Falco's unbounded queue",
			yaml:      "outputs_queue:\n  capacity: 0\n",
			wantWarns: []string{`peregrine.yaml:2:13: warning: outputs_queue.capacity: 0 means unbounded in Falco; Peregrine bounds every queue, to 1024 alerts`}},
		{name: "section is a scalar",
			yaml:     "outputs_queue: 5\n",
			wantErrs: []string{`peregrine.yaml:1:16: outputs_queue: want a mapping of keys, got "5"`}},
		{name: "bad http url scheme",
			yaml:     "http_output:\n  url: ftp://example.com/\n",
			wantErrs: []string{`peregrine.yaml:2:8: http_output.url: "ftp://example.com/" is not an http:// or https:// URL`}},
		{name: "http url without host",
			yaml:     "http_output:\n  url: \"http://\"\n",
			wantErrs: []string{`peregrine.yaml:2:8: http_output.url: "http://" has no host`}},
		{name: "http url bad port",
			yaml:     "http_output:\n  url: http://sidekick:99999/\n",
			wantErrs: []string{`peregrine.yaml:2:8: http_output.url: "http://sidekick:99999/": port 99999 is out of range (1 to 65535)`}},
		{name: "http enabled without url",
			yaml:     "http_output:\n  enabled: true\n",
			wantErrs: []string{`peregrine.yaml:2:12: http_output: enabled without a url`}},
		{name: "http enabled with a bad url: one error",
			yaml:     "http_output:\n  enabled: true\n  url: sidekick:2801\n",
			wantErrs: []string{`peregrine.yaml:3:8: http_output.url: "sidekick:2801" is not an http:// or https:// URL`}},
		{name: "bad header",
			yaml:     "http_output:\n  custom_headers:\n    Bad Header: x\n",
			wantErrs: []string{`peregrine.yaml:3:5: http_output.custom_headers: "Bad Header" is not a header name`}},
		{name: "syslog address scheme",
			yaml:     "syslog_output:\n  address: file:///dev/log\n",
			wantErrs: []string{`peregrine.yaml:2:12: syslog_output.address: "file:///dev/log" is not a syslog address (want unix:///path, udp://host[:port] or tcp://host[:port])`}},
		{name: "syslog address without host",
			yaml:     "syslog_output:\n  address: udp://\n",
			wantErrs: []string{`peregrine.yaml:2:12: syslog_output.address: "udp://" has no host`}},
		{name: "syslog relative socket",
			yaml:     "syslog_output:\n  address: unix://dev/log\n",
			wantErrs: []string{`peregrine.yaml:2:12: syslog_output.address: "unix://dev/log": a socket path must be absolute, as in unix:///dev/log`}},
		{name: "syslog facility and tag",
			yaml: "syslog_output:\n  facility: local9\n  tag: my agent\n",
			wantErrs: []string{
				`peregrine.yaml:2:13: syslog_output.facility: "local9" is not a syslog facility (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, local0 to local7)`,
				`peregrine.yaml:3:8: syslog_output.tag: "my agent": want printable ASCII without spaces`,
			}},
		{name: "bad duration",
			yaml:     "metrics:\n  interval: soon\n",
			wantErrs: []string{`peregrine.yaml:2:13: metrics.interval: want a duration such as 500ms, 30s, 15m or 1h30m, got "soon"`}},
		{name: "duration without unit",
			yaml:     "metrics:\n  interval: 5000\n",
			wantErrs: []string{`peregrine.yaml:2:13: metrics.interval: want a duration such as 500ms, 30s, 15m or 1h30m, got "5000"`}},
		{name: "duration too short",
			yaml:     "metrics:\n  interval: 50ms\n",
			wantErrs: []string{`peregrine.yaml:2:13: metrics.interval: 50ms is less than 100ms`}},
		{name: "negative duration",
			yaml:     "peregrine:\n  container_wait: -1s\n",
			wantErrs: []string{`peregrine.yaml:2:19: peregrine.container_wait: -1s is negative`}},
		{name: "port out of range",
			yaml:     "webserver:\n  listen_port: 70000\n",
			wantErrs: []string{`peregrine.yaml:2:16: webserver.listen_port: 70000 is out of range (1 to 65535)`}},
		{name: "listen address",
			yaml:     "webserver:\n  listen_address: localhost\n",
			wantErrs: []string{`peregrine.yaml:2:19: webserver.listen_address: "localhost" is not an IP address`}},
		{name: "healthz path",
			yaml:     "webserver:\n  k8s_healthz_endpoint: healthz\n",
			wantErrs: []string{`peregrine.yaml:2:25: webserver.k8s_healthz_endpoint: "healthz" does not start with /`}},
		{name: "ssl without certificate",
			yaml:     "webserver:\n  ssl_enabled: true\n  ssl_certificate: \"\"\n",
			wantErrs: []string{`peregrine.yaml:3:20: webserver: ssl_enabled without an ssl_certificate`}},
		{name: "ring size",
			yaml:     "peregrine:\n  ring_size: 5000\n",
			wantErrs: []string{`peregrine.yaml:2:14: peregrine.ring_size: 5000 is not a power of two of at least 4096`}},
		{name: "snaplen",
			yaml:     "peregrine:\n  snaplen: 20000\n",
			wantErrs: []string{`peregrine.yaml:2:12: peregrine.snaplen: 20000 is out of range (0 to 16384)`}},
		{name: "docker host",
			yaml:     "peregrine:\n  docker_host: /var/run/docker.sock\n",
			wantErrs: []string{`peregrine.yaml:2:16: peregrine.docker_host: "/var/run/docker.sock" is not a Docker Engine address (unix:///path or tcp://host:port)`}},
		{name: "file output without a file",
			yaml:     "file_output:\n  enabled: true\n  filename: \"\"\n",
			wantErrs: []string{`peregrine.yaml:3:13: file_output: enabled without a filename`}},
		{name: "program output without a program",
			yaml:     "program_output:\n  enabled: true\n",
			wantErrs: []string{`peregrine.yaml:2:12: program_output: enabled without a program`}},
		{name: "mtls without key",
			yaml:     "http_output:\n  mtls: true\n  client_key: \"\"\n",
			wantErrs: []string{`peregrine.yaml:3:15: http_output: mtls needs client_cert and client_key`}},
		{name: "no output",
			yaml:      "stdout_output:\n  enabled: false\n",
			wantWarns: []string{`peregrine.yaml:2:12: warning: no output is enabled (stdout_output, file_output, syslog_output, program_output, http_output): alerts go nowhere`}},
		{name: "rules_file, Falco's old name",
			yaml:      "rules_file: /etc/falco/falco_rules.yaml\n",
			wantWarns: []string{`peregrine.yaml:1:13: warning: rules_file is Falco's old name of rules_files`}},
		{name: "rules_file and rules_files",
			yaml:     "rules_files: [/a.yaml]\nrules_file: /b.yaml\n",
			wantErrs: []string{`peregrine.yaml:2:13: rules_file: rules_files is set too; rules_file is its old name, keep one`}},
		{name: "rules_files item not a string",
			yaml:     "rules_files:\n  - /a.yaml\n  - {path: /b.yaml}\n",
			wantErrs: []string{`peregrine.yaml:3:5: rules_files[1]: want a string, got a mapping`}},
		{name: "append_output not a list",
			yaml:     "append_output:\n  extra_output: x\n",
			wantErrs: []string{`peregrine.yaml:2:3: append_output: want a list of entries, got a mapping`}},
		{name: "append_output entries",
			yaml: "append_output:\n  - extra_fields: [proc.name, proc.name]\n  - match: {rule: R, tags: [a, b]}\n    extra_ouput: x\n",
			wantErrs: []string{
				`peregrine.yaml:2:31: append_output[0].extra_fields[1]: "proc.name" is given twice`,
			},
			wantWarns: []string{
				`peregrine.yaml:4:5: warning: unknown key "append_output[1].extra_ouput" (did you mean "append_output[1].extra_output"?)`,
				`peregrine.yaml:3:5: warning: append_output[1]: matches rule "R" only, and only when it has every tag of a, b`,
			}},
		{name: "static_fields not a mapping",
			yaml:     "static_fields: [a, b]\n",
			wantErrs: []string{`peregrine.yaml:1:16: static_fields: want a mapping of names to values, got a list`}},
		{name: "config_files strategy",
			yaml:     "config_files:\n  - path: /etc/peregrine/config.d\n    strategy: merge\n",
			wantErrs: []string{`peregrine.yaml:3:15: config_files[0].strategy: "merge" is not one of append, override, add-only`}},
		{name: "duplicate key",
			yaml:     "priority: debug\njson_output: true\npriority: info\n",
			wantErrs: []string{`peregrine.yaml:3:1: duplicate key "priority" (first at line 1)`}},
		{name: "top level is a list",
			yaml:     "- a\n- b\n",
			wantErrs: []string{`peregrine.yaml:1:1: the configuration must be a mapping of keys, not a list`}},
		{name: "two documents",
			yaml:     "priority: debug\n---\npriority: info\n",
			wantErrs: []string{`peregrine.yaml:2: a configuration file holds one YAML document; this is a second one`}},
		{name: "every problem at once",
			yaml: "json_output: maybe\nwebserver:\n  listen_port: -1\n  enabled: true\nmetrics:\n  interval: 1x\nstdout_outptu: {}\n",
			wantErrs: []string{
				`peregrine.yaml:1:14: json_output: want true or false, got "maybe"`,
				`peregrine.yaml:3:16: webserver.listen_port: -1 is out of range (1 to 65535)`,
				`peregrine.yaml:6:13: metrics.interval: want a duration such as 500ms, 30s, 15m or 1h30m, got "1x"`,
			},
			wantWarns: []string{`peregrine.yaml:7:1: warning: unknown key "stdout_outptu" (did you mean "stdout_output"?)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadYAML(t, tt.yaml, tt.sets...)
			if diff := cmp.Diff(tt.wantErrs, r.errs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWarns, r.warnings, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// A YAML syntax error is reported with its line; the message is the
// YAML library's.
func TestSyntaxError(t *testing.T) {
	r := loadYAML(t, "priority: debug\njson_output: [true\n")
	if len(r.errs) != 1 || !regexpMatch(`^peregrine\.yaml:\d+: \S`, r.errs[0]) {
		t.Errorf("errors %q; want one, with the file and line", r.errs)
	}
}
