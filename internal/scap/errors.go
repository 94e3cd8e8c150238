package scap

import (
	"errors"
	"fmt"
)

// Sentinel errors. Reader errors wrap one of them (test with errors.Is)
// inside a [*FormatError] that says where the problem is. Malformed event
// bytes wrap event.ErrMalformed instead of ErrCorrupt.
var (
	// ErrNotScap: the stream does not start with a scap section header
	// (wrong first block type or wrong byte-order magic).
	ErrNotScap = errors.New("not a scap capture")
	// ErrVersion: the section header has a major version other than 1.
	ErrVersion = errors.New("unsupported capture version")
	// ErrTruncated: the stream ends inside a block.
	ErrTruncated = errors.New("capture truncated")
	// ErrBlockLength: a block length is below the minimum for its type,
	// not a multiple of 4, or above the limit for its type.
	ErrBlockLength = errors.New("bad block length")
	// ErrTrailer: the length repeated at the end of a block differs from
	// the one in its header.
	ErrTrailer = errors.New("block trailer mismatch")
	// ErrCorrupt: the content of a block is inconsistent (an entry longer
	// than its block, a string over libs' limit, an unknown interface
	// kind, a v1 event whose parameter count cannot be inferred, ...).
	ErrCorrupt = errors.New("corrupt block")
	// ErrClosed is returned by methods called after Close.
	ErrClosed = errors.New("capture closed")
)

// FormatError reports a problem with the capture bytes: the block it was
// found in and the offset of that block in the uncompressed stream.
type FormatError struct {
	Offset int64  // offset of the block header in the uncompressed stream
	Block  string // block name, e.g. "EV_V2", or its id in hex when unknown
	Err    error  // what is wrong; wraps one of the sentinels
}

// Error formats the error as "block <name> at offset <n>: <cause>".
func (e *FormatError) Error() string {
	return fmt.Sprintf("block %s at offset %d: %v", e.Block, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *FormatError) Unwrap() error { return e.Err }

// corruptf builds an ErrCorrupt cause.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
