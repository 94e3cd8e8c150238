package state

// Container is a container the state has seen: its id always (from the
// cgroups of its processes), the rest when a runtime or the capture said
// (libs' container events carry a JSON description).
type Container struct {
	ID                                     string // 12 or 64 hex digits for Docker-like runtimes
	FullID                                 string // the 64-digit id when known
	Type                                   string // "docker", "containerd", "cri-o", "podman", ...
	Name                                   string
	Image                                  string // as given to the runtime, e.g. "nginx:latest"
	ImageID                                string
	ImageRepository, ImageTag, ImageDigest string
	Privileged                             bool
	HostNetwork, HostPID, HostIPC          bool
	IP                                     string
	Labels                                 map[string]string
	Mounts                                 []Mount
	CreatedTS                              uint64 // ns since the epoch; 0 when unknown
	// The Kubernetes pod, from the container's CRI labels.
	PodName, PodNamespace, PodUID, PodSandboxID string
}

// Mount is a mount of a container.
type Mount struct {
	Source, Dest, Mode, Propagation string
	RW                              bool
}
