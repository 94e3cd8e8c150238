package container

import (
	"encoding/json"
	"strings"
	"testing"

	ctypes "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/google/go-cmp/cmp"
)

const (
	fullA  = "3f4a1b2c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"
	imgHex = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
)

// inspectJSON builds an engine answer (API 1.41 layout) around the given
// Config, HostConfig and NetworkSettings members.
func inspectJSON(image, config, hostConfig, networks, extra string) string {
	return `{"Id":"` + fullA + `","Created":"2026-11-26T01:57:47.959280974Z","Name":"/web-1",` +
		`"Image":"` + image + `","Config":` + config + `,"HostConfig":` + hostConfig +
		`,"NetworkSettings":{"Networks":` + networks + `}` + extra + `}`
}

func TestInfoFromInspect(t *testing.T) {
	long := strings.Repeat("x", MaxLabelLen+1)
	base := Info{
		ID: fullA[:12], FullID: fullA, Type: "docker", Name: "web-1",
		Image: "peregrine-test/busybox:v1", ImageID: imgHex,
		ImageRepository: "peregrine-test/busybox", ImageTag: "v1",
		CreatedTS: 1795658267959280974,
	}
	tests := []struct {
		name   string
		json   string
		change func(in *Info)
	}{{
		name: "plain, no network",
		json: inspectJSON("sha256:"+imgHex, `{"Image":"peregrine-test/busybox:v1"}`, `{"NetworkMode":"none"}`,
			`{"none":{"IPAddress":""}}`, ""),
	}, {
		name: "labels, pod and mounts",
		json: inspectJSON("sha256:"+imgHex,
			`{"Image":"peregrine-test/busybox:v1","Labels":{"app":"web","io.kubernetes.pod.name":"web-7d9",`+
				`"io.kubernetes.pod.namespace":"shop","io.kubernetes.pod.uid":"5b1f-uid",`+
				`"io.kubernetes.sandbox.id":"feedface","big":"`+long+`"}}`,
			`{"NetworkMode":"container:`+strings.Repeat("e", 64)+`"}`, `{}`,
			`,"Mounts":[{"Type":"bind","Source":"/srv/data","Destination":"/data","Mode":"ro","RW":false,"Propagation":"rprivate"},`+
				`{"Type":"volume","Name":"v","Source":"/var/lib/docker/volumes/v/_data","Destination":"/v","Driver":"local","Mode":"z","RW":true,"Propagation":""}]`),
		change: func(in *Info) {
			in.Labels = map[string]string{"app": "web", LabelPodName: "web-7d9", LabelPodNamespace: "shop",
				LabelPodUID: "5b1f-uid", LabelSandboxID: "feedface"}
			in.PodName, in.PodNamespace, in.PodUID, in.PodSandboxID = "web-7d9", "shop", "5b1f-uid", "feedface"
			in.Mounts = []Mount{
				{Source: "/srv/data", Dest: "/data", Mode: "ro", Propagation: "rprivate"},
				{Source: "/var/lib/docker/volumes/v/_data", Dest: "/v", Mode: "z", RW: true},
			}
		},
	}, {
		name: "pod sandbox",
		json: inspectJSON("sha256:"+imgHex,
			`{"Image":"peregrine-test/busybox:v1","Labels":{"io.kubernetes.docker.type":"podsandbox","io.kubernetes.pod.name":"web-7d9"}}`,
			`{}`, `{}`, ""),
		change: func(in *Info) {
			in.Labels = map[string]string{LabelDockerType: "podsandbox", LabelPodName: "web-7d9"}
			in.PodName, in.PodSandboxID = "web-7d9", fullA
		},
	}, {
		name: "host namespaces, privileged",
		json: inspectJSON("sha256:"+imgHex, `{"Image":"peregrine-test/busybox:v1"}`,
			`{"Privileged":true,"NetworkMode":"host","PidMode":"host","IpcMode":"host"}`, `{"host":{}}`, ""),
		change: func(in *Info) {
			in.Privileged, in.HostNetwork, in.HostPID, in.HostIPC = true, true, true, true
		},
	}, {
		name: "bridge address first",
		json: inspectJSON("sha256:"+imgHex, `{"Image":"peregrine-test/busybox:v1"}`, `{"NetworkMode":"default"}`,
			`{"backend":{"IPAddress":"172.20.0.5"},"bridge":{"IPAddress":"172.17.0.3"},"v6":{"GlobalIPv6Address":"fd00::3"}}`, ""),
		change: func(in *Info) { in.IP = "172.17.0.3" },
	}, {
		name: "IPv6 only",
		json: inspectJSON("sha256:"+imgHex, `{"Image":"peregrine-test/busybox:v1"}`, `{}`,
			`{"v6":{"GlobalIPv6Address":"fd00::3"}}`, ""),
		change: func(in *Info) { in.IP = "fd00::3" },
	}, {
		name: "created from an image id",
		json: inspectJSON("sha256:"+imgHex, `{"Image":"`+imgHex[:12]+`"}`, `{}`, `{}`, ""),
		change: func(in *Info) {
			in.Image, in.ImageRepository, in.ImageTag = imgHex[:12], "", ""
		},
	}, {
		name: "digest and registry",
		json: inspectJSON("sha256:"+imgHex, `{"Image":"localhost:5000/app:2@sha256:abcd"}`, `{}`, `{}`, ""),
		change: func(in *Info) {
			in.Image, in.ImageRepository, in.ImageTag, in.ImageDigest = "localhost:5000/app:2@sha256:abcd", "localhost:5000/app", "2", "sha256:abcd"
		},
	}, {
		name: "podman names the image",
		json: inspectJSON("docker.io/library/alpine:3.19", `{"Image":"alpine:3.19"}`, `{}`, `{}`, ""),
		change: func(in *Info) {
			in.Image, in.ImageID, in.ImageRepository, in.ImageTag = "alpine:3.19", "", "docker.io/library/alpine", "3.19"
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r ctypes.InspectResponse
			if err := json.Unmarshal([]byte(tc.json), &r); err != nil {
				t.Fatal(err)
			}
			got, err := infoFromInspect(&r)
			if err != nil {
				t.Fatal(err)
			}
			want := base
			if tc.change != nil {
				tc.change(&want)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("Info (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInfoFromInspectErrors(t *testing.T) {
	for _, js := range []string{`{}`, `{"Id":"xyz","Name":"/a"}`} {
		var r ctypes.InspectResponse
		if err := json.Unmarshal([]byte(js), &r); err != nil {
			t.Fatal(err)
		}
		if in, err := infoFromInspect(&r); err == nil {
			t.Errorf("%s gave %+v", js, in)
		}
	}
}

func TestCompleteImage(t *testing.T) {
	tests := []struct {
		name       string
		in         Info
		img        *image.InspectResponse
		need       bool
		repo       string
		tag        string
		wantDigest string
	}{{
		name: "digest of the container's repository",
		in:   Info{ImageID: imgHex, ImageRepository: "redis", ImageTag: "7"},
		img: &image.InspectResponse{RepoTags: []string{"redis:7"},
			RepoDigests: []string{"mirror/redis@sha256:0001", "redis@sha256:0002"}},
		need: true, repo: "redis", tag: "7", wantDigest: "sha256:0002",
	}, {
		name: "registry-qualified digest",
		in:   Info{ImageID: imgHex, ImageRepository: "redis", ImageTag: "7"},
		img:  &image.InspectResponse{RepoDigests: []string{"docker.io/library/redis@sha256:0002"}},
		need: true, repo: "redis", tag: "7", wantDigest: "sha256:0002",
	}, {
		name: "one digest shared by other repositories",
		in:   Info{ImageID: imgHex, ImageRepository: "local/tagged", ImageTag: "x"},
		img:  &image.InspectResponse{RepoDigests: []string{"a/b@sha256:0003", "c/d@sha256:0003"}},
		need: true, repo: "local/tagged", tag: "x", wantDigest: "sha256:0003",
	}, {
		name: "different digests of other repositories",
		in:   Info{ImageID: imgHex, ImageRepository: "local/tagged", ImageTag: "x"},
		img:  &image.InspectResponse{RepoDigests: []string{"a/b@sha256:0003", "c/d@sha256:0004"}},
		need: true, repo: "local/tagged", tag: "x",
	}, {
		name: "created from an image id: the image's names",
		in:   Info{ImageID: imgHex},
		img: &image.InspectResponse{RepoTags: []string{"busybox:1.36", "busybox:stable"},
			RepoDigests: []string{"busybox@sha256:0005"}},
		need: true, repo: "busybox", tag: "1.36", wantDigest: "sha256:0005",
	}, {
		name: "no tag, image not inspected",
		in:   Info{ImageID: imgHex, ImageRepository: "app"},
		need: true, repo: "app", tag: "latest",
	}, {
		name: "nothing to add",
		in:   Info{ImageID: imgHex, ImageRepository: "app", ImageTag: "1", ImageDigest: "sha256:0006"},
		repo: "app", tag: "1", wantDigest: "sha256:0006",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if got := needsImage(&in); got != tc.need {
				t.Errorf("needsImage = %v, want %v", got, tc.need)
			}
			completeImage(&in, tc.img)
			got := []string{in.ImageRepository, in.ImageTag, in.ImageDigest}
			if diff := cmp.Diff([]string{tc.repo, tc.tag, tc.wantDigest}, got); diff != "" {
				t.Errorf("repository, tag, digest (-want +got):\n%s", diff)
			}
		})
	}
}
