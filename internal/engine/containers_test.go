package engine_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/container"
	"peregrine/internal/engine"
	"peregrine/internal/event"
	"peregrine/internal/rules"
	"peregrine/internal/state"
)

// slowRuntime answers Inspect after a delay.
type slowRuntime struct{ delay time.Duration }

func (r slowRuntime) Inspect(ctx context.Context, id string) (*container.Info, error) {
	select {
	case <-time.After(r.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &container.Info{ID: id, Name: "web", Image: "nginx:1.27", ImageRepository: "nginx", ImageTag: "1.27", Type: "docker",
		Labels: map[string]string{container.LabelPodName: "web-0"}, PodName: "web-0", PodNamespace: "shop"}, nil
}

func (slowRuntime) List(context.Context) ([]string, error) { return nil, nil }

// oneEvent is a source of a single event.
type oneEvent struct {
	ev   *event.Event
	done bool
}

func (s *oneEvent) Next() (*event.Event, error) {
	if s.done {
		return nil, errEOF
	}
	s.done = true
	return s.ev, nil
}

var errEOF = io.EOF

// TestContainerMetadata runs an open by a process of a container whose
// metadata the runtime gives fast (the rule sees it) or too slowly (the
// rule's container fields have no value, and the wait is bounded).
func TestContainerMetadata(t *testing.T) {
	const id = "697956520d89f3e0b1c5a2f8b62d1b9e6a07c3e5d4f2a1b0c9d8e7f6a5b4c3d2"
	path := filepath.Join(t.TempDir(), "r.yaml")
	os.WriteFile(path, []byte(`- rule: open in web
  desc: d
  condition: evt.type = openat and container.name = web
  output: "%container.name %container.image.repository %k8s.pod.name %k8s.ns.name"
  priority: WARNING
`), 0o644)
	tests := []struct {
		name  string
		delay time.Duration
		want  string
		late  uint64
	}{
		{"fast runtime", 20 * time.Millisecond, "web nginx web-0 shop", 0},
		{"slow runtime", 2 * time.Second, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := container.NewCache(slowRuntime{tt.delay}, container.Config{})
			defer cache.Close()
			eng := newEngine(t, []string{path}, engine.Options{Containers: cache, ContainerWait: 300 * time.Millisecond, Matching: rules.MatchAll})
			p := event.ProcessDefaults()
			p.TID, p.PID, p.Comm, p.Cgroups = 42, 42, "nginx", "cpu=/docker/"+id+"\x00"
			eng.Bootstrap(state.Bootstrap{Procs: []event.Process{p}})
			var b event.Builder
			b.Reset(307, 1, 42) // openat exit
			b.Int(event.PTFD, 3)
			b.Int(event.PTFD, -100)
			b.String("/etc/nginx/nginx.conf")
			b.Uint(event.PTFlags32, 1)
			b.Uint(event.PTUint32, 0)
			b.Uint(event.PTUint32, 0)
			b.Uint(event.PTUint64, 0)
			var ev event.Event
			if err := b.Build(&ev); err != nil {
				t.Fatal(err)
			}
			var got string
			if err := eng.Run(context.Background(), &oneEvent{ev: &ev}, func(a *alert.Alert) { got = a.Message }); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("alert %q, want %q", got, tt.want)
			}
			if c := eng.Counters(); c.ContainerWaits != 1 || c.ContainerLate != tt.late {
				t.Errorf("waits %d late %d", c.ContainerWaits, c.ContainerLate)
			}
		})
	}
}
