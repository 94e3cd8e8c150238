// Package compute samples the CPU usage of containers and processes on
// the host and reports, as events of the compute source, those whose
// usage stays high for a whole window: what a cryptominer looks like
// from the outside, whatever its name (issue [9], item 4).
//
// # Sampling
//
// Every interval (5 s by default) a [Sampler] reads, for every process,
// /proc/<pid>/stat (utime + stime, all threads, in USER_HZ clock ticks)
// and, for every container those processes belong to, the CPU time its
// cgroup has used: cpuacct.usage (nanoseconds) under cgroup v1, the
// usage_usec line of cpu.stat under cgroup v2. Which version the machine
// has is detected once, at New. A process's cgroup, and so its container
// (the 64-digit id in the cgroup path: Docker's cgroupfs and systemd
// drivers, containerd, CRI-O, Podman), is read from /proc/<pid>/cgroup
// once per process (a process is its pid and start time); the cmdline and
// the executable are read only for the processes an event names. A round
// costs one open and read per process and per container (see the
// benchmark); nothing is kept of a process or container once it is gone.
//
// The usage of an interval is the CPU time used in it over its length,
// in percent of one CPU (200 is two CPUs busy); compute.cpu.cores_pct
// divides it by the number of CPUs.
//
// # Window
//
// A usage is high when every interval of a run is at or above the
// threshold (80% of one CPU by default) and the run has lasted the
// window (60 s by default): one high event then, and again every realert
// interval (10 min by default) while it stays high. A short dip does not
// raise a new alert before realert either: a miner throttled now and
// then is one alert per realert interval, not one per window. Once the
// usage has been under the threshold for a whole window, a normal event
// says so (the default rules ignore it) and the next high run is a new
// alert. A counter that goes back (a container restarted under the same
// id) or a key that vanishes starts over.
//
// Why these defaults: 80% of one CPU is well above what services idle or
// serve at, and a miner takes all it is given (usually 100% per thread);
// a minute rules out builds' and start-ups' bursts of a few seconds, and
// on a 5 s interval it is 12 samples in a row; ten minutes between
// reminders keeps a miner that runs for hours in view without flooding
// the outputs. All are settings (compute: in peregrine.yaml).
//
// # Events
//
// Each event is a JSON document, so the rules run on it through package
// docsrc as on any document source: source compute, fields compute.*
// (internal/field/compute.go), plus evt.* and json.*. For a container the
// event names its busiest process of the last interval.
//
// The fields are compute.* rather than the syscall source's proc.* and
// container.*: those are answered from the thread table the system call
// events build (parents, ancestors, users, file descriptors, the
// container plugin's 40 fields), which a sampler does not have and could
// only half fill; a rule that reads proc.pname would compile against the
// compute source and never match. A source of its own with the few fields
// it can really give keeps the catalog honest, lets rules say what they
// mean (compute.kind = container and compute.state = high), and keeps the
// sampler out of the system call pipeline (no synthetic syscall events
// for the state to misread). The names end like the syscall ones
// (compute.container.id, compute.proc.cmdline) so that `peregrine
// incidents` finds the keys by suffix.
package compute
