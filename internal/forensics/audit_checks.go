package forensics

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/docker/docker/api/types/container"

	"peregrine/internal/forensics/image"
)

// auditCheck is one rule of the audit: it reads the inspected container
// and the host's enforcement and returns what it finds, nothing when the
// container is fine on its count.
type auditCheck func(c *container.InspectResponse, h HostSecurity) []Finding

// auditChecks are the checks [Audit] applies, roughly most severe first.
var auditChecks = []auditCheck{
	checkPrivileged,
	checkRuntimeSocket,
	checkHostPaths,
	checkCapabilities,
	checkNamespaces,
	checkDevices,
	checkSecretEnv,
	checkUser,
	checkSecurityOpts,
	checkResources,
	checkRootFS,
	checkPropagation,
	checkPorts,
}

// hostConfig returns the container's host configuration, empty when the
// inspect document has none.
func hostConfig(c *container.InspectResponse) *container.HostConfig {
	if c.ContainerJSONBase == nil || c.HostConfig == nil {
		return &container.HostConfig{}
	}
	return c.HostConfig
}

// checkPrivileged: a privileged container has every capability, every
// device and no confinement: it is root on the host.
func checkPrivileged(c *container.InspectResponse, _ HostSecurity) []Finding {
	if !hostConfig(c).Privileged {
		return nil
	}
	return []Finding{{Critical, "privileged", "runs privileged: all capabilities, all host devices, no seccomp or AppArmor; equivalent to root on the host"}}
}

// runtimeSockets are the names of container runtime API sockets; whoever
// reaches one can start a privileged container.
var runtimeSockets = map[string]bool{
	"docker.sock": true, "containerd.sock": true, "crio.sock": true, "podman.sock": true,
	"dockershim.sock": true, "cri-dockerd.sock": true, "containerd-shim.sock": true,
}

// checkRuntimeSocket: a mounted runtime socket gives control of the
// engine, read-only or not (connecting needs no write permission on the
// mount).
func checkRuntimeSocket(c *container.InspectResponse, _ HostSecurity) []Finding {
	var out []Finding
	for _, m := range c.Mounts {
		if runtimeSockets[path.Base(m.Source)] || runtimeSockets[path.Base(m.Destination)] {
			out = append(out, Finding{Critical, "runtime-socket", fmt.Sprintf(
				"container runtime socket %s mounted at %s: the container can drive the engine and start privileged containers", m.Source, m.Destination)})
		}
	}
	return out
}

// sensitiveDirs are host directories whose mount, by itself, exposes the
// host.
var sensitiveDirs = map[string]bool{
	"/": true, "/etc": true, "/proc": true, "/sys": true, "/dev": true, "/boot": true,
	"/root": true, "/home": true, "/var": true, "/var/run": true, "/run": true, "/var/log": true,
	"/usr": true, "/bin": true, "/sbin": true, "/lib": true, "/lib64": true,
	"/var/lib/docker": true, "/var/lib/containerd": true, "/var/lib/kubelet": true, "/etc/kubernetes": true,
}

// sensitiveTrees are host directories below which any bind mount is
// sensitive (/etc/shadow, /proc/sysrq-trigger, /root/.ssh ...).
var sensitiveTrees = []string{
	"/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/usr", "/bin", "/sbin", "/lib", "/lib64",
	"/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet",
}

// checkHostPaths: a bind mount of a sensitive host path. Writable, it
// lets the container change the host (CRITICAL); read-only, it still
// discloses it (MEDIUM for a whole directory, LOW for something below).
func checkHostPaths(c *container.InspectResponse, _ HostSecurity) []Finding {
	var out []Finding
	for _, m := range c.Mounts {
		if m.Type != "bind" || m.Source == "" || runtimeSockets[path.Base(m.Source)] {
			continue
		}
		src := path.Clean(m.Source)
		whole := sensitiveDirs[src]
		below := false
		for _, t := range sensitiveTrees {
			if strings.HasPrefix(src, t+"/") {
				below = true
			}
		}
		switch {
		case !whole && !below:
		case m.RW:
			out = append(out, Finding{Critical, "host-path-rw", fmt.Sprintf("host path %s mounted read-write at %s: the container can change the host", src, m.Destination)})
		case whole:
			out = append(out, Finding{Medium, "host-path-ro", fmt.Sprintf("host path %s mounted read-only at %s: the container can read it", src, m.Destination)})
		default:
			out = append(out, Finding{Low, "host-path-ro", fmt.Sprintf("host path %s mounted read-only at %s", src, m.Destination)})
		}
	}
	return out
}

// dangerousCaps are the capabilities that, added, open a way out of the
// container or into other processes.
var dangerousCaps = map[string]string{
	"SYS_ADMIN":       "mount, namespaces, BPF and much more: most escapes start here",
	"SYS_PTRACE":      "trace and inject into other processes (with host PID: host processes)",
	"SYS_MODULE":      "load kernel modules",
	"SYS_RAWIO":       "raw I/O ports and /dev/mem",
	"SYS_BOOT":        "reboot the host",
	"SYS_TIME":        "set the host clock",
	"NET_ADMIN":       "reconfigure interfaces, routes and firewall rules",
	"DAC_READ_SEARCH": "read any file by handle (open_by_handle_at escape)",
	"BPF":             "load BPF programs",
	"PERFMON":         "performance monitoring of other processes",
	"MAC_ADMIN":       "change the mandatory access control policy",
	"MAC_OVERRIDE":    "bypass mandatory access control",
	"SYSLOG":          "read kernel logs and addresses",
	"LINUX_IMMUTABLE": "change immutable and append-only files",
}

// checkCapabilities: capabilities added to the default set, and a
// default set kept whole.
func checkCapabilities(c *container.InspectResponse, _ HostSecurity) []Finding {
	hc := hostConfig(c)
	var out []Finding
	for _, raw := range hc.CapAdd {
		name := strings.TrimPrefix(strings.ToUpper(raw), "CAP_")
		switch why, ok := dangerousCaps[name]; {
		case name == "ALL":
			out = append(out, Finding{Critical, "cap-add", "every capability added (--cap-add ALL): as good as privileged"})
		case ok:
			out = append(out, Finding{High, "cap-add", fmt.Sprintf("capability %s added: %s", name, why)})
		default:
			out = append(out, Finding{Low, "cap-add", fmt.Sprintf("capability %s added", name)})
		}
	}
	if len(hc.CapDrop) == 0 && !hc.Privileged {
		out = append(out, Finding{Low, "cap-drop", "default capabilities kept: drop ALL and add back what is needed"})
	}
	return out
}

// checkNamespaces: namespaces shared with the host (HIGH) or with another
// container (LOW).
func checkNamespaces(c *container.InspectResponse, h HostSecurity) []Finding {
	hc := hostConfig(c)
	var out []Finding
	for _, ns := range []struct{ kind, mode, risk string }{
		{"pid", string(hc.PidMode), "sees and signals every host process"},
		{"network", string(hc.NetworkMode), "uses the host's interfaces and loopback services"},
		{"ipc", string(hc.IpcMode), "reaches the host's shared memory and semaphores"},
		{"uts", string(hc.UTSMode), "can change the host's name"},
	} {
		switch {
		case ns.mode == "host":
			out = append(out, Finding{High, "host-" + ns.kind, fmt.Sprintf("host %s namespace: the container %s", ns.kind, ns.risk)})
		case strings.HasPrefix(ns.mode, "container:"):
			out = append(out, Finding{Low, "shared-" + ns.kind, fmt.Sprintf("%s namespace shared with %s", ns.kind, ns.mode)})
		}
	}
	if h.UserNS && hc.UsernsMode == "host" {
		out = append(out, Finding{Medium, "host-userns", "user namespace remapping turned off for this container: root inside is root outside"})
	}
	return out
}

// rawDevice matches host devices that give raw access to memory or disks.
var rawDevice = regexp.MustCompile(`^/dev/(mem|kmem|port|sd[a-z].*|hd[a-z].*|vd[a-z].*|xvd[a-z].*|nvme.*|dm-.*|loop.*|mapper/.*|disk/.*)$`)

// checkDevices: host devices passed in.
func checkDevices(c *container.InspectResponse, _ HostSecurity) []Finding {
	hc := hostConfig(c)
	var out []Finding
	for _, d := range hc.Devices {
		if rawDevice.MatchString(d.PathOnHost) {
			out = append(out, Finding{High, "device", fmt.Sprintf("host device %s passed in: raw access to host memory or disks", d.PathOnHost)})
		} else {
			out = append(out, Finding{Medium, "device", fmt.Sprintf("host device %s passed in", d.PathOnHost)})
		}
	}
	for _, r := range hc.DeviceCgroupRules {
		if strings.HasPrefix(strings.TrimSpace(r), "a ") {
			out = append(out, Finding{High, "device", fmt.Sprintf("device cgroup rule %q allows every device", r)})
		}
	}
	return out
}

// checkSecretEnv: credentials in the environment, readable by anyone who
// can inspect the container or read /proc/<pid>/environ. Only the names
// are reported, never the values; names are judged as the image analysis
// judges them ([image.SecretName]: names ending in _FILE, _PATH or _DIR
// say where a secret is and are fine).
func checkSecretEnv(c *container.InspectResponse, _ HostSecurity) []Finding {
	if c.Config == nil {
		return nil
	}
	var names []string
	for _, kv := range c.Config.Env {
		name, value, _ := strings.Cut(kv, "=")
		if value == "" || !image.SecretName(name) {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]Finding, 0, len(names))
	for _, n := range names {
		out = append(out, Finding{High, "secret-env", fmt.Sprintf("environment variable %s looks like a credential (value not shown): use a secret file", n)})
	}
	return out
}

// checkUser: the container's processes run as root.
func checkUser(c *container.InspectResponse, h HostSecurity) []Finding {
	user := ""
	if c.Config != nil {
		user = c.Config.User
	}
	name, _, _ := strings.Cut(user, ":")
	if name != "" && name != "root" && name != "0" {
		return nil
	}
	if (h.UserNS && hostConfig(c).UsernsMode != "host") || h.Rootless {
		return []Finding{{Low, "root-user", "runs as root, mapped to an unprivileged host user"}}
	}
	return []Finding{{Medium, "root-user", "runs as root (no USER in the image, no --user): root inside is root on the host's files"}}
}

// checkSecurityOpts: confinement turned off, or not asked for.
func checkSecurityOpts(c *container.InspectResponse, h HostSecurity) []Finding {
	hc := hostConfig(c)
	if hc.Privileged {
		return nil // said already, more strongly
	}
	var out []Finding
	noNewPrivs := false
	for _, o := range hc.SecurityOpt {
		key, value, _ := strings.Cut(o, "=")
		if k, v, ok := strings.Cut(o, ":"); ok && !strings.Contains(o, "=") {
			key, value = k, v
		}
		switch {
		case key == "seccomp" && value == "unconfined":
			out = append(out, Finding{Medium, "seccomp", "seccomp=unconfined: every system call is allowed"})
		case key == "apparmor" && value == "unconfined":
			out = append(out, Finding{Medium, "apparmor", "apparmor=unconfined: no AppArmor profile"})
		case key == "label" && value == "disable" && h.SELinux:
			out = append(out, Finding{Medium, "selinux", "label=disable: no SELinux separation"})
		case key == "no-new-privileges" && (value == "" || value == "true"):
			noNewPrivs = true
		}
	}
	if h.AppArmor && c.ContainerJSONBase != nil && c.AppArmorProfile == "" {
		out = append(out, Finding{Medium, "apparmor", "no AppArmor profile although the host enforces AppArmor"})
	}
	if !h.Seccomp {
		out = append(out, Finding{Low, "seccomp", "the engine does not filter system calls (no seccomp support)"})
	}
	if !noNewPrivs {
		out = append(out, Finding{Low, "no-new-privileges", "no-new-privileges not set: setuid programs can raise privileges"})
	}
	return out
}

// checkResources: no limits, so a miner or a fork bomb takes the host.
func checkResources(c *container.InspectResponse, _ HostSecurity) []Finding {
	r := hostConfig(c).Resources
	var out []Finding
	if r.Memory <= 0 {
		out = append(out, Finding{Medium, "memory-limit", "no memory limit"})
	}
	if r.PidsLimit == nil || *r.PidsLimit <= 0 {
		out = append(out, Finding{Medium, "pids-limit", "no process count limit (fork bombs)"})
	}
	if r.NanoCPUs == 0 && r.CPUQuota <= 0 && r.CPUShares == 0 && r.CpusetCpus == "" {
		out = append(out, Finding{Low, "cpu-limit", "no CPU limit (a miner can take every core)"})
	}
	if r.OomKillDisable != nil && *r.OomKillDisable {
		out = append(out, Finding{Low, "oom-kill", "OOM killer disabled for the container"})
	}
	return out
}

// checkRootFS: a writable root file system lets an intruder drop tools.
func checkRootFS(c *container.InspectResponse, _ HostSecurity) []Finding {
	if hostConfig(c).ReadonlyRootfs {
		return nil
	}
	return []Finding{{Medium, "writable-rootfs", "root file system writable (no --read-only): an intruder can drop and change programs"}}
}

// checkPropagation: mounts that propagate back to the host.
func checkPropagation(c *container.InspectResponse, _ HostSecurity) []Finding {
	var out []Finding
	for _, m := range c.Mounts {
		if m.Propagation == "shared" || m.Propagation == "rshared" {
			out = append(out, Finding{Medium, "mount-propagation", fmt.Sprintf("mount %s has %s propagation: mounts made inside reach the host", m.Destination, m.Propagation)})
		}
	}
	return out
}

// checkPorts: ports published on every host interface.
func checkPorts(c *container.InspectResponse, _ HostSecurity) []Finding {
	var out []Finding
	for port, bindings := range hostConfig(c).PortBindings {
		for _, b := range bindings {
			if b.HostIP == "" || b.HostIP == "0.0.0.0" || b.HostIP == "::" {
				out = append(out, Finding{Low, "published-port", fmt.Sprintf("port %s published on every host interface (host port %s)", port, b.HostPort)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Message < out[j].Message })
	return out
}
