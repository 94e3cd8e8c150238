package forensics

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

func TestAuditContainers(t *testing.T) {
	d := testenv.Docker(t)
	e := connect(t, d)
	img := d.Image(t, "forensics-sleeper", nil)
	// A socket named docker.sock of the test's own, so that nothing of the
	// host's is exposed.
	sock := filepath.Join(t.TempDir(), "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tests := []struct {
		name    string
		flags   []string
		create  bool // created, not started (--privileged cannot start on this machine)
		want    []string
		highest Severity
	}{
		{name: "ptrace", flags: []string{"--cap-add", "SYS_PTRACE"}, want: []string{"HIGH cap-add"}, highest: High},
		{name: "engine socket", flags: []string{"-v", sock + ":/var/run/docker.sock"}, want: []string{"CRITICAL runtime-socket"}, highest: Critical},
		{name: "host pid", flags: []string{"--pid", "host"}, want: []string{"HIGH host-pid"}, highest: High},
		{name: "secret env", flags: []string{"-e", "AWS_SECRET_ACCESS_KEY=x"}, want: []string{"HIGH secret-env"}, highest: High},
		{name: "hardened", flags: []string{"--user", "1000", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"},
			want: []string{"MEDIUM memory-limit", "MEDIUM pids-limit", "LOW cpu-limit"}, highest: Medium},
		{name: "privileged", flags: []string{"--privileged"}, create: true, want: []string{"CRITICAL privileged"}, highest: Critical},
	}
	var refs []string
	for _, tt := range tests {
		if tt.create {
			args := append(append([]string{"create", "--network", "none"}, tt.flags...), img, "sleep", "100000")
			id := d.Docker(t, args...)
			t.Cleanup(func() { d.Remove(t, id) })
			refs = append(refs, id)
			continue
		}
		refs = append(refs, d.Run(t, tt.flags, img, "sleep", "100000"))
	}
	reports, err := AuditContainers(context.Background(), e, refs)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reports[i]
			if r.ID != refs[i] || r.Image != img {
				t.Errorf("report for %s (%s), want %s (%s)", r.ID, r.Image, refs[i], img)
			}
			got := findingKeys(r.Findings)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("no %q in %v", w, got)
				}
			}
			if r.Highest != tt.highest {
				t.Errorf("highest %v, want %v: %v", r.Highest, tt.highest, got)
			}
		})
	}
	if _, err := AuditContainers(context.Background(), e, []string{"peregrine-no-such-container"}); !errors.Is(err, ErrNoContainer) ||
		!strings.Contains(err.Error(), "peregrine-no-such-container") {
		t.Errorf("unknown container: %v", err)
	}
}
