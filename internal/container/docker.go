package container

import (
	"context"
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	ctypes "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

// ErrNotFound is returned (wrapped) by a runtime that does not know a
// container.
var ErrNotFound = errors.New("container not found")

// DefaultDockerHost is where the Docker engine listens unless told
// otherwise.
const DefaultDockerHost = "unix:///var/run/docker.sock"

// Docker asks a Docker engine (or anything that speaks its API, such as
// Podman) about containers, through the official Go client. The API
// version is negotiated with the engine by Ping (else on the first
// request), so engines as old as API 1.24 answer. A Docker is safe for
// concurrent use once Ping has answered: the client's lazy negotiation
// races with concurrent first requests.
type Docker struct {
	api  *client.Client
	host string
}

// NewDocker returns a client of the engine at host ("unix:///path" or
// "tcp://addr:port"). An empty host means $DOCKER_HOST, or
// [DefaultDockerHost] when that is unset. Nothing is dialled until the
// first request.
func NewDocker(host string) (*Docker, error) {
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	api, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker client for %q: %w", host, err)
	}
	return &Docker{api: api, host: api.DaemonHost()}, nil
}

// Host returns the address of the engine.
func (d *Docker) Host() string { return d.host }

// APIVersion returns the API version in use: the negotiated one once a
// request has been made.
func (d *Docker) APIVersion() string { return d.api.ClientVersion() }

// Ping checks that the engine answers and settles the API version.
func (d *Docker) Ping(ctx context.Context) error {
	if _, err := d.api.Ping(ctx); err != nil {
		return fmt.Errorf("ping docker at %s: %w", d.host, err)
	}
	d.api.NegotiateAPIVersion(ctx)
	return nil
}

// Inspect returns what the engine says of container id (a full or short
// id, or a name). A container the engine does not know gives an error
// that wraps [ErrNotFound]. The image is inspected too when the
// container's image reference lacks a repository, tag or digest; an image
// that cannot be inspected leaves those empty (the tag "latest").
func (d *Docker) Inspect(ctx context.Context, id string) (*Info, error) {
	r, err := d.api.ContainerInspect(ctx, id)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return nil, fmt.Errorf("inspect container %s: %w", id, ErrNotFound)
		}
		return nil, fmt.Errorf("inspect container %s: %w", id, err)
	}
	in, err := infoFromInspect(&r)
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", id, err)
	}
	if needsImage(in) {
		img, err := d.api.ImageInspect(ctx, in.ImageID)
		if err != nil && ctx.Err() != nil {
			return nil, fmt.Errorf("inspect image %s of container %s: %w", in.ImageID, id, err)
		}
		if err == nil {
			completeImage(in, &img)
		} else {
			completeImage(in, nil)
		}
	} else {
		completeImage(in, nil)
	}
	if other := sharedNetwork(&r); other != "" && in.IP == "" {
		// The network is another container's (as a pod's containers
		// share their sandbox's): so is the address.
		if o, err := d.api.ContainerInspect(ctx, other); err == nil {
			in.IP = addressOf(o.NetworkSettings)
		}
	}
	return in, nil
}

// List returns the full ids of the running containers.
func (d *Docker) List(ctx context.Context) ([]string, error) {
	cs, err := d.api.ContainerList(ctx, ctypes.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list containers at %s: %w", d.host, err)
	}
	ids := make([]string, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// Close releases the client's connections.
func (d *Docker) Close() error { return d.api.Close() }
