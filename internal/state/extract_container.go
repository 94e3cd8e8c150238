package state

import (
	"fmt"
	"slices"
	"strconv"

	"peregrine/internal/field"
)

// The container.* and k8s.* fields, from the container the event's thread
// runs in (its id comes from the thread's cgroups, the rest from the
// runtime or the capture's container events). A host process is in the
// container "host": container.id, container.name and container.type say
// so, the other fields have no value, as in libsinsp and the container
// plugin.

// hostID is the id and name of the host "container".
const hostID = "host"

// containerOf returns the container of the event's thread: host is true
// for a host process; c is nil when the thread is unknown, on the host, or
// in a container the state has no description of.
func (b *Binder) containerOf() (c *Container, host, ok bool) {
	t := b.thread()
	if t == nil {
		return nil, false, false
	}
	if t.Container == "" {
		return nil, true, true
	}
	return b.s.containers[t.Container], false, true
}

// containerValue binds a field of a described container.
func containerValue(fn func(c *Container) (field.Value, bool)) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			c, _, _ := b.containerOf()
			if c == nil {
				return dst
			}
			if v, ok := fn(c); ok {
				return append(dst, v)
			}
			return dst
		}
	})
}

// containerString binds a string of a described container; an empty one
// is no value.
func containerString(get func(c *Container) string) bindFunc {
	return containerValue(func(c *Container) (field.Value, bool) {
		s := get(c)
		return str(s), s != ""
	})
}

// containerBindings are the container fields.
var containerBindings = map[string]bindFunc{
	"container.id": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			switch {
			case t == nil:
				return dst
			case t.Container == "":
				return append(dst, str(hostID))
			}
			return append(dst, str(t.Container))
		}
	}),
	"container.name": hostOr(hostID, func(c *Container) string { return c.Name }),
	"container.type": hostOr(hostID, func(c *Container) string { return c.Type }),
	"container.full_id": hostOr(hostID, func(c *Container) string {
		if c.FullID != "" {
			return c.FullID
		}
		if len(c.ID) == 64 {
			return c.ID
		}
		return ""
	}),
	"container.image":            containerString(func(c *Container) string { return c.Image }),
	"container.image.id":         containerString(func(c *Container) string { return c.ImageID }),
	"container.image.repository": containerString(func(c *Container) string { return c.ImageRepository }),
	"container.image.tag":        containerString(func(c *Container) string { return c.ImageTag }),
	"container.image.digest":     containerString(func(c *Container) string { return c.ImageDigest }),
	"container.ip":               containerString(func(c *Container) string { return c.IP }),
	"container.privileged":       containerValue(func(c *Container) (field.Value, bool) { return boolValue(c.Privileged), true }),
	"container.host_pid":         containerValue(func(c *Container) (field.Value, bool) { return boolValue(c.HostPID), true }),
	"container.host_network":     containerValue(func(c *Container) (field.Value, bool) { return boolValue(c.HostNetwork), true }),
	"container.host_ipc":         containerValue(func(c *Container) (field.Value, bool) { return boolValue(c.HostIPC), true }),
	"container.start_ts": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			_, host, ok := b.containerOf()
			t := b.thread()
			if !ok || host || t.PidnsInitStart == 0 {
				return dst
			}
			return append(dst, timeValue(t.PidnsInitStart))
		}
	}),
	"container.duration": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			_, host, ok := b.containerOf()
			e := b.event()
			if !ok || host || e == nil {
				return dst
			}
			return appendSince(dst, e.Timestamp(), b.thread().PidnsInitStart)
		}
	}),
	"container.label":  bindContainerLabel,
	"container.labels": simple(labelsText),
	"container.mounts": simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 256)
		return func(dst []field.Value) []field.Value {
			c, _, _ := b.containerOf()
			if c == nil {
				return dst
			}
			buf = buf[:0]
			for i := range c.Mounts {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = appendMount(buf, &c.Mounts[i])
			}
			return append(dst, field.String(buf))
		}
	}),
	"container.mount":             mountField(mountWhole),
	"container.mount.source":      mountField(mountSource),
	"container.mount.dest":        mountField(mountDest),
	"container.mount.mode":        mountField(mountMode),
	"container.mount.rdwr":        mountField(mountRdwr),
	"container.mount.propagation": mountField(mountPropagation),
	// Deprecated fields the container plugin keeps so that old rules
	// load; it fills none of them, so none has a value here either.
	"container.healthcheck":            simple(func(*Binder) field.Extractor { return noValue }),
	"container.liveness_probe":         simple(func(*Binder) field.Extractor { return noValue }),
	"container.readiness_probe":        simple(func(*Binder) field.Extractor { return noValue }),
	"proc.is_container_healthcheck":    simple(func(*Binder) field.Extractor { return noValue }),
	"proc.is_container_liveness_probe": simple(func(*Binder) field.Extractor { return noValue }),
	"proc.is_container_readiness_probe": simple(func(*Binder) field.Extractor {
		return noValue
	}),
}

// hostOr binds a container string that is host for host processes.
func hostOr(host string, get func(c *Container) string) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			c, isHost, ok := b.containerOf()
			switch {
			case !ok:
				return dst
			case isHost:
				return append(dst, str(host))
			case c == nil:
				return dst
			}
			if s := get(c); s != "" {
				return append(dst, str(s))
			}
			return dst
		}
	})
}

func bindContainerLabel(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if !arg.Present() {
		return nil, fmt.Errorf("field %s needs a label name", f.Name)
	}
	key := arg.Text
	return func(dst []field.Value) []field.Value {
		c, _, _ := b.containerOf()
		if c == nil {
			return dst
		}
		if v, ok := c.Labels[key]; ok {
			return append(dst, str(v))
		}
		return dst
	}, nil
}

// labelsText renders every label as key:value, sorted by key, separated by
// commas. The text is kept for the container it was made for: it is
// rendered again only when the event's container changes (a container's
// description is replaced, not modified, when it changes).
func labelsText(b *Binder) field.Extractor {
	var (
		buf  = make([]byte, 0, 256)
		keys = make([]string, 0, 16)
		last *Container
	)
	return func(dst []field.Value) []field.Value {
		c, _, _ := b.containerOf()
		if c == nil || len(c.Labels) == 0 {
			return dst
		}
		if c != last {
			keys = keys[:0]
			for k := range c.Labels {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			buf = buf[:0]
			for i, k := range keys {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, k...)
				buf = append(buf, ':')
				buf = append(buf, c.Labels[k]...)
			}
			last = c
		}
		return append(dst, field.String(buf))
	}
}

// appendMount appends a mount as source:dest:mode:rdwr:propagation.
func appendMount(dst []byte, m *Mount) []byte {
	dst = append(dst, m.Source...)
	dst = append(dst, ':')
	dst = append(dst, m.Dest...)
	dst = append(dst, ':')
	dst = append(dst, m.Mode...)
	dst = append(dst, ':')
	dst = strconv.AppendBool(dst, m.RW)
	dst = append(dst, ':')
	return append(dst, m.Propagation...)
}

type mountPart uint8

const (
	mountWhole mountPart = iota
	mountSource
	mountDest
	mountMode
	mountRdwr
	mountPropagation
)

// mountField binds container.mount[...] and its parts. The argument is a
// mount's position, or a path or glob: container.mount.source[P] picks
// the mount whose destination matches P, the others the mount whose
// source does.
func mountField(part mountPart) bindFunc {
	return func(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
		if !arg.Present() {
			return nil, fmt.Errorf("field %s needs a mount index or path", f.Name)
		}
		index := -1
		if n, err := strconv.Atoi(arg.Text); err == nil && n >= 0 {
			index = n
		}
		pattern := arg.Text
		buf := make([]byte, 0, 128)
		return func(dst []field.Value) []field.Value {
			c, _, _ := b.containerOf()
			if c == nil {
				return dst
			}
			var m *Mount
			if index >= 0 {
				if index < len(c.Mounts) {
					m = &c.Mounts[index]
				}
			} else {
				for i := range c.Mounts {
					key := c.Mounts[i].Source
					if part == mountSource {
						key = c.Mounts[i].Dest
					}
					if globMatch(pattern, key) {
						m = &c.Mounts[i]
						break
					}
				}
			}
			if m == nil {
				return dst
			}
			switch part {
			case mountWhole:
				buf = appendMount(buf[:0], m)
				return append(dst, field.String(buf))
			case mountSource:
				return append(dst, str(m.Source))
			case mountDest:
				return append(dst, str(m.Dest))
			case mountMode:
				return append(dst, str(m.Mode))
			case mountRdwr:
				return append(dst, str(strconv.FormatBool(m.RW)))
			}
			return append(dst, str(m.Propagation))
		}, nil
	}
}

// globMatch matches name against a shell pattern as fnmatch(3) does with
// no flags: * and ? match any characters, slashes included; [...] is a
// set (! or ^ negates it, a-z is a range); a backslash quotes the next
// character.
func globMatch(pattern, name string) bool {
	px, nx := 0, 0
	starP, starN := -1, -1
	for nx < len(name) {
		if px < len(pattern) {
			switch c := pattern[px]; c {
			case '*':
				starP, starN = px, nx
				px++
				continue
			case '?':
				px++
				nx++
				continue
			case '[':
				if end, ok := matchSet(pattern, px, name[nx]); end > 0 {
					if ok {
						px = end
						nx++
						continue
					}
				} else if name[nx] == '[' {
					px++
					nx++
					continue
				}
			case '\\':
				if px+1 < len(pattern) && pattern[px+1] == name[nx] {
					px += 2
					nx++
					continue
				}
			default:
				if c == name[nx] {
					px++
					nx++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starN++
		px, nx = starP+1, starN
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// matchSet matches c against the set starting at pattern[px] ('['); it
// returns the index after the set (0 when the set is not closed) and
// whether c is in it.
func matchSet(pattern string, px int, c byte) (int, bool) {
	i := px + 1
	negate := i < len(pattern) && (pattern[i] == '!' || pattern[i] == '^')
	if negate {
		i++
	}
	in := false
	for first := true; i < len(pattern); first = false {
		lo := pattern[i]
		if lo == ']' && !first {
			return i + 1, in != negate
		}
		if lo == '\\' && i+1 < len(pattern) {
			i++
			lo = pattern[i]
		}
		hi := lo
		if i+2 < len(pattern) && pattern[i+1] == '-' && pattern[i+2] != ']' {
			hi = pattern[i+2]
			i += 2
		}
		if lo <= c && c <= hi {
			in = true
		}
		i++
	}
	return 0, false
}

// k8sBindings are the Kubernetes fields of the container plugin that the
// state can give: the pod and namespace the container runtime names in
// the container's labels.
var k8sBindings = map[string]bindFunc{
	"k8s.pod.name":            podString(func(c *Container) string { return c.PodName }),
	"k8s.ns.name":             podString(func(c *Container) string { return c.PodNamespace }),
	"k8s.pod.uid":             podString(func(c *Container) string { return c.PodUID }),
	"k8s.pod.id":              podString(func(c *Container) string { return c.PodUID }),
	"k8s.pod.full_sandbox_id": podString(func(c *Container) string { return c.PodSandboxID }),
	"k8s.pod.sandbox_id": podString(func(c *Container) string {
		if len(c.PodSandboxID) > 12 {
			return c.PodSandboxID[:12]
		}
		return c.PodSandboxID
	}),
	// A pod's containers share its network namespace: the container's
	// address is the pod's.
	"k8s.pod.ip": podString(func(c *Container) string { return c.IP }),
	// Stubs the container plugin keeps for old rules and never fills.
	"k8s.rc.name": stub, "k8s.rc.id": stub, "k8s.rc.label": stub, "k8s.rc.labels": stub,
	"k8s.svc.name": stub, "k8s.svc.id": stub, "k8s.svc.label": stub, "k8s.svc.labels": stub,
	"k8s.rs.name": stub, "k8s.rs.id": stub, "k8s.rs.label": stub, "k8s.rs.labels": stub,
	"k8s.deployment.name": stub, "k8s.deployment.id": stub, "k8s.deployment.label": stub,
	"k8s.deployment.labels": stub, "k8s.ns.id": stub, "k8s.ns.label": stub, "k8s.ns.labels": stub,
}

// stub binds a field that has no value by definition.
func stub(*Binder, *field.Field, field.Arg) (field.Extractor, error) { return noValue, nil }

// podString binds a pod string of a container that belongs to a pod.
func podString(get func(c *Container) string) bindFunc {
	return containerString(func(c *Container) string {
		if c.PodName == "" {
			return ""
		}
		return get(c)
	})
}
