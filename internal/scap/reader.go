package scap

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"

	"peregrine/internal/event"
)

// Reader reads a capture file: its metadata ([Reader.Meta]) and its events
// ([Reader.Next]), in the order they are stored. It does not merge enter
// and exit events or rewrite old event layouts beyond the v1 header (see
// the package documentation).
//
// A Reader is not safe for concurrent use.
type Reader struct {
	src    source
	gz     *gzip.Reader
	file   *os.File // set by Open, closed by Close
	hdr    [blockHeaderLen]byte
	buf    []byte // event blocks: 4 bytes of headroom, then body and trailer
	mbuf   []byte // metadata blocks, released after each metadata phase
	meta   *Meta
	blocks int // blocks in the current section's metadata phase
	pend   header
	ispend bool
	stats  Stats
	err    error // sticky: io.EOF, ErrClosed or the first failure

	// The descriptions of the block types met, the last one first: a
	// capture is mostly one event block type after the other.
	lastTyp  uint32
	lastInfo *blockInfo
	infos    map[uint32]*blockInfo
}

// Stats counts what a [Reader] has read so far.
type Stats struct {
	Blocks        uint64 // blocks read, of every kind
	EventBlocks   uint64 // event blocks read, delivered or skipped
	Events        uint64 // events delivered by Next
	UnknownEvents uint64 // event blocks skipped: type beyond the event table
	UnknownBlocks uint64 // blocks of unknown type skipped
	Sections      int    // sections started (1 for an ordinary file)
	Bytes         int64  // bytes consumed from the uncompressed stream
}

// header is a block header and where it was found.
type header struct {
	typ   uint32
	total uint32
	off   int64
	info  *blockInfo
}

// Open opens the capture file at path (plain or gzip) and reads its first
// section's metadata. Close the Reader to close the file.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	r, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open capture %s: %w", path, err)
	}
	r.file = f
	return r, nil
}

// NewReader reads a capture from src, plain or gzip (detected from its
// first two bytes), and reads its first section's metadata. src is not
// closed by [Reader.Close].
func NewReader(src io.Reader) (*Reader, error) {
	// The bufio.Reader only sniffs the gzip magic: the source's reads are
	// larger than its buffer, so they go straight through.
	br := bufio.NewReaderSize(src, 4096)
	r := &Reader{buf: make([]byte, 4+readerBufSize)}
	var rd io.Reader = br
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %w", err)
		}
		r.gz = gz
		rd = gz
	}
	r.src = newSource(rd)
	h, err := r.readHeader()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: empty stream", ErrNotScap)
	}
	if errors.Is(err, ErrTruncated) {
		return nil, fmt.Errorf("%w: %d bytes, shorter than a block header", ErrNotScap, r.src.off)
	}
	if err != nil {
		return nil, err
	}
	if h.typ != blockSHB {
		return nil, &FormatError{Offset: h.off, Block: h.info.name,
			Err: fmt.Errorf("%w: the first block is not a section header", ErrNotScap)}
	}
	if err := r.readMetadata(h); err != nil {
		r.err = err
		return nil, err
	}
	return r, nil
}

// Meta returns the metadata of the current section. After [Reader.Next]
// has crossed into a new section (see [Stats].Sections) it returns the new
// section's metadata; the earlier *Meta stays valid and unchanged.
func (r *Reader) Meta() *Meta { return r.meta }

// Stats returns the counters so far.
func (r *Reader) Stats() Stats {
	s := r.stats
	s.Bytes = r.src.off
	return s
}

// Next loads the next event into e, sets e.CPU and e.BlockFlags, and
// returns nil; it returns io.EOF at a clean end of the stream (the end of a
// block), or an error (a [*FormatError] for bad bytes). Errors are sticky.
//
// e views the Reader's buffer: its bytes stay valid until the next call to
// Next or Close. Use event.Event.Clone to keep an event. Next does not
// allocate, except to grow the buffer for an event block over 64 KiB.
//
// Event types beyond the event table are skipped (counted in
// [Stats].UnknownEvents), as libs does. A section header or metadata block
// after events starts a new section: its metadata replaces what
// [Reader.Meta] returns, and reading goes on.
func (r *Reader) Next(e *event.Event) error {
	if r.err != nil {
		return r.err
	}
	for {
		h, err := r.readHeader()
		if err != nil {
			r.err = err
			return err
		}
		switch h.info.kind {
		case kindEvent:
			ok, err := r.readEvent(h, e)
			if err != nil {
				r.err = err
				return err
			}
			if ok {
				return nil
			}
		case kindSHB, kindMeta:
			if err := r.readMetadata(h); err != nil {
				r.err = err
				return err
			}
		default:
			if err := r.skip(h); err != nil {
				r.err = err
				return err
			}
		}
	}
}

// Close releases the Reader and closes the file opened by [Open]. Later
// calls to Next return [ErrClosed].
func (r *Reader) Close() error {
	if errors.Is(r.err, ErrClosed) {
		return nil
	}
	r.err = ErrClosed
	r.buf, r.mbuf = nil, nil
	var err error
	if r.gz != nil {
		err = r.gz.Close()
	}
	if r.file != nil {
		if cerr := r.file.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// readHeader returns the pending header or reads the next one. It returns
// io.EOF, unwrapped, when the stream ends exactly at a block boundary.
func (r *Reader) readHeader() (header, error) {
	if r.ispend {
		r.ispend = false
		return r.pend, nil
	}
	off := r.src.off
	hdr, err := r.src.take(blockHeaderLen)
	if err != nil {
		if err == io.EOF {
			return header{}, io.EOF
		}
		if err = truncation(err); errors.Is(err, ErrTruncated) {
			err = fmt.Errorf("%w: the stream ends at offset %d, inside a block header", err, r.src.off)
		}
		return header{}, &FormatError{Offset: off, Block: "header", Err: err}
	}
	h := header{typ: le.Uint32(hdr[0:]), total: le.Uint32(hdr[4:]), off: off}
	h.info = r.blockInfo(h.typ)
	r.stats.Blocks++
	if h.total < blockFrameLen || h.total%4 != 0 {
		return h, r.errorf(h, "%w: total length %d (at least %d, a multiple of 4)", ErrBlockLength, h.total, blockFrameLen)
	}
	return h, nil
}

// errorf builds a FormatError for block h.
func (r *Reader) errorf(h header, format string, args ...any) error {
	return &FormatError{Offset: h.off, Block: h.info.name, Err: fmt.Errorf(format, args...)}
}

// readErr wraps a read failure inside block h.
func (r *Reader) readErr(h header, err error) error {
	if err = truncation(err); errors.Is(err, ErrTruncated) {
		err = fmt.Errorf("%w: the stream ends at offset %d, inside the %d-byte block", err, r.src.off, h.total)
	}
	return &FormatError{Offset: h.off, Block: h.info.name, Err: err}
}

// checkTrailer compares the trailer t of block h with its header.
func (r *Reader) checkTrailer(h header, t uint32) error {
	if t != h.total {
		return r.errorf(h, "%w: header says %d, trailer %d", ErrTrailer, h.total, t)
	}
	return nil
}

// skip passes over a block of unknown type.
func (r *Reader) skip(h header) error {
	r.stats.UnknownBlocks++
	if err := r.src.discard(int64(h.total) - blockFrameLen); err != nil {
		return r.readErr(h, err)
	}
	if err := r.src.full(r.hdr[:4]); err != nil {
		return r.readErr(h, err)
	}
	return r.checkTrailer(h, le.Uint32(r.hdr[:4]))
}

// blockInfo returns the description of block type t.
func (r *Reader) blockInfo(t uint32) *blockInfo {
	if r.lastInfo != nil && t == r.lastTyp {
		return r.lastInfo
	}
	bi := r.infos[t]
	if bi == nil {
		if r.infos == nil {
			r.infos = map[uint32]*blockInfo{}
		}
		d := lookupBlock(t)
		bi = &d
		if d.kind != kindUnknown || len(r.infos) < 64 {
			r.infos[t] = bi
		}
	}
	r.lastTyp, r.lastInfo = t, bi
	return bi
}
