package psa

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// container is the part of an init, regular or ephemeral container that
// the checks look at, with its path relative to the pod spec.
type container struct {
	path      string // "containers[1]"
	name      string
	sc        *corev1.SecurityContext
	ports     []corev1.ContainerPort
	probes    [3]*corev1.Probe // liveness, readiness, startup
	lifecycle *corev1.Lifecycle
}

// probeNames name the probes in container.probes order.
var probeNames = [3]string{"livenessProbe", "readinessProbe", "startupProbe"}

// containersOf lists every container of a pod spec, as the library's
// checks visit them: init containers, containers, ephemeral containers.
func containersOf(spec *corev1.PodSpec) []container {
	var out []container
	add := func(list string, i int, c *corev1.Container) {
		out = append(out, container{
			path:      fmt.Sprintf("%s[%d]", list, i),
			name:      c.Name,
			sc:        c.SecurityContext,
			ports:     c.Ports,
			probes:    [3]*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe},
			lifecycle: c.Lifecycle,
		})
	}
	for i := range spec.InitContainers {
		add("initContainers", i, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		add("containers", i, &spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		c := corev1.Container(spec.EphemeralContainers[i].EphemeralContainerCommon)
		add("ephemeralContainers", i, &c)
	}
	return out
}
