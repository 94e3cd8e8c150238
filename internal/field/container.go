package field

import "peregrine/internal/event"

// Flags of the label fields of the container plugin: besides
// k8s.pod.label[app], the plugin documents k8s.pod.label.app and
// container.label.app, and the label name may itself hold dots
// (k8s.pod.label.app.kubernetes.io/name).
const labelFlags = DotArg

// containerFields are the container.* fields of the syscall source. Since
// Falco 0.41 the bundled container plugin gives them (before, libsinsp did,
// under the same names).
var containerFields = []Field{
	{Name: "container.id", Type: event.PTCharbuf, Desc: "Short container id (12 hex digits) taken from the thread's cgroups; host for a process outside containers."},
	{Name: "container.full_id", Type: event.PTCharbuf, Desc: "Full 64-digit container id, filled in once the container runtime has answered."},
	{Name: "container.name", Type: event.PTCharbuf, Desc: "Name the container runtime gives the container; may be missing until the runtime answers."},
	{Name: "container.image", Type: event.PTCharbuf, Desc: "Image reference the container was started from, such as falcosecurity/falco:latest."},
	{Name: "container.image.id", Type: event.PTCharbuf, Desc: "Id of the container's image, such as 6f7e2741b66b."},
	{Name: "container.type", Type: event.PTCharbuf, Desc: "Runtime that manages the container: docker, cri-o, containerd, podman and so on."},
	{Name: "container.privileged", Type: event.PTBool, Desc: "Whether the container runs in privileged mode."},
	{Name: "container.mounts", Type: event.PTCharbuf, Desc: "Every mount of the container as source:dest:mode:rdrw:propagation items, in one string."},
	{Name: "container.mount", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "One mount in source:dest:mode:rdrw:propagation form, chosen by position (container.mount[0]) or by source path or glob."},
	{Name: "container.mount.source", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Source of one mount, chosen by position or by its destination path or glob (container.mount.source[/lib/modules])."},
	{Name: "container.mount.dest", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Destination of one mount, chosen by position or by its source path or glob (container.mount.dest[/var/run/docker.sock])."},
	{Name: "container.mount.mode", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Mode of one mount, chosen by position or by its source path or glob."},
	{Name: "container.mount.rdwr", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Whether one mount is writable (true or false), chosen by position or by its source path or glob."},
	{Name: "container.mount.propagation", Type: event.PTCharbuf, Arg: ArgRequired, Desc: "Propagation mode of one mount, chosen by position or by its source path or glob."},
	{Name: "container.image.repository", Type: event.PTCharbuf, Desc: "Repository part of the image reference, such as falcosecurity/falco."},
	{Name: "container.image.tag", Type: event.PTCharbuf, Desc: "Tag part of the image reference, such as latest."},
	{Name: "container.image.digest", Type: event.PTCharbuf, Desc: "Registry digest of the image, a sha256: string."},
	{Name: "container.healthcheck", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Health check command of the container; the plugin no longer fills it."},
	{Name: "container.liveness_probe", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Kubernetes liveness probe command; no longer filled, the k8smeta plugin replaces it."},
	{Name: "container.readiness_probe", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Kubernetes readiness probe command; no longer filled, the k8smeta plugin replaces it."},
	{Name: "container.start_ts", Type: event.PTAbsTime, Desc: "When the container started, in nanoseconds since the epoch, taken from the start of its PID namespace rather than from the runtime."},
	{Name: "container.duration", Type: event.PTRelTime, Desc: "How long the container has been running, in nanoseconds, counted from container.start_ts."},
	{Name: "container.ip", Type: event.PTCharbuf, Desc: "Main IPv4 address of the container or its pod, as the runtime reports it."},
	{Name: "container.cni.json", Type: event.PTCharbuf, Desc: "CNI result of the pod as raw escaped JSON, with the addresses of every network interface."},
	{Name: "container.host_pid", Type: event.PTBool, Desc: "Whether the container shares the host's PID namespace."},
	{Name: "container.host_network", Type: event.PTBool, Desc: "Whether the container shares the host's network namespace."},
	{Name: "container.host_ipc", Type: event.PTBool, Desc: "Whether the container shares the host's IPC namespace."},
	{Name: "container.label", Type: event.PTCharbuf, Arg: ArgRequired, Flags: labelFlags, Desc: "Value of one container label, named in brackets or after a dot: container.label[app] or container.label.app."},
	{Name: "container.labels", Type: event.PTCharbuf, Desc: "Every label of the container as key:value pairs separated by commas."},
	{Name: "proc.is_container_healthcheck", Type: event.PTBool, Flags: Deprecated, Desc: "Whether the process is the container's health check; no longer filled."},
	{Name: "proc.is_container_liveness_probe", Type: event.PTBool, Flags: Deprecated, Desc: "Whether the process is a Kubernetes liveness probe; no longer filled."},
	{Name: "proc.is_container_readiness_probe", Type: event.PTBool, Flags: Deprecated, Desc: "Whether the process is a Kubernetes readiness probe; no longer filled."},
}

// k8sContainerFields are the k8s.* fields of the syscall source, which the
// container plugin reads from the container runtime along with the
// container.* ones. The rc, svc, rs, deployment and namespace id and label
// fields are stubs kept so that old rules load; they have no value.
var k8sContainerFields = []Field{
	{Name: "k8s.pod.name", Type: event.PTCharbuf, Desc: "Name of the Kubernetes pod the container belongs to, from the container runtime."},
	{Name: "k8s.ns.name", Type: event.PTCharbuf, Desc: "Kubernetes namespace of the pod, from the container runtime."},
	{Name: "k8s.pod.id", Type: event.PTCharbuf, Desc: "Older name for k8s.pod.uid, kept for existing rules; note that it is not the sandbox id."},
	{Name: "k8s.pod.uid", Type: event.PTCharbuf, Desc: "UID Kubernetes assigned to the pod when it was created."},
	{Name: "k8s.pod.sandbox_id", Type: event.PTCharbuf, Desc: "Short id (12 hex digits) of the pod's sandbox container, the runtime's own pod id."},
	{Name: "k8s.pod.full_sandbox_id", Type: event.PTCharbuf, Desc: "Full id of the pod's sandbox container."},
	{Name: "k8s.pod.label", Type: event.PTCharbuf, Arg: ArgRequired, Flags: labelFlags, Desc: "Value of one pod label, named in brackets or after a dot: k8s.pod.label[app] or k8s.pod.label.app."},
	{Name: "k8s.pod.labels", Type: event.PTCharbuf, Desc: "Every label of the pod as key:value pairs separated by commas."},
	{Name: "k8s.pod.ip", Type: event.PTCharbuf, Desc: "IPv4 address of the pod, which all its containers share."},
	{Name: "k8s.pod.cni.json", Type: event.PTCharbuf, Desc: "CNI result of the pod as raw escaped JSON; the same value as container.cni.json."},
	{Name: "k8s.rc.name", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Replication controller name; never filled now, use the k8smeta plugin's fields."},
	{Name: "k8s.rc.id", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Replication controller id; never filled now."},
	{Name: "k8s.rc.label", Type: event.PTCharbuf, Arg: ArgRequired, Flags: labelFlags | Deprecated, Desc: "One replication controller label; never filled now."},
	{Name: "k8s.rc.labels", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Replication controller labels; never filled now."},
	{Name: "k8s.svc.name", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Service name; never filled now, use the k8smeta plugin's fields."},
	{Name: "k8s.svc.id", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Service id; never filled now."},
	{Name: "k8s.svc.label", Type: event.PTCharbuf, Arg: ArgRequired, Flags: labelFlags | Deprecated, Desc: "One service label; never filled now."},
	{Name: "k8s.svc.labels", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Service labels; never filled now."},
	{Name: "k8s.ns.id", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Namespace id; never filled now, use the k8smeta plugin's fields."},
	{Name: "k8s.ns.label", Type: event.PTCharbuf, Arg: ArgRequired, Flags: labelFlags | Deprecated, Desc: "One namespace label; never filled now."},
	{Name: "k8s.ns.labels", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Namespace labels; never filled now."},
	{Name: "k8s.rs.name", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Replica set name; never filled now, use the k8smeta plugin's fields."},
	{Name: "k8s.rs.id", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Replica set id; never filled now."},
	{Name: "k8s.rs.label", Type: event.PTCharbuf, Arg: ArgRequired, Flags: labelFlags | Deprecated, Desc: "One replica set label; never filled now."},
	{Name: "k8s.rs.labels", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Replica set labels; never filled now."},
	{Name: "k8s.deployment.name", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Deployment name; never filled now, use the k8smeta plugin's fields."},
	{Name: "k8s.deployment.id", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Deployment id; never filled now."},
	{Name: "k8s.deployment.label", Type: event.PTCharbuf, Arg: ArgRequired, Flags: labelFlags | Deprecated, Desc: "One deployment label; never filled now."},
	{Name: "k8s.deployment.labels", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Deployment labels; never filled now."},
}
