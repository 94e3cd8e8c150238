package forensics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// loadInspect reads an inspect document written by "docker inspect" (one
// object) from testdata/audit.
func loadInspect(t *testing.T, name string) *container.InspectResponse {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "audit", name))
	if err != nil {
		t.Fatal(err)
	}
	var c container.InspectResponse
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &c
}

// findingKeys reduces findings to "SEVERITY check" for comparison.
func findingKeys(fs []Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Severity.String()+" "+f.Check)
	}
	return out
}

// The fixtures are inspect documents of containers created (not started)
// by Docker 20.10 with: --privileged (priv.json); --network host, --pid,
// --ipc and --uts host, added SYS_PTRACE, net_admin and CAP_CHOWN, the
// engine socket at /var/run/docker.sock, /etc read-write, / and
// /etc/localtime read-only, AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN,
// DB_PASSWORD_FILE and an empty EMPTY_TOKEN, seccomp and apparmor
// unconfined, /dev/null passed in (risky.json); --user 1000:1000
// --read-only --cap-drop ALL --security-opt no-new-privileges --memory 64m
// --pids-limit 50 --cpus 0.5 (hard.json); nothing (default.json).
func TestAudit(t *testing.T) {
	seccompHost := HostSecurity{Seccomp: true}
	defaults := []string{"MEDIUM memory-limit", "MEDIUM pids-limit", "MEDIUM root-user", "MEDIUM writable-rootfs", "LOW cap-drop", "LOW cpu-limit", "LOW no-new-privileges"}
	tests := []struct {
		name    string
		fixture string
		host    HostSecurity
		mutate  func(c *container.InspectResponse)
		want    []string
		highest Severity
	}{
		{name: "privileged", fixture: "priv.json", host: seccompHost,
			want:    []string{"CRITICAL privileged", "MEDIUM memory-limit", "MEDIUM pids-limit", "MEDIUM root-user", "MEDIUM writable-rootfs", "LOW cpu-limit"},
			highest: Critical},
		{name: "risky", fixture: "risky.json", host: seccompHost,
			want: []string{
				"CRITICAL host-path-rw", "CRITICAL runtime-socket",
				"HIGH cap-add", "HIGH cap-add", "HIGH host-ipc", "HIGH host-network", "HIGH host-pid", "HIGH host-uts",
				"HIGH secret-env", "HIGH secret-env",
				"MEDIUM apparmor", "MEDIUM device", "MEDIUM host-path-ro", "MEDIUM memory-limit", "MEDIUM pids-limit",
				"MEDIUM root-user", "MEDIUM seccomp", "MEDIUM writable-rootfs",
				"LOW cap-add", "LOW cap-drop", "LOW cpu-limit", "LOW host-path-ro", "LOW no-new-privileges",
			},
			highest: Critical},
		{name: "host namespaces on an SELinux host disable labels", fixture: "hard.json", host: HostSecurity{Seccomp: true, SELinux: true},
			mutate: func(c *container.InspectResponse) {
				c.HostConfig.SecurityOpt = append(c.HostConfig.SecurityOpt, "label=disable")
			},
			want: []string{"MEDIUM selinux"}, highest: Medium},
		{name: "hardened", fixture: "hard.json", host: seccompHost, want: nil, highest: Info},
		{name: "default", fixture: "default.json", host: seccompHost, want: defaults, highest: Medium},
		{name: "default without seccomp on the host", fixture: "default.json",
			want: append(append([]string(nil), defaults...), "LOW seccomp"), highest: Medium},
		{name: "apparmor host, no profile", fixture: "default.json", host: HostSecurity{Seccomp: true, AppArmor: true},
			mutate: func(c *container.InspectResponse) { c.AppArmorProfile = "" },
			want:   append([]string{"MEDIUM apparmor"}, defaults...), highest: Medium},
		{name: "userns remapped root", fixture: "default.json", host: HostSecurity{Seccomp: true, UserNS: true},
			want: []string{"MEDIUM memory-limit", "MEDIUM pids-limit", "MEDIUM writable-rootfs", "LOW cap-drop", "LOW cpu-limit", "LOW no-new-privileges", "LOW root-user"}, highest: Medium},
		{name: "userns host on a remapping engine", fixture: "hard.json", host: HostSecurity{Seccomp: true, UserNS: true},
			mutate: func(c *container.InspectResponse) { c.HostConfig.UsernsMode = "host" },
			want:   []string{"MEDIUM host-userns"}, highest: Medium},
		{name: "cap-add ALL and a raw disk", fixture: "hard.json", host: seccompHost,
			mutate: func(c *container.InspectResponse) {
				c.HostConfig.CapAdd = []string{"ALL"}
				c.HostConfig.Devices = []container.DeviceMapping{{PathOnHost: "/dev/sda", PathInContainer: "/dev/sda"}}
			},
			want: []string{"CRITICAL cap-add", "HIGH device"}, highest: Critical},
		{name: "shared namespaces and propagation", fixture: "hard.json", host: seccompHost,
			mutate: func(c *container.InspectResponse) {
				c.HostConfig.PidMode = "container:abc"
				c.Mounts = append(c.Mounts, container.MountPoint{Type: mount.TypeBind, Source: "/srv/data", Destination: "/data", RW: true, Propagation: mount.PropagationRShared})
			},
			want: []string{"MEDIUM mount-propagation", "LOW shared-pid"}, highest: Medium},
		{name: "read-only runtime socket is still critical", fixture: "hard.json", host: seccompHost,
			mutate: func(c *container.InspectResponse) {
				c.Mounts = append(c.Mounts, container.MountPoint{Type: mount.TypeBind, Source: "/run/containerd/containerd.sock", Destination: "/c.sock"})
			},
			want: []string{"CRITICAL runtime-socket"}, highest: Critical},
		{name: "sensitive file below /etc read-write", fixture: "hard.json", host: seccompHost,
			mutate: func(c *container.InspectResponse) {
				c.Mounts = append(c.Mounts, container.MountPoint{Type: mount.TypeBind, Source: "/etc/shadow", Destination: "/shadow", RW: true},
					container.MountPoint{Type: mount.TypeBind, Source: "/home/alice/src", Destination: "/src", RW: true})
			},
			want: []string{"CRITICAL host-path-rw"}, highest: Critical},
		{name: "empty inspect document", fixture: "", host: seccompHost,
			want:    []string{"MEDIUM memory-limit", "MEDIUM pids-limit", "MEDIUM root-user", "MEDIUM writable-rootfs", "LOW cap-drop", "LOW cpu-limit", "LOW no-new-privileges"},
			highest: Medium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &container.InspectResponse{}
			if tt.fixture != "" {
				c = loadInspect(t, tt.fixture)
			}
			if tt.mutate != nil {
				tt.mutate(c)
			}
			got := Audit(c, tt.host)
			if diff := cmp.Diff(tt.want, findingKeys(got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%v", diff, got)
			}
			if h := Highest(got); h != tt.highest {
				t.Errorf("highest %v, want %v", h, tt.highest)
			}
		})
	}
}

// The secret check names the variables and never shows their values.
func TestAuditSecretEnvNamesOnly(t *testing.T) {
	c := loadInspect(t, "risky.json")
	var msgs []string
	for _, f := range Audit(c, HostSecurity{Seccomp: true}) {
		if f.Check == "secret-env" {
			msgs = append(msgs, f.Message)
		}
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no finding names %s: %q", want, joined)
		}
	}
	for _, bad := range []string{"ghp_x", "DB_PASSWORD_FILE", "EMPTY_TOKEN"} {
		if strings.Contains(joined, bad) {
			t.Errorf("findings mention %q: %q", bad, joined)
		}
	}
}

func TestSecretEnvNames(t *testing.T) {
	for _, tt := range []struct {
		name   string
		secret bool
	}{
		{"AWS_SECRET_ACCESS_KEY", true}, {"GITHUB_TOKEN", true}, {"DB_PASSWORD", true}, {"PGPASSWORD", true},
		{"SECRET_KEY_BASE", true}, {"stripe_api_key", true}, {"MYSQL_ROOT_PASSWORD", true}, {"GOOGLE_APPLICATION_CREDENTIALS", true},
		{"AWS_ACCESS_KEY_ID", true}, {"NPM_TOKEN", true},
		{"TOKENIZER_PARALLELISM", false}, {"PATH", false}, {"PWD", false}, {"HOSTNAME", false}, {"SECRETARY_NAME", false},
		{"DB_PASSWORD_FILE", false},
	} {
		c := &container.InspectResponse{Config: &container.Config{Env: []string{tt.name + "=v"}}}
		if got := len(checkSecretEnv(c, HostSecurity{})) > 0; got != tt.secret {
			t.Errorf("%s: secret %v, want %v", tt.name, got, tt.secret)
		}
	}
}

func TestHostSecurityFromInfo(t *testing.T) {
	got := HostSecurityFromInfo([]string{"name=seccomp,profile=default", "name=apparmor", "name=userns", "name=cgroupns"})
	want := HostSecurity{Seccomp: true, AppArmor: true, UserNS: true}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := HostSecurityFromInfo(nil); got != (HostSecurity{}) {
		t.Errorf("nil options: %+v", got)
	}
}

func TestSeverity(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Severity
		ok   bool
	}{
		{"critical", Critical, true}, {"HIGH", High, true}, {"Medium", Medium, true}, {"low", Low, true}, {"info", Info, true},
		{"severe", 0, false}, {"", 0, false},
	} {
		got, err := ParseSeverity(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSeverity(%q) = %v, %v", tt.in, got, err)
		}
	}
	b, _ := json.Marshal(Finding{Severity: High, Check: "x"})
	if !strings.Contains(string(b), `"severity":"HIGH"`) {
		t.Errorf("json %s", b)
	}
	var f Finding
	if err := json.Unmarshal(b, &f); err != nil || f.Severity != High {
		t.Errorf("round trip: %v %+v", err, f)
	}
}
