package main

import (
	"context"
	"fmt"
	"time"

	"peregrine/internal/alert"
	"peregrine/internal/compute"
	"peregrine/internal/config"
	"peregrine/internal/container"
	"peregrine/internal/engine"
	"peregrine/internal/rules"
)

// computeRun is the compute sampler of peregrine run and the rules of
// the compute source it feeds.
type computeRun struct {
	rules   *docRules
	sampler *compute.Sampler
}

// newCompute builds the sampler of the configuration, or returns nil
// when it is disabled, when no rule of the compute source is loaded, or
// when the machine has no cgroup CPU accounting (said with a note; the
// agent runs on without it). A rule that does not compile is an error.
func newCompute(cfg *config.Config, spec *rules.Spec, eo engine.Options, a *agent) (*computeRun, []rules.Diagnostic, error) {
	c := cfg.Compute
	if !c.Enabled {
		return nil, nil, nil
	}
	d, diags, err := newDocRules(compute.Def(), spec, eo)
	if err != nil {
		return nil, diags, err
	}
	if d.active() == 0 {
		return nil, diags, nil
	}
	s, err := compute.New(compute.Options{
		Interval: c.Interval, Threshold: float64(c.ThresholdPercent), Window: c.Window, Realert: c.Realert,
		Hostname: hostname(), Container: containerNames(eo.Containers),
	})
	if err != nil {
		a.note("compute sampler off: %v", err)
		return nil, diags, nil
	}
	return &computeRun{rules: d, sampler: s}, diags, nil
}

// containerNames gives the sampler a container's name and image from the
// metadata cache, without waiting: a container the cache does not know
// yet is requested, for the next event.
func containerNames(cache *container.Cache) func(string) (string, string) {
	if cache == nil {
		return nil
	}
	return func(id string) (string, string) {
		info, st := cache.Get(id)
		if st != container.StatusReady {
			cache.Request(id)
			return "", ""
		}
		return info.Name, info.Image
	}
}

// run samples until ctx ends, each event through the rules in effect.
func (c *computeRun) run(ctx context.Context, emit func(*alert.Alert)) {
	c.sampler.Run(ctx, func(doc []byte, t time.Time) {
		c.rules.take().Eval(doc, t, emit)
	})
}

// summary says what the sampler did.
func (c *computeRun) summary() string {
	st := c.sampler.Stats()
	rc, _, _ := c.rules.counters()
	o := c.sampler.Options()
	return fmt.Sprintf("compute: %d rounds every %v (cgroup v%d), %d events, %d alerts; threshold %g%% of one CPU for %v",
		st.Rounds, o.Interval, c.sampler.CgroupVersion(), st.Events, rc.Alerts, o.Threshold, o.Window)
}
