// Package capture is live capture: BPF programs attached to tracepoints
// write each system call as a scap event into a ring buffer, and this
// package reads them in place.
//
// The kernel side (bpf/probe.c, compiled with bpf2go, CO-RE against the
// committed bpf/vmlinux.h) runs at every system call exit (tp_btf/sys_exit)
// and process exit (tp_btf/sched_process_exit). A per-system-call filter
// map returns at once for what is not wanted; what is wanted is encoded as
// the exit event of the current event table, carrying the enter
// parameters, in the scap v2 layout of package event. Most system calls
// are encoded by one table-driven encoder from a spec the loader writes
// into a map (specs.go); execve, execveat and the clone family have
// dedicated code for their process data. Events are sent through a BPF
// ring buffer with batched wakeups and read without a copy
// ([Capture.Next]). Per-CPU counters account for every exit: seen, sent,
// dropped (ring buffer full, or other), filtered.
//
// The /proc snapshot that bootstraps the state at start-up lives here too
// (snapshot*.go, procfs*.go).
package capture
