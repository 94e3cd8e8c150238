// Package state keeps the state of the machine as events describe it:
// threads and their lineage, file descriptor tables, users and groups, and
// the container of each process. It implements the extractors of the
// syscall fields (proc.*, fd.*, user.*, container.* ...).
//
// Not implemented yet (issue [3]).
package state
