package compute

import (
	"fmt"
	"io/fs"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"

	"peregrine/internal/alert"
	"peregrine/internal/docsrc"
	"peregrine/internal/rules"
	"peregrine/internal/rules/loader"
	defaultrules "peregrine/rules"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// docSummary is what a test checks of one document.
type docSummary struct {
	Kind, State, Container string
	Pid                    int64
	Name, Exe, Cmdline     string
	Pct, CoresPct          int64
	Image                  string
}

func summarize(doc []byte) docSummary {
	g := gjson.ParseBytes(doc).Get("compute")
	return docSummary{
		Kind: g.Get("kind").Str, State: g.Get("state").Str, Container: g.Get("container.id").Str,
		Pid: g.Get("proc.pid").Int(), Name: g.Get("proc.name").Str, Exe: g.Get("proc.exepath").Str,
		Cmdline: g.Get("proc.cmdline").Str, Pct: int64(math.Round(g.Get("cpu.pct").Float())), CoresPct: int64(math.Round(g.Get("cpu.cores_pct").Float())),
		Image: g.Get("container.image").Str,
	}
}

// computeEvaluator compiles the embedded rules/compute.yaml.
func computeEvaluator(t testing.TB) *docsrc.Evaluator {
	t.Helper()
	data, err := fs.ReadFile(defaultrules.FS(), "compute.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var l loader.Loader
	spec, _, err := l.LoadFiles(loader.File{Name: "compute.yaml", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	ev, diags, err := docsrc.New(Def(), spec, docsrc.Options{Hostname: "h1", Matching: rules.MatchAll})
	if err != nil || len(diags) > 0 {
		t.Fatalf("compile: %v %v", err, diags)
	}
	return ev
}

// TestSamplerRounds runs the sampler over a fake machine of each cgroup
// version: a container with a busy loop and an idle one, a busy and an
// idle host process. After a full window, the busy container, the busy
// host process and the busy process in the container are reported; the
// rules raise the container rule for the busy container and the process
// rule for the host process only. A container that calms down gets a
// normal event (no alert); a process that ends is forgotten.
func TestSamplerRounds(t *testing.T) {
	for _, version := range []int{1, 2} {
		t.Run(map[int]string{1: "v1", 2: "v2"}[version], func(t *testing.T) {
			ft := newFakeTree(t, version)
			clock := &fakeClock{t: time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)}
			s, err := New(Options{
				Interval: 5 * time.Second, Window: 15 * time.Second, Threshold: 80, Realert: time.Hour,
				Root: ft.root, CPUs: 2, Hostname: "h1", Now: clock.now,
				Container: func(id string) (string, string) {
					if id == idA {
						return "miner", "busybox:busy"
					}
					return "", ""
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if s.CgroupVersion() != version {
				t.Fatalf("cgroup v%d detected, want v%d", s.CgroupVersion(), version)
			}
			ev := computeEvaluator(t)
			var docs []docSummary
			var alerts []string
			each := func(doc []byte, ts time.Time) {
				if !ts.Equal(clock.t) {
					t.Errorf("document time %v, want the round's %v", ts, clock.t)
				}
				docs = append(docs, summarize(doc))
				if err := ev.Batch(doc, func(a *alert.Alert) {
					alerts = append(alerts, a.Rule+": "+a.Message)
				}, func(err error) { t.Errorf("bad record: %v", err) }); err != nil {
					t.Errorf("batch: %v", err)
				}
			}
			// Round r at 5r seconds: the busy ones used 100% (container
			// A, its pid 100) and 95% (host pid 300) of one CPU in every
			// interval; the others next to nothing.
			var busyTicks, hostTicks, idleTicks uint64
			var usageA, usageB uint64 = 40e9, 3e9
			write := func(r int) {
				ft.proc(1, "init", 1, 10+idleTicks, "", "/sbin/init")
				ft.proc(100, "sh", 5000, 2000+busyTicks, idA, "sh", "-c", "while :; do :; done")
				ft.proc(101, "sleep", 5001, 3, idA, "sleep", "1000")
				ft.proc(200, "sleep", 6000, 3+idleTicks, idB, "sleep", "1000")
				ft.proc(300, "stress", 7000, 900+hostTicks, "", "stress", "--cpu", "1")
				ft.proc(301, "bash", 7001, 40, "", "-bash")
				ft.container(idA, usageA)
				ft.container(idB, usageB)
			}
			round := func(r int) {
				clock.t = time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC).Add(time.Duration(r) * 5 * time.Second)
				write(r)
				if err := s.Round(each); err != nil {
					t.Fatalf("round %d: %v", r, err)
				}
				busyTicks += 500 // 5 s of one CPU at 100 ticks a second
				hostTicks += 475
				idleTicks++
				usageA += 5e9
				usageB += 1e6
			}
			for r := range 3 {
				round(r)
			}
			if len(docs) != 0 {
				t.Fatalf("events before the window is full: %+v", docs)
			}
			round(3) // 15 s above: the window is full
			want := []docSummary{
				{Kind: "process", State: "high", Container: idA[:12], Pid: 100, Name: "sh", Exe: "/usr/bin/sh", Cmdline: "sh -c while :; do :; done", Pct: 100, CoresPct: 50, Image: "busybox:busy"},
				{Kind: "process", State: "high", Container: "host", Pid: 300, Name: "stress", Exe: "/usr/bin/stress", Cmdline: "stress --cpu 1", Pct: 95, CoresPct: 48},
				{Kind: "container", State: "high", Container: idA[:12], Pid: 100, Name: "sh", Exe: "/usr/bin/sh", Cmdline: "sh -c while :; do :; done", Pct: 100, CoresPct: 50, Image: "busybox:busy"},
			}
			if diff := cmp.Diff(want, docs); diff != "" {
				t.Errorf("documents after the window (-want +got):\n%s", diff)
			}
			wantAlerts := []string{
				"Sustained high CPU process: Sustained high CPU process (process=stress pid=300 exe=/usr/bin/stress command=stress --cpu 1 cpu_pct=95 cores_pct=48 min_pct=95 threshold=80 duration_s=15 since=2026-11-26T06:00:00Z container_id=host host=h1)",
				"Sustained high CPU in container: Sustained high CPU in container (container_id=" + idA[:12] + " container_name=miner image=busybox:busy cpu_pct=100 cores_pct=50 min_pct=100 threshold=80 duration_s=15 since=2026-11-26T06:00:00Z process=sh pid=100 exe=/usr/bin/sh command=sh -c while :; do :; done host=h1)",
			}
			if diff := cmp.Diff(wantAlerts, alerts); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			docs, alerts = nil, nil
			round(4) // still high: no re-alert within the hour
			if len(docs) != 0 {
				t.Errorf("events while still high: %+v", docs)
			}
			// The busy loop stops; the host process ends. The normal
			// events come once the usage has been low for a whole window
			// (three intervals).
			ft.remove("proc/300")
			busyTicks -= 500 // round(4) counted the next interval as busy already
			usageA -= 5e9
			for range 3 {
				clock.t = clock.t.Add(5 * time.Second)
				ft.proc(1, "init", 1, 10, "", "/sbin/init")
				ft.proc(100, "sh", 5000, 2000+busyTicks, idA, "sh")
				ft.container(idA, usageA)
				if err := s.Round(each); err != nil {
					t.Fatal(err)
				}
			}
			var states []string
			for _, d := range docs {
				states = append(states, d.Kind+" "+d.State+" "+d.Container)
			}
			wantStates := []string{"process normal " + idA[:12], "container normal " + idA[:12]}
			if diff := cmp.Diff(wantStates, states); diff != "" {
				t.Errorf("after the load stops (-want +got):\n%s", diff)
			}
			if len(alerts) != 0 {
				t.Errorf("alerts for normal events: %q", alerts)
			}
			st := s.Stats()
			if st.Rounds != 8 || st.Events != 5 || st.Processes != 5 || st.Containers != 2 {
				t.Errorf("stats %+v; want 8 rounds, 5 events, 5 processes, 2 containers", st)
			}
			if c := ev.Counters(); c.Docs != 5 || c.Alerts != 2 {
				t.Errorf("evaluator counters %+v", c)
			}
		})
	}
}

// TestSamplerContainerGone: a container whose cgroup disappears between
// the listing and the read is skipped without an error, and a new
// cgroup under the same id (a restart) starts a new window.
func TestSamplerContainerGone(t *testing.T) {
	ft := newFakeTree(t, 1)
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	s, err := New(Options{Interval: time.Second, Window: 2 * time.Second, Root: ft.root, CPUs: 1, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	var docs []docSummary
	each := func(doc []byte, _ time.Time) { docs = append(docs, summarize(doc)) }
	usage := uint64(1e12)
	step := func(n uint64) {
		ft.proc(7, "x", 1, 0, idA, "x") // idle itself: only the cgroup counts here
		ft.container(idA, usage)
		if err := s.Round(each); err != nil {
			t.Fatal(err)
		}
		clock.t = clock.t.Add(time.Second)
		usage += n
	}
	step(1e9)
	step(1e9)
	ft.remove("sys/fs/cgroup/cpuacct/docker")
	clock.t = clock.t.Add(time.Second)
	ft.proc(7, "x", 1, 0, idA, "x")
	if err := s.Round(each); err != nil {
		t.Fatalf("round with the cgroup gone: %v", err)
	}
	if st := s.Stats(); st.Errors != 0 || st.Containers != 0 {
		t.Errorf("stats with the cgroup gone: %+v", st)
	}
	usage = 5 // the restarted container's counter starts low
	step(1e9)
	step(1e9)
	if len(docs) != 0 {
		t.Fatalf("an event before a whole window of the new cgroup: %+v", docs)
	}
	step(1e9)
	if len(docs) != 1 || docs[0].Kind != "container" || docs[0].Container != idA[:12] || docs[0].Pct != 100 {
		t.Errorf("after a whole window of the new cgroup: %+v", docs)
	}
}

// TestSamplerOptions refuses settings that cannot work.
func TestSamplerOptions(t *testing.T) {
	ft := newFakeTree(t, 2)
	for _, o := range []Options{
		{Window: time.Second, Interval: 5 * time.Second},
		{Threshold: -1},
		{Interval: -time.Second},
	} {
		o.Root = ft.root
		if _, err := New(o); err == nil || !strings.HasPrefix(err.Error(), "compute: ") {
			t.Errorf("New(%+v): %v", o, err)
		}
	}
	s, err := New(Options{Root: ft.root})
	if err != nil {
		t.Fatal(err)
	}
	o := s.Options()
	if o.Interval != DefaultInterval || o.Window != DefaultWindow || o.Threshold != DefaultThreshold || o.Realert != DefaultRealert || o.CPUs < 1 {
		t.Errorf("defaults: %+v", o)
	}
}

// TestSamplerExecJoinsContainer: a container's first process may be seen
// before it joins the container's cgroup (runc's init, still on the
// host); the cgroup is read again when it calls execve, so the container
// is found.
func TestSamplerExecJoinsContainer(t *testing.T) {
	ft := newFakeTree(t, 2)
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	s, err := New(Options{Interval: time.Second, Window: 2 * time.Second, Root: ft.root, CPUs: 1, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	var docs []docSummary
	each := func(doc []byte, _ time.Time) { docs = append(docs, summarize(doc)) }
	ft.proc(9, "runc:[2:INIT]", 50, 0, "", "runc", "init")
	if err := s.Round(each); err != nil {
		t.Fatal(err)
	}
	usage, ticks := uint64(0), uint64(0)
	for range 4 {
		clock.t = clock.t.Add(time.Second)
		ft.proc(9, "sh", 50, ticks, idA, "sh", "-c", "while :; do :; done")
		ft.container(idA, usage)
		if err := s.Round(each); err != nil {
			t.Fatal(err)
		}
		usage += 1e9
		ticks += 100
	}
	var kinds []string
	for _, d := range docs {
		kinds = append(kinds, d.Kind+" "+d.Container+" "+d.Name)
	}
	want := []string{"process " + idA[:12] + " sh", "container " + idA[:12] + " sh"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestSamplerForeignCgroupNamespace: a process whose cgroup path climbs
// out of the sampler's cgroup namespace (/../..., as seen from inside a
// container) keeps its container id in process events, and its cgroup is
// not read outside /sys/fs/cgroup.
func TestSamplerForeignCgroupNamespace(t *testing.T) {
	ft := newFakeTree(t, 2)
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	s, err := New(Options{Interval: time.Second, Window: 2 * time.Second, Root: ft.root, CPUs: 1, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	// A file the climbing path would reach if it were joined blindly.
	ft.write("sys/fs/kubepods/docker-"+idA+".scope/cpu.stat", "usage_usec 1\n")
	var docs []docSummary
	each := func(doc []byte, _ time.Time) { docs = append(docs, summarize(doc)) }
	for i := range uint64(4) {
		ft.write("proc/5/stat", fmt.Sprintf("5 (miner) R 1 5 5 0 -1 0 0 0 0 0 %d 0 0 0 20 0 1 0 77 1000 100\n", i*100))
		ft.write("proc/5/cgroup", "0::/../kubepods/docker-"+idA+".scope\n")
		if err := s.Round(each); err != nil {
			t.Fatal(err)
		}
		clock.t = clock.t.Add(time.Second)
	}
	if len(docs) != 1 || docs[0].Kind != "process" || docs[0].Container != idA[:12] || docs[0].Name != "miner" {
		t.Errorf("events %+v; want one process event in container %s", docs, idA[:12])
	}
	if st := s.Stats(); st.Containers != 0 || st.Errors != 0 {
		t.Errorf("stats %+v: the climbing cgroup was read", st)
	}
}
