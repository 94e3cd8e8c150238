package field

import "peregrine/internal/event"

// SourceCompute is the source of the compute sampler's events: one JSON
// document each time a container's or a process's CPU usage has stayed
// above a threshold for a whole window, or has come back under it.
const SourceCompute = "compute"

// ClassCompute groups the fields of the compute source.
const ClassCompute = "compute"

// computeFields are the fields of the compute source (Peregrine's own; no
// Falco plugin has them). Percentages are whole numbers, rounded.
var computeFields = []Field{
	{Name: "compute.kind", Type: event.PTCharbuf, Desc: "What the event is about: container (a container's cgroup) or process (one process)."},
	{Name: "compute.state", Type: event.PTCharbuf, Desc: "State of the usage: high when it has stayed above the threshold for the whole window, normal when it has come back under it after a high event."},
	{Name: "compute.cpu.pct", Type: event.PTUint32, Desc: "Average CPU usage over the time above the threshold, in percent of one CPU (200 is two CPUs busy)."},
	{Name: "compute.cpu.cores_pct", Type: event.PTUint32, Desc: "The same usage in percent of all the machine's CPUs."},
	{Name: "compute.cpu.min_pct", Type: event.PTUint32, Desc: "Lowest usage of one sampling interval within that time, in percent of one CPU."},
	{Name: "compute.cpus", Type: event.PTUint32, Desc: "Number of CPUs of the machine."},
	{Name: "compute.threshold", Type: event.PTUint32, Desc: "Threshold the usage is compared with, in percent of one CPU."},
	{Name: "compute.window", Type: event.PTUint64, Desc: "Window the usage must stay above the threshold for, in seconds."},
	{Name: "compute.duration", Type: event.PTUint64, Desc: "How long the usage has been above the threshold, in seconds (at least the window for a high event)."},
	{Name: "compute.since", Type: event.PTCharbuf, Desc: "When the usage went above the threshold (RFC 3339, UTC)."},
	{Name: "compute.interval", Type: event.PTUint64, Desc: "Sampling interval, in milliseconds."},
	{Name: "compute.cgroup", Type: event.PTCharbuf, Desc: "Cgroup whose CPU accounting was read for a container (its path in the cgroup hierarchy)."},
	{Name: "compute.container.id", Type: event.PTCharbuf, Desc: "Container id (12 hex digits); host for a process outside any container."},
	{Name: "compute.container.full_id", Type: event.PTCharbuf, Desc: "Full container id (64 hex digits); no value outside containers."},
	{Name: "compute.container.name", Type: event.PTCharbuf, Desc: "Container name, from the container runtime; no value when the runtime was not asked or did not answer."},
	{Name: "compute.container.image", Type: event.PTCharbuf, Desc: "Container image, from the container runtime; no value when the runtime was not asked or did not answer."},
	{Name: "compute.proc.pid", Type: event.PTInt64, Desc: "Process id: the process itself, or the busiest process of the container in the last interval."},
	{Name: "compute.proc.name", Type: event.PTCharbuf, Desc: "Process name (its comm, at most 15 characters)."},
	{Name: "compute.proc.exepath", Type: event.PTCharbuf, Desc: "Path of the process's executable, as /proc/<pid>/exe links to it."},
	{Name: "compute.proc.cmdline", Type: event.PTCharbuf, Desc: "Command line of the process, arguments separated by spaces."},
	{Name: "compute.proc.cpu.pct", Type: event.PTUint32, Desc: "For a container event, the CPU usage of that process in the last interval, in percent of one CPU."},
	{Name: "compute.host", Type: event.PTCharbuf, Desc: "Name of the host the sampler runs on."},
}
