package container

import (
	"fmt"
	"sort"
	"strings"
	"time"

	ctypes "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
)

// infoFromInspect makes an Info of what the Docker Engine API says of a
// container (GET /containers/{id}/json). The image's tags and digests,
// when they are needed, come later from [completeImage].
func infoFromInspect(r *ctypes.InspectResponse) (*Info, error) {
	if r.ContainerJSONBase == nil {
		return nil, fmt.Errorf("inspect response without container")
	}
	full := strings.TrimPrefix(r.ID, "sha256:")
	short, ok := ShortID(full)
	if !ok {
		return nil, fmt.Errorf("inspect response with container id %q", r.ID)
	}
	in := &Info{
		ID:     short,
		FullID: full,
		Type:   "docker",
		Name:   strings.TrimPrefix(r.Name, "/"),
	}
	if t, err := time.Parse(time.RFC3339Nano, r.Created); err == nil && t.UnixNano() > 0 {
		in.CreatedTS = uint64(t.UnixNano())
	}
	var labels map[string]string
	if r.Config != nil {
		in.Image = r.Config.Image
		labels = r.Config.Labels
	}
	setImage(in, r.Image)
	if hc := r.HostConfig; hc != nil {
		in.Privileged = hc.Privileged
		in.HostNetwork = hc.NetworkMode.IsHost()
		in.HostPID = hc.PidMode.IsHost()
		in.HostIPC = hc.IpcMode.IsHost()
	}
	in.IP = addressOf(r.NetworkSettings)
	for _, m := range r.Mounts {
		in.Mounts = append(in.Mounts, Mount{
			Source: m.Source, Dest: m.Destination, Mode: m.Mode,
			Propagation: string(m.Propagation), RW: m.RW,
		})
	}
	setPod(in, labels)
	for k, v := range labels {
		if len(v) > MaxLabelLen {
			continue
		}
		if in.Labels == nil {
			in.Labels = make(map[string]string, len(labels))
		}
		in.Labels[k] = v
	}
	return in, nil
}

// setImage fills the image id and the parts of the image reference. Docker
// gives the image's content id ("sha256:<hex>") in the container's Image
// field; Podman gives a name there instead (it has a '/').
func setImage(in *Info, imageField string) {
	if strings.Contains(imageField, "/") {
		r := splitImage(imageField)
		in.ImageRepository, in.ImageTag, in.ImageDigest = r.repo, r.tag, r.digest
		return
	}
	if _, hex, ok := strings.Cut(imageField, ":"); ok {
		in.ImageID = hex
	} else {
		in.ImageID = imageField
	}
	if !byImageID(in) {
		r := splitImage(in.Image)
		in.ImageRepository, in.ImageTag, in.ImageDigest = r.repo, r.tag, r.digest
	}
}

// byImageID reports whether the container was created from an image id
// (full or abbreviated, with or without "sha256:") rather than a name, so
// that its reference names no repository.
func byImageID(in *Info) bool {
	ref := strings.TrimPrefix(in.Image, "sha256:")
	return ref != "" && in.ImageID != "" && strings.HasPrefix(in.ImageID, ref)
}

// needsImage reports whether the image's own tags and digests can add to
// in: the reference named no repository, no tag or no digest.
func needsImage(in *Info) bool {
	return in.ImageID != "" && (in.ImageRepository == "" || in.ImageTag == "" || in.ImageDigest == "")
}

// completeImage fills what the container's image reference left out from
// the image's repository digests and tags (GET /images/{id}/json), then
// defaults the tag to "latest". img may be nil when the image could not be
// inspected.
func completeImage(in *Info, img *image.InspectResponse) {
	if img != nil {
		completeDigest(in, img.RepoDigests)
		completeTag(in, img.RepoTags)
	}
	if in.ImageTag == "" {
		in.ImageTag = "latest"
	}
}

// completeDigest takes the digest of the image's repository: a repository
// digest is "<repo>@<digest>". Without one of the container's repository,
// a digest that all repository digests share is taken.
func completeDigest(in *Info, repoDigests []string) {
	if in.ImageDigest != "" || len(repoDigests) == 0 {
		return
	}
	shared := ""
	for i, rd := range repoDigests {
		repo, digest, ok := strings.Cut(rd, "@")
		if !ok {
			continue
		}
		if in.ImageRepository == "" {
			in.ImageRepository = repo
		}
		if sameRepo(repo, in.ImageRepository) {
			in.ImageDigest = digest
			return
		}
		if i == 0 {
			shared = digest
		} else if digest != shared {
			shared = ""
		}
	}
	in.ImageDigest = shared
}

// completeTag takes the tag of the image's repository from its tags
// ("<repo>:<tag>").
func completeTag(in *Info, repoTags []string) {
	if in.ImageTag != "" {
		return
	}
	for _, rt := range repoTags {
		r := splitImage(rt)
		if in.ImageRepository == "" {
			in.ImageRepository = r.repo
		}
		if r.tag != "" && sameRepo(r.repo, in.ImageRepository) {
			in.ImageTag = r.tag
			return
		}
	}
}

// addressOf returns the container's IPv4 (else IPv6) address on its
// networks, preferring the default bridge, then the networks by name.
func addressOf(ns *ctypes.NetworkSettings) string {
	if ns == nil || len(ns.Networks) == 0 {
		return ""
	}
	names := make([]string, 0, len(ns.Networks))
	for name := range ns.Networks {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "bridge") != (names[j] == "bridge") {
			return names[i] == "bridge"
		}
		return names[i] < names[j]
	})
	for _, name := range names {
		if ep := ns.Networks[name]; ep != nil && ep.IPAddress != "" {
			return ep.IPAddress
		}
	}
	for _, name := range names {
		if ep := ns.Networks[name]; ep != nil && ep.GlobalIPv6Address != "" {
			return ep.GlobalIPv6Address
		}
	}
	return ""
}

// sharedNetwork returns the container whose network a container joined
// (network mode "container:<id>"), or "".
func sharedNetwork(r *ctypes.InspectResponse) string {
	if r.HostConfig == nil || !r.HostConfig.NetworkMode.IsContainer() {
		return ""
	}
	return r.HostConfig.NetworkMode.ConnectedContainer()
}

// setPod fills the pod fields from the container's labels. A sandbox
// container is its own sandbox.
func setPod(in *Info, labels map[string]string) {
	in.PodName = labels[LabelPodName]
	in.PodNamespace = labels[LabelPodNamespace]
	in.PodUID = labels[LabelPodUID]
	in.PodSandboxID = labels[LabelSandboxID]
	if in.PodSandboxID == "" && labels[LabelDockerType] == "podsandbox" {
		in.PodSandboxID = in.FullID
	}
}
