package forensics

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
)

// engineState records the host's identity (as the manifest has it) and
// the engine's version and info; it returns the engine's version.
func (c *collector) engineState(ctx context.Context, host HostIdentity) string {
	c.step(c.b.WriteJSON("host/host.json", "hostname, "+c.opt.ProcRoot+"/sys/kernel/*, /etc/machine-id", host))
	v, err := c.e.api.ServerVersion(ctx)
	if err != nil {
		c.fail("host/engine-version.json: GET /version: %v", err)
	} else {
		c.step(c.b.WriteJSON("host/engine-version.json", "GET /version", v))
	}
	info, err := c.e.api.Info(ctx)
	if err != nil {
		c.fail("host/engine-info.json: GET /info: %v", err)
	} else {
		c.step(c.b.WriteJSON("host/engine-info.json", "GET /info", info))
	}
	return v.Version
}

// hostIdentity says which machine this is, from the host's /proc and
// /etc/machine-id.
func hostIdentity(procRoot string) HostIdentity {
	h := HostIdentity{}
	h.Hostname, _ = os.Hostname()
	if id, err := os.ReadFile("/etc/machine-id"); err == nil {
		h.MachineID = strings.TrimSpace(string(id))
	}
	var parts []string
	for _, f := range []string{"ostype", "osrelease", "version"} {
		if b, err := os.ReadFile(path.Join(procRoot, "sys/kernel", f)); err == nil {
			parts = append(parts, strings.TrimSpace(string(b)))
		}
	}
	h.Kernel = strings.Join(append(parts, runtime.GOARCH), " ")
	return h
}

// processes records the container's process list as the engine sees it
// (docker top, run by the engine on the host), a resource use sample
// (docker stats --no-stream: CPU use is the mark of a miner) and, for
// every process in the list, what the host's /proc shows.
func (c *collector) processes(ctx context.Context, s *suspect) {
	if st := s.info.State; st == nil || !st.Running {
		c.b.custody.Record("note", "%s is %s: no processes to collect", s.entry.ID, s.entry.State)
		return
	}
	top, err := c.e.api.ContainerTop(ctx, s.entry.ID, nil)
	if err != nil {
		c.fail("%s/top.json: GET /containers/%s/top: %v", s.entry.Dir, s.entry.ID, err)
		return
	}
	c.step(c.b.WriteJSON(s.entry.Dir+"/top.json", "GET /containers/"+s.entry.ID+"/top", top))
	c.step(c.b.Write(s.entry.Dir+"/stats.json", "GET /containers/"+s.entry.ID+"/stats?stream=0", func(w io.Writer) error {
		st, err := c.e.api.ContainerStats(ctx, s.entry.ID, false)
		if err != nil {
			return err
		}
		defer st.Body.Close()
		_, err = io.Copy(w, st.Body)
		return err
	}))
	pids, err := topPIDs(top)
	if err != nil {
		c.fail("%s: %v", s.entry.Dir, err)
		return
	}
	for _, pid := range pids {
		for _, err := range collectProcess(c.b, c.opt.ProcRoot, pid, s.entry.Dir+"/proc/"+strconv.Itoa(pid)) {
			c.failures = append(c.failures, fmt.Sprintf("pid %d: %v", pid, err))
		}
	}
}

// topPIDs returns the host pids of a docker top answer, in its order.
func topPIDs(top container.TopResponse) ([]int, error) {
	col := -1
	for i, t := range top.Titles {
		if t == "PID" {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("top: no PID column in %q", top.Titles)
	}
	out := make([]int, 0, len(top.Processes))
	for _, p := range top.Processes {
		if col >= len(p) {
			return nil, fmt.Errorf("top: row %q has no PID column", p)
		}
		pid, err := strconv.Atoi(p[col])
		if err != nil {
			return nil, fmt.Errorf("top: pid %q: %w", p[col], err)
		}
		out = append(out, pid)
	}
	return out, nil
}

// metadata records the container's and its image's inspect documents,
// its network settings and networks, and its mounts and volumes.
func (c *collector) metadata(ctx context.Context, s *suspect) {
	id, dir := s.entry.ID, s.entry.Dir
	info, raw, err := c.e.api.ContainerInspectWithRaw(ctx, id, true)
	if err != nil {
		c.fail("%s/inspect.json: GET /containers/%s/json?size=1: %v", dir, id, err)
		info = s.info
	} else {
		c.step(c.b.Write(dir+"/inspect.json", "GET /containers/"+id+"/json?size=1", writeBytes(raw)))
	}
	var img bytes.Buffer
	if _, err := c.e.api.ImageInspect(ctx, s.entry.Image, client.ImageInspectWithRawResponse(&img)); err != nil {
		c.fail("%s/image-inspect.json: GET /images/%s/json: %v", dir, s.entry.Image, err)
	} else {
		c.step(c.b.Write(dir+"/image-inspect.json", "GET /images/"+s.entry.Image+"/json", writeBytes(img.Bytes())))
	}
	nets := struct {
		Settings *container.NetworkSettings `json:"settings"`
		Networks map[string]network.Inspect `json:"networks"`
	}{Settings: info.NetworkSettings, Networks: map[string]network.Inspect{}}
	if info.NetworkSettings != nil {
		for name, ep := range info.NetworkSettings.Networks {
			ref := name
			if ep != nil && ep.NetworkID != "" {
				ref = ep.NetworkID
			}
			n, err := c.e.api.NetworkInspect(ctx, ref, network.InspectOptions{})
			if err != nil {
				c.fail("%s/network.json: GET /networks/%s: %v", dir, ref, err)
				continue
			}
			nets.Networks[name] = n
		}
	}
	c.step(c.b.WriteJSON(dir+"/network.json", "inspect NetworkSettings; GET /networks/{id} for each", nets))
	mounts := struct {
		Mounts  []container.MountPoint   `json:"mounts"`
		Volumes map[string]volume.Volume `json:"volumes"`
	}{Mounts: info.Mounts, Volumes: map[string]volume.Volume{}}
	for _, mp := range info.Mounts {
		if mp.Type != "volume" || mp.Name == "" {
			continue
		}
		v, err := c.e.api.VolumeInspect(ctx, mp.Name)
		if err != nil {
			c.fail("%s/mounts.json: GET /volumes/%s: %v", dir, mp.Name, err)
			continue
		}
		mounts.Volumes[mp.Name] = v
	}
	c.step(c.b.WriteJSON(dir+"/mounts.json", "inspect Mounts; GET /volumes/{name} for each volume", mounts))
}

// hostContainers records every container of the engine, stopped ones
// too (docker ps -a --no-trunc).
func (c *collector) hostContainers(ctx context.Context) {
	list, err := c.e.api.ContainerList(ctx, container.ListOptions{All: true})
	if err != nil {
		c.fail("host/containers.json: GET /containers/json?all=1: %v", err)
		return
	}
	c.step(c.b.WriteJSON("host/containers.json", "GET /containers/json?all=1", list))
}

// filesystem records the container's file system changes, its logs and,
// unless told not to, its exported file system.
func (c *collector) filesystem(ctx context.Context, s *suspect) {
	id, dir := s.entry.ID, s.entry.Dir
	changes, err := c.e.api.ContainerDiff(ctx, id)
	if err != nil {
		c.fail("%s/changes.json: GET /containers/%s/changes: %v", dir, id, err)
	} else {
		c.step(c.b.WriteJSON(dir+"/changes.json", "GET /containers/"+id+"/changes", changes))
	}
	c.logs(ctx, s)
	if c.opt.NoExport {
		c.b.custody.Record("note", "%s: export skipped (--no-export)", id)
		return
	}
	c.step(c.b.Write(dir+"/filesystem.tar", "GET /containers/"+id+"/export", func(w io.Writer) error {
		rc, err := c.e.api.ContainerExport(ctx, id)
		if err != nil {
			return err
		}
		defer rc.Close()
		return c.copyWithProgress(w, rc, "export "+s.entry.Name)
	}))
}

// logs records the container's logs with timestamps: one file per stream
// when the engine multiplexes them (no TTY), else the terminal's output.
func (c *collector) logs(ctx context.Context, s *suspect) {
	id, dir := s.entry.ID, s.entry.Dir
	src := "GET /containers/" + id + "/logs?stdout=1&stderr=1&timestamps=1&details=1"
	open := func() (io.ReadCloser, error) {
		return c.e.api.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true, Details: true})
	}
	if s.info.Config != nil && s.info.Config.Tty {
		c.step(c.b.Write(dir+"/logs/tty.log", src, func(w io.Writer) error {
			rc, err := open()
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = io.Copy(w, rc)
			return err
		}))
		return
	}
	out, err := c.b.Create(dir+"/logs/stdout.log", src+" (stream 1)")
	if err != nil {
		c.fail("%v", err)
		return
	}
	errw, err := c.b.Create(dir+"/logs/stderr.log", src+" (stream 2)")
	if err != nil {
		c.step(out.Finish(err))
		return
	}
	rc, err := open()
	if err == nil {
		_, err = stdcopy.StdCopy(out, errw, rc)
		rc.Close()
	}
	c.step(out.Finish(err))
	c.step(errw.Finish(err))
}

// image records the container's image (docker save) and its history,
// once per image in the bundle (a save that failed is tried again for the
// next container of the image).
func (c *collector) image(ctx context.Context, s *suspect) {
	imageID, dir := s.entry.Image, s.entry.Dir
	if p, ok := c.images[imageID]; ok {
		s.entry.ImageDump = p
		c.b.custody.Record("note", "%s: image %s saved already as %s", s.entry.ID, imageID, p)
		return
	}
	hist, err := c.e.api.ImageHistory(ctx, imageID)
	if err != nil {
		c.fail("%s/image-history.json: GET /images/%s/history: %v", dir, imageID, err)
	} else {
		c.step(c.b.WriteJSON(dir+"/image-history.json", "GET /images/"+imageID+"/history", hist))
	}
	a, err := c.b.Write(dir+"/image.tar", "GET /images/get?names="+imageID, func(w io.Writer) error {
		rc, err := c.e.api.ImageSave(ctx, []string{imageID})
		if err != nil {
			return err
		}
		defer rc.Close()
		return c.copyWithProgress(w, rc, "save "+shortID(strings.TrimPrefix(imageID, "sha256:")))
	})
	c.step(a, err)
	s.entry.ImageDump = a.Path
	if err == nil {
		c.images[imageID] = a.Path
	}
}

// copyWithProgress copies src to dst in large blocks, showing progress
// when the collector has somewhere to show it.
func (c *collector) copyWithProgress(dst io.Writer, src io.Reader, label string) error {
	if c.opt.Progress != nil {
		p := NewProgress(c.opt.Progress, label)
		defer p.Done()
		dst = io.MultiWriter(dst, p)
	}
	_, err := io.CopyBuffer(dst, src, make([]byte, 1<<20))
	return err
}

// writeBytes returns a fill function that writes b.
func writeBytes(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}
