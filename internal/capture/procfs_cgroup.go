package capture

import (
	"bufio"
	"bytes"
	"os"
	"slices"
	"strings"
	"sync"
)

// cgroupV2 finds, for a cgroup of the unified (v2) hierarchy, the cgroup
// that governs each controller, as libs does: a v2 line of
// /proc/<pid>/cgroup names one cgroup, and the controllers enabled above
// it apply from the ancestor where they appear.
type cgroupV2 struct {
	mount string   // where the hierarchy is reachable; "" without a v2 hierarchy with controllers
	all   []string // controllers of the root cgroup

	mu   sync.Mutex
	ctrl map[string][]string // controllers by cgroup directory
}

// newCgroupV2 finds the v2 hierarchy among the mounts of pid 1, reached
// through pid 1's root as libs does.
func newCgroupV2(procRoot string) *cgroupV2 {
	cg := &cgroupV2{ctrl: map[string][]string{}}
	f, err := os.Open(procRoot + "/1/mounts")
	if err != nil {
		return cg
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), maxMountLine)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || fields[2] != "cgroup2" {
			continue
		}
		dir := procRoot + "/1/root" + unescapeMount(fields[1])
		if all := cg.controllers(dir); len(all) > 0 {
			cg.mount, cg.all = dir, all
			return cg
		}
	}
	return cg
}

// controllers reads (once) the cgroup.controllers file of a directory.
func (cg *cgroupV2) controllers(dir string) []string {
	cg.mu.Lock()
	c, ok := cg.ctrl[dir]
	cg.mu.Unlock()
	if ok {
		return c
	}
	if b, err := os.ReadFile(dir + "/cgroup.controllers"); err == nil {
		c = strings.Fields(string(b))
	}
	cg.mu.Lock()
	cg.ctrl[dir] = c
	cg.mu.Unlock()
	return c
}

// resolve appends "controller=cgroup" entries for the v2 cgroup path,
// walking up from it until every controller of the root is placed or the
// root is reached.
func (cg *cgroupV2) resolve(l *cgroupList, path string) {
	var found []string
	for {
		for _, c := range cg.controllers(cg.mount + strings.TrimSuffix(path, "/")) {
			if !slices.Contains(found, c) {
				found = append(found, c)
				l.add(c, path)
			}
		}
		if path == "/" || len(found) >= len(cg.all) {
			return
		}
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			return
		}
		path = path[:max(i, 1)]
	}
}

// cgroupList builds the NUL-separated "subsys=path" list of a PL entry,
// within libs' limit: an entry that does not fit ends the list.
type cgroupList struct {
	b    []byte
	full bool
}

func (l *cgroupList) add(subsys, path string) {
	n := len(subsys) + 1 + len(path) + 1
	if l.full || len(l.b)+n > cgroupsMax {
		l.full = true
		return
	}
	l.b = append(l.b, subsys...)
	l.b = append(l.b, '=')
	l.b = append(l.b, path...)
	l.b = append(l.b, 0)
}

// formatCgroups converts /proc/<pid>/cgroup ("id:subsys,subsys:path"
// lines) into the PL form: one "subsys=path" entry per v1 controller, and
// for the v2 line ("0::path") one per v2 controller. A v2 line without a
// v2 hierarchy with controllers, and v1 lines without controllers, add
// nothing (as in libs). Paths are as the scanner's cgroup namespace shows
// them.
func (w *worker) formatCgroups(b []byte) string {
	var l cgroupList
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		id, rest, ok1 := bytes.Cut(line, []byte{':'})
		subsys, path, ok2 := bytes.Cut(rest, []byte{':'})
		if !ok1 || !ok2 || len(path) == 0 {
			continue
		}
		if len(subsys) == 0 {
			if string(id) == "0" && w.sc.cg.mount != "" {
				w.sc.cg.resolve(&l, string(path))
			}
			continue
		}
		for s := range strings.SplitSeq(string(subsys), ",") {
			if s != "" {
				l.add(s, string(path))
			}
		}
	}
	return string(l.b)
}
