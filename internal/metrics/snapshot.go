package metrics

import (
	"time"

	"peregrine/internal/alert"
)

// Snapshot is what the agent counted, at one moment. Counters only grow
// during the life of the process (a reload does not reset them); the
// other fields are current values. A zero field is exported as zero,
// except where its comment says it is left out.
type Snapshot struct {
	Version       string    // the agent's version
	Hostname      string    // the host name alerts carry
	KernelRelease string    // uname -r; left out when empty
	Start         time.Time // when the agent started; left out when zero

	// EngineName names what produces the events, e.g. "ebpf" for live
	// capture or "replay"; left out when empty. Source is the event
	// source ("syscall" when empty).
	EngineName, Source string

	Events       uint64      // events the engine processed
	EventsByType []TypeCount // of those, by event type (zero counts left out)

	// Kernel holds the live capture's counters, nil when the events do
	// not come from the kernel (a replayed capture file).
	Kernel *KernelCounters

	State      StateCounters
	Containers ContainerCounters

	RulesLoaded int           // rules the engine runs
	Rules       []RuleMatches // match counts of the rules loaded
	Alerts      uint64        // alerts raised, internal ones included

	Outputs []OutputCounters // one per sink

	// Sources are the event sources received over HTTP besides the
	// capture (the k8s_audit webhook); none when not enabled.
	Sources []SourceCounters

	Reloads ReloadCounters

	RulesFiles  []FileDigest // the rules files loaded
	ConfigFiles []FileDigest // the configuration files read
}

// SourceCounters count what an event source received over HTTP (the
// k8s_audit webhook): the events evaluated, the records skipped, the
// requests by how they were answered, and its queue.
type SourceCounters struct {
	Source          string // the rules' source name, e.g. k8s_audit
	Events, Skipped uint64
	// Requests answered 200, 401, 413, 400, 405 and 503 (queue full).
	Accepted, Unauthorized, TooLarge, BadRequest, BadMethod, QueueFull uint64
	Queued, Capacity                                                   int // batches waiting; at most
}

// TypeCount is the number of events of one type.
type TypeCount struct {
	Type  string // the event type's name, e.g. "openat"
	Count uint64
}

// KernelCounters are the live capture's kernel-side counters, summed over
// CPUs. Seen = Sent + DroppedFull + DroppedOther + Filtered.
type KernelCounters struct {
	Seen         uint64 // system calls and process exits the probes saw
	Sent         uint64 // events written into the ring buffer
	DroppedFull  uint64 // events lost because the ring buffer was full
	DroppedOther uint64 // events lost for another reason (too large)
	Filtered     uint64 // events not captured because no rule needs their type
}

// StateCounters describe the thread and descriptor tables.
type StateCounters struct {
	Threads, FDs, Containers     int    // entries in the tables now
	ThreadsAdded, ThreadsRemoved uint64 // threads added to and purged from the table
	FDsAdded, FDsRemoved         uint64
	ThreadMisses                 uint64 // events of threads the table did not have
	FDMisses                     uint64 // events on descriptors the table did not have
	ThreadsEvicted               uint64 // threads dropped to keep the table within its limit
}

// ContainerCounters count how events met their container's metadata.
type ContainerCounters struct {
	Waits uint64 // events that waited for the runtime's answer
	Late  uint64 // of those, the ones that gave up (container fields empty)
}

// RuleMatches is one loaded rule and how often it matched.
type RuleMatches struct {
	Name     string
	Priority alert.Priority
	Source   string // "syscall" when empty
	Tags     []string
	Matches  uint64
}

// OutputCounters are one sink's counters.
type OutputCounters struct {
	Name    string // the sink, e.g. "stdout", "file", "http"
	Sent    uint64 // alerts delivered
	Dropped uint64 // alerts dropped because the sink's queue was full
	Failed  uint64 // alerts the sink gave up on after its retries
	// Abandoned are alerts still queued, or being written, when the
	// outputs were closed and ran out of time.
	Abandoned uint64
	Queued    int // alerts waiting in the queue now
	Capacity  int // the queue's capacity (0: unbounded)
}

// ReloadCounters count hot reloads of rules and configuration.
type ReloadCounters struct {
	OK, Failed uint64
	Last       time.Time // the last successful reload; zero when none yet
}

// FileDigest names a file and the SHA-256 of the content that was read.
type FileDigest struct {
	Name   string // the file's path
	SHA256 string // lower-case hex
}
