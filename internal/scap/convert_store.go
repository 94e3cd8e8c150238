package scap

import "peregrine/internal/event"

// DefaultConvertThreads is the number of threads whose pending enter event
// a [Converter] keeps unless told otherwise (see [ConverterMaxThreads]).
// It is the default Linux pid_max: a capture of an ordinary host never
// has more threads inside a system call at once.
const DefaultConvertThreads = 32768

// convSlotKeep is the largest buffer a slot keeps once its event has been
// used: enter events are small (a few dozen bytes) except those with
// paths, and a slot should not pin a rare large one for good.
const convSlotKeep = 1024

// convSlot holds the pending enter event of one thread.
type convSlot struct {
	tid        int64
	buf        []byte
	has        bool  // buf holds an event not yet used by its exit
	prev, next int32 // neighbours in recency order; -1 at either end
}

// convStore keeps the pending enter event of each thread, as libs keeps
// one per thread id, but bounded: past max threads, the thread that stored
// least recently loses its slot. Slots and their buffers are reused, so a
// steady stream of events does not allocate.
type convStore struct {
	max     int
	index   map[int64]int32
	slots   []convSlot
	head    int32 // most recently stored; -1 when empty
	tail    int32 // least recently stored; -1 when empty
	view    event.Event
	evicted uint64 // events dropped unused to make room
}

func newConvStore(max int) convStore {
	if max < 1 {
		max = 1
	}
	return convStore{max: max, index: make(map[int64]int32), head: -1, tail: -1}
}

// put stores a copy of e as the pending enter event of its thread,
// replacing any earlier one: a thread that starts a new system call has
// finished the previous one.
func (s *convStore) put(e *event.Event) {
	tid := e.TID()
	i, ok := s.index[tid]
	if !ok {
		i = s.slotFor(tid)
	}
	sl := &s.slots[i]
	sl.buf = append(sl.buf[:0], e.Bytes()...)
	sl.has = true
	s.touch(i)
}

// slotFor takes a fresh slot for tid, recycling the least recently stored
// one when the store is full.
func (s *convStore) slotFor(tid int64) int32 {
	var i int32
	if n := len(s.slots); n < s.max {
		if n < cap(s.slots) {
			// Reuse the buffer a slot had before a reset.
			s.slots = s.slots[:n+1]
			s.slots[n] = convSlot{buf: s.slots[n].buf[:0], prev: -1, next: -1}
		} else {
			s.slots = append(s.slots, convSlot{prev: -1, next: -1})
		}
		i = int32(n)
	} else {
		i = s.tail
		old := &s.slots[i]
		if old.has {
			s.evicted++
		}
		delete(s.index, old.tid)
		s.unlink(i)
		old.has = false
	}
	s.slots[i].tid = tid
	s.index[tid] = i
	return i
}

// get returns the pending enter event of tid, or nil. The view stays valid
// until the next call on s.
func (s *convStore) get(tid int64) *event.Event {
	i, ok := s.index[tid]
	if !ok || !s.slots[i].has {
		return nil
	}
	if err := s.view.Load(s.slots[i].buf); err != nil {
		// Only well-formed events are stored; a failure here is a bug, and
		// the safest answer is "no enter event".
		return nil
	}
	return &s.view
}

// clear marks the pending event of tid as used.
func (s *convStore) clear(tid int64) {
	i, ok := s.index[tid]
	if !ok {
		return
	}
	sl := &s.slots[i]
	sl.has = false
	if cap(sl.buf) > convSlotKeep {
		sl.buf = nil
	}
}

// pending returns the number of threads holding an unused enter event.
func (s *convStore) pending() int {
	n := 0
	for i := range s.slots {
		if s.slots[i].has {
			n++
		}
	}
	return n
}

// reset forgets every stored event; buffers are kept for reuse.
func (s *convStore) reset() {
	clear(s.index)
	for i := range s.slots {
		s.slots[i].has = false
	}
	s.slots = s.slots[:0]
	s.head, s.tail = -1, -1
}

// touch moves slot i to the most recent end.
func (s *convStore) touch(i int32) {
	if s.head == i {
		return
	}
	s.unlink(i)
	sl := &s.slots[i]
	sl.prev, sl.next = -1, s.head
	if s.head >= 0 {
		s.slots[s.head].prev = i
	}
	s.head = i
	if s.tail < 0 {
		s.tail = i
	}
}

// unlink takes slot i out of the recency list (a no-op when it is not in).
func (s *convStore) unlink(i int32) {
	sl := &s.slots[i]
	if sl.prev >= 0 {
		s.slots[sl.prev].next = sl.next
	} else if s.head == i {
		s.head = sl.next
	}
	if sl.next >= 0 {
		s.slots[sl.next].prev = sl.prev
	} else if s.tail == i {
		s.tail = sl.prev
	}
	sl.prev, sl.next = -1, -1
}
