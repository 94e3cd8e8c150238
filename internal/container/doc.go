// Package container gets container metadata (name, image, labels, mounts,
// Kubernetes pod) from the container runtime, for the container.* and
// k8s.* fields of events whose thread the state puts in a container.
//
// [Docker] is a client of the Docker Engine API (over its unix socket,
// with the API version negotiated, so Debian's 20.10 engine at API 1.41
// answers), built on the official Go client. [Cache] fetches from a
// [Runtime] in the background with a few workers, one fetch per container
// at a time, remembers failures for a while (then fetches again), keeps
// at most a bounded number of containers (least recently used out first)
// and counts what it does ([Stats]). The event loop asks with
// [Cache.Request] when the state meets a new container id and reads with
// [Cache.Get]; neither ever waits for the runtime. An alert that wants
// the metadata may [Cache.Wait] with a deadline and print <NA> past it.
// [Cache.Prefetch] fetches the running containers at start-up and
// [Cache.Watch] follows the runtime's start and destroy events so that a
// new container is usually known before its first event needs it.
//
// The state package may not import this one: the engine copies an [Info]
// into a state.Container, field by field, the names and types being the
// same:
//
//	Info.ID               -> Container.ID               short id, 12 hex digits (the state's key)
//	Info.FullID           -> Container.FullID           64 hex digits
//	Info.Type             -> Container.Type             "docker"
//	Info.Name             -> Container.Name             container.name
//	Info.Image            -> Container.Image            container.image
//	Info.ImageID          -> Container.ImageID          container.image.id
//	Info.ImageRepository  -> Container.ImageRepository  container.image.repository
//	Info.ImageTag         -> Container.ImageTag         container.image.tag
//	Info.ImageDigest      -> Container.ImageDigest      container.image.digest
//	Info.Privileged       -> Container.Privileged       container.privileged
//	Info.HostNetwork      -> Container.HostNetwork      container.host_network
//	Info.HostPID          -> Container.HostPID          container.host_pid
//	Info.HostIPC          -> Container.HostIPC          container.host_ipc
//	Info.IP               -> Container.IP               container.ip, k8s.pod.ip
//	Info.Labels           -> Container.Labels           container.label[s] (shared: copy before changing)
//	Info.Mounts[i]        -> Container.Mounts[i]        container.mount*: Source, Dest, Mode, Propagation, RW
//	Info.CreatedTS        -> Container.CreatedTS        ns since the epoch
//	Info.PodName          -> Container.PodName          k8s.pod.name
//	Info.PodNamespace     -> Container.PodNamespace     k8s.ns.name
//	Info.PodUID           -> Container.PodUID           k8s.pod.uid, k8s.pod.id
//	Info.PodSandboxID     -> Container.PodSandboxID     k8s.pod.sandbox_id, k8s.pod.full_sandbox_id
//
// A test of this package checks that every field of state.Container has
// its namesake here.
//
// Not here: containerd and CRI-O (the CRI API), Podman's own socket
// (Podman's Docker-compatible socket works with [NewDocker]), and the
// Kubernetes API (k8smeta fields).
package container
