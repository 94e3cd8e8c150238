package forensics

import (
	"context"
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

// ErrNoContainer is returned (wrapped) for a container the engine does
// not know.
var ErrNoContainer = errors.New("no such container")

// Engine is a Docker engine reached through the official Go client, with
// the API version negotiated. It is safe for concurrent use once
// [Connect] has returned.
type Engine struct {
	api  *client.Client
	host string
}

// Connect returns the engine at host ("unix:///path", "tcp://addr:port");
// an empty host means $DOCKER_HOST, else the default socket. It pings the
// engine, so an engine that does not answer is an error here.
func Connect(ctx context.Context, host string) (*Engine, error) {
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	api, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	e := &Engine{api: api, host: api.DaemonHost()}
	if _, err := api.Ping(ctx); err != nil {
		api.Close()
		return nil, fmt.Errorf("docker engine at %s does not answer (is dockerd running? DOCKER_HOST chooses another engine): %w", e.host, err)
	}
	api.NegotiateAPIVersion(ctx)
	return e, nil
}

// Host returns the engine's address.
func (e *Engine) Host() string { return e.host }

// APIVersion returns the negotiated API version.
func (e *Engine) APIVersion() string { return e.api.ClientVersion() }

// Close releases the client's connections.
func (e *Engine) Close() error { return e.api.Close() }

// Inspect returns what the engine says of container ref (id, short id or
// name). An unknown container gives an error wrapping [ErrNoContainer].
func (e *Engine) Inspect(ctx context.Context, ref string) (container.InspectResponse, error) {
	c, err := e.api.ContainerInspect(ctx, ref)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return c, fmt.Errorf("container %s: %w", ref, ErrNoContainer)
		}
		return c, fmt.Errorf("inspect container %s: %w", ref, err)
	}
	return c, nil
}
