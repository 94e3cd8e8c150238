package scap

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"peregrine/internal/event"
)

// dfLarge is libs' internal SCAP_DF_LARGE block flag; it is never written.
const dfLarge = 4

// WriterOptions configure a [Writer].
type WriterOptions struct {
	// Gzip compresses the file (sysdig -z); readers detect it.
	Gzip bool
	// GzipLevel is the compress/gzip level; 0 means gzip.DefaultCompression.
	GzipLevel int
	// LegacyFDTypes writes the descriptors of the fd lists whose types
	// readers older than libs 0.10 refuse ("wrong fd type": BPF,
	// userfaultfd, io_uring, memfd, pidfd; sysdig 0.29.3 is one) as
	// UNSUPPORTED, with their names: such a file opens in every reader,
	// at the cost of those descriptors' fd.type.
	LegacyFDTypes bool
}

// Writer writes a capture file in the current layout, which sysdig, Falco
// and Wireshark read: a section header 1.2 without options, the metadata
// blocks of a [Meta], then one block per event.
//
// Every block and entry length is computed from the bytes written, never
// taken from a capture that was read. Process entries keep the V9 tail
// layout they were read with ([Meta].ProcTails); others get the current
// one. Events are written as EV_V2 blocks, EVF_V2 when their block flags
// are not 0, and the *_LARGE variants for event types with 32-bit
// parameter lengths (and for any event too big for a plain block). libs'
// internal SCAP_DF_LARGE flag (4) is never written.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	bw       *bufio.Writer
	gz       *gzip.Writer
	hdr      [blockHeaderLen + 6]byte // block header, cpu id, flags
	end      [8]byte                  // padding (at most 3 bytes) and trailer
	err      error                    // sticky: a write failure, or ErrClosed
	legacyFD bool
}

// NewWriter writes the section header and the metadata of m (nil for none)
// to w and returns a Writer for the events. It fails without writing
// anything when m holds what readers would refuse (a string over libs'
// limits, an address of the wrong family, an unknown interface kind).
// [Writer.Close] flushes but does not close w.
func NewWriter(w io.Writer, m *Meta, opt WriterOptions) (*Writer, error) {
	enc := encoder{legacyFD: opt.LegacyFDTypes}
	encodeMeta(&enc, m)
	if enc.err != nil {
		return nil, fmt.Errorf("encode metadata: %w", enc.err)
	}
	wr := &Writer{legacyFD: opt.LegacyFDTypes}
	if opt.Gzip {
		level := opt.GzipLevel
		if level == 0 {
			level = gzip.DefaultCompression
		}
		gz, err := gzip.NewWriterLevel(w, level)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		wr.gz, w = gz, gz
	}
	wr.bw = bufio.NewWriterSize(w, 64<<10)
	if _, err := wr.bw.Write(enc.b); err != nil {
		return nil, fmt.Errorf("write metadata: %w", err)
	}
	return wr, nil
}

// Write appends e as one event block, with e.CPU and e.BlockFlags. It does
// not allocate. An event of a type with 32-bit parameter lengths goes in a
// *_LARGE block, and so does any event whose block would exceed the 64 KiB
// that readers allow other blocks. An event over [MaxLargeEventBlock] is
// refused without writing. A failure of the underlying writer is sticky.
func (w *Writer) Write(e *event.Event) error {
	if w.err != nil {
		return w.err
	}
	b := e.Bytes()
	if b == nil {
		return errors.New("write event: no event loaded")
	}
	flags := e.BlockFlags &^ dfLarge
	pre := 2
	if flags != 0 {
		pre = 6
	}
	body := pre + len(b)
	pad := padLen(body)
	total := blockFrameLen + body + pad
	if total > MaxLargeEventBlock {
		return fmt.Errorf("write event of type %d: a %d-byte block is over the %d limit", e.Type(), total, MaxLargeEventBlock)
	}
	info := e.Info()
	large := info != nil && info.Flags&event.LargePayload != 0 || total-blockHeaderLen > maxSmallEvBlock
	typ := uint32(blockEVV2)
	switch {
	case flags == 0 && large:
		typ = blockEVV2Large
	case flags != 0 && large:
		typ = blockEVFV2Large
	case flags != 0:
		typ = blockEVFV2
	}
	le.PutUint32(w.hdr[0:], typ)
	le.PutUint32(w.hdr[4:], uint32(total))
	le.PutUint16(w.hdr[8:], e.CPU)
	le.PutUint32(w.hdr[10:], flags)
	w.end = [8]byte{}
	le.PutUint32(w.end[pad:], uint32(total))
	if _, err := w.bw.Write(w.hdr[:blockHeaderLen+pre]); err != nil {
		return w.fail(err)
	}
	if _, err := w.bw.Write(b); err != nil {
		return w.fail(err)
	}
	if _, err := w.bw.Write(w.end[:pad+4]); err != nil {
		return w.fail(err)
	}
	return nil
}

// WriteSection starts a new section: a section header and the metadata of
// m, after the events written so far. Readers (libs' and ours) take the
// new metadata from there on; this is how a capture of several sections
// (concatenated or cycled dumps) is copied. m is checked as in NewWriter.
func (w *Writer) WriteSection(m *Meta) error {
	if w.err != nil {
		return w.err
	}
	enc := encoder{legacyFD: w.legacyFD}
	encodeMeta(&enc, m)
	if enc.err != nil {
		return fmt.Errorf("encode metadata: %w", enc.err)
	}
	if _, err := w.bw.Write(enc.b); err != nil {
		w.err = fmt.Errorf("write metadata: %w", err)
		return w.err
	}
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = fmt.Errorf("write event: %w", err)
	return w.err
}

// Close flushes the buffered blocks and ends the gzip stream. It does not
// close the io.Writer given to NewWriter. Later writes return [ErrClosed].
func (w *Writer) Close() error {
	if errors.Is(w.err, ErrClosed) {
		return nil
	}
	err := w.bw.Flush()
	if w.gz != nil {
		if cerr := w.gz.Close(); err == nil {
			err = cerr
		}
	}
	w.err = ErrClosed
	if err != nil {
		return fmt.Errorf("close capture: %w", err)
	}
	return nil
}
