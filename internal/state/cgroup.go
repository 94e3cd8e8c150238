package state

import (
	"strings"
)

// Container ids from cgroup paths, as libsinsp's container engines find
// them (runc.cpp matches_runc_cgroups with each engine's layouts): a
// cgroup path that ends in <prefix><64 hex digits><suffix> belongs to a
// container whose id is the first 12 digits. The layouts, in the order
// libsinsp's engines try them:
//
//	/<id>                              docker, or kubepods/.../<id> (cgroupfs driver)
//	/docker-<id>.scope                 docker with the systemd driver
//	/crio-<id>, /crio-<id>.scope       cri-o
//	/cri-containerd-<id>.scope         containerd with the systemd driver
//	...:cri-containerd:<id>            containerd without it
//	/libpod-<id>, /libpod-<id>.scope   podman
//	/libpod-<id>.scope/container

// cgroupLayout is one way a runtime names a container's cgroup.
type cgroupLayout struct {
	prefix, suffix string
	runtime        string // Container.Type of its containers
}

var cgroupLayouts = [...]cgroupLayout{
	{"/", "", "docker"},
	{"/docker-", ".scope", "docker"},
	{"/crio-", "", "cri-o"},
	{"/crio-", ".scope", "cri-o"},
	{"/cri-containerd-", ".scope", "containerd"},
	{":cri-containerd:", "", "containerd"},
	{"/libpod-", "", "podman"},
	{"/libpod-", ".scope", "podman"},
	{"/libpod-", ".scope/container", "podman"},
}

// containerIDLen is the length of the ids runtimes use; libsinsp reports
// the first shortIDLen digits.
const (
	containerIDLen = 64
	shortIDLen     = 12
)

// containerOf returns the container id the cgroups ("subsys=path") put a
// thread in, and its runtime; "" on the host.
func containerOf(cgroups []string) (id, runtime string) {
	for _, cg := range cgroups {
		eq := strings.LastIndexByte(cg, '=')
		path := cg[eq+1:]
		for i := range cgroupLayouts {
			l := &cgroupLayouts[i]
			if id, ok := matchLayout(path, l.prefix, l.suffix); ok {
				return id, l.runtime
			}
		}
	}
	return "", ""
}

// matchLayout reports whether path ends in prefix, a 64-digit hex id and
// suffix, and returns the short id.
func matchLayout(path, prefix, suffix string) (string, bool) {
	start := strings.LastIndex(path, prefix)
	if start < 0 {
		return "", false
	}
	start += len(prefix)
	if !strings.HasSuffix(path, suffix) {
		return "", false
	}
	end := len(path) - len(suffix)
	if end-start != containerIDLen {
		return "", false
	}
	for i := start; i < end; i++ {
		if !isHex(path[i]) {
			return "", false
		}
	}
	return path[start : start+shortIDLen], true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// normalizeCgroup renames the subsystem of a "subsys=path" entry the way
// libsinsp's set_cgroups does: a "_cgroup" suffix goes, and perf, mem and
// io become perf_event, memory and blkio.
func normalizeCgroup(entry string) string {
	eq := strings.LastIndexByte(entry, '=')
	if eq < 0 {
		return entry
	}
	subsys := entry[:eq]
	renamed := strings.Replace(subsys, "_cgroup", "", 1)
	switch renamed {
	case "perf":
		renamed = "perf_event"
	case "mem":
		renamed = "memory"
	case "io":
		renamed = "blkio"
	}
	if renamed == subsys {
		return entry
	}
	return renamed + entry[eq:]
}

// setCgroups stores a cgroups parameter in t (allocating only when it
// changed) and recomputes t's container.
func (s *State) setCgroups(t *Thread, raw []byte) {
	if sameList(t.Cgroups, raw) {
		return
	}
	list := splitList(raw)
	for i, cg := range list {
		list[i] = normalizeCgroup(cg)
	}
	if sameStrings(t.Cgroups, list) {
		return
	}
	t.Cgroups = list
	s.setContainer(t)
}

// sameStrings reports whether two lists are equal.
func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// setContainer derives t's container from its cgroups and records the
// container if it is new.
func (s *State) setContainer(t *Thread) {
	id, runtime := containerOf(t.Cgroups)
	t.Container = id
	if id != "" && s.containers[id] == nil {
		s.containers[id] = &Container{ID: id, Type: runtime}
		if s.opts.NewContainer != nil {
			s.opts.NewContainer(id)
		}
	}
}
