package rules_test

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/event"
	"peregrine/internal/rules"
)

// typesOf returns the event types named, for comparison with a rule's.
func typesOf(names ...string) []event.Type {
	seen := map[event.Type]bool{}
	var out []event.Type
	for _, n := range names {
		for _, t := range event.TypesNamed(n) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// TestStableRuleEventTypes checks the event types of stable rules against
// the sets Falco computes for them, worked out by hand from their
// conditions and macros (falco_rules.yaml at rules 5.1.0).
func TestStableRuleEventTypes(t *testing.T) {
	want := map[string][]string{
		// open_read: evt.type in (open,openat,openat2) and evt.is_open_read=true ...
		"Read sensitive file untrusted":               {"open", "openat", "openat2"},
		"Directory traversal monitored file read":     {"open", "openat", "openat2"},
		"Clear Log Activities":                        {"open", "openat", "openat2"},
		"Detect release_agent File Container Escapes": {"open", "openat", "openat2"},
		// spawned_process: evt.type in (execve, execveat) and evt.dir=< ...
		"Terminal shell in container":              {"execve", "execveat"},
		"Run shell untrusted":                      {"execve", "execveat"},
		"Search Private Keys or Passwords":         {"execve", "execveat"},
		"Drop and execute new binary in container": {"execve", "execveat"},
		"Contact K8S API Server From Container":    {"connect"},
		// outbound: connect, or sendto/sendmsg on unconnected sockets
		"Disallowed SSH Connection Non Standard Port":              {"connect", "sendto", "sendmsg"},
		"Create Symlink Over Sensitive Files":                      {"symlink", "symlinkat"},
		"Create Hardlink Over Sensitive Files":                     {"link", "linkat"},
		"Packet socket created in container":                       {"socket"},
		"Redirect STDOUT/STDIN to Network Connection in Container": {"dup", "dup2", "dup3"},
		"Linux Kernel Module Injection Detected":                   {"init_module", "finit_module"},
		"PTRACE attached to process":                               {"ptrace"},
		"PTRACE anti-debug attempt":                                {"ptrace"},
		"Fileless execution via memfd_create":                      {"execve", "execveat"},
	}
	spec := loadUpstream(t, "falco_rules.yaml")
	rs, _, err := rules.Compile(spec, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range rs.Rules() {
		names, ok := want[r.Name]
		if !ok {
			continue
		}
		found++
		if diff := cmp.Diff(typesOf(names...), r.EventTypes()); diff != "" {
			t.Errorf("rule %q event types (-want +got):\n%s", r.Name, diff)
		}
	}
	if found != len(want) {
		t.Fatalf("found %d of the %d rules", found, len(want))
	}
	// Every enabled stable rule is restricted to a few system calls.
	for _, r := range rs.Rules() {
		if n := len(r.EventTypes()); n == 0 || n > 100 {
			t.Errorf("rule %q has %d event types", r.Name, n)
		}
	}
}
