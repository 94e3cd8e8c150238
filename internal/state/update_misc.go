package state

import (
	"encoding/json"
	"net/netip"

	"peregrine/internal/event"
)

// Events about the machine rather than a thread: container descriptions
// (libsinsp's parse_container_json_evt) and users and groups added to or
// deleted from a container or the host (parse_user_evt, parse_group_evt).
// libsinsp gives a container event a thread of its own (tid -1, named
// "container:<id>", in the container); so does the state, without putting
// it in the table.

// containerJSON is the part of libsinsp's container JSON the state keeps.
type containerJSON struct {
	Container struct {
		ID           string          `json:"id"`
		FullID       string          `json:"full_id"`
		Type         *int            `json:"type"`
		Name         string          `json:"name"`
		Image        string          `json:"image"`
		ImageID      string          `json:"imageid"`
		ImageRepo    string          `json:"imagerepo"`
		ImageTag     string          `json:"imagetag"`
		ImageDigest  string          `json:"imagedigest"`
		Privileged   bool            `json:"privileged"`
		HostNetwork  bool            `json:"host_network"`
		HostPID      bool            `json:"host_pid"`
		HostIPC      bool            `json:"host_ipc"`
		IP           string          `json:"ip"`
		CreatedTime  int64           `json:"created_time"`
		Labels       json.RawMessage `json:"labels"`
		Mounts       []mountJSON     `json:"Mounts"`
		PodSandboxID string          `json:"pod_sandbox_id"`
	} `json:"container"`
}

// mountJSON is one entry of a container's Mounts.
type mountJSON struct {
	Source      string `json:"Source"`
	Destination string `json:"Destination"`
	Mode        string `json:"Mode"`
	RW          bool   `json:"RW"`
	Propagation string `json:"Propagation"`
}

// containerTypes are the names of libsinsp's container types, by number.
var containerTypes = [...]string{
	"docker", "lxc", "libvirt-lxc", "mesos", "rkt", "custom", "cri", "containerd",
	"cri-o", "bpm", "static", "podman",
}

// Labels of the Kubernetes CRI that name a container's pod.
const (
	labelPodName      = "io.kubernetes.pod.name"
	labelPodNamespace = "io.kubernetes.pod.namespace"
	labelPodUID       = "io.kubernetes.pod.uid"
	labelSandboxID    = "io.kubernetes.sandbox.id"
)

// applyContainer records the container an event describes and makes its
// thread current.
func (s *State) applyContainer(e *event.Event, typ event.Type) {
	var c *Container
	if typ == evContainer {
		c = s.containerFromParams(e)
	} else {
		c = s.containerFromJSON(paramStr(e, 0))
	}
	if c == nil {
		return
	}
	t := &s.upd.synth
	*t = Thread{TID: -1, PID: -1, PTID: -1, VTID: -1, VPID: -1, SID: -1, VPGID: -1, PGID: -1,
		Container: c.ID, LoginUID: event.NoLoginUID, Flags: Incomplete}
	b := append(append(s.upd.buf[:0], "container:"...), c.ID...)
	s.upd.buf = b
	t.Comm = s.intern(b)
	t.Exe = t.Comm
	t.Proc = &s.upd.synthProc
	s.cur.thread = t
}

// containerFromParams handles the oldest container event (id, type,
// name, image).
func (s *State) containerFromParams(e *event.Event) *Container {
	id := paramStr(e, 0)
	if id == nil {
		return nil
	}
	c := s.container(string(id))
	if typ, ok := paramUint(e, 1); ok && typ < uint64(len(containerTypes)) {
		c.Type = containerTypes[typ]
	}
	setString(&c.Name, paramStr(e, 2))
	setString(&c.Image, paramStr(e, 3))
	return c
}

// container returns the record of container id, making it if new.
func (s *State) container(id string) *Container {
	c := s.containers[id]
	if c == nil {
		c = &Container{ID: id}
		s.containers[id] = c
	}
	return c
}

// containerFromJSON handles a container JSON event. JSON that does not
// parse, or names no container, is ignored (libsinsp throws).
func (s *State) containerFromJSON(raw []byte) *Container {
	if raw == nil {
		return nil
	}
	u := &s.upd
	if id, ok := u.seenJSON[string(raw)]; ok && s.containers[id] != nil {
		return s.containers[id] // the same description again
	}
	var j containerJSON
	if err := json.Unmarshal(raw, &j); err != nil || j.Container.ID == "" {
		return nil
	}
	if u.seenJSON == nil || len(u.seenJSON) >= internMax {
		u.seenJSON = map[string]string{}
	}
	u.seenJSON[string(raw)] = j.Container.ID
	in := &j.Container
	c := s.container(in.ID)
	c.FullID = in.FullID
	if in.Type != nil && *in.Type >= 0 && *in.Type < len(containerTypes) {
		c.Type = containerTypes[*in.Type]
	}
	c.Name, c.Image, c.ImageID = in.Name, in.Image, in.ImageID
	c.ImageRepository, c.ImageTag, c.ImageDigest = in.ImageRepo, in.ImageTag, in.ImageDigest
	c.Privileged, c.HostNetwork, c.HostPID, c.HostIPC = in.Privileged, in.HostNetwork, in.HostPID, in.HostIPC
	c.IP = ""
	if ip, err := netip.ParseAddr(in.IP); err == nil {
		c.IP = ip.String()
	}
	c.CreatedTS = 0
	if in.CreatedTime > 0 {
		c.CreatedTS = uint64(in.CreatedTime) * 1e9
	}
	c.Labels = nil
	if len(in.Labels) > 0 {
		var labels map[string]string
		if json.Unmarshal(in.Labels, &labels) == nil && len(labels) > 0 {
			c.Labels = labels
		}
	}
	c.Mounts = c.Mounts[:0]
	for _, m := range in.Mounts {
		c.Mounts = append(c.Mounts, Mount{Source: m.Source, Dest: m.Destination, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation})
	}
	if len(c.Mounts) == 0 {
		c.Mounts = nil
	}
	c.PodName = c.Labels[labelPodName]
	c.PodNamespace = c.Labels[labelPodNamespace]
	c.PodUID = c.Labels[labelPodUID]
	c.PodSandboxID = c.Labels[labelSandboxID]
	if in.PodSandboxID != "" {
		c.PodSandboxID = in.PodSandboxID
	}
	return c
}

// applyAccount handles user and group events: the user or group list of
// the container they name ("" for the host) gains or loses an entry.
func (s *State) applyAccount(e *event.Event, typ event.Type) {
	switch typ {
	case evUserAdded, evUserDeleted:
		uid, ok := paramUint(e, 0)
		if !ok {
			return
		}
		cid := s.intern(paramStr(e, 5))
		if typ == evUserDeleted {
			delete(s.users[cid], uint32(uid))
			return
		}
		gid, _ := paramUint(e, 1)
		name, home, shell := paramStr(e, 2), paramStr(e, 3), paramStr(e, 4)
		if u := s.users[cid][uint32(uid)]; u != nil && u.GID == uint32(gid) && u.Name == string(name) &&
			u.Home == string(home) && u.Shell == string(shell) {
			return // known already: no copy
		}
		s.addUser(cid, User{UID: uint32(uid), GID: uint32(gid), Name: string(name), Home: string(home), Shell: string(shell)})
	case evGroupAdded, evGroupDeleted:
		gid, ok := paramUint(e, 0)
		if !ok {
			return
		}
		cid := s.intern(paramStr(e, 2))
		if typ == evGroupDeleted {
			delete(s.groups[cid], uint32(gid))
			return
		}
		name := paramStr(e, 1)
		if g := s.groups[cid][uint32(gid)]; g != nil && g.Name == string(name) {
			return
		}
		s.addGroup(cid, Group{GID: uint32(gid), Name: string(name)})
	}
}

// addUser adds (or replaces) a user of container cid.
func (s *State) addUser(cid string, u User) {
	m := s.users[cid]
	if m == nil {
		m = map[uint32]*User{}
		s.users[cid] = m
	}
	m[u.UID] = &u
}

// addGroup adds (or replaces) a group of container cid.
func (s *State) addGroup(cid string, g Group) {
	m := s.groups[cid]
	if m == nil {
		m = map[uint32]*Group{}
		s.groups[cid] = m
	}
	m[g.GID] = &g
}

// ContainerEventType is the type of the event [AppendContainerJSON]
// describes a container for (libsinsp's CONTAINER_JSON_2_E).
const ContainerEventType = evContainerJSON2

// AppendContainerJSON appends to dst the JSON that a container event
// carries for c, in libsinsp's layout (the inverse of what the state reads
// from such an event; created_time is in seconds, as there). A capture
// that carries it gives a replay the metadata the live run had.
func AppendContainerJSON(dst []byte, c *Container) []byte {
	var j containerJSON
	in := &j.Container
	in.ID, in.FullID, in.Name, in.Image, in.ImageID = c.ID, c.FullID, c.Name, c.Image, c.ImageID
	in.ImageRepo, in.ImageTag, in.ImageDigest = c.ImageRepository, c.ImageTag, c.ImageDigest
	in.Privileged, in.HostNetwork, in.HostPID, in.HostIPC = c.Privileged, c.HostNetwork, c.HostPID, c.HostIPC
	in.IP, in.CreatedTime, in.PodSandboxID = c.IP, int64(c.CreatedTS/1e9), c.PodSandboxID
	for i, name := range containerTypes {
		if name == c.Type {
			in.Type = &i
			break
		}
	}
	if len(c.Labels) > 0 {
		in.Labels, _ = json.Marshal(c.Labels) // a map of strings always encodes
	}
	for _, m := range c.Mounts {
		in.Mounts = append(in.Mounts, mountJSON{Source: m.Source, Destination: m.Dest, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation})
	}
	out, _ := json.Marshal(&j) // plain fields: it cannot fail
	return append(dst, out...)
}
