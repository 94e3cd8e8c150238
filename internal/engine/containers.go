package engine

import (
	"context"
	"time"

	"peregrine/internal/container"
	"peregrine/internal/state"
)

// containers feeds runtime metadata (name, image, labels, pod) into the
// state's container records. The state announces each container it meets;
// the cache fetches its metadata in the background; the engine copies it
// into the record when it is ready. The first event of a container that
// rules test, while its metadata is still on its way, waits for it at most
// Options.ContainerWait; after that nothing waits, and fields the runtime
// has not given yet have no value (<NA> in outputs).
type containers struct {
	cache  *container.Cache
	wait   time.Duration
	filled map[string]bool // records the metadata went into
	waited map[string]bool // containers an event already waited for
	waits  uint64          // events that waited
	late   uint64          // events that gave up waiting
	// applied, when set, is told of each record the metadata went into.
	applied func(*state.Container)
}

// DefaultContainerWait bounds how long an alert waits for the metadata of
// its container.
const DefaultContainerWait = 250 * time.Millisecond

// fill copies the metadata of container id into the state when the cache
// has it; it reports whether the record is filled (or nothing is coming).
func (c *containers) fill(st *state.State, id string) bool {
	if c.filled[id] {
		return true
	}
	info, status := c.cache.Get(id)
	switch status {
	case container.StatusReady:
		c.apply(st, id, info)
		return true
	case container.StatusFailed, container.StatusNotFound:
		return true
	}
	return false
}

// waitFor waits (bounded, once per container) for the metadata of
// container id, before rules test an event of it.
func (c *containers) waitFor(st *state.State, id string) {
	if c.fill(st, id) || c.waited[id] {
		return
	}
	c.waited[id] = true
	c.waits++
	ctx, cancel := context.WithTimeout(context.Background(), c.wait)
	defer cancel()
	if info, ok := c.cache.Wait(ctx, id); ok {
		c.apply(st, id, info)
		return
	}
	c.late++
}

func (c *containers) apply(st *state.State, id string, info *container.Info) {
	rec := st.Container(id)
	if rec == nil || info == nil {
		return
	}
	rec.FullID, rec.Name, rec.Image, rec.ImageID = info.FullID, info.Name, info.Image, info.ImageID
	rec.ImageRepository, rec.ImageTag, rec.ImageDigest = info.ImageRepository, info.ImageTag, info.ImageDigest
	rec.Privileged, rec.HostNetwork, rec.HostPID, rec.HostIPC = info.Privileged, info.HostNetwork, info.HostPID, info.HostIPC
	rec.IP, rec.Labels, rec.CreatedTS = info.IP, info.Labels, info.CreatedTS
	rec.PodName, rec.PodNamespace, rec.PodUID, rec.PodSandboxID = info.PodName, info.PodNamespace, info.PodUID, info.PodSandboxID
	if info.Type != "" {
		rec.Type = info.Type
	}
	rec.Mounts = rec.Mounts[:0]
	for _, m := range info.Mounts {
		rec.Mounts = append(rec.Mounts, state.Mount{Source: m.Source, Dest: m.Dest, Mode: m.Mode, Propagation: m.Propagation, RW: m.RW})
	}
	c.filled[id] = true
	if c.applied != nil {
		c.applied(rec)
	}
}
