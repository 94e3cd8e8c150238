package event

// Text rendering of parameters, as sysdig 0.29.3 prints them in its
// default output line and in the evt.args field: each parameter as
// name=value, where the value may carry an annotation in parentheses:
//
//	res=-2(ENOENT) fd=3(<f>/etc/hosts) flags=4097(O_RDONLY|O_CLOEXEC) ptid=3200(bash)
//
// Some annotations need nothing but the event (errno names, flag names,
// signal and syscall names); others need the state of the machine (what an
// fd refers to, a thread's name, a user's name), which a [Resolver]
// supplies. The rules for each type are documented next to the code that
// applies them.
//
// Differences from sysdig's evt.args, on purpose: sysdig ends the field
// with a space after the last parameter, AppendArgs does not; sysdig
// prints nothing at all for generic "syscall" events (AppendArgs does the
// same, AppendParamText renders their ID=); and where sysdig 0.29.3 reads
// past a malformed parameter or prints "(n.a.)", these functions print
// "(invalid)" or a useful rendering (see render.typed and appendOther).

// DefaultBufLimit is how many characters of a byte buffer (I/O data,
// arguments, environment) sysdig's default output prints; a longer buffer
// is cut there, its last three characters replaced by "...".
const DefaultBufLimit = 80

// Resolver supplies the machine state some annotations need. The state
// engine implements it; a nil Resolver means no state (see [Printer]).
// The renderers copy the strings returned before the next call; methods
// should not allocate, so that rendering stays allocation-free.
type Resolver interface {
	// Thread describes thread tid; false when the thread is unknown.
	Thread(tid int64) (ThreadInfo, bool)
	// FD describes fd of thread tid; false when it is unknown.
	FD(tid, fd int64) (FDInfo, bool)
	// AccountName returns the name of user (or, when group is true, group)
	// id as thread tid sees it (its container's users); false when unknown.
	AccountName(tid int64, id uint32, group bool) (string, bool)
}

// ThreadInfo is what the renderers need to know about a thread.
type ThreadInfo struct {
	Comm string // command name: pid parameters print as "3200(bash)"
	Cwd  string // working directory: relative paths are annotated with it
}

// FDInfo is what the renderers need to know about a file descriptor:
// fd=4(<6t>10.0.0.1:5000->10.0.0.2:80) prints its kind as a letter, the
// protocol of an IP socket as a second letter, and its name.
type FDInfo struct {
	Type    FDType
	L4Proto uint8 // L4TCP, L4UDP, L4ICMP, L4Raw for IP sockets
	Name    string
}

// Printer renders parameters as text. The zero Printer prints byte buffers
// whole and uses no state; [AppendArgs] and [AppendParamText] use sysdig's
// default buffer limit. A Printer holds no mutable state: one value may be
// used from several goroutines if its Resolver may.
//
// With a nil Resolver the renderers print what sysdig prints for a thread
// it knows but whose fds, relatives and users it does not: errno names for
// negative fds, AT_FDCWD, and "<NA>" for user and group ids. With a
// Resolver whose Thread reports the event's thread unknown, they print
// what sysdig prints for an unknown thread: no fd annotation at all.
type Printer struct {
	Resolver Resolver
	// BufLimit caps the rendered length of byte buffers (0: no cap), as
	// sysdig's default output does with [DefaultBufLimit]; sysdig -v and
	// its JSON output print them whole.
	BufLimit int
}

// AppendArgs appends all parameters of e as "name=value" separated by
// spaces, in table order, for the parameters both the event carries and
// the table knows. It appends nothing for generic events and events of
// unknown type. It does not allocate when dst has room.
func AppendArgs(dst []byte, e *Event, r Resolver) []byte {
	p := Printer{Resolver: r, BufLimit: DefaultBufLimit}
	return p.AppendArgs(dst, e)
}

// AppendParamText appends parameter i of e as "name=value" (nothing when
// the parameter is absent). It does not allocate when dst has room.
func AppendParamText(dst []byte, e *Event, i int, r Resolver) []byte {
	p := Printer{Resolver: r, BufLimit: DefaultBufLimit}
	return p.AppendParam(dst, e, i)
}

// NumTextParams returns how many parameters the renderers print for e: the
// parameters both the event carries and the table knows.
func NumTextParams(e *Event) int {
	info := e.Info()
	if info == nil {
		return 0
	}
	return min(e.NumParams(), len(info.Params))
}

// AppendArgs is the Printer form of [AppendArgs].
func (p *Printer) AppendArgs(dst []byte, e *Event) []byte {
	if t := e.Type(); t == genericE || t == genericX {
		return dst
	}
	n := NumTextParams(e)
	for i := 0; i < n; i++ {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = p.AppendParam(dst, e, i)
	}
	return dst
}

// AppendParam is the Printer form of [AppendParamText].
func (p *Printer) AppendParam(dst []byte, e *Event, i int) []byte {
	if uint(i) >= uint(NumTextParams(e)) {
		return dst
	}
	t := e.Type()
	pi := &e.Info().Params[i]
	name, _ := paramLook(t, i, pi)
	dst = append(dst, name...)
	dst = append(dst, '=')
	dst, _ = p.appendValue(dst, e, i)
	return dst
}

// AppendValue appends the value of parameter i with its annotation, as it
// follows "name=" ("3(<f>/etc/hosts)").
func (p *Printer) AppendValue(dst []byte, e *Event, i int) []byte {
	if uint(i) >= uint(NumTextParams(e)) {
		return dst
	}
	dst, _ = p.appendValue(dst, e, i)
	return dst
}

// AppendResolved appends what sysdig's evt.arg.NAME field gives: the
// annotation alone when the value has one ("<f>/etc/hosts", "ENOENT"),
// else the value.
func (p *Printer) AppendResolved(dst []byte, e *Event, i int) []byte {
	if uint(i) >= uint(NumTextParams(e)) {
		return dst
	}
	start := len(dst)
	dst, ann := p.appendValue(dst, e, i)
	if ann < 0 {
		return dst
	}
	// value(annotation): keep what is between the parentheses.
	n := copy(dst[start:], dst[ann+1:len(dst)-1])
	return dst[:start+n]
}

// Generic event types: their parameters (the syscall id) are not printed
// in evt.args.
const (
	genericE Type = 0
	genericX Type = 1
)
