package rules_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/alert"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
)

const matchRules = `
- list: shells
  items: [bash, sh]
- list: trusted_shell_parents
  items: [sshd]
- macro: spawned_process
  condition: evt.type in (execve, execveat)
- macro: container
  condition: container.id != host
- rule: Shell in container
  desc: a shell runs in a container
  condition: spawned_process and container and proc.name in (shells)
  output: "shell %proc.name (parent=%proc.pname cmdline=%proc.cmdline) in %container.id %12proc.pid|"
  priority: NOTICE
  tags: [container, shell, T1059]
  exceptions:
    - name: trusted_parents
      fields: [proc.pname]
      values: [[trusted_shell_parents]]
- rule: Any shell
  desc: a shell runs anywhere
  condition: spawned_process and proc.name in (shells)
  output: "shell %proc.name uid=%user.uid tty=%proc.tty anc=%proc.aname[2] none=%fd.name"
  priority: WARNING
- rule: Disabled shell
  desc: never runs
  condition: spawned_process and proc.name = bash
  output: "x"
  priority: CRITICAL
  enabled: false
- rule: Debug read
  desc: low priority
  condition: evt.type in (open, openat) and fd.name startswith /etc
  output: "read %fd.name"
  priority: DEBUG
`

func compileText(t *testing.T, text string, opt rules.Options) (*rules.Ruleset, *synthSource) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, diags, err := loader.Load(path)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	src := &synthSource{}
	opt.Binder = src
	rs, diags, err := rules.Compile(spec, opt)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	return rs, src
}

func names(rs []*rules.CompiledRule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestMatch(t *testing.T) {
	shell := &synthEvent{typ: 293, comm: "bash", pcomm: "containerd-shim", ancestors: []string{"containerd-shim", "containerd", "systemd"},
		cmdline: "bash -i", container: "3ad8c2f1e9b0", pid: 77, uid: 0, user: "root", tty: 34816}
	trusted := *shell
	trusted.pcomm = "sshd"
	hostShell := *shell
	hostShell.container = ""
	etc := &synthEvent{typ: 307, comm: "cat", fd: "/etc/passwd"}
	tests := []struct {
		name string
		opt  rules.Options
		ev   *synthEvent
		want []string
	}{
		{"first match", rules.Options{}, shell, []string{"Shell in container"}},
		{"all matches", rules.Options{Matching: rules.MatchAll}, shell, []string{"Shell in container", "Any shell"}},
		{"exception", rules.Options{Matching: rules.MatchAll}, &trusted, []string{"Any shell"}},
		{"host", rules.Options{Matching: rules.MatchAll}, &hostShell, []string{"Any shell"}},
		{"other type", rules.Options{Matching: rules.MatchAll}, etc, []string{"Debug read"}},
		{"min priority", rules.Options{Matching: rules.MatchAll, MinPriority: alert.PriorityInformational, HasMinPriority: true}, etc, nil},
		{"min priority keeps severe", rules.Options{Matching: rules.MatchAll, MinPriority: alert.PriorityWarning, HasMinPriority: true}, shell, []string{"Any shell"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, src := compileText(t, matchRules, tt.opt)
			src.cur = tt.ev
			if diff := cmp.Diff(tt.want, names(rs.Match(tt.ev.typ, nil))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRulesetInfo(t *testing.T) {
	rs, _ := compileText(t, matchRules, rules.Options{})
	if got := len(rs.Rules()); got != 4 {
		t.Errorf("%d rules compiled, want 4", got)
	}
	if got := rs.Active(); got != 3 {
		t.Errorf("%d rules active, want 3 (one disabled)", got)
	}
	var got []string
	seen := map[string]bool{}
	for _, ty := range rs.EventTypes() {
		if !seen[ty.Name()] {
			seen[ty.Name()] = true
			got = append(got, ty.Name())
		}
	}
	if diff := cmp.Diff([]string{"open", "execve", "openat", "execveat"}, got); diff != "" {
		t.Errorf("needed event types (-want +got):\n%s", diff)
	}
	ro, _, _ := rules.Compile(&rules.Spec{}, rules.Options{})
	if ro.Runnable() || ro.Match(293, nil) != nil {
		t.Error("a rule set without binder runs")
	}
}

func TestAlert(t *testing.T) {
	rs, src := compileText(t, matchRules, rules.Options{Matching: rules.MatchAll})
	src.cur = &synthEvent{typ: 293, comm: "bash", pcomm: "runc", ancestors: []string{"runc", "containerd"}, cmdline: "bash -c id",
		container: "3ad8c2f1e9b0", pid: 77, uid: 0, tty: 34816}
	m := rs.Match(293, nil)
	if len(m) != 2 {
		t.Fatalf("matches %v", names(m))
	}
	when := time.Date(2026, 11, 25, 12, 3, 4, 5, time.UTC)
	a := m[0].Alert(when, "node-1")
	if want := "shell bash (parent=runc cmdline=bash -c id) in 3ad8c2f1e9b0 77          |"; a.Message != want {
		t.Errorf("message %q\nwant    %q", a.Message, want)
	}
	if want := "12:03:04.000000005: Notice " + a.Message; a.Output != want {
		t.Errorf("output %q", a.Output)
	}
	b := m[1].Alert(when, "node-1")
	if want := "shell bash uid=0 tty=34816 anc=containerd none=<NA>"; b.Message != want {
		t.Errorf("message %q\nwant    %q", b.Message, want)
	}
	var got map[string]any
	if err := json.Unmarshal(b.AppendJSON(nil, alert.DefaultJSON()), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"hostname": "node-1",
		"output":   "12:03:04.000000005: Warning " + b.Message,
		"output_fields": map[string]any{
			"proc.name": "bash", "user.uid": float64(0), "proc.tty": float64(34816),
			"proc.aname[2]": "containerd", "fd.name": nil,
		},
		"priority": "Warning",
		"rule":     "Any shell",
		"source":   "syscall",
		"tags":     []any{},
		"time":     "2026-11-25T12:03:04.000000005Z",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alert JSON (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"T1059", "container", "shell"}, a.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

// TestSharedChecksFollowEvents runs rules that share checks over a series
// of events: a result kept from one event must never serve the next.
func TestSharedChecksFollowEvents(t *testing.T) {
	rs, src := compileText(t, `
- macro: shell
  condition: proc.name in (bash, sh)
- rule: shell
  desc: d
  condition: evt.type = execve and shell
  output: o
  priority: WARNING
- rule: root shell
  desc: d
  condition: evt.type = execve and shell and user.name = root
  output: o
  priority: WARNING
- rule: not a shell
  desc: d
  condition: evt.type = execve and not shell
  output: o
  priority: WARNING
`, rules.Options{Matching: rules.MatchAll})
	tests := []struct {
		comm, user string
		want       []string
	}{
		{"bash", "root", []string{"shell", "root shell"}},
		{"ls", "root", []string{"not a shell"}},
		{"sh", "alice", []string{"shell"}},
		{"sh", "alice", []string{"shell"}},
		{"cat", "alice", []string{"not a shell"}},
		{"bash", "root", []string{"shell", "root shell"}},
	}
	for i, tt := range tests {
		src.cur = &synthEvent{typ: 293, comm: tt.comm, user: tt.user}
		if diff := cmp.Diff(tt.want, names(rs.Match(293, nil))); diff != "" {
			t.Errorf("event %d (%s by %s) (-want +got):\n%s", i, tt.comm, tt.user, diff)
		}
	}
}

// TestAppendOutput adds the same text to every rule's output: to the
// message and, a field used twice appearing once, to the fields.
// Appends add their output to the rules they select, after AppendOutput.
func TestAppends(t *testing.T) {
	rs, src := compileText(t, matchRules, rules.Options{Matching: rules.MatchAll, AppendOutput: "a=%proc.pid", Appends: []rules.Append{
		{Tags: []string{"shell", "container"}, Output: "b=1"},
		{Rule: "Any shell", Output: "c=2"},
		// Another source's fields: not checked here, where it selects nothing.
		{Source: "k8s_audit", Output: "d=%ka.user.name"},
		{Tags: []string{"nosuchtag"}, Output: "g=%ka.verb"}, // no rule here: not checked either
		{Tags: []string{"shell", "nosuchtag"}, Output: "e=4"},
		{Source: "syscall", Output: "f=5"},
	}})
	src.cur = &synthEvent{typ: 293, comm: "bash", pcomm: "runc", ancestors: []string{"runc"}, cmdline: "bash", container: "3ad8c2f1e9b0", pid: 77}
	m := rs.Match(293, nil)
	if len(m) != 2 {
		t.Fatalf("matches %v", names(m))
	}
	for i, suffix := range []string{" a=77 b=1 f=5", " a=77 c=2 f=5"} {
		if a := m[i].Alert(time.Now(), "h"); !strings.HasSuffix(a.Message, suffix) || strings.Count(a.Message, " a=77") != 1 {
			t.Errorf("rule %s: message %q, want it to end in %q", m[i].Name, a.Message, suffix)
		}
	}
}

func TestAppendOutput(t *testing.T) {
	rs, src := compileText(t, matchRules, rules.Options{Matching: rules.MatchAll, AppendOutput: "container_id=%container.id pid=%proc.pid"})
	src.cur = &synthEvent{typ: 293, comm: "bash", pcomm: "runc", ancestors: []string{"runc"}, cmdline: "bash", container: "3ad8c2f1e9b0", pid: 77}
	m := rs.Match(293, nil)
	if len(m) != 2 {
		t.Fatalf("matches %v", names(m))
	}
	a := m[0].Alert(time.Now(), "h")
	// The rule prints container.id itself: the appended container_id is
	// left out rather than said twice.
	if want := "shell bash (parent=runc cmdline=bash) in 3ad8c2f1e9b0 77          | pid=77"; a.Message != want {
		t.Errorf("message %q\nwant    %q", a.Message, want)
	}
	var fields []string
	for _, f := range a.Fields {
		fields = append(fields, f.Name)
	}
	if diff := cmp.Diff([]string{"proc.name", "proc.pname", "proc.cmdline", "container.id", "proc.pid"}, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if b := m[1].Alert(time.Now(), "h"); !strings.HasSuffix(b.Message, " none=<NA> container_id=3ad8c2f1e9b0 pid=77") {
		t.Errorf("message %q", b.Message)
	}
	for _, bad := range []string{"x=%proc.nam", "x=%"} {
		_, _, err := rules.Compile(&rules.Spec{}, rules.Options{Appends: []rules.Append{{Output: bad}}})
		if !errors.Is(err, rules.ErrAppendOutput) || !strings.Contains(err.Error(), bad) {
			t.Errorf("Appends %q: error %v", bad, err)
		}
	}
	for _, bad := range []string{"x=%proc.nam", "x=%"} {
		_, _, err := rules.Compile(&rules.Spec{}, rules.Options{AppendOutput: bad})
		if !errors.Is(err, rules.ErrAppendOutput) || !strings.Contains(err.Error(), bad) {
			t.Errorf("AppendOutput %q: error %v", bad, err)
		}
	}
}
