package forensics

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"peregrine/internal/testenv"
)

// minerMarker is appended to the busybox copy that plays the miner, so
// that its bytes differ from every other file of the image.
const minerMarker = "\nstratum+tcp://pool.invalid:3333 XMRig marker for the forensics test\n"

// suspectScript copies the fake miner into /tmp, runs it as "nc -l -p
// 3333" (busybox picks the applet from argv[0]; the kernel names the
// process after the file, xmrig), drops its configuration, waits until it
// runs, deletes the program and sleeps.
const suspectScript = `cp /opt/xmrig-dist /tmp/xmrig
echo '{"url": "stratum+tcp://pool.invalid:3333"}' > /tmp/config.json
(exec -a nc /tmp/xmrig -l -p 3333 &)
until grep -qx xmrig /proc/[0-9]*/comm; do sleep 0.1; done
rm /tmp/xmrig
echo miner started
echo a line on stderr >&2
exec sleep 100000`

// startSuspect runs the suspect container and waits until its miner runs
// deleted; it returns the container id and the SHA-256 of the miner.
func startSuspect(t *testing.T, d *testenv.DockerEnv) (string, string) {
	t.Helper()
	bb, err := os.ReadFile(testenv.BusyboxPath)
	if err != nil {
		testenv.Missing(t, "busybox-static: %v", err)
	}
	miner := string(bb) + minerMarker
	img := d.Image(t, "forensics-suspect", map[string]string{"/opt/xmrig-dist": miner})
	id := d.Run(t, nil, img, "sh", "-c", suspectScript)
	deadline := time.Now().Add(60 * time.Second)
	// Ready when the miner has been deleted and the shell has become sleep.
	for !strings.Contains(d.Docker(t, "logs", id), "miner started") || !strings.Contains(topOf(t, d, id), "sleep 100000") {
		if time.Now().After(deadline) {
			t.Fatalf("the suspect did not start: %s", d.Docker(t, "logs", id))
		}
		time.Sleep(100 * time.Millisecond)
	}
	sum := sha256.Sum256([]byte(miner))
	return id, hex.EncodeToString(sum[:])
}

// connect returns the test engine through the Go client.
func connect(t *testing.T, d *testenv.DockerEnv) *Engine {
	t.Helper()
	e, err := Connect(context.Background(), d.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// topOf lists the container's processes as the engine sees them.
func topOf(t *testing.T, d *testenv.DockerEnv, id string) string {
	t.Helper()
	return d.Docker(t, "top", id, "-o", "pid,ppid,user,comm,args")
}

func TestCollectSuspect(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	id, minerSum := startSuspect(t, d)
	e := connect(t, d)
	before := topOf(t, d, id)
	out := filepath.Join(t.TempDir(), "case-7")
	res, err := Collect(context.Background(), e, []string{id[:12]}, Options{Case: "IR-7", Out: out, ToolVersion: "test", Operator: "tester"})
	if err != nil {
		t.Fatalf("collect: %v (failures %q)", err, res.Failures)
	}
	if after := topOf(t, d, id); after != before {
		t.Errorf("the container's processes changed:\nbefore\n%s\nafter\n%s", before, after)
	}
	if st := d.Docker(t, "inspect", "-f", "{{.State.Status}}", id); st != "running" {
		t.Errorf("state after collection %q", st)
	}
	m := res.Manifest
	if len(m.Containers) != 1 || m.Containers[0].ID != id || m.Case != "IR-7" || m.Operator != "tester" ||
		m.ToolVersion != "test" || m.Host.Hostname == "" || m.Engine.APIVersion == "" || m.Engine.ServerVersion == "" {
		t.Fatalf("manifest %+v", m)
	}
	cdir := m.Containers[0].Dir
	arts := map[string]Artifact{}
	for _, a := range m.Artifacts {
		arts[a.Path] = a
		if a.Error != "" || a.Source == "" || a.Started.IsZero() {
			t.Errorf("artifact %+v", a)
		}
	}
	for _, p := range []string{"host/host.json", "host/engine-version.json", "host/engine-info.json", "host/containers.json"} {
		if _, ok := arts[p]; !ok {
			t.Errorf("no %s", p)
		}
	}
	for _, p := range []string{"top.json", "stats.json", "inspect.json", "image-inspect.json", "network.json", "mounts.json", "changes.json",
		"logs/stdout.log", "logs/stderr.log", "filesystem.tar", "image.tar", "image-history.json"} {
		if _, ok := arts[cdir+"/"+p]; !ok {
			t.Errorf("no %s", p)
		}
	}

	// The miner: found by its deleted program, its bytes recovered.
	minerDir := ""
	procs := 0
	for p := range arts {
		if !strings.HasPrefix(p, cdir+"/proc/") || !strings.HasSuffix(p, "/links.json") {
			continue
		}
		procs++
		var links map[string]string
		readJSON(t, filepath.Join(out, p), &links)
		if links["exe"] == "/tmp/xmrig (deleted)" {
			minerDir = filepath.Dir(p)
		}
	}
	if procs != 2 || minerDir == "" {
		t.Fatalf("%d processes collected, miner in %q", procs, minerDir)
	}
	if got := arts[minerDir+"/exe"].SHA256; got != minerSum {
		t.Errorf("miner bytes: sha256 %s, want %s", got, minerSum)
	}
	for _, name := range procCopies {
		if _, ok := arts[minerDir+"/"+name]; !ok {
			t.Errorf("miner: no %s", name)
		}
	}
	if got := readText(t, out, minerDir+"/cmdline"); got != "nc\x00-l\x00-p\x003333\x00" {
		t.Errorf("cmdline %q", got)
	}
	if !strings.Contains(readText(t, out, minerDir+"/status"), "Name:\txmrig") {
		t.Error("status does not name xmrig")
	}
	var fds []FDEntry
	readJSON(t, filepath.Join(out, minerDir, "fds.json"), &fds)
	sockets := 0
	for _, fd := range fds {
		if strings.HasPrefix(fd.Target, "socket:[") {
			sockets++
		}
	}
	listening := readText(t, out, minerDir+"/net/tcp") + readText(t, out, minerDir+"/net/tcp6")
	if sockets == 0 || !strings.Contains(listening, ":0D05 ") {
		t.Errorf("no listening socket on 3333: fds %v\n%s", fds, listening)
	}

	stdout, stderr := readText(t, out, cdir+"/logs/stdout.log"), readText(t, out, cdir+"/logs/stderr.log")
	if !strings.Contains(stdout, "miner started") || strings.Contains(stdout, "stderr") || !strings.Contains(stderr, "a line on stderr") {
		t.Errorf("logs: stdout %q, stderr %q", stdout, stderr)
	}
	if _, err := time.Parse(time.RFC3339Nano, strings.Fields(stdout)[0]); err != nil {
		t.Errorf("log line without timestamp: %q", stdout)
	}
	if !strings.Contains(readText(t, out, cdir+"/changes.json"), `"/tmp/config.json"`) {
		t.Errorf("changes.json does not show /tmp/config.json: %s", readText(t, out, cdir+"/changes.json"))
	}
	names := tarNames(t, filepath.Join(out, cdir, "filesystem.tar"))
	if !names["opt/xmrig-dist"] || !names["tmp/config.json"] || names["tmp/xmrig"] {
		t.Errorf("export: opt/xmrig-dist %v, tmp/config.json %v, tmp/xmrig %v", names["opt/xmrig-dist"], names["tmp/config.json"], names["tmp/xmrig"])
	}
	if !tarNames(t, filepath.Join(out, cdir, "image.tar"))["manifest.json"] {
		t.Error("image.tar has no manifest.json")
	}

	// The bundle checks out, with sha256sum as with verify.
	cmd := exec.Command(testenv.Tool(t, "sha256sum"), "--strict", "--quiet", "-c", SumsFile)
	cmd.Dir = out
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, b)
	}
	r, err := Verify(out)
	if err != nil || !r.OK() || r.Checked != len(m.Artifacts) {
		t.Fatalf("verify: %v %+v", err, r)
	}
	for _, tt := range []struct {
		name   string
		change func(dir string) error
		check  func(r *VerifyReport) bool
	}{
		{"byte changed", func(dir string) error { return flipFileByte(filepath.Join(dir, cdir, "filesystem.tar"), 1000) },
			func(r *VerifyReport) bool { return len(r.Changed) == 1 && r.Changed[0].Path == cdir+"/filesystem.tar" }},
		{"file removed", func(dir string) error { return os.Remove(filepath.Join(dir, minerDir, "exe")) },
			func(r *VerifyReport) bool { return len(r.Missing) == 1 && r.Missing[0] == minerDir+"/exe" }},
		{"file added", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, cdir, "notes.txt"), []byte("hi"), 0o644)
		},
			func(r *VerifyReport) bool { return len(r.Extra) == 1 && r.Extra[0] == cdir+"/notes.txt" }},
	} {
		dir := copyBundle(t, out)
		if err := tt.change(dir); err != nil {
			t.Fatal(err)
		}
		r, err := Verify(dir)
		if err != nil || r.OK() || !tt.check(r) {
			t.Errorf("%s: verify %v %+v", tt.name, err, r)
		}
	}
}

func TestCollectPause(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	img := d.Image(t, "forensics-sleeper", nil)
	id := d.Run(t, nil, img, "sleep", "100000")
	e := connect(t, d)
	tests := []struct {
		name     string
		procRoot string
		wantErr  error
	}{
		{"clean", "", nil},
		// /proc of an empty directory: every process artifact fails, the
		// collection goes on, and the container is unpaused all the same.
		{"with failures", t.TempDir(), ErrIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := topOf(t, d, id)
			out := filepath.Join(t.TempDir(), "b")
			res, err := Collect(context.Background(), e, []string{id}, Options{Case: "P", Out: out, Pause: true, NoExport: true, NoImage: true, ProcRoot: tt.procRoot})
			if !errors.Is(err, tt.wantErr) || res == nil {
				t.Fatalf("collect: %v, want %v", err, tt.wantErr)
			}
			if st := d.Docker(t, "inspect", "-f", "{{.State.Status}} {{.State.Paused}}", id); st != "running false" {
				t.Errorf("after collection: %q", st)
			}
			if after := topOf(t, d, id); after != before {
				t.Errorf("processes changed:\n%s\n%s", before, after)
			}
			if !res.Manifest.Containers[0].Paused || !res.Manifest.Options.Pause {
				t.Errorf("manifest does not say paused: %+v", res.Manifest.Containers[0])
			}
			entries, err := CheckCustody(filepath.Join(out, CustodyFile))
			if err != nil {
				t.Fatal(err)
			}
			var events []string
			for _, e := range entries {
				if e.Event == "pause" || e.Event == "unpause" {
					events = append(events, e.Event)
				}
			}
			if strings.Join(events, ",") != "pause,unpause" {
				t.Errorf("custody events %v", events)
			}
			for _, a := range res.Manifest.Artifacts {
				if strings.HasSuffix(a.Path, "filesystem.tar") || strings.HasSuffix(a.Path, "image.tar") {
					t.Errorf("%s collected despite --no-export --no-image", a.Path)
				}
			}
			if tt.wantErr != nil && len(res.Failures) == 0 {
				t.Error("no failures listed")
			}
			if r, err := Verify(out); err != nil || !r.OK() {
				t.Errorf("verify: %v %+v", err, r)
			}
		})
	}
}

func TestCollectBadInput(t *testing.T) {
	d := testenv.Docker(t)
	e := connect(t, d)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "never")
	if _, err := Collect(ctx, e, []string{"peregrine-no-such-container"}, Options{Case: "X", Out: out}); !errors.Is(err, ErrNoContainer) {
		t.Errorf("unknown container: %v", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("bundle created for an unknown container: %v", err)
	}
	img := d.Image(t, "forensics-sleeper", nil)
	id := d.Run(t, nil, img, "sleep", "100000")
	busy := t.TempDir()
	if err := os.WriteFile(filepath.Join(busy, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(ctx, e, []string{id}, Options{Case: "X", Out: busy}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("non-empty output: %v", err)
	}
	if _, err := Collect(ctx, e, []string{id}, Options{Out: out}); err == nil {
		t.Error("no case id accepted")
	}
	_, err := Connect(ctx, "unix://"+filepath.Join(t.TempDir(), "none.sock"))
	if err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("unreachable engine: %v", err)
	}
}

func readJSON(t *testing.T, p string, v any) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
}

func readText(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// tarNames lists the entries of a tar file, without leading "./" or "/".
func tarNames(t *testing.T, p string) map[string]bool {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[strings.TrimPrefix(strings.TrimPrefix(h.Name, "./"), "/")] = true
	}
}

// flipFileByte inverts the byte at off of the file at p.
func flipFileByte(p string, off int64) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	b[0] ^= 0xff
	_, err = f.WriteAt(b, off)
	return err
}

// Two containers of one image, one of them stopped: the stopped one has
// no processes but everything else, and the image is saved once.
func TestCollectStoppedAndShared(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	img := d.Image(t, "forensics-sleeper", nil)
	running := d.Run(t, nil, img, "sleep", "100000")
	stopped := d.Run(t, nil, img, "sh", "-c", "echo bye")
	d.Docker(t, "wait", stopped)
	e := connect(t, d)
	out := filepath.Join(t.TempDir(), "b")
	res, err := Collect(context.Background(), e, []string{running, stopped, running[:12]}, Options{Case: "S", Out: out, Pause: true})
	if err != nil {
		t.Fatalf("collect: %v %q", err, res.Failures)
	}
	cs := res.Manifest.Containers
	if len(cs) != 2 || cs[0].ID != running || cs[1].ID != stopped || cs[1].State != "exited" || cs[1].Paused || !cs[0].Paused {
		t.Fatalf("containers %+v", cs)
	}
	arts := map[string]bool{}
	for _, a := range res.Manifest.Artifacts {
		arts[a.Path] = true
	}
	for _, p := range []string{"inspect.json", "changes.json", "logs/stdout.log", "filesystem.tar"} {
		if !arts[cs[1].Dir+"/"+p] {
			t.Errorf("stopped container: no %s", p)
		}
	}
	if arts[cs[1].Dir+"/top.json"] || arts[cs[1].Dir+"/image.tar"] || !arts[cs[0].Dir+"/image.tar"] {
		t.Errorf("stopped: top %v image %v; running: image %v", arts[cs[1].Dir+"/top.json"], arts[cs[1].Dir+"/image.tar"], arts[cs[0].Dir+"/image.tar"])
	}
	if cs[0].ImageDump != cs[0].Dir+"/image.tar" || cs[1].ImageDump != cs[0].ImageDump {
		t.Errorf("image tars %q and %q", cs[0].ImageDump, cs[1].ImageDump)
	}
	if !strings.Contains(readText(t, out, cs[1].Dir+"/logs/stdout.log"), "bye") {
		t.Error("stopped container's log lost")
	}
	if r, err := Verify(out); err != nil || !r.OK() {
		t.Errorf("verify: %v %+v", err, r)
	}
}

// cancelWriter cancels a context on its first write.
type cancelWriter struct{ cancel context.CancelFunc }

func (w cancelWriter) Write(p []byte) (int, error) {
	w.cancel()
	return len(p), nil
}

// A collection interrupted part way (the context is cancelled when the
// export's progress is first drawn, so the image save fails) still
// unpauses the container, records the failures and seals the bundle.
func TestCollectCancelledUnpauses(t *testing.T) {
	testenv.Root(t)
	d := testenv.Docker(t)
	img := d.Image(t, "forensics-sleeper", nil)
	id := d.Run(t, nil, img, "sleep", "100000")
	e := connect(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(t.TempDir(), "b")
	res, err := Collect(ctx, e, []string{id}, Options{Case: "C", Out: out, Pause: true, Progress: cancelWriter{cancel}})
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("collect: %v", err)
	}
	if st := d.Docker(t, "inspect", "-f", "{{.State.Status}} {{.State.Paused}}", id); st != "running false" {
		t.Errorf("after an interrupted collection: %q", st)
	}
	if !strings.Contains(strings.Join(res.Failures, "\n"), "image.tar") || !strings.Contains(strings.Join(res.Failures, "\n"), "context canceled") {
		t.Errorf("failures %q", res.Failures)
	}
	entries, err := CheckCustody(filepath.Join(out, CustodyFile))
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, e := range entries {
		events = append(events, e.Event)
	}
	joined := strings.Join(events, " ")
	if !strings.Contains(joined, "pause") || !strings.Contains(joined, "unpause") || events[len(events)-1] != "seal" {
		t.Errorf("custody events %v", events)
	}
	if r, err := Verify(out); err != nil || !r.OK() {
		t.Errorf("verify: %v %+v", err, r)
	}
}
