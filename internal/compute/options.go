package compute

import (
	"fmt"
	"runtime"
	"time"
)

// Defaults of the sampler (see doc.go for why these).
const (
	DefaultInterval  = 5 * time.Second
	DefaultThreshold = 80.0 // percent of one CPU
	DefaultWindow    = 60 * time.Second
	DefaultRealert   = 10 * time.Minute
)

// Options configure a [Sampler]. The zero value of a field means its
// default.
type Options struct {
	// Interval is the time between two sampling rounds.
	Interval time.Duration
	// Threshold is the usage, in percent of one CPU, that counts as
	// high: 80 is four fifths of one CPU, 150 one and a half CPUs.
	Threshold float64
	// Window is how long every interval must stay at or above the
	// threshold before a high event is raised.
	Window time.Duration
	// Realert is how long a usage that stays high waits before it is
	// raised again.
	Realert time.Duration
	// Root is where the machine's file system starts: /proc and
	// /sys/fs/cgroup are read under it. "" means "/"; tests give a fake
	// tree.
	Root string
	// CPUs is the number of CPUs of the machine, for cores_pct; 0 means
	// runtime.NumCPU().
	CPUs int
	// Hostname goes into every event (compute.host).
	Hostname string
	// Now gives the time of a round; nil means time.Now.
	Now func() time.Time
	// Container, when set, gives the name and image of a container by
	// its full id (from the container runtime's metadata cache). It
	// must not block.
	Container func(fullID string) (name, image string)
}

// withDefaults fills in the zero fields and checks the others.
func (o Options) withDefaults() (Options, error) {
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.Realert == 0 {
		o.Realert = DefaultRealert
	}
	if o.Root == "" {
		o.Root = "/"
	}
	if o.CPUs == 0 {
		o.CPUs = runtime.NumCPU()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	switch {
	case o.Interval < 0 || o.Window < 0 || o.Realert < 0:
		return o, fmt.Errorf("compute: negative interval, window or realert")
	case o.Threshold < 0:
		return o, fmt.Errorf("compute: threshold %g: want a percentage above 0", o.Threshold)
	case o.Window < o.Interval:
		return o, fmt.Errorf("compute: window %v is shorter than the interval %v: it would never hold two samples", o.Window, o.Interval)
	case o.CPUs < 0:
		return o, fmt.Errorf("compute: %d CPUs", o.CPUs)
	}
	return o, nil
}
