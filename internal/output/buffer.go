package output

import (
	"bufio"
	"io"
)

// lineBuffer is the buffer of the stdout and file sinks. It knows how
// many accepted lines it holds, so that a failed write reports exactly
// the alerts lost with it ([LostError]). A line is never split between
// two writes of the buffer: the buffer is written out before a line that
// does not fit.
type lineBuffer struct {
	w        io.Writer
	bw       *bufio.Writer
	buffered bool // keep lines until Flush; otherwise write each at once
	pending  int  // accepted lines in bw
}

func newLineBuffer(w io.Writer, buffered bool) *lineBuffer {
	return &lineBuffer{w: w, bw: bufio.NewWriterSize(w, 64<<10), buffered: buffered}
}

// write writes line (ending with its newline). On error the line is not
// accepted, and the error wraps a [*LostError] for the accepted lines
// that were lost with the buffer.
func (b *lineBuffer) write(line []byte) error {
	if b.bw.Buffered() > 0 && b.bw.Available() < len(line) {
		if err := b.flush(); err != nil {
			return err
		}
	}
	if _, err := b.bw.Write(line); err != nil {
		return b.lost(err)
	}
	if b.buffered {
		b.pending++
		return nil
	}
	if err := b.bw.Flush(); err != nil {
		return b.lost(err)
	}
	return nil
}

// flush writes the buffer out.
func (b *lineBuffer) flush() error {
	if b.bw.Buffered() == 0 {
		b.pending = 0
		return nil
	}
	if err := b.bw.Flush(); err != nil {
		return b.lost(err)
	}
	b.pending = 0
	return nil
}

// lost empties the buffer after a write error (a bufio.Writer keeps its
// error for ever) and reports the accepted lines that were in it.
func (b *lineBuffer) lost(err error) error {
	n := b.pending
	b.pending = 0
	b.bw.Reset(b.w)
	if n == 0 {
		return err
	}
	return &LostError{N: n, Err: err}
}

// reset drops the buffer (flush it first) and writes to w from now on.
func (b *lineBuffer) reset(w io.Writer) {
	b.w, b.pending = w, 0
	b.bw.Reset(w)
}
