package compute

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// cgroupFS reads CPU accounting from one cgroup hierarchy: version 1's
// cpuacct controller (cpuacct.usage, nanoseconds) or version 2's unified
// hierarchy (cpu.stat's usage_usec, microseconds).
type cgroupFS struct {
	version int    // 1 or 2
	root    string // the cgroup file system: <root>/sys/fs/cgroup
	acct    string // where cgroup paths start: the cpuacct mount (v1) or root (v2)
}

// v1AcctDirs are the names the cpuacct hierarchy is mounted under in
// /sys/fs/cgroup: on its own, or joined with cpu (the usual systemd
// layout, where the other name is a symbolic link to it).
var v1AcctDirs = [...]string{"cpuacct", "cpu,cpuacct", "cpuacct,cpu"}

// detectCgroup finds the CPU accounting of the machine whose file system
// starts at root ("/" for this one). Version 2 is recognised by the
// unified hierarchy's cgroup.controllers at the top of /sys/fs/cgroup;
// otherwise the cpuacct controller of version 1 must be mounted there.
func detectCgroup(root string) (*cgroupFS, error) {
	dir := filepath.Join(root, "sys", "fs", "cgroup")
	if _, err := os.Stat(filepath.Join(dir, "cgroup.controllers")); err == nil {
		return &cgroupFS{version: 2, root: dir, acct: dir}, nil
	}
	for _, name := range v1AcctDirs {
		acct := filepath.Join(dir, name)
		if _, err := os.Stat(filepath.Join(acct, "cpuacct.usage")); err == nil {
			return &cgroupFS{version: 1, root: dir, acct: acct}, nil
		}
	}
	return nil, fmt.Errorf("cgroup CPU accounting: neither cgroup v2 (%s/cgroup.controllers) nor v1's cpuacct controller under %s", dir, dir)
}

// pathOf returns the cgroup path that accounts the CPU of a process,
// from the content of its /proc/<pid>/cgroup: the cpuacct line (v1) or
// the unified line "0::path" (v2). ok is false when there is none.
func (fs *cgroupFS) pathOf(procCgroup []byte) (path []byte, ok bool) {
	for line := range bytes.SplitSeq(procCgroup, []byte{'\n'}) {
		hier, rest, found := bytes.Cut(line, []byte{':'})
		if !found {
			continue
		}
		ctrls, p, found := bytes.Cut(rest, []byte{':'})
		if !found {
			continue
		}
		if fs.version == 2 {
			if string(hier) == "0" && len(ctrls) == 0 {
				return p, true
			}
			continue
		}
		for c := range bytes.SplitSeq(ctrls, []byte{','}) {
			if string(c) == "cpuacct" {
				return p, true
			}
		}
	}
	return nil, false
}

// usage reads the CPU time used so far by the cgroup at path, in
// nanoseconds. buf is scratch space, returned for reuse.
func (fs *cgroupFS) usage(path string, buf []byte) (uint64, []byte, error) {
	if fs.version == 1 {
		data, err := readInto(filepath.Join(fs.acct, path, "cpuacct.usage"), buf)
		if err != nil {
			return 0, data, err
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(data)), 10, 64)
		if err != nil {
			return 0, data, fmt.Errorf("cgroup %s: cpuacct.usage: %w", path, err)
		}
		return n, data, nil
	}
	data, err := readInto(filepath.Join(fs.acct, path, "cpu.stat"), buf)
	if err != nil {
		return 0, data, err
	}
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		key, val, _ := bytes.Cut(line, []byte{' '})
		if string(key) != "usage_usec" {
			continue
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(val)), 10, 64)
		if err != nil {
			return 0, data, fmt.Errorf("cgroup %s: cpu.stat usage_usec: %w", path, err)
		}
		return n * 1000, data, nil
	}
	return 0, data, fmt.Errorf("cgroup %s: cpu.stat has no usage_usec", path)
}

// containerID returns the container id a cgroup path names: the last run
// of 64 hexadecimal digits that a path component is or holds
// (/docker/<id>, /system.slice/docker-<id>.scope,
// /kubepods/burstable/pod<uid>/<id>, cri-containerd-<id>.scope). ok is
// false for a path outside containers.
func containerID(path []byte) (id []byte, ok bool) {
	run := 0
	for i := len(path) - 1; i >= 0; i-- {
		if isHex(path[i]) {
			run++
			continue
		}
		if run == 64 {
			return path[i+1 : i+65], true
		}
		run = 0
	}
	if run == 64 {
		return path[:64], true
	}
	return nil, false
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// readInto reads the whole file at name into buf (grown as needed).
// Files of /proc and /sys say they are empty: the size is not asked.
func readInto(name string, buf []byte) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if n == 0 {
			return buf, nil
		}
	}
}
