package event

// Type is an event type number (the PPME_* enum of falcosecurity-libs).
// Numbers are append-only upstream: the same number means the same event in
// every capture file ever written. Even numbers are enter events, odd
// numbers are exit events.
type Type uint16

// Info returns the table entry for t, or nil when t is beyond the table
// (an event type newer than this build knows).
func (t Type) Info() *Info {
	if int(t) >= len(table) {
		return nil
	}
	return &table[t]
}

// Known reports whether t is in the event table.
func (t Type) Known() bool { return int(t) < len(table) }

// Dir returns the direction of t: [Enter] for even numbers, [Exit] for odd.
func (t Type) Dir() Dir {
	if t&1 == 0 {
		return Enter
	}
	return Exit
}

// Name returns the name that evt.type shows for t ("open", "execve", ...),
// or "UNKNOWN" for a type beyond the table.
func (t Type) Name() string {
	if i := t.Info(); i != nil {
		return i.Name
	}
	return "UNKNOWN"
}

// NumTypes is the number of event types in the table (PPM_EVENT_MAX).
func NumTypes() int { return len(table) }

// Dir is the direction of an event: the entry into a system call or the
// exit from it.
type Dir uint8

// Directions, as evt.dir prints them: ">" for enter and "<" for exit.
const (
	Enter Dir = iota
	Exit
)

func (d Dir) String() string {
	if d == Enter {
		return ">"
	}
	return "<"
}

// Info describes one event type: its name, category, flags and parameters.
// The table of all types is generated from falcosecurity-libs' event table
// (see gen/); it is read-only.
type Info struct {
	Name     string // evt.type, e.g. "open"
	Enum     string // the libs enum without its PPME_ prefix, e.g. "SYSCALL_OPEN_X"
	Category Category
	Flags    Flags
	Params   []ParamInfo
}

// LenWidth is the size in bytes of each parameter length in events of this
// type: 4 for [LargePayload] types, 2 otherwise.
func (i *Info) LenWidth() int {
	if i.Flags&LargePayload != 0 {
		return 4
	}
	return 2
}

// ParamIndex returns the index of the parameter called name, or -1.
func (i *Info) ParamIndex(name string) int {
	for k := range i.Params {
		if i.Params[k].Name == name {
			return k
		}
	}
	return -1
}

// ParamInfo describes one parameter of an event type.
type ParamInfo struct {
	Name   string
	Type   ParamType
	Format ParamFormat
	// Names gives the symbolic names of a flags or enum parameter
	// (e.g. O_RDONLY|O_CLOEXEC); nil when the parameter has none.
	Names *FlagTable
	// Dyn lists, for a [PTDyn] parameter, the type selected by each value
	// of its leading index byte.
	Dyn []ParamType
	// DirFD is, for a [PTFSRelPath] parameter, the index of the parameter
	// holding the directory fd it is relative to; -1 otherwise.
	DirFD int8
}

// Flags are properties of an event type (the EF_* flags of libs).
type Flags uint32

// Event type flags.
const (
	CreatesFD        Flags = 1 << iota // the event creates a file descriptor
	DestroysFD                         // the event closes a file descriptor
	UsesFD                             // the event acts on a file descriptor
	ReadsFromFD                        // the event reads from a file descriptor
	WritesToFD                         // the event writes to a file descriptor
	ModifiesState                      // the event changes process or fd state
	Unused                             // the number is reserved and never emitted
	Waits                              // the system call may block
	SkipParseReset                     // libs' parser keeps the previous event's state
	OldVersion                         // an older layout, no longer emitted by current drivers
	LargePayload                       // parameter lengths are 32-bit
	ConverterManaged                   // libs' savefile converter rewrites it on read
)

// Category is the class of an event (the EC_* values of libs), as
// evt.category shows it.
type Category uint16

// Event classes. The low byte is the class; Syscall, Tracepoint, Plugin,
// Metaevent and Iter are bits that say where the event comes from.
const (
	CatUnknown Category = iota
	CatOther
	CatFile
	CatNet
	CatIPC
	CatMemory
	CatProcess
	CatSleep
	CatSystem
	CatSignal
	CatUser
	CatTime
	CatProcessing
	CatIORead
	CatIOWrite
	CatIOOther
	CatWait
	CatScheduler
	CatInternal

	CatSyscall    Category = 1 << 8
	CatTracepoint Category = 1 << 9
	CatPlugin     Category = 1 << 10
	CatMetaevent  Category = 1 << 11
	CatIter       Category = 1 << 12
)

var categoryNames = [...]string{
	CatUnknown: "unknown", CatOther: "other", CatFile: "file", CatNet: "net",
	CatIPC: "IPC", CatMemory: "memory", CatProcess: "process", CatSleep: "sleep",
	CatSystem: "system", CatSignal: "signal", CatUser: "user", CatTime: "time",
	CatProcessing: "processing", CatIORead: "IO_READ", CatIOWrite: "IO_WRITE",
	CatIOOther: "IO_OTHER", CatWait: "wait", CatScheduler: "scheduler",
	CatInternal: "internal",
}

// Class returns the class of c without the source bits.
func (c Category) Class() Category { return c & 0xff }

// String returns the class name as evt.category prints it ("file", "net", ...).
func (c Category) String() string {
	if k := int(c.Class()); k < len(categoryNames) {
		return categoryNames[k]
	}
	return "unknown"
}
