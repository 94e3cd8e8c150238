package state_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/event"
	"peregrine/internal/state"
)

// The JSON of falco_psp_privileged.scap's container event, with a k8s
// pod's labels and a mount added.
const containerJSON = `{"container":{"Mounts":[{"Destination":"/data","Mode":"z","Propagation":"rprivate","RW":true,"Source":"/srv/data"}],
"cpu_period":100000,"cpu_quota":0,"cpu_shares":1024,"env":[],"id":"9dbcbd0c435f",
"full_id":"9dbcbd0c435f0f4cc1e23bd6dcbd0a7e2c7bbb95a3bc76f97dd1e1e3c4f6a1b2","image":"nginx:latest",
"imagedigest":"sha256:96fb261b66270b900ea5a2c17a26abbfabe95506e73c3a3c65869a6dbe83223a",
"imageid":"f68d6e55e06520f152403e6d96d0de5c9790a89b4cfc99f4626f68146fa1dbdc","imagerepo":"nginx","imagetag":"latest",
"ip":"172.17.0.2","is_pod_sandbox":false,"labels":{"maintainer":"NGINX Docker Maintainers <docker-maint@nginx.com>",
"io.kubernetes.pod.name":"web-0","io.kubernetes.pod.namespace":"prod","io.kubernetes.pod.uid":"5e1c","io.kubernetes.sandbox.id":"abc"},
"memory_limit":0,"metadata_deadline":0,"name":"epic_cray","port_mappings":[],"privileged":true,"swap_limit":0,"type":0,"created_time":1571175333}}`

func TestContainerJSON(t *testing.T) {
	s := base(t, state.Options{})
	s.Update(mk(t, tContainerX, 10, -1, containerJSON))
	want := &state.Container{
		ID: "9dbcbd0c435f", FullID: "9dbcbd0c435f0f4cc1e23bd6dcbd0a7e2c7bbb95a3bc76f97dd1e1e3c4f6a1b2",
		Type: "docker", Name: "epic_cray", Image: "nginx:latest",
		ImageID:         "f68d6e55e06520f152403e6d96d0de5c9790a89b4cfc99f4626f68146fa1dbdc",
		ImageRepository: "nginx", ImageTag: "latest",
		ImageDigest: "sha256:96fb261b66270b900ea5a2c17a26abbfabe95506e73c3a3c65869a6dbe83223a",
		Privileged:  true, IP: "172.17.0.2",
		Labels: map[string]string{"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>",
			"io.kubernetes.pod.name": "web-0", "io.kubernetes.pod.namespace": "prod",
			"io.kubernetes.pod.uid": "5e1c", "io.kubernetes.sandbox.id": "abc"},
		Mounts:    []state.Mount{{Source: "/srv/data", Dest: "/data", Mode: "z", Propagation: "rprivate", RW: true}},
		CreatedTS: 1571175333e9,
		PodName:   "web-0", PodNamespace: "prod", PodUID: "5e1c", PodSandboxID: "abc",
	}
	if diff := cmp.Diff(want, s.Container("9dbcbd0c435f")); diff != "" {
		t.Errorf("container (-want +got):\n%s", diff)
	}
	_, th, _ := s.Current()
	if th == nil || th.TID != -1 || th.Comm != "container:9dbcbd0c435f" || th.Container != "9dbcbd0c435f" {
		t.Errorf("current thread of a container event = %+v", th)
	}
	if ti, ok := s.Resolver().Thread(-1); !ok || ti.Comm != "container:9dbcbd0c435f" {
		t.Errorf("Resolver().Thread(-1) = %+v %v", ti, ok)
	}
	if st := s.Stats(); st.Containers != 1 || st.Threads != 2 {
		t.Errorf("stats = %+v, want 1 container and the table unchanged", st)
	}
	// Bad JSON, or JSON without an id, changes nothing.
	for _, bad := range []string{`{"container":`, `{"container":{"name":"x"}}`, `[]`} {
		s.Update(mk(t, tContainerX, 11, -1, bad))
		if st := s.Stats(); st.Containers != 1 {
			t.Errorf("%s: containers = %d", bad, st.Containers)
		}
	}
}

// TestAppendContainerJSON encodes a container and reads it back through
// a container event: the record comes back whole.
func TestAppendContainerJSON(t *testing.T) {
	s := base(t, state.Options{})
	s.Update(mk(t, tContainerX, 10, -1, containerJSON))
	want := s.Container("9dbcbd0c435f")
	if tc := state.ContainerEventType; tc != tContainerX {
		t.Fatalf("ContainerEventType %d, want %d", tc, tContainerX)
	}
	for _, c := range []*state.Container{want, {ID: "0123456789ab", Type: "podman"}} {
		raw := state.AppendContainerJSON(nil, c)
		r := base(t, state.Options{})
		r.Update(mk(t, tContainerX, 10, -1, string(raw)))
		if diff := cmp.Diff(c, r.Container(c.ID)); diff != "" {
			t.Errorf("%s: container after the round trip (-want +got):\n%s", raw, diff)
		}
	}
}

func TestContainerFromCgroups(t *testing.T) {
	const id = "697956520d89f3e0b1c5a2f8b62d1b9e6a07c3e5d4f2a1b0c9d8e7f6a5b4c3d2"
	tests := []struct {
		cgroup  string
		id      string
		runtime string
	}{
		{"cpu=/docker/" + id, id[:12], "docker"},
		{"memory=/system.slice/docker-" + id + ".scope", id[:12], "docker"},
		{"cpu=/kubepods/besteffort/podac04f3f2-1f2c-11e9-b015-1ebee232acfa/" + id, id[:12], "docker"},
		{"cpu=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5e1c.slice/cri-containerd-" + id + ".scope", id[:12], "containerd"},
		{"cpu=/kubepods/burstable/pod5e1c/crio-" + id, id[:12], "cri-o"},
		{"cpu=/kubepods.slice/kubepods-pod5e1c.slice/crio-" + id + ".scope", id[:12], "cri-o"},
		{"cpu=/system.slice/containerd.service/kubepods-besteffort-pod5e1c.slice:cri-containerd:" + id, id[:12], "containerd"},
		{"cpu=/machine.slice/libpod-" + id + ".scope", id[:12], "podman"},
		{"cpu=/machine.slice/libpod-" + id + ".scope/container", id[:12], "podman"},
		{"cpu=/libpod_parent/libpod-" + id, id[:12], "podman"},
		{"io_cgroup=/docker/" + id, id[:12], "docker"},
		{"cpu=/user.slice", "", ""},
		{"cpu=/system.slice/docker.service", "", ""},
		{"cpu=/docker/" + id[:63], "", ""},
		{"cpu=/docker/" + id[:63] + "g", "", ""},
		{"name=systemd=/", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.cgroup, func(t *testing.T) {
			s := state.New(state.Options{})
			p := event.ProcessDefaults()
			p.TID, p.PID, p.Comm, p.Cgroups = 7, 7, "nginx", "pids=/\x00"+tc.cgroup+"\x00"
			s.Bootstrap(state.Bootstrap{Procs: []event.Process{p}})
			th := s.Thread(7)
			if th.Container != tc.id {
				t.Fatalf("container = %q, want %q", th.Container, tc.id)
			}
			if tc.id != "" {
				if c := s.Container(tc.id); c == nil || c.Type != tc.runtime {
					t.Errorf("container record = %+v, want type %q", c, tc.runtime)
				}
			}
		})
	}
}

// TestCgroupNames checks libsinsp's renaming of cgroup subsystems.
func TestCgroupNames(t *testing.T) {
	s := base(t, state.Options{})
	s.Update(mk(t, tExecveX, 10, 100, 0, "ls", nul(), 100, 100, 1, "", uint64(1), uint64(0), uint64(0), 0, 0, 0,
		"ls", nul("io=/a", "perf=/b", "mem=/c", "cpu_cgroup=/d", "name=systemd=/e"), nul()))
	want := []string{"blkio=/a", "perf_event=/b", "memory=/c", "cpu=/d", "name=systemd=/e"}
	if diff := cmp.Diff(want, s.Thread(100).Cgroups); diff != "" {
		t.Errorf("cgroups (-want +got):\n%s", diff)
	}
}

func TestUsers(t *testing.T) {
	s := base(t, state.Options{})
	const cid = "697956520d89"
	for _, e := range []*event.Event{
		mk(t, tUserAddedE, 10, -1, 0, 0, "root", "/root", "/bin/sh", cid),
		mk(t, tUserAddedE, 11, -1, 101, 101, "nginx", "/var/cache/nginx", "/sbin/nologin", cid),
		mk(t, tGroupAddedE, 12, -1, 101, "nginx", cid),
		mk(t, tUserAddedE, 13, -1, 1001, 1001, "gone", "/", "/bin/sh", cid),
		mk(t, tUserDeletedE, 14, -1, 1001, 1001, "gone", "/", "/bin/sh", cid),
		mk(t, tUserAddedE, 15, -1, 1000, 1000, "renamed", "/home/u", "/bin/zsh", ""),
	} {
		s.Update(e)
	}
	tests := []struct {
		container string
		uid       uint32
		want      *state.User
	}{
		{cid, 101, &state.User{UID: 101, GID: 101, Name: "nginx", Home: "/var/cache/nginx", Shell: "/sbin/nologin"}},
		{cid, 1001, nil},
		{cid, 1000, nil},
		{"", 1000, &state.User{UID: 1000, GID: 1000, Name: "renamed", Home: "/home/u", Shell: "/bin/zsh"}},
		{"", 0, &state.User{UID: 0, GID: 0, Name: "root", Home: "/root"}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, s.User(tc.container, tc.uid)); diff != "" {
			t.Errorf("user %d of %q (-want +got):\n%s", tc.uid, tc.container, diff)
		}
	}
	if g := s.Group(cid, 101); g == nil || g.Name != "nginx" {
		t.Errorf("group 101 of the container = %+v", g)
	}
	// A thread in the container sees the container's names.
	p := event.ProcessDefaults()
	p.TID, p.PID, p.PTID, p.Comm = 500, 500, 1, "nginx"
	p.Cgroups = "cpu=/docker/697956520d89f3e0b1c5a2f8b62d1b9e6a07c3e5d4f2a1b0c9d8e7f6a5b4c3d2\x00"
	s.Bootstrap(state.Bootstrap{Procs: []event.Process{p}})
	r := s.Resolver()
	for _, tc := range []struct {
		tid   int64
		id    uint32
		group bool
		name  string
		ok    bool
	}{
		{500, 101, false, "nginx", true},
		{500, 101, true, "nginx", true},
		{500, 1000, false, "", false},
		{100, 1000, false, "renamed", true},
		{100, 1000, true, "u", true},
		{4242, 0, false, "", false},
	} {
		name, ok := r.AccountName(tc.tid, tc.id, tc.group)
		if name != tc.name || ok != tc.ok {
			t.Errorf("AccountName(%d, %d, %v) = %q %v, want %q %v", tc.tid, tc.id, tc.group, name, ok, tc.name, tc.ok)
		}
	}
}

// TestBootstrapSockets checks the names and roles of listed sockets: a
// connection on a port some listening socket uses is the server end.
func TestBootstrapSockets(t *testing.T) {
	s := state.New(state.Options{})
	p := func(tid int64, comm string) event.Process {
		q := event.ProcessDefaults()
		q.TID, q.PID, q.PTID, q.Comm = tid, tid, 1, comm
		return q
	}
	s.Bootstrap(state.Bootstrap{
		Procs: []event.Process{p(10, "sshd"), p(11, "ssh")},
		FDs: []state.ThreadFDs{
			{TID: 10, FDs: []event.FD{
				{Num: 3, Type: event.FDIPv4ServSock, ServerIP: mustAddr("0.0.0.0"), ServerPort: 22, L4Proto: event.L4TCP},
				{Num: 4, Type: event.FDIPv4Sock, SIP: mustAddr("10.0.0.1"), SPort: 22, DIP: mustAddr("10.0.0.9"), DPort: 50000, L4Proto: event.L4TCP},
				{Num: 5, Type: event.FDUnixSock, Name: "/run/sshd.sock", UnixSource: 0xa, UnixDest: 0xb},
				{Num: 6, Type: event.FDUnknown, Name: "x"},
				{Num: 7, Type: event.FDIPv6Sock, SIP: mustAddr("::ffff:10.0.0.1"), SPort: 40000, DIP: mustAddr("::ffff:1.1.1.1"), DPort: 53, L4Proto: event.L4UDP},
				{Num: 8, Type: event.FDFifo, Name: "pipe:[123]"},
			}},
			{TID: 11, FDs: []event.FD{
				{Num: 3, Type: event.FDIPv6Sock, SIP: mustAddr("2001:db8::9"), SPort: 50001, DIP: mustAddr("2001:db8::1"), DPort: 22, L4Proto: event.L4TCP},
				{Num: 4, Type: event.FDUnixSock, UnixSource: 0xc},
			}},
		},
	})
	got := map[string]*fdView{}
	for _, tid := range []int64{10, 11} {
		s.Thread(tid).Proc.FDs.Each(func(fd *state.FD) bool {
			got[s.Thread(tid).Comm+"/"+fd.Name] = viewFD(fd)
			return true
		})
	}
	want := map[string]*fdView{
		"sshd/0.0.0.0:22": {Num: 3, Type: event.FDIPv4ServSock, Name: "0.0.0.0:22", L4: event.L4TCP, Role: state.RoleServer, Server: "0.0.0.0:22"},
		"sshd/10.0.0.9:50000->10.0.0.1:22": {Num: 4, Type: event.FDIPv4Sock, Name: "10.0.0.9:50000->10.0.0.1:22", L4: event.L4TCP,
			Role: state.RoleServer, Flags: state.Connected, Client: "10.0.0.9:50000", Server: "10.0.0.1:22"},
		"sshd/10.0.0.1:40000->1.1.1.1:53": {Num: 7, Type: event.FDIPv4Sock, Name: "10.0.0.1:40000->1.1.1.1:53", L4: event.L4UDP,
			Role: state.RoleClient, Client: "10.0.0.1:40000", Server: "1.1.1.1:53"},
		"sshd//run/sshd.sock": {Num: 5, Type: event.FDUnixSock, Name: "/run/sshd.sock", Role: state.RoleServer},
		"sshd/pipe:[123]":     {Num: 8, Type: event.FDFifo, Name: "pipe:[123]"},
		"ssh/2001:db8::9:50001->2001:db8::1:22": {Num: 3, Type: event.FDIPv6Sock, Name: "2001:db8::9:50001->2001:db8::1:22",
			L4: event.L4TCP, Role: state.RoleClient, Flags: state.Connected, Client: "[2001:db8::9]:50001", Server: "[2001:db8::1]:22"},
		"ssh/": {Num: 4, Type: event.FDUnixSock, Role: state.RoleClient},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("listed descriptors (-want +got):\n%s", diff)
	}
}

// TestNewContainerHook checks that the state announces each container once,
// when a process first shows it.
func TestNewContainerHook(t *testing.T) {
	const a = "697956520d89f3e0b1c5a2f8b62d1b9e6a07c3e5d4f2a1b0c9d8e7f6a5b4c3d2"
	const b = "1111111111112222222222223333333333334444444444445555555555556666"
	var seen []string
	s := state.New(state.Options{NewContainer: func(id string) { seen = append(seen, id) }})
	var procs []event.Process
	for i, cg := range []string{"cpu=/docker/" + a, "cpu=/docker/" + a, "cpu=/user.slice", "cpu=/docker/" + b} {
		p := event.ProcessDefaults()
		p.TID, p.PID, p.Comm, p.Cgroups = int64(10+i), int64(10+i), "sh", cg+"\x00"
		procs = append(procs, p)
	}
	s.Bootstrap(state.Bootstrap{Procs: procs})
	if want := []string{a[:12], b[:12]}; !slices.Equal(seen, want) {
		t.Fatalf("announced %v, want %v", seen, want)
	}
}
