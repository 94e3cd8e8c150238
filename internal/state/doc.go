// Package state keeps the state of a machine as its events describe it:
// the thread table (each thread's process, lineage, credentials,
// executable, arguments, environment, working directory, container), the
// file descriptor table of each process (files, sockets with their ends,
// pipes, ...), users and groups (per container), and the containers seen.
//
// A [State] is bootstrapped from a capture's metadata (or, live, from
// /proc) and then updated by each event, in order ([State.Update]); after
// the update it describes the machine as the event left it, and its
// [Binder] gives the syscall fields (proc.*, fd.*, user.*, container.*,
// evt.* ...) of that event to the rules engine.
//
// Memory is bounded: exited threads are purged, and the thread table has a
// size limit past which the least recently active threads are evicted
// (counted in [Stats]). Events about threads or descriptors the state does
// not know are counted as misses, never guessed.
//
// A State serves one event stream; it is not safe for concurrent use.
package state
