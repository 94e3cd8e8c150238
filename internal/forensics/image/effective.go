package image

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// history aligns the build history with the layers: each step that is not
// an empty_layer step made the next layer, in order. Secrets in the
// commands are redacted and reported.
func (a *analysis) history(cfg imageConfig, layers []Layer) []History {
	out := make([]History, 0, len(cfg.History))
	next := 0
	for i, h := range cfg.History {
		cmd, hits := findSecrets(h.CreatedBy)
		e := History{Index: i, Created: stamp(h.Created), CreatedBy: cmd, Comment: h.Comment, EmptyLayer: h.EmptyLayer}
		layer := -1
		if !h.EmptyLayer {
			if next < len(layers) {
				layer = next
				e.Layer = ptr(next)
				layers[next].History = ptr(i)
				layers[next].CreatedBy = cmd
				layers[next].Comment = h.Comment
				layers[next].Created = e.Created
			}
			next++
		}
		for _, s := range hits {
			f := a.finding(s.severity, "secret-in-history", "", layer, s.rule+" in the command that built this step")
			f.Where, f.Evidence = fmt.Sprintf("history[%d]", i), s.redacted
			a.add(f)
		}
		out = append(out, e)
	}
	if len(cfg.History) > 0 && next != len(layers) {
		f := a.finding(Info, "history-mismatch", "", -1,
			fmt.Sprintf("the history records %d layer-making steps, the image has %d layers", next, len(layers)))
		f.Where = "history"
		a.add(f)
	}
	return out
}

// config returns the effective configuration with secrets redacted and
// reports the secrets and a root user.
func (a *analysis) config(cfg imageConfig) Config {
	c := cfg.Config
	out := Config{
		User: c.User, WorkingDir: c.WorkingDir,
		Env: []string{}, Entrypoint: []string{}, Cmd: []string{},
		ExposedPorts: slices.Sorted(maps.Keys(c.ExposedPorts)),
		Volumes:      slices.Sorted(maps.Keys(c.Volumes)),
		Labels:       map[string]string{},
	}
	out.ExposedPorts = nonNil(out.ExposedPorts)
	out.Volumes = nonNil(out.Volumes)
	report := func(where string, hits []secretHit) {
		for _, s := range hits {
			f := a.finding(s.severity, "secret-in-config", "", -1, s.rule+" in the image configuration")
			f.Where, f.Evidence = where, s.redacted
			a.add(f)
		}
	}
	for _, kv := range c.Env {
		red, hits := envSecrets(kv)
		name, _, _ := strings.Cut(kv, "=")
		report("config.Env["+name+"]", hits)
		out.Env = append(out.Env, red)
	}
	for i, s := range c.Entrypoint {
		red, hits := findSecrets(s)
		report(fmt.Sprintf("config.Entrypoint[%d]", i), hits)
		out.Entrypoint = append(out.Entrypoint, red)
	}
	for i, s := range c.Cmd {
		red, hits := findSecrets(s)
		report(fmt.Sprintf("config.Cmd[%d]", i), hits)
		out.Cmd = append(out.Cmd, red)
	}
	for k, v := range c.Labels {
		red, hits := envSecrets(k + "=" + v)
		report("config.Labels["+k+"]", hits)
		_, out.Labels[k], _ = strings.Cut(red, "=")
	}
	if rootUser(c.User) {
		user := c.User
		if user == "" {
			user = "(none: root)"
		}
		f := a.finding(Medium, "runs-as-root", "", -1, "containers of this image run as root unless told otherwise")
		f.Where, f.Evidence = "config.User", user
		a.add(f)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
