package compute

import (
	"strings"
	"testing"
)

const (
	idA = "3f4e1a9c0b2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f"
	idB = "aa00bb11cc22dd33ee44ff5566778899aabbccddeeff00112233445566778899"
)

// TestCgroupReaders reads the CPU accounting of a container over fake
// trees of both cgroup versions: detection, the path of a process's
// cgroup, the container id in it, and the usage in nanoseconds.
func TestCgroupReaders(t *testing.T) {
	for _, version := range []int{1, 2} {
		t.Run(map[int]string{1: "v1", 2: "v2"}[version], func(t *testing.T) {
			ft := newFakeTree(t, version)
			ft.proc(42, "sh", 1000, 5, idA, "sh")
			ft.container(idA, 7_500_000_123)
			fs, err := detectCgroup(ft.root)
			if err != nil {
				t.Fatal(err)
			}
			if fs.version != version {
				t.Fatalf("detected cgroup v%d, want v%d", fs.version, version)
			}
			data, err := readInto(ft.root+"/proc/42/cgroup", nil)
			if err != nil {
				t.Fatal(err)
			}
			path, ok := fs.pathOf(data)
			if !ok || string(path) != ft.cgroupOf(idA) {
				t.Fatalf("pathOf = %q, %v; want %q", path, ok, ft.cgroupOf(idA))
			}
			id, ok := containerID(path)
			if !ok || string(id) != idA {
				t.Fatalf("containerID(%q) = %q, %v", path, id, ok)
			}
			n, _, err := fs.usage(string(path), nil)
			want := uint64(7_500_000_123)
			if version == 2 {
				want = 7_500_000_000 // microseconds: the last digits are lost
			}
			if err != nil || n != want {
				t.Errorf("usage = %d, %v; want %d", n, err, want)
			}
			if _, _, err := fs.usage(ft.cgroupOf(idB), nil); err == nil {
				t.Error("usage of a cgroup that does not exist: no error")
			}
		})
	}
}

// TestCgroupDetectNone: a tree without CPU accounting is an error that
// names where it looked.
func TestCgroupDetectNone(t *testing.T) {
	root := t.TempDir()
	_, err := detectCgroup(root)
	if err == nil || !strings.Contains(err.Error(), root) {
		t.Errorf("detect on an empty tree: %v", err)
	}
}

// TestCgroupV1JoinedMount: a cpu,cpuacct mount (no cpuacct link) is found.
func TestCgroupV1JoinedMount(t *testing.T) {
	ft := &fakeTree{t: t, root: t.TempDir(), version: 1}
	ft.write("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "1\n")
	fs, err := detectCgroup(ft.root)
	if err != nil || fs.version != 1 || !strings.HasSuffix(fs.acct, "cpu,cpuacct") {
		t.Fatalf("detect: %+v, %v", fs, err)
	}
}

// TestContainerID finds the id in the layouts of the common runtimes and
// nothing outside containers.
func TestContainerID(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/docker/" + idA, idA},
		{"/system.slice/docker-" + idA + ".scope", idA},
		{"/kubepods/burstable/pod0b1c2d3e-aaaa-bbbb-cccc-0123456789ab/" + idA, idA},
		{"/kubepods.slice/kubepods-besteffort.slice/cri-containerd-" + idA + ".scope", idA},
		{"/machine.slice/libpod-" + idA + ".scope/container", idA},
		{"/docker/" + idB + "/nested/" + idA, idA},
		{idA, idA},
		{"/user.slice/user-0.slice/session-3.scope", ""},
		{"/", ""},
		{"/docker/" + idA[:63], ""},
		{"/docker/" + idA + "0", ""}, // 65 digits: not an id
	}
	for _, tc := range tests {
		id, ok := containerID([]byte(tc.path))
		if string(id) != tc.want || ok != (tc.want != "") {
			t.Errorf("containerID(%q) = %q, %v; want %q", tc.path, id, ok, tc.want)
		}
	}
}

// TestCgroupPathOf reads the accounting line of /proc/<pid>/cgroup.
func TestCgroupPathOf(t *testing.T) {
	v1 := &cgroupFS{version: 1}
	v2 := &cgroupFS{version: 2}
	tests := []struct {
		fs   *cgroupFS
		in   string
		want string
	}{
		{v1, "4:memory:/a\n2:cpuacct:/docker/x\n1:cpu:/y\n", "/docker/x"},
		{v1, "3:cpu,cpuacct:/b\n", "/b"},
		{v1, "3:cpuacct,cpu:/c\n0::/d\n", "/c"},
		{v1, "0::/only/unified\n", ""},
		{v2, "0::/system.slice/x.scope\n", "/system.slice/x.scope"},
		{v2, "2:cpuacct:/v1/line\n", ""},
		{v2, "garbage", ""},
	}
	for _, tc := range tests {
		got, ok := tc.fs.pathOf([]byte(tc.in))
		if string(got) != tc.want || ok != (tc.want != "") {
			t.Errorf("v%d pathOf(%q) = %q, %v; want %q", tc.fs.version, tc.in, got, ok, tc.want)
		}
	}
}
