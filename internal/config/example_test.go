package config

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"

	"peregrine/internal/alert"
	"peregrine/internal/capture"
	"peregrine/internal/engine"
)

const examplePath = "../../deploy/peregrine.yaml"

// The documented example loads without a word and says the defaults.
func TestExample(t *testing.T) {
	cfg, warnings, err := Load(examplePath, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warnings {
		t.Errorf("%s", w)
	}
	want := Default()
	want.Files = []string{examplePath}
	if diff := cmp.Diff(want, cfg, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("the example is not the defaults (-Default +example):\n%s", diff)
	}
}

// Every key is in the documented example.
func TestExampleHasEveryKey(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node, path string, fs []field)
	walk = func(n *yaml.Node, path string, fs []field) {
		for _, f := range fs {
			if f.name == "rules_file" { // the old name
				continue
			}
			full := joinPath(path, f.name)
			i := -1
			if n != nil && n.Kind == yaml.MappingNode {
				i = lookupKey(n, f.name)
			}
			if i < 0 {
				t.Errorf("%s: key %s is missing", examplePath, full)
				continue
			}
			if f.sub != nil {
				walk(n.Content[i], full, f.sub)
			}
		}
	}
	walk(doc.Content[0], "", fields(&Config{}))
}

// A Falco configuration loads, with a warning for each Falco key we do not
// support, and means what it means to Falco.
func TestFalcoConfig(t *testing.T) {
	t.Setenv("HOME", "/root")
	path := filepath.Join("testdata", "falco.yaml")
	cfg, warnings, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range warnings {
		got = append(got, w.String())
	}
	ignored := func(line int, key, why string) string {
		return path + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col(key)) + `: warning: "` + key + `" is a Falco setting that Peregrine does not support; ignored (` + why + ")"
	}
	want := []string{
		ignored(7, "rules", "enable or disable rules in a rules file (override: enabled)"),
		ignored(12, "engine", "Peregrine captures with its own eBPF probe: see the peregrine section, and peregrine replay for capture files"),
		ignored(30, "load_plugins", "Peregrine loads no plugins"),
		ignored(31, "plugins", "Peregrine loads no plugins"),
		ignored(38, "plugins_hostinfo", "Peregrine loads no plugins"),
		ignored(41, "buffer_format_base64", "buffers are printed as text"),
		path + ":51:13: warning: outputs_queue.capacity: 0 means unbounded in Falco; Peregrine bounds every queue, to 1024 alerts",
		ignored(82, "grpc_output", "Falco removed its gRPC API in 0.44: use http_output"),
		ignored(84, "grpc", "Falco removed its gRPC API in 0.44: use http_output"),
		ignored(100, "libs_logger", "Peregrine has no libs logger: see log_level"),
		ignored(104, "syscall_event_timeouts", "Peregrine's capture has no such timeouts"),
		ignored(106, "syscall_event_drops", `every drop is counted and reported as a "Peregrine internal: event drops" alert`),
		ignored(122, "metrics.kernel_event_counters_per_cpu_enabled", "kernel counters are not kept per CPU"),
		ignored(123, "metrics.libbpf_stats_enabled", "libbpf statistics are not collected"),
		ignored(124, "metrics.plugins_metrics_enabled", "Peregrine loads no plugins"),
		ignored(125, "metrics.jemalloc_stats_enabled", "Peregrine does not use jemalloc"),
		ignored(128, "base_syscalls", "the system calls captured follow the rules and the state engine"),
		ignored(131, "falco_libs", "the snapshot length is peregrine.snaplen"),
		ignored(134, "capture", "no capture on alert: peregrine.write records every event"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	wantCfg := Default()
	wantCfg.Files = []string{path}
	wantCfg.RulesFiles = []string{"/etc/falco/falco_rules.yaml", "/etc/falco/falco_rules.local.yaml", "/etc/falco/rules.d"}
	wantCfg.WatchConfigFiles = true
	wantCfg.SyslogOutput.Enabled = true
	wantCfg.HTTPOutput.UserAgent = "falcosecurity/falco"
	wantCfg.HTTPOutput.CAPath = "/etc/falco/certs/"
	wantCfg.HTTPOutput.ClientCert = "/etc/falco/certs/client/client.crt"
	wantCfg.HTTPOutput.ClientKey = "/etc/falco/certs/client/client.key"
	wantCfg.ProgramOutput.Program = "jq '{text: .output}' | curl -d @- -X POST https://hooks.slack.com/services/XXX"
	wantCfg.Webserver.Enabled = true
	wantCfg.Webserver.SSLCertificate = "/etc/falco/falco.pem"
	wantCfg.LogSyslog = true
	wantCfg.Priority = alert.PriorityDebug
	if diff := cmp.Diff(wantCfg, cfg, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

// col is the column of the last element of a dotted key in testdata's
// layout (two spaces per level).
func col(key string) int {
	n := 1
	for _, c := range key {
		if c == '.' {
			n += 2
		}
	}
	return n
}

// The limits and defaults written here are the capture's and the
// engine's.
func TestLimitsMatch(t *testing.T) {
	d := Default()
	got := []any{maxSnaplen, d.Peregrine.RingSize, d.Peregrine.ContainerWait}
	want := []any{capture.MaxSnaplen, capture.DefaultRingSize, engine.DefaultContainerWait}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-capture and engine +config):\n%s", diff)
	}
}
