package scap

import "peregrine/internal/event"

// Meta is the metadata of one capture section: what the section header and
// the metadata blocks before its first event say about the machine. A
// [Reader] builds one per section; a [Writer] writes one at the start of a
// file. Slices are nil when the section carries no such entries.
//
// Process and fd lists accumulate over repeated PL and FDL blocks; a
// repeated MI, IL or UL block replaces the earlier one, as in libs.
type Meta struct {
	// Version is the section header version as stored (major is always 1;
	// minor 0, 1 or 2 occur). The writer always writes 1.2.
	Version Version

	// Machine is nil when the section has no MI block (plugin captures).
	Machine    *event.MachineInfo
	Interfaces []event.Interface // in stored order
	Users      []event.User
	Groups     []event.Group
	Procs      []event.Process // in stored order

	// ProcTails[i] records how the optional V9 tail of Procs[i] was
	// stored, so that the writer can store it the same way. Entries past
	// len(ProcTails) are written with the full current tail. See
	// [ProcTail].
	ProcTails []ProcTail

	// FDLists holds one list per FDL block, in block order (normally one
	// per thread, but a thread may have several blocks or none).
	FDLists []FDList
}

// Version is a section header version.
type Version struct {
	Major, Minor uint16
}

// FDList is the content of one FDL block: the descriptors of one thread.
type FDList struct {
	TID int64
	FDs []event.FD // in stored order; nil when the block lists none
	// NoDev records that FILE_V2 entries of the block were stored without
	// a device number (libs wrote none before 2022). The writer then leaves
	// it out of FILE_V2 entries whose Dev is 0, so that the list is
	// written back as it was read; readers take a missing device as 0.
	NoDev bool
}

// ProcTail describes the optional tail of a PL_V9 process entry, the fields
// after Root (see [event.Process]). Two layouts exist:
//
//   - Legacy (libs before 0.10, including sysdig 0.29.3): loginuid,
//     exe_writable, cap_inheritable, cap_permitted, cap_effective (at most
//     29 bytes).
//   - Current (libs 0.10 and later): pidns_init_start_ts, tty, loginuid,
//     exe_writable, the three capability sets, exe_upper_layer, exe_ino,
//     exe_ino_ctime, exe_ino_mtime, exe_from_memfd, exe_lower_layer, pgid
//     (76 bytes with all 14 fields).
//
// Readers tell them apart by size: a tail of at most 29 bytes is legacy.
// An entry carries a prefix of its layout's fields: each is read only if it
// fits in the entry. Readers of the legacy era read the current layout
// wrongly (sysdig 0.29.3 takes the low half of pidns_init_start_ts as
// loginuid), so a capture read with a legacy tail is written back with it.
type ProcTail struct {
	Legacy bool  // legacy layout; false when Fields is 0
	Fields uint8 // number of tail fields stored, in layout order
	// Rest holds bytes after the last field that this build does not know
	// (newer fields, or a partial field); they are written back verbatim.
	Rest []byte
}

// Tail field counts of the two layouts.
const (
	legacyTailFields  = 5
	currentTailFields = 14
	legacyTailMax     = 29 // bytes: the legacy layout with all its fields
)
