// Package event holds Peregrine's one event encoding: the scap event table
// (every event type of current falcosecurity-libs with its parameters), a
// zero-copy [Event] view over the bytes of one event, the decoding of each
// parameter type into typed values and into the text that sysdig prints,
// and the records that describe a machine at capture start (processes,
// file descriptors, users, groups, interfaces).
//
// An event is laid out as the kernel side writes it and as a capture file
// stores it (scap "v2" layout, little-endian):
//
//	u64 ts (ns since the epoch) | u64 tid | u32 len | u16 type | u32 nparams
//	nparams lengths (u16 each, u32 for types flagged [LargePayload])
//	the parameters, back to back
//
// Live capture, capture files and replay all hand the same bytes to the rest
// of the pipeline, so nothing here knows where an event came from.
//
// The package is pure and uses the standard library only. It does not keep
// state across events: resolving a file descriptor to a path or a thread id
// to a process name is the job of package state.
package event
