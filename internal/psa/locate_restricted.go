package psa

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func goodSeccomp(t corev1.SeccompProfileType) bool {
	return t == corev1.SeccompProfileTypeRuntimeDefault || t == corev1.SeccompProfileTypeLocalhost
}

// seccomp annotations of Kubernetes before 1.19, still read by Baseline at
// old versions.
const (
	seccompPodAnnotation       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAnnotation = "container.seccomp.security.alpha.kubernetes.io/"
)

func locateSeccompBaseline(s *site) {
	const fix = "set seccompProfile.type to RuntimeDefault or Localhost%s, not %s"
	if psc := s.pod.Spec.SecurityContext; psc != nil && psc.SeccompProfile != nil && !goodSeccomp(psc.SeccompProfile.Type) {
		s.spec("securityContext.seccompProfile.type", fix, "", psc.SeccompProfile.Type)
	}
	for _, c := range s.ctrs {
		if c.sc != nil && c.sc.SeccompProfile != nil && !goodSeccomp(c.sc.SeccompProfile.Type) {
			s.spec(c.path+".securityContext.seccompProfile.type", fix, fmt.Sprintf(" in container %q", c.name), c.sc.SeccompProfile.Type)
		}
	}
	for _, k := range sortedKeys(s.pod.Meta.Annotations) {
		if k != seccompPodAnnotation && !strings.HasPrefix(k, seccompContainerAnnotation) {
			continue
		}
		v := s.pod.Meta.Annotations[k]
		if v == "" || v == "runtime/default" || v == "docker/default" || strings.HasPrefix(v, "localhost/") {
			continue
		}
		s.annotation(k, "remove the annotation (value %q) and set securityContext.seccompProfile.type: RuntimeDefault", v)
	}
}

func locateSeccompRestricted(s *site) {
	podSet := false
	if psc := s.pod.Spec.SecurityContext; psc != nil && psc.SeccompProfile != nil {
		if goodSeccomp(psc.SeccompProfile.Type) {
			podSet = true
		} else {
			s.spec("securityContext.seccompProfile.type", "set seccompProfile.type to RuntimeDefault or Localhost, not %s", psc.SeccompProfile.Type)
		}
	}
	var unset []container
	for _, c := range s.ctrs {
		switch {
		case c.sc != nil && c.sc.SeccompProfile != nil:
			if !goodSeccomp(c.sc.SeccompProfile.Type) {
				s.spec(c.path+".securityContext.seccompProfile.type",
					"set seccompProfile.type to RuntimeDefault or Localhost in container %q, not %s", c.name, c.sc.SeccompProfile.Type)
			}
		case !podSet:
			unset = append(unset, c)
		}
	}
	if podSet || len(unset) == 0 {
		return
	}
	if len(unset) == len(s.ctrs) && (s.pod.Spec.SecurityContext == nil || s.pod.Spec.SecurityContext.SeccompProfile == nil) {
		s.spec("securityContext.seccompProfile.type", "set securityContext.seccompProfile.type: RuntimeDefault for the pod")
		return
	}
	for _, c := range unset {
		s.spec(c.path+".securityContext.seccompProfile.type",
			"set seccompProfile.type: RuntimeDefault in container %q (or for the whole pod)", c.name)
	}
}

// locateSysctls asks the library's sysctls check about each sysctl alone,
// so that the safe set of the evaluated version decides.
func locateSysctls(s *site) {
	psc := s.pod.Spec.SecurityContext
	if psc == nil {
		return
	}
	for i, sc := range psc.Sysctls {
		one := *s.pod.Spec
		oneSC := *psc
		oneSC.Sysctls = []corev1.Sysctl{sc}
		one.SecurityContext = &oneSC
		if !s.e.checkAllows(s.id, s.version, s.pod.Meta, &one) {
			s.spec(fmt.Sprintf("securityContext.sysctls[%d].name", i),
				"remove sysctl %s: Baseline allows only the namespaced safe sysctls (such as net.ipv4.ip_local_port_range)", sc.Name)
		}
	}
}

// allowedVolumeTypes are the volume types Restricted allows.
var allowedVolumeTypes = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"}

func locateVolumes(s *site) {
	for i, v := range s.pod.Spec.Volumes {
		kind := volumeType(v.VolumeSource)
		if kind == "" || slices.Contains(allowedVolumeTypes, kind) {
			continue
		}
		s.spec(fmt.Sprintf("volumes[%d].%s", i, kind),
			"replace %s volume %q with one of %s", kind, v.Name, strings.Join(allowedVolumeTypes, ", "))
	}
}

// volumeType is the JSON name of the volume source that is set.
func volumeType(src corev1.VolumeSource) string {
	data, err := json.Marshal(src)
	if err != nil {
		return ""
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return ""
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return keys[0]
}

func locateEscalation(s *site) {
	for _, c := range s.ctrs {
		if c.sc == nil || c.sc.AllowPrivilegeEscalation == nil || *c.sc.AllowPrivilegeEscalation {
			s.spec(c.path+".securityContext.allowPrivilegeEscalation", "set allowPrivilegeEscalation: false in container %q", c.name)
		}
	}
}

func locateRunAsNonRoot(s *site) {
	psc := s.pod.Spec.SecurityContext
	podTrue := psc != nil && isTrue(psc.RunAsNonRoot)
	if psc != nil && psc.RunAsNonRoot != nil && !*psc.RunAsNonRoot {
		s.spec("securityContext.runAsNonRoot", "set runAsNonRoot: true for the pod (and run the image as a non-zero UID)")
	}
	var unset []container
	for _, c := range s.ctrs {
		switch {
		case c.sc != nil && c.sc.RunAsNonRoot != nil:
			if !*c.sc.RunAsNonRoot {
				s.spec(c.path+".securityContext.runAsNonRoot", "set runAsNonRoot: true in container %q", c.name)
			}
		case !podTrue:
			unset = append(unset, c)
		}
	}
	if podTrue || len(unset) == 0 {
		return
	}
	if len(unset) == len(s.ctrs) && (psc == nil || psc.RunAsNonRoot == nil) {
		s.spec("securityContext.runAsNonRoot", "set securityContext.runAsNonRoot: true for the pod (and run the image as a non-zero UID)")
		return
	}
	for _, c := range unset {
		s.spec(c.path+".securityContext.runAsNonRoot", "set runAsNonRoot: true in container %q (or for the whole pod)", c.name)
	}
}

func locateRunAsUser(s *site) {
	if psc := s.pod.Spec.SecurityContext; psc != nil && psc.RunAsUser != nil && *psc.RunAsUser == 0 {
		s.spec("securityContext.runAsUser", "set runAsUser to a non-zero UID (such as 65532) for the pod")
	}
	for _, c := range s.ctrs {
		if c.sc != nil && c.sc.RunAsUser != nil && *c.sc.RunAsUser == 0 {
			s.spec(c.path+".securityContext.runAsUser", "set runAsUser to a non-zero UID (such as 65532) in container %q", c.name)
		}
	}
}
