package capture

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ring is the consumer side of a BPF ring buffer, read in place: the
// kernel maps the data area twice in a row, so every record is contiguous
// in our mapping and is handed out without a copy. A record stays valid
// until the next call to next, which releases it to the producer.
//
// Layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position (we
// write it), page 1 the producer position, then the data pages. Each
// record starts with an 8-byte header: a 32-bit length whose top bits say
// "being written" and "discarded", and the record's page offset.
type ring struct {
	cons    []byte // consumer page
	prod    []byte // producer page and the data area, mapped twice
	data    []byte
	mask    uint64
	consPos *uint64
	prodPos *uint64
	pos     uint64 // our consumer position
	held    uint64 // length of the record handed out, released next time
	unsaid  int    // records consumed since consPos was last written

	epfd int
	wake int // eventfd: Close writes it to end a wait
}

const (
	ringBusy    = 1 << 31
	ringDiscard = 1 << 30
	ringHdr     = 8
)

// errClosed reports that the ring was woken by Close.
var errClosed = errors.New("ring closed")

// errDrained reports that the ring is empty after Stop.
var errDrained = errors.New("ring drained")

// newRing maps the ring buffer map fd of size bytes.
func newRing(fd int, size int) (*ring, error) {
	page := os.Getpagesize()
	r := &ring{epfd: -1, wake: -1, mask: uint64(size - 1)}
	var err error
	r.cons, err = unix.Mmap(fd, 0, page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map ring buffer consumer page: %w", err)
	}
	r.prod, err = unix.Mmap(fd, int64(page), page+2*size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("map ring buffer data: %w", err)
	}
	r.data = r.prod[page:]
	r.consPos = (*uint64)(unsafe.Pointer(&r.cons[0]))
	r.prodPos = (*uint64)(unsafe.Pointer(&r.prod[0]))
	r.pos = atomic.LoadUint64(r.consPos)
	if r.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		r.close()
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	if r.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		r.close()
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	for _, f := range []int{fd, r.wake} {
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(f)}
		if err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, f, &ev); err != nil {
			r.close()
			return nil, fmt.Errorf("epoll_ctl: %w", err)
		}
	}
	return r, nil
}

// next returns the next record's bytes, waiting for one: until the kernel
// wakes us, or poll has passed (records written without a wakeup are
// found then), or Close wakes us (errClosed). closed is checked on every
// round; once stopped (no producer is attached any more), an empty ring is
// the end (errDrained).
func (r *ring) next(poll time.Duration, closed, stopped *atomic.Bool) ([]byte, error) {
	if r.held != 0 {
		r.pos += r.held
		r.held = 0
		r.release(false)
	}
	var evs [2]unix.EpollEvent
	msec := int(poll / time.Millisecond)
	if msec < 1 {
		msec = 1
	}
	for spins := 0; ; {
		if closed.Load() {
			return nil, errClosed
		}
		prod := atomic.LoadUint64(r.prodPos)
		if r.pos < prod {
			at := r.pos & r.mask
			hdr := atomic.LoadUint32((*uint32)(unsafe.Pointer(&r.data[at])))
			if hdr&ringBusy != 0 {
				// The producer reserved it and is still writing: it
				// finishes within microseconds.
				spins++
				if spins > 64 {
					time.Sleep(time.Microsecond * 50)
				}
				continue
			}
			n := uint64(hdr &^ (ringBusy | ringDiscard))
			rec := (n + ringHdr + 7) &^ 7
			if hdr&ringDiscard != 0 {
				r.pos += rec
				r.release(false)
				continue
			}
			r.held = rec
			return r.data[at+ringHdr : at+ringHdr+n : at+ringHdr+n], nil
		}
		r.release(true)
		if stopped.Load() {
			// Read the producer position again: what was written before
			// the stop is all there is.
			if atomic.LoadUint64(r.prodPos) <= r.pos {
				return nil, errDrained
			}
			continue
		}
		_, err := unix.EpollWait(r.epfd, evs[:], msec)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return nil, fmt.Errorf("epoll_wait: %w", err)
		}
	}
}

// releaseBatch is how many records are consumed before the consumer
// position is published: the producers on other CPUs read it for every
// record, and a line written for every record would bounce between caches.
const releaseBatch = 32

// release publishes the consumer position, at once with now, else every
// releaseBatch records.
func (r *ring) release(now bool) {
	r.unsaid++
	if now || r.unsaid >= releaseBatch {
		atomic.StoreUint64(r.consPos, r.pos)
		r.unsaid = 0
	}
}

// interrupt wakes a next that is waiting.
func (r *ring) interrupt() {
	var one = [8]byte{1}
	_, _ = unix.Write(r.wake, one[:])
}

func (r *ring) close() {
	if r.prod != nil {
		_ = unix.Munmap(r.prod)
		r.prod, r.data = nil, nil
	}
	if r.cons != nil {
		_ = unix.Munmap(r.cons)
		r.cons = nil
	}
	if r.epfd >= 0 {
		_ = unix.Close(r.epfd)
		r.epfd = -1
	}
	if r.wake >= 0 {
		_ = unix.Close(r.wake)
		r.wake = -1
	}
}
