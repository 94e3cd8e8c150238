package scap

import (
	"bufio"
	"errors"
	"io"
	"slices"
)

// source reads the uncompressed stream and counts the bytes consumed, so
// that every error can name its offset.
type source struct {
	br  *bufio.Reader
	off int64
}

// full fills b.
func (s *source) full(b []byte) error {
	n, err := io.ReadFull(s.br, b)
	s.off += int64(n)
	return err
}

// discard skips n bytes.
func (s *source) discard(n int64) error {
	for n > 0 {
		step := int(min(n, 1<<30))
		k, err := s.br.Discard(step)
		s.off += int64(k)
		n -= int64(k)
		if err != nil {
			return err
		}
	}
	return nil
}

// growStep is the most a buffer grows by before the bytes that justify the
// growth have been read.
const growStep = 1 << 20

// fill reads n bytes into buf[at:at+n] and returns buf, grown if needed.
// When buf is too small it grows in steps (doubling, at least growStep)
// and each step is read before the next one is allocated, so a length that
// claims more than the stream holds costs no more memory than the stream
// does. The bytes of buf before at are kept.
func (s *source) fill(buf []byte, at, n int) ([]byte, error) {
	if at+n <= cap(buf) {
		buf = buf[:at+n]
		return buf, s.full(buf[at:])
	}
	if cap(buf) < at {
		buf = make([]byte, at)
	}
	buf = buf[:at]
	for len(buf) < at+n {
		step := min(at+n-len(buf), max(len(buf), growStep))
		buf = slices.Grow(buf, step)
		k, err := io.ReadFull(s.br, buf[len(buf):len(buf)+step])
		s.off += int64(k)
		buf = buf[:len(buf)+k]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// truncation maps the end of the stream inside a block to ErrTruncated;
// other read errors (a damaged gzip stream, an I/O error) pass through.
func truncation(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}
