// Package capture is live capture: BPF programs attached to tracepoints
// write each system call as a scap event into a ring buffer, and this
// package reads them, bootstraps from /proc, and pushes into the kernel the
// set of event types the loaded rules need.
//
// Not implemented yet (issue [4]).
package capture
