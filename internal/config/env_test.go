package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestExpandValue(t *testing.T) {
	env := map[string]string{"A": "a", "B": "b", "EMPTY": "", "LOOP": "${A}"}
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	tests := []struct {
		in, want string
		unset    []string
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "a"},
		{in: "x${A}y", want: "xay"},
		{in: "${A}${B}", want: "ab"},
		{in: "${EMPTY}", want: ""},
		{in: "${NOPE}/x", want: "/x", unset: []string{"NOPE"}},
		{in: "$${A}", want: "${A}"},
		{in: "$${A} ${A}", want: "${A} a"},
		{in: "$$${A}", want: "$${A}"},
		{in: "${A", want: "${A"},
		{in: "pre ${A} ${B", want: "pre a ${B"},
		{in: "$${A", want: "$${A"},
		{in: "$", want: "$"},
		{in: "cost $5 and ${B}", want: "cost $5 and b"}, // Falco stops at the lone $
		{in: "${LOOP}", want: "${A}"},                   // not scanned again
		{in: "${}", want: "", unset: []string{""}},
	}
	for _, tt := range tests {
		var unset []string
		got := expandValue(tt.in, lookup, func(name string) { unset = append(unset, name) })
		if got != tt.want {
			t.Errorf("expandValue(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if diff := cmp.Diff(tt.unset, unset, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("expandValue(%q) unset (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestEnvInFiles(t *testing.T) {
	t.Setenv("PEREGRINE_TEST_URL", "https://sidekick:2801/")
	t.Setenv("PEREGRINE_TEST_JSON", "true")
	t.Setenv("PEREGRINE_TEST_PORT", "9000")
	t.Setenv("PEREGRINE_TEST_KEY", "json_output")
	files := map[string]string{
		"peregrine.yaml": `http_output:
  url: ${PEREGRINE_TEST_URL}
json_output: ${PEREGRINE_TEST_JSON}
${PEREGRINE_TEST_KEY}: false
file_output:
  filename: &f "$${PEREGRINE_TEST_URL}/${PEREGRINE_TEST_NOPE}"
program_output:
  program: *f
config_files: [more.yaml]
`,
		"more.yaml": "webserver:\n  listen_port: ${PEREGRINE_TEST_PORT}\n",
	}
	r := load(t, files, "peregrine.yaml")
	if len(r.errs) > 0 {
		t.Fatalf("errors: %q", r.errs)
	}
	got := []any{r.cfg.HTTPOutput.URL, r.cfg.JSONOutput, r.cfg.FileOutput.Filename, r.cfg.ProgramOutput.Program, r.cfg.Webserver.ListenPort}
	want := []any{"https://sidekick:2801/", true, "${PEREGRINE_TEST_URL}/", "${PEREGRINE_TEST_URL}/", 9000}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	// Expansion happens when a file is read, before decoding; keys are
	// not expanded.
	wantWarns := []string{
		`peregrine.yaml:6:13: warning: environment variable PEREGRINE_TEST_NOPE is not set: ${PEREGRINE_TEST_NOPE} is empty`,
		`peregrine.yaml:4:1: warning: unknown key "${PEREGRINE_TEST_KEY}"`,
	}
	if diff := cmp.Diff(wantWarns, r.warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
