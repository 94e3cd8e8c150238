package state

// unimplemented lists the syscall fields of the catalog the binder gives
// no value for, each with the reason: the data they need is not in the
// state (or not in any capture), or their meaning lives in the comparison
// rather than in a value. Bind accepts them, so that rules using them
// still load; their checks are false, as for any field without a value.
// TestBinderCoversCatalog keeps this table and the bindings in step with
// the catalog.
var unimplemented = map[string]string{
	// evt.around[T]=D keeps events within D ms of time T: the test is the
	// comparison itself, which the rules engine does not special-case.
	"evt.around": "its meaning is a time-window comparison, not a value",

	// Table-only fields of Docker infrastructure events, which current
	// drivers never send.
	"evt.infra.docker.name":            "Docker infrastructure events are not produced by current drivers",
	"evt.infra.docker.container.id":    "Docker infrastructure events are not produced by current drivers",
	"evt.infra.docker.container.name":  "Docker infrastructure events are not produced by current drivers",
	"evt.infra.docker.container.image": "Docker infrastructure events are not produced by current drivers",

	// Processor accounting that libsinsp accumulates per thread in extra
	// state the thread table does not keep.
	"thread.totexectime": "needs per-thread processor time accumulated over switch events",
	"thread.cpu":         "needs per-thread processor totals from successive procinfo events",
	"thread.cpu.user":    "needs per-thread processor totals from successive procinfo events",
	"thread.cpu.system":  "needs per-thread processor totals from successive procinfo events",

	// Domain names of addresses need the DNS resolution libsinsp does in
	// the background; neither the state nor a capture has them.
	"fd.cip.name": "needs DNS names of addresses, which the engine does not resolve",
	"fd.sip.name": "needs DNS names of addresses, which the engine does not resolve",
	"fd.lip.name": "needs DNS names of addresses, which the engine does not resolve",
	"fd.rip.name": "needs DNS names of addresses, which the engine does not resolve",

	// What the container model does not hold (the runtime's CNI result,
	// the pod sandbox's labels).
	"container.cni.json": "the CNI result of a pod is not in the container model",
	"k8s.pod.cni.json":   "the CNI result of a pod is not in the container model",
	"k8s.pod.label":      "pod labels (from the pod sandbox) are not in the container model",
	"k8s.pod.labels":     "pod labels (from the pod sandbox) are not in the container model",

	// The k8smeta plugin's fields come from the Kubernetes API through its
	// collector, which Peregrine does not talk to.
	"k8smeta.pod.name":          k8smetaReason,
	"k8smeta.pod.uid":           k8smetaReason,
	"k8smeta.pod.label":         k8smetaReason,
	"k8smeta.pod.labels":        k8smetaReason,
	"k8smeta.pod.ip":            k8smetaReason,
	"k8smeta.ns.name":           k8smetaReason,
	"k8smeta.ns.uid":            k8smetaReason,
	"k8smeta.ns.label":          k8smetaReason,
	"k8smeta.ns.labels":         k8smetaReason,
	"k8smeta.deployment.name":   k8smetaReason,
	"k8smeta.deployment.uid":    k8smetaReason,
	"k8smeta.deployment.label":  k8smetaReason,
	"k8smeta.deployment.labels": k8smetaReason,
	"k8smeta.svc.name":          k8smetaReason,
	"k8smeta.svc.uid":           k8smetaReason,
	"k8smeta.svc.label":         k8smetaReason,
	"k8smeta.svc.labels":        k8smetaReason,
	"k8smeta.rs.name":           k8smetaReason,
	"k8smeta.rs.uid":            k8smetaReason,
	"k8smeta.rs.label":          k8smetaReason,
	"k8smeta.rs.labels":         k8smetaReason,
	"k8smeta.rc.name":           k8smetaReason,
	"k8smeta.rc.uid":            k8smetaReason,
	"k8smeta.rc.label":          k8smetaReason,
	"k8smeta.rc.labels":         k8smetaReason,
}

const k8smetaReason = "needs the Kubernetes API metadata the k8smeta plugin collects"
