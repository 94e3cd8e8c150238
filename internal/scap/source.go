package scap

import (
	"errors"
	"io"
	"slices"
)

// source reads the uncompressed stream through a buffer of its own and
// counts the bytes consumed, so that every error can name its offset. Its
// take hands out bytes of the buffer without copying them: the hot path
// of the reader, one event block after the other.
type source struct {
	rd   io.Reader
	buf  []byte
	r, w int // unread bytes are buf[r:w]
	off  int64
	err  error // the error that ended the stream, returned once buf is drained
}

// sourceBufSize is the buffer size: large enough that most reads fill it
// with many event blocks.
const sourceBufSize = 256 << 10

func newSource(rd io.Reader) source {
	return source{rd: rd, buf: make([]byte, sourceBufSize)}
}

// growStep is the most the buffer grows by before the bytes that justify
// the growth have been read, so a length that claims more than the stream
// holds costs no more memory than the stream does.
const growStep = 1 << 20

// ensure makes at least n unread bytes available, unless the stream ends
// first: then it returns the stream's error (io.EOF at its end) with fewer.
func (s *source) ensure(n int) error {
	if s.w-s.r >= n {
		return nil
	}
	if s.r > 0 { // move the unread bytes to the front
		s.w = copy(s.buf, s.buf[s.r:s.w])
		s.r = 0
	}
	for s.w < n {
		if s.err != nil {
			return s.err
		}
		if s.w == len(s.buf) {
			s.buf = slices.Grow(s.buf[:s.w], min(n-s.w, max(len(s.buf), growStep)))
			s.buf = s.buf[:cap(s.buf)]
		}
		k, err := s.rd.Read(s.buf[s.w:])
		s.w += k
		if err != nil {
			s.err = err
		} else if k == 0 {
			s.err = io.ErrNoProgress
		}
	}
	return nil
}

// take returns the next n bytes and consumes them. They are the buffer's:
// valid until the next call of any method. Fewer than n bytes left in the
// stream give io.EOF when there were none and io.ErrUnexpectedEOF
// otherwise (or the stream's own error), consuming what was there.
func (s *source) take(n int) ([]byte, error) {
	if err := s.ensure(n); err != nil {
		k := s.w - s.r
		s.r, s.off = s.w, s.off+int64(k)
		if errors.Is(err, io.EOF) {
			if k == 0 {
				return nil, io.EOF
			}
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	b := s.buf[s.r : s.r+n : s.r+n]
	s.r += n
	s.off += int64(n)
	return b, nil
}

// full fills b.
func (s *source) full(b []byte) error {
	src, err := s.take(len(b))
	if err != nil {
		return err
	}
	copy(b, src)
	return nil
}

// discard skips n bytes.
func (s *source) discard(n int64) error {
	for n > 0 {
		step := int(min(n, growStep))
		if _, err := s.take(step); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		n -= int64(step)
	}
	return nil
}

// fill reads n bytes into buf[at:at+n] and returns buf, grown if needed in
// steps of at most growStep, each read before the next is allocated. The
// bytes of buf before at are kept.
func (s *source) fill(buf []byte, at, n int) ([]byte, error) {
	if cap(buf) < at {
		buf = append(buf[:cap(buf)], make([]byte, at-cap(buf))...)
	}
	buf = buf[:at]
	for len(buf) < at+n {
		step := min(at+n-len(buf), growStep)
		src, err := s.take(step)
		if err != nil {
			if errors.Is(err, io.EOF) && len(buf) > at {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
		buf = append(buf, src...)
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
