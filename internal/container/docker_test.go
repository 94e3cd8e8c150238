package container

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/testenv"
)

// dockerFixture is a running container of the test engine and a client.
type dockerFixture struct {
	env    *testenv.DockerEnv
	client *Docker
	image  string
	id     string // full id
	name   string
	dir    string // bind-mounted read-only at /data
}

// startContainer runs a sleeping container of a busybox image with labels
// (some of them a Kubernetes pod's) and a bind mount.
func startContainer(t *testing.T) *dockerFixture {
	t.Helper()
	env := testenv.Docker(t)
	f := &dockerFixture{env: env, dir: t.TempDir()}
	f.image = env.Image(t, "container", map[string]string{"/etc/peregrine-role": "web\n"})
	f.name = fmt.Sprintf("peregrine-ct-%x", time.Now().UnixNano())
	f.id = env.Run(t, []string{
		"--name", f.name,
		"--label", "app=web",
		"--label", "tier=" + strings.Repeat("x", MaxLabelLen+1),
		"--label", LabelPodName + "=web-7d9",
		"--label", LabelPodNamespace + "=shop",
		"--label", LabelPodUID + "=5b1f0c2e-uid",
		"-v", f.dir + ":/data:ro",
	}, f.image, "sleep", "600")
	c, err := NewDocker(env.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()); err != nil { // settles the API version before concurrent use
		t.Fatal(err)
	}
	f.client = c
	return f
}

func TestDockerInspect(t *testing.T) {
	f := startContainer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := f.client.Inspect(ctx, f.id[:12])
	if err != nil {
		t.Fatal(err)
	}
	imageID := strings.TrimPrefix(f.env.Docker(t, "image", "inspect", "--format", "{{.Id}}", f.image), "sha256:")
	created, err := time.Parse(time.RFC3339Nano, f.env.Docker(t, "inspect", "--format", "{{.Created}}", f.id))
	if err != nil {
		t.Fatal(err)
	}
	repo, tag, _ := strings.Cut(f.image, ":")
	want := &Info{
		ID: f.id[:12], FullID: f.id, Type: "docker", Name: f.name,
		Image: f.image, ImageID: imageID, ImageRepository: repo, ImageTag: tag,
		Labels: map[string]string{"app": "web", LabelPodName: "web-7d9", LabelPodNamespace: "shop",
			LabelPodUID: "5b1f0c2e-uid"},
		Mounts:    []Mount{{Source: f.dir, Dest: "/data", Mode: "ro", Propagation: "rprivate"}},
		CreatedTS: uint64(created.UnixNano()),
		PodName:   "web-7d9", PodNamespace: "shop", PodUID: "5b1f0c2e-uid",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Inspect (-want +got):\n%s", diff)
	}
	server := f.env.Docker(t, "version", "--format", "{{.Server.APIVersion}}")
	if v := f.client.APIVersion(); v != server {
		t.Errorf("negotiated API version %s, engine's %s", v, server)
	}
	ids, err := f.client.List(ctx)
	if err != nil || !slices.Contains(ids, f.id) {
		t.Errorf("List = %v, %v; want it to hold %s", ids, err, f.id)
	}
	if _, err := f.client.Inspect(ctx, "0123456789ab"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Inspect of a missing container: %v, want ErrNotFound", err)
	}
}

func TestDockerCache(t *testing.T) {
	f := startContainer(t)
	c := NewCache(f.client, Config{})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c.Request(f.id) // the 64-digit id of a cgroup path
	in, ok := c.Wait(ctx, f.id[:12])
	if !ok {
		t.Fatalf("Wait: %v", c.Err(f.id))
	}
	if in.Name != f.name || in.Image != f.image || in.PodName != "web-7d9" || in.Privileged {
		t.Errorf("cached Info = %+v", in)
	}
	if got, st := c.Get(f.id); got != in || st != StatusReady {
		t.Errorf("Get = %v, %v", got, st)
	}

	const missing = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if _, ok := c.Wait(ctx, missing); ok {
		t.Fatal("Wait of a missing container succeeded")
	}
	if _, st := c.Get(missing); st != StatusNotFound {
		t.Errorf("missing container: %v, want not found", st)
	}
	before := c.Stats().Fetches
	for range 10 {
		c.Request(missing)
		c.Wait(ctx, missing)
	}
	s := c.Stats()
	if s.Fetches != before || s.NotFound != 1 {
		t.Errorf("a missing container was fetched again within RetryAfter: %+v", s)
	}
	t.Logf("fetches %d, mean latency %v, max %v", s.Fetches, s.LatencyTotal/time.Duration(s.Fetches), s.LatencyMax)
}

func TestDockerPrefetchAndWatch(t *testing.T) {
	f := startContainer(t)
	c := NewCache(f.client, Config{})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if n, err := c.Prefetch(ctx); err != nil || n < 1 {
		t.Fatalf("Prefetch = %d, %v", n, err)
	}
	if _, st := c.Get(f.id); st != StatusReady {
		t.Errorf("running container after Prefetch: %v", st)
	}

	watchCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Watch(watchCtx, f.client, 100*time.Millisecond) }()
	defer func() {
		stop()
		<-done
	}()
	// A container that starts now is fetched without anyone asking (Get
	// never requests).
	waitEvents(t, c)
	id := f.env.Run(t, []string{"--label", "late=yes"}, f.image, "sleep", "600")
	in := waitReady(t, c, id)
	if in.Labels["late"] != "yes" {
		t.Errorf("watched container: %+v", in)
	}
	f.env.Remove(t, id)
	for range 2000 {
		if _, st := c.Get(id); st == StatusUnknown {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("destroyed container still cached")
}

// waitEvents waits (bounded) until the cache's Watch has its event
// stream open: a Docker stream is open once Events returns.
func waitEvents(t *testing.T, c *Cache) {
	t.Helper()
	for range 2000 {
		if c.Stats().Streams > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no event stream after 10 s")
}

// waitReady polls (bounded) the cache without requesting until id is
// ready.
func waitReady(t *testing.T, c *Cache, id string) *Info {
	t.Helper()
	for range 2000 {
		if in, st := c.Get(id); st == StatusReady {
			return in
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s never fetched: %+v", id, c.Stats())
	return nil
}

func BenchmarkDockerInspect(b *testing.B) {
	env := testenv.Docker(b)
	img := env.Image(b, "container", nil)
	id := env.Run(b, nil, img, "sleep", "600")
	c, err := NewDocker(env.Host)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.Inspect(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheGet(b *testing.B) {
	rt := newFake(idA)
	c := NewCache(rt, Config{})
	defer c.Close()
	if _, ok := c.Wait(context.Background(), idA); !ok {
		b.Fatal("no Info")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, st := c.Get(idA); st != StatusReady {
			b.Fatal(st)
		}
	}
}
