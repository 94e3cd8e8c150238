// Package scap reads and writes capture files in the scap format of
// sysdig and Falco (a pcapng-like sequence of blocks; plain or gzip): the
// section header, machine info, interface, user, process and fd lists, and
// event blocks of every version. It hands events on as the bytes of
// package event, and normalises captures written with separate enter and
// exit events into exit events that carry the enter parameters, as current
// falcosecurity-libs does.
//
// # Reading
//
// [Open] or [NewReader] read the section header and the metadata blocks
// that precede the first event ([Reader.Meta]); [Reader.Next] then yields
// the events in stored order, without allocating. The reader accepts every
// block version libs reads: section header 1.x (its pcapng options are
// skipped), MI, IL and IL_V2, UL and UL_V2, PL V1 to V9, FDL and FDL_V2,
// the legacy *_INT ids, and EV, EVF, EV_V2, EVF_V2, EV_V2_LARGE and
// EVF_V2_LARGE event blocks. Blocks of unknown type are skipped by length
// and counted ([Stats]). Events of types beyond the event table are
// skipped and counted, as libs skips them. Events of v1 blocks (22-byte
// header without a parameter count) are rewritten in place to the v2
// layout, with the count inferred as libs infers it. Bytes after an event
// inside its block (pcapng options written by editcap) are ignored.
//
// A section header or metadata block that follows events starts a new
// section (concatenated captures): its metadata replaces the current
// [Meta] and reading goes on. libs requires such a section to begin with a
// section header; this reader also accepts a bare metadata block.
//
// Bad input never panics and never makes the reader allocate more than the
// stream holds: lengths are checked before use and large blocks are read
// in steps. Event blocks are limited to 64 KiB as in libs (the *_LARGE ones
// to [MaxLargeEventBlock]), metadata blocks to [MaxMetaBlock], strings in
// metadata entries to libs' limits. Every error is a [*FormatError] naming
// the block and its offset in the uncompressed stream, wrapping one of the
// sentinel errors (or event.ErrMalformed).
//
// # Writing
//
// [NewWriter] writes what current libs writes and what sysdig 0.29.3 and
// Wireshark read: a section header 1.2 without options, MI, IL_V2, UL_V2,
// one PL_V9, one FDL_V2 per fd list, then [Writer.Write] adds one EV_V2
// block per event (EVF_V2 when the event has block flags, the *_LARGE
// forms for types with 32-bit parameter lengths or blocks over 64 KiB).
// Every length is computed from the bytes written. Process entries keep
// the V9 tail layout they were read with ([ProcTail]) and fd lists keep
// FILE_V2 entries without a device number when they had none
// ([FDList].NoDev), so a capture whose metadata is already in this layout
// is rewritten byte for byte. [WriterOptions].Gzip compresses the file.
//
// # What it is not
//
// The reader does not interpret events: it does not keep a thread or fd
// table, merge enter and exit events (the normaliser in this package
// does), or resolve anything. It knows nothing of rules, state or live
// capture.
package scap
