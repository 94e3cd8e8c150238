package metrics

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc (clock ticks): USER_HZ,
// which Linux fixes at 100 for user space on every architecture we build
// for (sysconf(_SC_CLK_TCK) answers the same).
const userHZ = 100

// procFS reads the agent's own resource use and the host's, the way
// libsinsp's resource utilization does: self is the agent's /proc/self,
// host the host's /proc (under HOST_ROOT in a container), cgroup the root
// of the cgroup file system.
type procFS struct {
	self, host, cgroup string
	memPath            string // container memory file chosen by the user; "" to find it
}

// selfStat is what /proc/self/stat says about the agent.
type selfStat struct {
	cpuTicks   uint64 // user plus system time
	startTicks uint64 // start time after boot
}

// readSelfStat reads /proc/self/stat. The command name (field 2) may hold
// spaces and parentheses, so the fields are counted from its closing one.
func (p procFS) readSelfStat() (selfStat, error) {
	b, err := os.ReadFile(filepath.Join(p.self, "stat"))
	if err != nil {
		return selfStat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return selfStat{}, errors.New("read stat: no command name")
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
	if len(f) < 20 {
		return selfStat{}, fmt.Errorf("read stat: %d fields", len(f)+2)
	}
	var v [3]uint64
	for j, k := range [3]int{11, 12, 19} {
		if v[j], err = strconv.ParseUint(f[k], 10, 64); err != nil {
			return selfStat{}, fmt.Errorf("read stat field %d: %w", k+3, err)
		}
	}
	return selfStat{cpuTicks: v[0] + v[1], startTicks: v[2]}, nil
}

// cpuRatio is the agent's CPU time divided by its age (1 is one CPU busy
// all the time), as libsinsp computes falco.cpu_usage_perc (over 100).
func (p procFS) cpuRatio() (float64, error) {
	st, err := p.readSelfStat()
	if err != nil {
		return 0, err
	}
	up, err := p.uptime()
	if err != nil {
		return 0, err
	}
	age := up - float64(st.startTicks)/userHZ
	if age <= 0 {
		return 0, errors.New("cpu usage: process younger than a tick")
	}
	return float64(st.cpuTicks) / userHZ / age, nil
}

// uptime reads the seconds since boot from /proc/uptime.
func (p procFS) uptime() (float64, error) {
	b, err := os.ReadFile(filepath.Join(p.host, "uptime"))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, errors.New("read uptime: empty")
	}
	return strconv.ParseFloat(f[0], 64)
}

// kibLines reads "Key:   123 kB" lines of file and returns the values in
// bytes of the keys asked for (those absent are left out).
func kibLines(file string, keys ...string) (map[string]uint64, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := make(map[string]uint64, len(keys))
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		for _, want := range keys {
			if k != want {
				continue
			}
			num, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
			n, err := strconv.ParseUint(num, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("read %s %s: %w", file, k, err)
			}
			out[k] = n * 1024
		}
	}
	return out, sc.Err()
}

// memory returns the agent's resident and virtual size from
// /proc/self/status.
func (p procFS) memory() (rss, vsz uint64, err error) {
	m, err := kibLines(filepath.Join(p.self, "status"), "VmRSS", "VmSize")
	if err != nil {
		return 0, 0, err
	}
	return m["VmRSS"], m["VmSize"], nil
}

// pss returns the agent's proportional set size.
func (p procFS) pss() (uint64, error) {
	m, err := kibLines(filepath.Join(p.self, "smaps_rollup"), "Pss")
	if err != nil {
		return 0, err
	}
	v, ok := m["Pss"]
	if !ok {
		return 0, errors.New("read smaps_rollup: no Pss")
	}
	return v, nil
}

// hostMemoryUsed is MemTotal - MemFree - Buffers - Cached, as libsinsp
// counts host_memory_used.
func (p procFS) hostMemoryUsed() (uint64, error) {
	m, err := kibLines(filepath.Join(p.host, "meminfo"), "MemTotal", "MemFree", "Buffers", "Cached")
	if err != nil {
		return 0, err
	}
	if _, ok := m["MemTotal"]; !ok {
		return 0, errors.New("read meminfo: no MemTotal")
	}
	used := m["MemTotal"]
	for _, k := range []string{"MemFree", "Buffers", "Cached"} {
		used -= min(used, m[k])
	}
	return used, nil
}

// hostStat is what the host's /proc/stat says.
type hostStat struct {
	cpuRatio     float64 // busy share of all CPUs' time since boot
	procsRunning uint64
	boot         time.Time
	cpus         int // online CPUs
}

// readHostStat reads /proc/stat. The busy share counts the first seven
// columns of the "cpu" line (user to softirq), as libsinsp does.
func (p procFS) readHostStat() (hostStat, error) {
	b, err := os.ReadFile(filepath.Join(p.host, "stat"))
	if err != nil {
		return hostStat{}, err
	}
	var hs hostStat
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch {
		case f[0] == "cpu" && len(f) >= 8:
			var sum, idle uint64
			for i := 1; i <= 7; i++ {
				n, err := strconv.ParseUint(f[i], 10, 64)
				if err != nil {
					return hostStat{}, fmt.Errorf("read stat cpu column %d: %w", i, err)
				}
				sum += n
				if i == 4 {
					idle = n
				}
			}
			if sum > 0 {
				hs.cpuRatio = 1 - float64(idle)/float64(sum)
			}
		case strings.HasPrefix(f[0], "cpu"):
			hs.cpus++
		case f[0] == "procs_running":
			hs.procsRunning, _ = strconv.ParseUint(f[1], 10, 64)
		case f[0] == "btime":
			if s, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				hs.boot = time.Unix(s, 0)
			}
		}
	}
	return hs, nil
}

// openFiles is the first number of /proc/sys/fs/file-nr: the file
// handles allocated on the host.
func (p procFS) openFiles() (uint64, error) {
	b, err := os.ReadFile(filepath.Join(p.host, "sys/fs/file-nr"))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, errors.New("read file-nr: empty")
	}
	return strconv.ParseUint(f[0], 10, 64)
}

// containerMemory reads the memory charged to the agent's cgroup: the
// file chosen by the user if any, else the agent's own memory cgroup (v1
// memory.usage_in_bytes or v2 memory.current, found from
// /proc/self/cgroup), else the root of the memory hierarchy as mounted in
// the agent's container (libsinsp's only choice, which on a host that is
// not a container is the whole machine).
func (p procFS) containerMemory() (uint64, error) {
	var tries []string
	if p.memPath != "" {
		tries = []string{p.memPath}
	} else {
		tries = p.cgroupMemoryFiles()
	}
	var last error = errors.New("no memory cgroup")
	for _, file := range tries {
		b, err := os.ReadFile(file)
		if err != nil {
			last = err
			continue
		}
		return strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	}
	return 0, last
}

// cgroupMemoryFiles lists the files that may hold the agent's memory use,
// most specific first: a cgroup v1 memory controller, when there is one,
// is the one that counts (a hybrid system also lists a unified path).
func (p procFS) cgroupMemoryFiles() []string {
	var v1, v2 []string
	if b, err := os.ReadFile(filepath.Join(p.self, "cgroup")); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			parts := strings.SplitN(line, ":", 3)
			if len(parts) != 3 || parts[2] == "/" {
				continue
			}
			switch {
			case parts[0] == "0" && parts[1] == "":
				v2 = append(v2, filepath.Join(p.cgroup, parts[2], "memory.current"))
			case strings.Contains(","+parts[1]+",", ",memory,"):
				v1 = append(v1, filepath.Join(p.cgroup, "memory", parts[2], "memory.usage_in_bytes"))
			}
		}
	}
	return append(append(v1, v2...), filepath.Join(p.cgroup, "memory", "memory.usage_in_bytes"))
}
