package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// computeAlert is what the compute test reads of a JSON alert.
type computeAlert struct {
	Rule   string         `json:"rule"`
	Source string         `json:"source"`
	Fields map[string]any `json:"output_fields"`
}

func computeAlerts(t *testing.T, stdout string) []computeAlert {
	t.Helper()
	var out []computeAlert
	for l := range strings.Lines(stdout) {
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var a computeAlert
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("alert %q: %v", l, err)
		}
		if a.Source == "compute" {
			out = append(out, a)
		}
	}
	return out
}

// TestAgentCompute runs peregrine run with a short compute window (1 s
// samples, 3 s window) while a container spins in a busy loop, another
// container sleeps and a host shell spins too: the busy container raises
// "Sustained high CPU in container" with its id, name and image and its
// busy process; the host loop raises "Sustained high CPU process" with
// its pid; the idle container raises nothing.
func TestAgentCompute(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	image := d.Image(t, "busy", nil)
	name := fmt.Sprintf("peregrine-compute-%d", os.Getpid())
	busy := d.Run(t, []string{"--name", name}, image, "sh", "-c", "while :; do :; done")
	idle := d.Run(t, nil, image, "sleep", "600")
	host := exec.Command("sh", "-c", "while :; do :; done")
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Process.Kill(); host.Wait() })

	dir := t.TempDir()
	cfgPath := dir + "/peregrine.yaml"
	// Two loops on a two-CPU machine, with the agent and maybe other
	// tests beside them (go test ./... runs packages side by side): 15%
	// of one CPU in 1 s samples is well under what each gets, and far
	// above what a sleeping container uses.
	writeFile(t, cfgPath, fmt.Sprintf(`rules_files: [%s, %s]
rule_matching: all
json_output: true
peregrine:
  docker: true
  docker_host: %s
compute:
  enabled: true
  interval: 1s
  window: 3s
  threshold_percent: 15
  realert: 1h
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: %d
  prometheus_metrics_enabled: true
metrics:
  enabled: true
  output_rule: false
`, testenv.Shared(t, "upstream-rules/falco_rules.yaml"), filepath.Join(testenv.ModuleRoot(t), "rules", "compute.yaml"), d.Host, freePort(t)))
	lc := startPeregrine(t, "watching", "run", "-c", cfgPath)
	has := func(rule, key string, want any) bool {
		for _, a := range computeAlerts(t, lc.stdout.String()) {
			if a.Rule == rule && a.Fields[key] == want {
				return true
			}
		}
		return false
	}
	waitFor(t, lc, agentDeadline, "the compute alerts", func() bool {
		return has("Sustained high CPU in container", "compute.container.id", busy[:12]) &&
			has("Sustained high CPU process", "compute.proc.pid", float64(host.Process.Pid))
	})
	// /metrics counts the compute rules' matches.
	resp, err := http.Get(lc.webURL(t) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	matched := regexp.MustCompile(`(?m)^falcosecurity_falco_rules_matches_total\{[^}]*rule_name="Sustained high CPU in container"[^}]*\} [1-9]`)
	if !matched.Match(text) || !strings.Contains(string(text), `source="compute"`) {
		t.Errorf("/metrics does not count the compute rule's matches:\n%s", text)
	}
	lc.stop(t)
	var found bool
	for _, a := range computeAlerts(t, lc.stdout.String()) {
		switch {
		case a.Fields["compute.container.id"] == idle[:12]:
			t.Errorf("the idle container raised %q: %v", a.Rule, a.Fields)
		case a.Rule == "Sustained high CPU in container" && a.Fields["compute.container.id"] == busy[:12]:
			found = true
			for k, want := range map[string]any{
				"compute.container.name": name, "compute.proc.name": "sh", "compute.proc.cmdline": "sh -c while :; do :; done",
			} {
				if a.Fields[k] != want {
					t.Errorf("busy container alert: %s = %v, want %v", k, a.Fields[k], want)
				}
			}
			if img, _ := a.Fields["compute.container.image"].(string); !strings.Contains(img, "busy") {
				t.Errorf("busy container alert: image %v", a.Fields["compute.container.image"])
			}
		case a.Rule == "Sustained high CPU process" && a.Fields["compute.container.id"] != "host":
			t.Errorf("the process rule fired for a process in a container: %v", a.Fields)
		}
	}
	if !found {
		t.Error("no container alert for the busy container after the stop")
	}
	if !regexp.MustCompile(`compute: \d+ rounds every 1s \(cgroup v[12]\), \d+ events, [1-9]\d* alerts`).MatchString(lc.stderr.String()) {
		t.Errorf("no compute summary on stderr:\n%s", lc.stderr.String())
	}
}
