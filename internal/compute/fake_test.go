package compute

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTree is a machine's /proc and /sys/fs/cgroup under a temporary
// directory, for a Sampler with Options.Root.
type fakeTree struct {
	t       testing.TB
	root    string
	version int
}

// newFakeTree makes an empty tree of cgroup version 1 (a cpuacct mount)
// or 2 (a unified hierarchy).
func newFakeTree(t testing.TB, version int) *fakeTree {
	ft := &fakeTree{t: t, root: t.TempDir(), version: version}
	ft.write("proc/self", "") // not a pid: listed and skipped
	switch version {
	case 1:
		ft.write("sys/fs/cgroup/cpuacct/cpuacct.usage", "123456789\n")
	case 2:
		ft.write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n")
		ft.write("sys/fs/cgroup/cpu.stat", "usage_usec 1\n")
	}
	return ft
}

func (ft *fakeTree) write(rel, content string) {
	ft.t.Helper()
	p := filepath.Join(ft.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		ft.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		ft.t.Fatal(err)
	}
}

func (ft *fakeTree) remove(rel string) {
	ft.t.Helper()
	if err := os.RemoveAll(filepath.Join(ft.root, rel)); err != nil {
		ft.t.Fatal(err)
	}
}

// cgroupOf returns the cgroup path of a container in the tree's layout:
// Docker's cgroupfs driver under v1, its systemd driver under v2.
func (ft *fakeTree) cgroupOf(id string) string {
	if id == "" {
		return "/user.slice"
	}
	if ft.version == 1 {
		return "/docker/" + id
	}
	return "/system.slice/docker-" + id + ".scope"
}

// proc writes a process: its stat with the CPU ticks used so far, its
// cgroup file (in container id, "" for the host), its command line and
// its executable.
func (ft *fakeTree) proc(pid int, comm string, start, ticks uint64, id string, argv ...string) {
	ft.t.Helper()
	dir := fmt.Sprintf("proc/%d/", pid)
	// Fields 3 to 22 of proc(5); utime gets the ticks, stime 0.
	ft.write(dir+"stat", fmt.Sprintf("%d (%s) R 1 %d %d 0 -1 4194560 100 0 0 0 %d 0 0 0 20 0 1 0 %d 1000 100\n",
		pid, comm, pid, pid, ticks, start))
	cg := ft.cgroupOf(id)
	if ft.version == 1 {
		ft.write(dir+"cgroup", "12:pids:"+cg+"\n4:memory:"+cg+"\n2:cpu,cpuacct:"+cg+"\n1:name=systemd:"+cg+"\n0::/\n")
	} else {
		ft.write(dir+"cgroup", "0::"+cg+"\n")
	}
	ft.write(dir+"cmdline", strings.Join(argv, "\x00")+"\x00")
	exe := filepath.Join(ft.root, dir, "exe")
	os.Remove(exe)
	if err := os.Symlink("/usr/bin/"+comm, exe); err != nil {
		ft.t.Fatal(err)
	}
}

// container sets the CPU used so far by a container's cgroup, in
// nanoseconds.
func (ft *fakeTree) container(id string, ns uint64) {
	ft.t.Helper()
	if ft.version == 1 {
		ft.write("sys/fs/cgroup/cpuacct"+ft.cgroupOf(id)+"/cpuacct.usage", fmt.Sprintf("%d\n", ns))
		return
	}
	ft.write("sys/fs/cgroup"+ft.cgroupOf(id)+"/cpu.stat",
		fmt.Sprintf("usage_usec %d\nuser_usec %d\nsystem_usec 0\nnr_periods 0\n", ns/1000, ns/1000))
}
