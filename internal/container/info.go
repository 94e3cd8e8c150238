package container

import (
	"strings"
	"time"
)

// Info is what a runtime says about one container. Its fields are plain
// values (strings, booleans, a label map, a mount list) named and typed
// as the fields of state.Container, so that the engine copies them one by
// one (see the package documentation for the mapping). An Info handed out
// by a [Cache] is shared: callers must not modify it.
type Info struct {
	ID     string // the short id: the first 12 hex digits
	FullID string // the 64-digit id
	Type   string // the runtime: "docker"
	Name   string // without the leading '/' the Docker API puts before it
	// Image is the image as the container was created with it (Docker's
	// Config.Image), e.g. "nginx:1.25" or a bare image id.
	Image string
	// ImageID is the image's content id in hex, without "sha256:".
	ImageID string
	// ImageRepository, ImageTag and ImageDigest split Image (or, when the
	// container was created from an image id, the image's own tags and
	// digests); the tag is "latest" when none is given.
	ImageRepository, ImageTag, ImageDigest string
	Privileged                             bool
	HostNetwork, HostPID, HostIPC          bool
	IP                                     string // the container's address; "" with no network
	// Labels are the container's labels, without those whose value is
	// longer than [MaxLabelLen] bytes (as libsinsp drops them).
	Labels    map[string]string
	Mounts    []Mount
	CreatedTS uint64 // creation time, ns since the epoch; 0 when unknown
	// The Kubernetes pod, from the CRI labels the kubelet puts on the
	// container (io.kubernetes.pod.name, .namespace, .uid and
	// io.kubernetes.sandbox.id); empty outside Kubernetes.
	PodName, PodNamespace, PodUID, PodSandboxID string
}

// Mount is one mount of a container, as the runtime reports it. Its fields
// are those of state.Mount.
type Mount struct {
	Source, Dest, Mode, Propagation string
	RW                              bool
}

// CreatedTime returns the creation time as a [time.Time] (the zero time
// when unknown).
func (i *Info) CreatedTime() time.Time {
	if i.CreatedTS == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(i.CreatedTS)).UTC()
}

// MaxLabelLen is the longest label value an [Info] keeps; longer values
// (a pod's whole last-applied configuration, for instance) are dropped, as
// libsinsp does with its default limit.
const MaxLabelLen = 100

// The labels that name a container's Kubernetes pod. The kubelet (through
// dockershim, cri-dockerd or a CRI runtime) puts them on every container
// of a pod; a sandbox ("pause") container carries the docker type label
// instead of a sandbox id, its own id being the sandbox id.
const (
	LabelPodName      = "io.kubernetes.pod.name"
	LabelPodNamespace = "io.kubernetes.pod.namespace"
	LabelPodUID       = "io.kubernetes.pod.uid"
	LabelSandboxID    = "io.kubernetes.sandbox.id"
	LabelDockerType   = "io.kubernetes.docker.type" // "podsandbox" or "container"
)

// ShortIDLen is the length of the ids the cache is keyed by and that the
// state derives from cgroups.
const ShortIDLen = 12

// ShortID returns the short id of a container id of 12 to 64 hex digits
// (lower case), and whether id is one.
func ShortID(id string) (string, bool) {
	if len(id) < ShortIDLen || len(id) > 64 {
		return "", false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", false
		}
	}
	return id[:ShortIDLen], true
}

// imageRef is an image reference split into its parts.
type imageRef struct {
	repo, tag, digest string
}

// splitImage splits an image reference as libsinsp does for its
// container.image.* fields: the digest is what follows '@', the tag what
// follows the ':' after the last '/', and the repository is the rest,
// registry host and port included ("localhost:5000/app:1" has repository
// "localhost:5000/app" and tag "1"). A missing part is "".
func splitImage(ref string) imageRef {
	var r imageRef
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		ref, r.digest = ref[:at], ref[at+1:]
	}
	slash := strings.LastIndexByte(ref, '/')
	if colon := strings.LastIndexByte(ref, ':'); colon > slash {
		ref, r.tag = ref[:colon], ref[colon+1:]
	}
	r.repo = ref
	return r
}

// sameRepo reports whether a repository named in an image's tags or
// digests is repo, once both are in Docker's full form ("redis" is
// "docker.io/library/redis", "user/app" is "docker.io/user/app").
func sameRepo(named, repo string) bool {
	return named == repo || fullRepo(named) == fullRepo(repo)
}

// fullRepo returns a repository with the registry and namespace that
// Docker implies: a first part with no '.' or ':' that is not
// "localhost" is not a registry host.
func fullRepo(repo string) string {
	first, _, ok := strings.Cut(repo, "/")
	switch {
	case !ok:
		return "docker.io/library/" + repo
	case first != "localhost" && !strings.ContainsAny(first, ".:"):
		return "docker.io/" + repo
	}
	return repo
}
