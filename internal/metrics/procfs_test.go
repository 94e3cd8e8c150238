package metrics

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeProc lays out a /proc/self, a host /proc and a cgroup root under a
// temporary directory, from file contents keyed by their path below it.
func fakeProc(t *testing.T, files map[string]string) procFS {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return procFS{
		self:   filepath.Join(root, "self"),
		host:   filepath.Join(root, "proc"),
		cgroup: filepath.Join(root, "cgroup"),
	}
}

// A process started 1000 s after boot (100000 ticks), 2000 s of uptime,
// with 150 s of user and 50 s of system time: 200 s over 1000 s.
const (
	fakeStat    = "4242 (peregrine (agent) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 15000 5000 0 0 20 0 12 0 100000 987654321 2500 18446744073709551615\n"
	fakeUptime  = "2000.00 3500.00\n"
	fakeStatus  = "Name:\tperegrine\nVmPeak:\t  1000000 kB\nVmSize:\t   900000 kB\nVmRSS:\t    40960 kB\nThreads:\t12\n"
	fakeSmaps   = "55d0-7ffe ---p 00000000 00:00 0    [rollup]\nRss:               40960 kB\nPss:               30000 kB\nPss_Anon:          20000 kB\n"
	fakeMeminfo = "MemTotal:        8000000 kB\nMemFree:         1000000 kB\nMemAvailable:    5000000 kB\n" +
		"Buffers:          500000 kB\nCached:          2500000 kB\nSwapCached:            0 kB\n"
	fakeHostStat = "cpu  300 10 90 500 50 20 30 7 0 0\ncpu0 150 5 45 250 25 10 15 3 0 0\ncpu1 150 5 45 250 25 10 15 4 0 0\n" +
		"intr 12345\nctxt 999\nbtime 1700000000\nprocesses 4000\nprocs_running 3\nprocs_blocked 0\n"
	fakeFileNr = "2112\t0\t9223372036854775807\n"
)

func TestProcFS(t *testing.T) {
	p := fakeProc(t, map[string]string{
		"self/stat":           fakeStat,
		"self/status":         fakeStatus,
		"self/smaps_rollup":   fakeSmaps,
		"proc/uptime":         fakeUptime,
		"proc/meminfo":        fakeMeminfo,
		"proc/stat":           fakeHostStat,
		"proc/sys/fs/file-nr": fakeFileNr,
		"self/cgroup":         "4:memory:/system.slice/peregrine.service\n1:cpu:/\n0::/\n",
		"cgroup/memory/system.slice/peregrine.service/memory.usage_in_bytes": "123456789\n",
		"cgroup/memory/memory.usage_in_bytes":                                "999999999\n",
	})

	cpu, err := p.cpuRatio()
	if err != nil || math.Abs(cpu-0.2) > 1e-9 {
		t.Errorf("cpuRatio = %v, %v; want 0.2", cpu, err)
	}
	rss, vsz, err := p.memory()
	if err != nil || rss != 40960*1024 || vsz != 900000*1024 {
		t.Errorf("memory = %d, %d, %v", rss, vsz, err)
	}
	pss, err := p.pss()
	if err != nil || pss != 30000*1024 {
		t.Errorf("pss = %d, %v", pss, err)
	}
	// 8000000 - 1000000 - 500000 - 2500000 kB
	used, err := p.hostMemoryUsed()
	if err != nil || used != 4000000*1024 {
		t.Errorf("hostMemoryUsed = %d, %v", used, err)
	}
	hs, err := p.readHostStat()
	if err != nil {
		t.Fatal(err)
	}
	// busy: 1 - idle/(user..softirq) = 1 - 500/1000; steal (7) is not counted
	want := hostStat{cpuRatio: 0.5, procsRunning: 3, boot: time.Unix(1700000000, 0), cpus: 2}
	if diff := cmp.Diff(want, hs, cmp.AllowUnexported(hostStat{})); diff != "" {
		t.Errorf("readHostStat (-want +got):\n%s", diff)
	}
	fds, err := p.openFiles()
	if err != nil || fds != 2112 {
		t.Errorf("openFiles = %d, %v", fds, err)
	}
	mem, err := p.containerMemory()
	if err != nil || mem != 123456789 {
		t.Errorf("containerMemory = %d, %v; want the agent's own cgroup", mem, err)
	}
}

func TestContainerMemoryFiles(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		chosen string // set as the user's path
		want   uint64
		fail   bool
	}{
		{
			name: "cgroup v1, own cgroup",
			files: map[string]string{
				"self/cgroup": "9:name=systemd:/\n4:memory:/docker/abc\n0::/\n",
				"cgroup/memory/docker/abc/memory.usage_in_bytes": "100\n",
				"cgroup/memory/memory.usage_in_bytes":            "900\n",
			},
			want: 100,
		},
		{
			name: "cgroup v1 in a container: own path not mounted, the root is the container's",
			files: map[string]string{
				"self/cgroup":                         "4:memory:/docker/abc\n",
				"cgroup/memory/memory.usage_in_bytes": "200\n",
			},
			want: 200,
		},
		{
			name: "cgroup v1 with controllers joined",
			files: map[string]string{
				"self/cgroup": "3:cpuacct,memory:/kubepods/pod1\n",
				"cgroup/memory/kubepods/pod1/memory.usage_in_bytes": "300\n",
			},
			want: 300,
		},
		{
			name: "cgroup v2",
			files: map[string]string{
				"self/cgroup": "0::/system.slice/peregrine.service\n",
				"cgroup/system.slice/peregrine.service/memory.current": "400\n",
			},
			want: 400,
		},
		{
			name: "the user's file wins",
			files: map[string]string{
				"self/cgroup": "4:memory:/docker/abc\n",
				"cgroup/memory/docker/abc/memory.usage_in_bytes": "100\n",
				"mine": "500\n",
			},
			chosen: "mine",
			want:   500,
		},
		{
			name:  "nothing readable",
			files: map[string]string{"self/cgroup": "0::/\n"},
			fail:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fakeProc(t, tt.files)
			if tt.chosen != "" {
				p.memPath = filepath.Join(filepath.Dir(p.self), tt.chosen)
			}
			got, err := p.containerMemory()
			if tt.fail {
				if err == nil {
					t.Errorf("containerMemory = %d, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("containerMemory = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestProcFSBadInput(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		read  func(procFS) error
	}{
		{"stat without command", map[string]string{"self/stat": "4242 peregrine S 1"}, func(p procFS) error { _, err := p.readSelfStat(); return err }},
		{"stat truncated", map[string]string{"self/stat": "4242 (p) S 1 2 3"}, func(p procFS) error { _, err := p.readSelfStat(); return err }},
		{"stat not numbers", map[string]string{"self/stat": "1 (p) S 1 1 1 0 -1 0 0 0 0 0 x y 0 0 20 0 1 0 z 1 1"}, func(p procFS) error { _, err := p.readSelfStat(); return err }},
		{"no uptime", map[string]string{"self/stat": fakeStat}, func(p procFS) error { _, err := p.cpuRatio(); return err }},
		{"process younger than uptime says", map[string]string{"self/stat": fakeStat, "proc/uptime": "999.0 1.0\n"}, func(p procFS) error { _, err := p.cpuRatio(); return err }},
		{"meminfo without total", map[string]string{"proc/meminfo": "MemFree: 1 kB\n"}, func(p procFS) error { _, err := p.hostMemoryUsed(); return err }},
		{"meminfo garbage", map[string]string{"proc/meminfo": "MemTotal: lots kB\n"}, func(p procFS) error { _, err := p.hostMemoryUsed(); return err }},
		{"smaps without pss", map[string]string{"self/smaps_rollup": "Rss: 1 kB\n"}, func(p procFS) error { _, err := p.pss(); return err }},
		{"empty file-nr", map[string]string{"proc/sys/fs/file-nr": ""}, func(p procFS) error { _, err := p.openFiles(); return err }},
		{"stat cpu garbage", map[string]string{"proc/stat": "cpu 1 2 x 4 5 6 7\n"}, func(p procFS) error { _, err := p.readHostStat(); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.read(fakeProc(t, tt.files)); err == nil {
				t.Error("no error")
			}
		})
	}
}
