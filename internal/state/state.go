package state

import (
	"peregrine/internal/event"
)

// DefaultMaxThreads is the default size limit of the thread table (Falco's
// thread_table_size).
const DefaultMaxThreads = 262144

// DefaultMaxFDs is the default size limit of a process's descriptor table
// (libsinsp's fd table size).
const DefaultMaxFDs = 4096

// Options configure a [State].
type Options struct {
	// MaxThreads bounds the thread table; past it the least recently
	// active threads are evicted. 0 means DefaultMaxThreads.
	MaxThreads int
	// MaxFDs bounds the descriptor table of each process; descriptors
	// created past it are not tracked (counted in Stats.FDsDropped).
	// 0 means DefaultMaxFDs.
	MaxFDs int
	// NewContainer, when set, is called with the id of each container the
	// state meets for the first time (from a process's cgroups), so that
	// its metadata can be fetched from the runtime and filled into the
	// record State.Container returns. It runs on the goroutine that calls
	// Update and must not block.
	NewContainer func(id string)
}

// Stats count what a State did. Misses are events that referred to a
// thread or descriptor the state did not know: their fields have no value.
type Stats struct {
	Events         uint64 // events applied
	Threads        int    // threads in the table now
	ThreadsAdded   uint64
	ThreadsRemoved uint64 // purged after they exited
	ThreadsEvicted uint64 // dropped to stay within MaxThreads
	ThreadMisses   uint64 // events of threads the table did not have
	FDMisses       uint64 // events on descriptors the thread's table did not have
	FDsAdded       uint64
	FDsRemoved     uint64
	Containers     int    // containers seen
	OutOfOrder     uint64 // events older than the one before them

	// ThreadsReplaced counts threads removed because a new thread took
	// their id while they were still in the table (their exit was lost:
	// pid reuse).
	ThreadsReplaced uint64
	FDs             int    // descriptors in the tables now
	FDsDropped      uint64 // descriptors not tracked: their process had MaxFDs
}

// Bootstrap is what a State starts from: the machine at capture start (a
// capture's metadata blocks, or /proc when live).
type Bootstrap struct {
	Machine *event.MachineInfo
	Procs   []event.Process
	FDs     []ThreadFDs
	Users   []event.User
	Groups  []event.Group
}

// ThreadFDs are the open descriptors of one thread's process at start.
type ThreadFDs struct {
	TID int64
	FDs []event.FD
}

// State is the state of one machine, updated event by event. See the
// package documentation.
type State struct {
	opts       Options
	machine    *event.MachineInfo
	threads    map[int64]*Thread
	users      map[string]map[uint32]*User // by container id ("" for the host), then uid
	groups     map[string]map[uint32]*Group
	containers map[string]*Container
	cur        current
	stats      Stats
	upd        updater // see update.go
}

// current is the event being applied or just applied, and what it refers
// to.
type current struct {
	ev     *event.Event
	thread *Thread // nil when the event's thread is unknown
	fd     *FD     // the descriptor the event acts on, nil if none or unknown
	fdNum  int64   // its number, when hasFD
	hasFD  bool
}

// New returns an empty State.
func New(opts Options) *State {
	if opts.MaxThreads <= 0 {
		opts.MaxThreads = DefaultMaxThreads
	}
	if opts.MaxFDs <= 0 {
		opts.MaxFDs = DefaultMaxFDs
	}
	return &State{
		opts:       opts,
		threads:    map[int64]*Thread{},
		users:      map[string]map[uint32]*User{},
		groups:     map[string]map[uint32]*Group{},
		containers: map[string]*Container{},
	}
}

// Thread returns thread tid, or nil.
func (s *State) Thread(tid int64) *Thread { return s.threads[tid] }

// Machine returns the machine description, nil when unknown.
func (s *State) Machine() *event.MachineInfo { return s.machine }

// Container returns container id, or nil.
func (s *State) Container(id string) *Container { return s.containers[id] }

// User returns user uid as seen in container (the host for ""), or nil.
func (s *State) User(container string, uid uint32) *User { return s.users[container][uid] }

// Group returns group gid as seen in container (the host for ""), or nil.
func (s *State) Group(container string, gid uint32) *Group { return s.groups[container][gid] }

// Current returns the event last given to Update, its thread and the
// descriptor it acts on (nil when unknown or none).
func (s *State) Current() (e *event.Event, t *Thread, fd *FD) {
	return s.cur.ev, s.cur.thread, s.cur.fd
}

// Stats returns the counters.
func (s *State) Stats() Stats {
	st := s.stats
	st.Threads = len(s.threads)
	st.Containers = len(s.containers)
	return st
}
