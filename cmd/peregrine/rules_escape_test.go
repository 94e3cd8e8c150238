package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// The container escape rules of rules/container.yaml and the credential
// rules the container scenario proves.
const (
	ruleReleaseAgent = "Cgroup release_agent written for container escape"
	ruleMount        = "Mount from container"
	ruleNamespace    = "Namespace change from container"
)

// escapeCapFlags give a container what the escapes need without
// --privileged (which this kind of host refuses: no CAP_SYS_RESOURCE to
// hand out): CAP_SYS_ADMIN, and neither AppArmor nor seccomp in the way.
var escapeCapFlags = []string{"--cap-add", "SYS_ADMIN", "--security-opt", "apparmor=unconfined", "--security-opt", "seccomp=unconfined"}

// escapeReleaseAgentWrite writes the release_agent of the cgroup
// hierarchy mounted at /mnt/cg back with the value it holds: a real write,
// as the escape makes, that leaves the host's hierarchy as it was.
const escapeReleaseAgentWrite = `v=$(cat /mnt/cg/release_agent) && echo "$v" > /mnt/cg/release_agent`

// TestRulesContainerEscapeLive runs the agent with all its embedded rules
// and container metadata. In a container given CAP_SYS_ADMIN without
// AppArmor and seccomp: mount a tmpfs, mount the memory cgroup hierarchy,
// write its release_agent (with the value it had), unmount both, unshare
// a mount namespace and nsenter the namespaces of the container's first
// process. In an ordinary container: cat /etc/shadow and an SSH host key
// of the image (and, raising nothing, the key's .pub half and
// /etc/hostname). On the host, a tmpfs mount and an unshare raise
// nothing, and neither do docker exec's own namespace changes (runc).
// Each positive raises its rule once with the container's id, name and
// image, the program and the tags of its technique and category. A run
// is repeated only when the agent dropped events.
func TestRulesContainerEscapeLive(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	embeddedRulesOnly(t)
	mount := hostLookPath(t, "mount")
	umount := hostLookPath(t, "umount")
	unshare := hostLookPath(t, "unshare")
	image := d.Image(t, "escape-reads", map[string]string{
		"/etc/shadow":                       "root:$6$peregrine$notahash:20000:0:99999:7:::\n",
		"/etc/ssh/ssh_host_ed25519_key":     "peregrine rule test: not a key\n",
		"/etc/ssh/ssh_host_ed25519_key.pub": "ssh-ed25519 AAAA peregrine-rule-test\n",
	})
	repo, _, _ := strings.Cut(image, ":")
	escName := fmt.Sprintf("peregrine-escape-caps-%d", os.Getpid())
	esc := d.Run(t, append([]string{"--name", escName}, escapeCapFlags...), image, "sleep", "600")
	readName := fmt.Sprintf("peregrine-reads-%d", os.Getpid())
	rd := d.Run(t, []string{"--name", readName}, image, "sleep", "600")
	escCtr := map[string]string{"container.id": esc[:12], "container.name": escName, "container.image.repository": repo}
	readCtr := map[string]string{"container.id": rd[:12], "container.name": readName, "container.image.repository": repo}
	d.Exec(t, esc, "mkdir", "-p", "/mnt/t", "/mnt/cg")
	hostDir := t.TempDir()

	retryOnDrops(t, func(t *testing.T) miningRun {
		live := startPeregrine(t, "watching", "run", "--ring-size", "67108864", "-o", "json", "--docker-host", d.Host)

		d.Exec(t, esc, "mount", "-t", "tmpfs", "peregrine-test", "/mnt/t")
		d.Exec(t, esc, "mount", "-t", "cgroup", "-o", "memory", "cgroup", "/mnt/cg")
		d.Exec(t, esc, "sh", "-c", escapeReleaseAgentWrite)
		d.Exec(t, esc, "umount", "/mnt/cg")
		d.Exec(t, esc, "umount", "/mnt/t")
		d.Exec(t, esc, "unshare", "-m", "true")
		d.Exec(t, esc, "nsenter", "-t", "1", "-m", "-u", "true")
		d.Exec(t, rd, "cat", "/etc/shadow")
		d.Exec(t, rd, "cat", "/etc/ssh/ssh_host_ed25519_key")
		d.Exec(t, rd, "cat", "/etc/ssh/ssh_host_ed25519_key.pub")
		d.Exec(t, rd, "cat", "/etc/hostname")
		hostMountPid := hostRun(t, mount, "-t", "tmpfs", "peregrine-test", hostDir)
		hostUmountPid := hostRun(t, umount, hostDir)
		hostUnsharePid := hostRun(t, unshare, "-m", "true")

		checks := []escapeCheck{
			{rule: ruleMount, key: "evt.arg.type", value: "tmpfs", count: 1, want: withField(withField(escCtr, "proc.name", "mount"), "evt.arg.dir", "/mnt/t"), tags: []string{"container_escape", "T1611"}},
			{rule: ruleMount, key: "evt.arg.type", value: "cgroup", count: 1, want: withField(withField(escCtr, "proc.name", "mount"), "evt.arg.dir", "/mnt/cg"), tags: []string{"container_escape", "T1611"}},
			{rule: ruleReleaseAgent, key: "container.id", value: esc[:12], count: 1, want: withField(withField(escCtr, "proc.name", "sh"), "fd.name", "/mnt/cg/release_agent"), tags: []string{"container_escape", "T1611"}},
			{rule: ruleNamespace, key: "evt.type", value: "unshare", count: 1, want: withField(escCtr, "proc.name", "unshare"), tags: []string{"container_escape", "T1611"}},
			{rule: ruleNamespace, key: "evt.type", value: "setns", count: -1, want: withField(escCtr, "proc.name", "nsenter"), tags: []string{"container_escape", "T1611"}},
			{rule: ruleShadowRead, key: "container.id", value: rd[:12], count: 1, want: withField(withField(readCtr, "proc.name", "cat"), "fd.name", "/etc/shadow"), tags: []string{"credential_access", "T1003.008"}},
			{rule: ruleSSHKeyRead, key: "container.id", value: rd[:12], count: 1, want: withField(withField(readCtr, "proc.name", "cat"), "fd.name", "/etc/ssh/ssh_host_ed25519_key"), tags: []string{"credential_access", "T1552.004"}},
		}
		waitForAlerts(t, live, func(all []miningAlert) bool {
			for _, c := range checks {
				if len(c.problems(all)) > 0 {
					return false
				}
			}
			return true
		})
		r, all := stopRun(t, live)
		for _, c := range checks {
			r.problems = append(r.problems, c.problems(all)...)
		}
		// nsenter joins one namespace per option: one alert for each,
		// all from nsenter.
		if n := len(alertsOf(all, ruleNamespace, "proc.name", "nsenter")); n != 2 {
			r.problems = append(r.problems, fmt.Sprintf("%d namespace alerts of nsenter, want 2 (-m, -u)", n))
		}
		// Nothing else: the reading container raised the two reads only
		// (not the .pub key, /etc/hostname or docker exec); the host's
		// mount and unshare raised nothing.
		if n := countOf(all, "container.id", rd[:12]); n != 2 {
			r.problems = append(r.problems, fmt.Sprintf("%d alerts of the reading container, want 2", n))
		}
		for _, c := range []pidCheck{
			{name: "host mount", key: "proc.pid", value: hostMountPid},
			{name: "host umount", key: "proc.pid", value: hostUmountPid},
			{name: "host unshare", key: "proc.pid", value: hostUnsharePid},
		} {
			r.problems = append(r.problems, c.problems(all)...)
		}
		// runc's setns for each docker exec, umount and the image's
		// programs raised none of the escape rules.
		for _, rule := range []string{ruleMount, ruleNamespace, ruleReleaseAgent} {
			for _, a := range alertsOf(all, rule, "container.id", esc[:12]) {
				if n := a.Fields["proc.name"]; n != "mount" && n != "sh" && n != "unshare" && n != "nsenter" {
					r.problems = append(r.problems, fmt.Sprintf("%s raised by %s: %v", rule, n, a.Fields))
				}
			}
		}
		return r
	})
}

// countOf counts the alerts, of any rule, whose field key is value.
func countOf(all []miningAlert, key, value string) int {
	n := 0
	for _, a := range all {
		if a.Fields[key] == value {
			n++
		}
	}
	return n
}
