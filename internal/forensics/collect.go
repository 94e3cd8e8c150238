package forensics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
)

// ErrIncomplete is returned (wrapped), with the [Result], by [Collect]
// when some artifacts could not be collected; the others are in the
// bundle and the failures are in its manifest and custody log.
var ErrIncomplete = errors.New("collection incomplete")

// Options says what [Collect] collects and where.
type Options struct {
	Case        string    // case identifier, required
	Out         string    // bundle directory: created, or existing and empty
	Pause       bool      // pause running containers while collecting, unpause after
	NoExport    bool      // skip the file system export
	NoImage     bool      // skip the image save and history
	ToolVersion string    // recorded in the manifest
	Operator    string    // who collects; empty means [DefaultOperator]
	ProcRoot    string    // the host's /proc; empty means "/proc"
	Progress    io.Writer // where progress lines go for exports and saves; nil for none
}

// Result is what a collection produced.
type Result struct {
	Dir      string // the bundle
	Manifest Manifest
	Failures []string // one line per artifact or step that failed
}

// Bytes returns the total size of the artifacts.
func (r *Result) Bytes() int64 {
	var n int64
	for _, a := range r.Manifest.Artifacts {
		n += a.Size
	}
	return n
}

// DefaultOperator names who runs the collection: $SUDO_USER when run
// through sudo, else the current user.
func DefaultOperator() string {
	if s := os.Getenv("SUDO_USER"); s != "" {
		return s
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}

// suspect is one container of the case.
type suspect struct {
	entry  ContainerEntry
	info   container.InspectResponse
	paused bool // paused by the collector and not unpaused yet
}

// collector holds one collection in progress.
type collector struct {
	e        *Engine
	b        *Bundle
	opt      Options
	suspects []*suspect
	failures []string
	images   map[string]string // image id -> bundle path of its saved tar
}

// Collect gathers the evidence of the containers refs (ids or names) from
// the engine e and the host's /proc into a new bundle at opt.Out, in
// order of volatility: engine identity, processes (docker top, then
// /proc/<pid>/... of every process), container and image metadata,
// network, mounts and volumes, the host's container list, file system
// changes, logs, the exported file system, the saved image and its
// history. Nothing is run inside the containers. Every artifact is hashed
// as it is written; the bundle ends sealed (see [Bundle.Seal]).
//
// Unknown containers, an output directory that is not empty and an
// unwritable bundle are errors before anything is collected. Artifacts
// that fail are recorded and the collection goes on; the result then
// comes with an error wrapping [ErrIncomplete]. With opt.Pause, the
// containers paused by the collector are unpaused before the bundle is
// sealed, and on a panic as well.
func Collect(ctx context.Context, e *Engine, refs []string, opt Options) (*Result, error) {
	if strings.TrimSpace(opt.Case) == "" {
		return nil, errors.New("collect: a case id is required")
	}
	if len(refs) == 0 {
		return nil, errors.New("collect: no container named")
	}
	if opt.Operator == "" {
		opt.Operator = DefaultOperator()
	}
	if opt.ProcRoot == "" {
		opt.ProcRoot = "/proc"
	}
	c := &collector{e: e, opt: opt, images: map[string]string{}}
	if err := c.resolve(ctx, refs); err != nil {
		return nil, err
	}
	b, err := CreateBundle(opt.Out, opt.Operator)
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	c.b = b
	m := Manifest{
		Case: opt.Case, Tool: "peregrine", ToolVersion: opt.ToolVersion, Operator: opt.Operator,
		Host: hostIdentity(opt.ProcRoot), Engine: EngineIdentity{Host: e.Host(), APIVersion: e.APIVersion()},
		Options: CollectFlags{Pause: opt.Pause, Export: !opt.NoExport, Image: !opt.NoImage},
		Started: time.Now().UTC(),
	}
	b.custody.Record("collect", "case %q by %s with peregrine %s on %s; engine %s API %s; containers %s",
		opt.Case, opt.Operator, opt.ToolVersion, m.Host.Hostname, e.Host(), e.APIVersion(), strings.Join(refs, " "))
	m.Engine.ServerVersion = c.engineState(ctx, m.Host)
	c.gather(ctx)
	m.Finished = time.Now().UTC()
	for _, s := range c.suspects {
		m.Containers = append(m.Containers, s.entry)
	}
	b.custody.Record("collect", "done: %d artifacts, %d failures", len(b.artifacts), len(c.failures))
	if err := b.Seal(&m); err != nil {
		c.failures = append(c.failures, err.Error())
	}
	res := &Result{Dir: opt.Out, Manifest: m, Failures: c.failures}
	if len(c.failures) > 0 {
		return res, fmt.Errorf("collect case %s: %w: %d failures (see %s)", opt.Case, ErrIncomplete, len(c.failures), path.Join(opt.Out, CustodyFile))
	}
	return res, nil
}

// gather collects the containers' evidence after the engine's, in order
// of volatility. With --pause the containers are paused first and
// unpaused when gather returns or panics, before the bundle is sealed.
func (c *collector) gather(ctx context.Context) {
	if c.opt.Pause {
		c.pause(ctx)
		defer c.unpause(ctx)
	}
	for _, s := range c.suspects {
		c.processes(ctx, s)
	}
	for _, s := range c.suspects {
		c.metadata(ctx, s)
	}
	c.hostContainers(ctx)
	for _, s := range c.suspects {
		c.filesystem(ctx, s)
	}
	if !c.opt.NoImage {
		for _, s := range c.suspects {
			c.image(ctx, s)
		}
	}
}

// resolve inspects every container named, once each, and gives each its
// bundle folder.
func (c *collector) resolve(ctx context.Context, refs []string) error {
	seen := map[string]bool{}
	for _, ref := range refs {
		info, err := c.e.Inspect(ctx, ref)
		if err != nil {
			return fmt.Errorf("collect: %w", err)
		}
		if seen[info.ID] {
			continue
		}
		seen[info.ID] = true
		name := strings.TrimPrefix(info.Name, "/")
		s := &suspect{info: info, entry: ContainerEntry{
			Ref: ref, ID: info.ID, Name: name, Image: info.Image,
			Dir: "containers/" + safeName(name) + "-" + shortID(info.ID),
		}}
		if info.State != nil {
			s.entry.State = info.State.Status
			s.entry.PID = info.State.Pid
		}
		c.suspects = append(c.suspects, s)
	}
	return nil
}

// step notes the failure of one artifact.
func (c *collector) step(a Artifact, err error) {
	if err != nil {
		c.failures = append(c.failures, fmt.Sprintf("%s: %v", a.Path, err))
	}
}

// fail notes a failure that has no artifact of its own.
func (c *collector) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.failures = append(c.failures, msg)
	c.b.custody.Record("error", "%s", msg)
}

// pause pauses each running container that is not paused already.
func (c *collector) pause(ctx context.Context) {
	for _, s := range c.suspects {
		st := s.info.State
		if st == nil || !st.Running || st.Paused {
			c.b.custody.Record("note", "%s not paused: state %s", s.entry.ID, s.entry.State)
			continue
		}
		if err := c.e.api.ContainerPause(ctx, s.entry.ID); err != nil {
			c.fail("pause %s: %v", s.entry.ID, err)
			continue
		}
		s.entry.Paused, s.paused = true, true
		c.b.custody.Record("pause", "%s paused (POST /containers/%s/pause)", s.entry.ID, s.entry.ID)
	}
}

// unpause unpauses the containers that pause paused, even when ctx is
// cancelled.
func (c *collector) unpause(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for _, s := range c.suspects {
		if !s.paused {
			continue
		}
		if err := c.e.api.ContainerUnpause(ctx, s.entry.ID); err != nil {
			c.fail("unpause %s: %v", s.entry.ID, err)
			continue
		}
		s.paused = false
		c.b.custody.Record("unpause", "%s unpaused (POST /containers/%s/unpause)", s.entry.ID, s.entry.ID)
	}
}

// unsafeChars are the characters kept out of folder names.
var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// safeName makes a container name fit for a folder name.
func safeName(name string) string {
	s := strings.Trim(unsafeChars.ReplaceAllString(name, "_"), ".")
	if s == "" {
		return "container"
	}
	return s
}

// shortID returns the first 12 characters of an id.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
