package psa

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Location is one field of a manifest that makes a check fail, with the
// change that fixes it.
type Location struct {
	// Path is the field's full path in the manifest, e.g.
	// spec.template.spec.containers[1].securityContext.privileged.
	Path string `json:"path"`
	// Fix says what to change.
	Fix string `json:"fix"`
}

// site is what a locator looks at.
type site struct {
	e       *Evaluator
	id      policy.CheckID
	version api.Version
	pod     *PodTemplate
	ctrs    []container
	out     []Location
}

// spec adds a location below the pod spec.
func (s *site) spec(rel, fix string, args ...any) {
	s.out = append(s.out, Location{Path: s.pod.SpecPath + "." + rel, Fix: fmt.Sprintf(fix, args...)})
}

// annotation adds a location at a pod annotation.
func (s *site) annotation(key, fix string, args ...any) {
	s.out = append(s.out, Location{Path: s.pod.MetaPath + ".annotations[" + key + "]", Fix: fmt.Sprintf(fix, args...)})
}

// locator finds the fields behind one check's failure.
type locator func(s *site)

// locators has one entry per check of policy.DefaultChecks.
var locators = map[policy.CheckID]locator{
	"windowsHostProcess":         locateHostProcess,
	"hostNamespaces":             locateHostNamespaces,
	"privileged":                 locatePrivileged,
	"capabilities_baseline":      locateCapabilitiesBaseline,
	"hostPathVolumes":            locateHostPath,
	"hostPorts":                  locateHostPorts,
	"hostProbesAndHostLifecycle": locateProbeHosts,
	"appArmorProfile":            locateAppArmor,
	"seLinuxOptions":             locateSELinux,
	"procMount":                  locateProcMount,
	"procMount_restricted":       locateProcMount,
	"seccompProfile_baseline":    locateSeccompBaseline,
	"seccompProfile_restricted":  locateSeccompRestricted,
	"sysctls":                    locateSysctls,
	"restrictedVolumes":          locateVolumes,
	"allowPrivilegeEscalation":   locateEscalation,
	"runAsNonRoot":               locateRunAsNonRoot,
	"runAsUser":                  locateRunAsUser,
	"capabilities_restricted":    locateCapabilitiesRestricted,
}

// Locate returns the fields behind a failure of check id at version v.
// When no field can be named (a check this package does not know), the
// pod spec itself is returned, with the library's detail as the fix.
func (e *Evaluator) Locate(f Failure, v api.Version, pod *PodTemplate) []Location {
	s := &site{e: e, id: f.Check, version: v, pod: pod, ctrs: containersOf(pod.Spec)}
	if l, ok := locators[f.Check]; ok {
		l(s)
	}
	if len(s.out) == 0 {
		return []Location{{Path: pod.SpecPath, Fix: "change the pod so that it no longer does this: " + f.Detail}}
	}
	return s.out
}

func isTrue(b *bool) bool { return b != nil && *b }

func locateHostProcess(s *site) {
	const fix = "remove hostProcess: true (a Windows HostProcess container runs with the node's privileges)"
	if psc := s.pod.Spec.SecurityContext; psc != nil && psc.WindowsOptions != nil && isTrue(psc.WindowsOptions.HostProcess) {
		s.spec("securityContext.windowsOptions.hostProcess", fix)
	}
	for _, c := range s.ctrs {
		if c.sc != nil && c.sc.WindowsOptions != nil && isTrue(c.sc.WindowsOptions.HostProcess) {
			s.spec(c.path+".securityContext.windowsOptions.hostProcess", "%s in container %q", fix, c.name)
		}
	}
}

func locateHostNamespaces(s *site) {
	if s.pod.Spec.HostNetwork {
		s.spec("hostNetwork", "remove hostNetwork: true so that the pod gets its own network namespace")
	}
	if s.pod.Spec.HostPID {
		s.spec("hostPID", "remove hostPID: true so that the pod cannot see or signal the node's processes")
	}
	if s.pod.Spec.HostIPC {
		s.spec("hostIPC", "remove hostIPC: true so that the pod does not share the node's IPC namespace")
	}
}

func locatePrivileged(s *site) {
	for _, c := range s.ctrs {
		if c.sc != nil && isTrue(c.sc.Privileged) {
			s.spec(c.path+".securityContext.privileged",
				"set privileged: false in container %q and add only the capabilities it needs", c.name)
		}
	}
}

// baselineCapabilities are the capabilities Baseline lets a container add
// (the container runtime's defaults).
var baselineCapabilities = map[corev1.Capability]bool{
	"AUDIT_WRITE": true, "CHOWN": true, "DAC_OVERRIDE": true, "FOWNER": true, "FSETID": true,
	"KILL": true, "MKNOD": true, "NET_BIND_SERVICE": true, "SETFCAP": true, "SETGID": true,
	"SETPCAP": true, "SETUID": true, "SYS_CHROOT": true,
}

func locateCapabilitiesBaseline(s *site) {
	for _, c := range s.ctrs {
		if c.sc == nil || c.sc.Capabilities == nil {
			continue
		}
		for j, cp := range c.sc.Capabilities.Add {
			if !baselineCapabilities[cp] {
				s.spec(fmt.Sprintf("%s.securityContext.capabilities.add[%d]", c.path, j),
					"remove %s from the capabilities container %q adds (Baseline allows only the runtime's default set)", cp, c.name)
			}
		}
	}
}

func locateCapabilitiesRestricted(s *site) {
	for _, c := range s.ctrs {
		var caps *corev1.Capabilities
		if c.sc != nil {
			caps = c.sc.Capabilities
		}
		dropsAll := false
		if caps != nil {
			for _, d := range caps.Drop {
				dropsAll = dropsAll || d == "ALL"
			}
		}
		if !dropsAll {
			s.spec(c.path+".securityContext.capabilities.drop",
				"drop all capabilities in container %q: capabilities: {drop: [\"ALL\"]}", c.name)
		}
		if caps == nil {
			continue
		}
		for j, cp := range caps.Add {
			if cp != "NET_BIND_SERVICE" {
				s.spec(fmt.Sprintf("%s.securityContext.capabilities.add[%d]", c.path, j),
					"remove %s from the capabilities container %q adds (Restricted allows adding only NET_BIND_SERVICE)", cp, c.name)
			}
		}
	}
}

func locateHostPath(s *site) {
	for i, v := range s.pod.Spec.Volumes {
		if v.HostPath != nil {
			s.spec(fmt.Sprintf("volumes[%d].hostPath", i),
				"replace hostPath volume %q (%s) with a persistentVolumeClaim, configMap, secret or emptyDir volume", v.Name, v.HostPath.Path)
		}
	}
}

func locateHostPorts(s *site) {
	for _, c := range s.ctrs {
		for j, p := range c.ports {
			if p.HostPort != 0 {
				s.spec(fmt.Sprintf("%s.ports[%d].hostPort", c.path, j),
					"remove hostPort %d from container %q and expose the port with a Service", p.HostPort, c.name)
			}
		}
	}
}

func locateProbeHosts(s *site) {
	const fix = "remove host %q from the %s of container %q: probes and lifecycle hooks must target the pod itself"
	for _, c := range s.ctrs {
		for k, p := range c.probes {
			if p == nil {
				continue
			}
			if p.HTTPGet != nil && p.HTTPGet.Host != "" {
				s.spec(c.path+"."+probeNames[k]+".httpGet.host", fix, p.HTTPGet.Host, probeNames[k], c.name)
			}
			if p.TCPSocket != nil && p.TCPSocket.Host != "" {
				s.spec(c.path+"."+probeNames[k]+".tcpSocket.host", fix, p.TCPSocket.Host, probeNames[k], c.name)
			}
		}
		if c.lifecycle == nil {
			continue
		}
		for _, h := range []struct {
			name string
			h    *corev1.LifecycleHandler
		}{{"postStart", c.lifecycle.PostStart}, {"preStop", c.lifecycle.PreStop}} {
			if h.h == nil {
				continue
			}
			if h.h.HTTPGet != nil && h.h.HTTPGet.Host != "" {
				s.spec(c.path+".lifecycle."+h.name+".httpGet.host", fix, h.h.HTTPGet.Host, h.name+" hook", c.name)
			}
			if h.h.TCPSocket != nil && h.h.TCPSocket.Host != "" {
				s.spec(c.path+".lifecycle."+h.name+".tcpSocket.host", fix, h.h.TCPSocket.Host, h.name+" hook", c.name)
			}
		}
	}
}

func locateAppArmor(s *site) {
	ok := func(t corev1.AppArmorProfileType) bool {
		return t == corev1.AppArmorProfileTypeRuntimeDefault || t == corev1.AppArmorProfileTypeLocalhost
	}
	const fix = "set appArmorProfile.type to RuntimeDefault or Localhost%s, not %s"
	if psc := s.pod.Spec.SecurityContext; psc != nil && psc.AppArmorProfile != nil && !ok(psc.AppArmorProfile.Type) {
		s.spec("securityContext.appArmorProfile.type", fix, "", psc.AppArmorProfile.Type)
	}
	for _, c := range s.ctrs {
		if c.sc != nil && c.sc.AppArmorProfile != nil && !ok(c.sc.AppArmorProfile.Type) {
			s.spec(c.path+".securityContext.appArmorProfile.type", fix, fmt.Sprintf(" in container %q", c.name), c.sc.AppArmorProfile.Type)
		}
	}
	for _, k := range sortedKeys(s.pod.Meta.Annotations) {
		v := s.pod.Meta.Annotations[k]
		if !strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) {
			continue
		}
		if v == "" || v == corev1.DeprecatedAppArmorBetaProfileRuntimeDefault || strings.HasPrefix(v, corev1.DeprecatedAppArmorBetaProfileNamePrefix) {
			continue
		}
		s.annotation(k, "set the annotation to runtime/default or localhost/<profile>, not %q (better: securityContext.appArmorProfile.type: RuntimeDefault)", v)
	}
}

func locateSELinux(s *site) {
	types := map[string]bool{"": true, "container_t": true, "container_init_t": true, "container_kvm_t": true}
	if v := s.version; v.Latest() || !v.Older(api.MajorMinorVersion(1, 31)) {
		types["container_engine_t"] = true
	}
	check := func(prefix, who string, o *corev1.SELinuxOptions) {
		if o == nil {
			return
		}
		if !types[o.Type] {
			s.spec(prefix+"seLinuxOptions.type", "set seLinuxOptions.type%s to container_t (or leave it unset), not %q", who, o.Type)
		}
		if o.User != "" {
			s.spec(prefix+"seLinuxOptions.user", "remove seLinuxOptions.user %q%s", o.User, who)
		}
		if o.Role != "" {
			s.spec(prefix+"seLinuxOptions.role", "remove seLinuxOptions.role %q%s", o.Role, who)
		}
	}
	if psc := s.pod.Spec.SecurityContext; psc != nil {
		check("securityContext.", "", psc.SELinuxOptions)
	}
	for _, c := range s.ctrs {
		if c.sc != nil {
			check(c.path+".securityContext.", fmt.Sprintf(" in container %q", c.name), c.sc.SELinuxOptions)
		}
	}
}

func locateProcMount(s *site) {
	for _, c := range s.ctrs {
		if c.sc != nil && c.sc.ProcMount != nil && *c.sc.ProcMount != corev1.DefaultProcMount {
			s.spec(c.path+".securityContext.procMount", "set procMount to Default (or remove it) in container %q, not %s", c.name, *c.sc.ProcMount)
		}
	}
}
