package state

import (
	"fmt"
	"math"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The process fields of the event's thread itself (libsinsp's process
// class, proc.* part). Parent, ancestor, session and group fields are in
// extract_lineage.go.

// procBindings are the proc.* fields of the thread itself.
var procBindings = map[string]bindFunc{
	"proc.name":    threadString(func(t *Thread) string { return t.Comm }),
	"proc.exe":     threadString(func(t *Thread) string { return t.Exe }),
	"proc.exepath": threadString(func(t *Thread) string { return t.ExePath }),
	"proc.cwd": threadValue(func(t *Thread) (field.Value, bool) {
		if t.Proc == nil {
			return field.Value{}, false
		}
		return str(t.Proc.Cwd), true
	}),
	"proc.args":    bindArgs,
	"proc.cmdline": threadText(appendCmdline),
	"proc.exeline": threadText(func(dst []byte, t *Thread) []byte {
		// libsinsp writes argv[0] and a blank even without arguments.
		dst = append(dst, t.Exe...)
		dst = append(dst, ' ')
		return appendJoined(dst, t.Args, ' ')
	}),
	"proc.cmdnargs": threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(uint64(len(t.Args))), true }),
	"proc.cmdlenargs": threadValue(func(t *Thread) (field.Value, bool) {
		n := 0
		for _, a := range t.Args {
			n += len(a)
		}
		return field.Uint(uint64(n)), true
	}),
	"proc.env":  bindEnv,
	"proc.tty":  threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(uint64(t.TTY)), true }),
	"proc.pid":  threadValue(func(t *Thread) (field.Value, bool) { return field.Int(t.PID), true }),
	"proc.vpid": threadValue(func(t *Thread) (field.Value, bool) { return field.Int(t.VPID), t.VPID >= 0 }),
	"proc.sid":  threadValue(func(t *Thread) (field.Value, bool) { return field.Int(t.SID), true }),
	"proc.vpgid": threadValue(func(t *Thread) (field.Value, bool) {
		return field.Int(t.VPGID), true
	}),
	"proc.pgid": threadValue(func(t *Thread) (field.Value, bool) { return field.Int(t.PGID), t.PGID >= 0 }),
	"proc.is_sid_leader": threadValue(func(t *Thread) (field.Value, bool) {
		return boolValue(t.SID == nsPID(t)), t.SID >= 0
	}),
	"proc.is_vpgid_leader": threadValue(func(t *Thread) (field.Value, bool) {
		return boolValue(t.VPGID == nsPID(t)), t.VPGID >= 0
	}),
	"proc.is_pgid_leader": threadValue(func(t *Thread) (field.Value, bool) {
		return boolValue(t.PGID == t.PID), t.PGID >= 0
	}),
	"proc.is_exe_writable":    threadFlag(ExeWritable),
	"proc.is_exe_upper_layer": threadFlag(ExeUpperLayer),
	"proc.is_exe_lower_layer": threadFlag(ExeLowerLayer),
	"proc.is_exe_from_memfd":  threadFlag(ExeFromMemfd),
	"proc.exe_ino": threadValue(func(t *Thread) (field.Value, bool) {
		return field.Int(int64(t.ExeIno)), t.ExeIno != 0
	}),
	"proc.exe_ino.ctime": threadValue(func(t *Thread) (field.Value, bool) {
		return timeValue(t.ExeInoCtime), t.ExeInoCtime != 0
	}),
	"proc.exe_ino.mtime": threadValue(func(t *Thread) (field.Value, bool) {
		return timeValue(t.ExeInoMtime), t.ExeInoMtime != 0
	}),
	// From the change of the program file to the start of the process,
	// and from the start of the pid namespace to that change, as libsinsp
	// computes them at exec time.
	"proc.exe_ino.ctime_duration_proc_start": threadValue(func(t *Thread) (field.Value, bool) {
		start := startTS(t)
		ok := start != 0 && t.ExeInoCtime != 0 && start >= t.ExeInoCtime
		return timeValue(start - t.ExeInoCtime), ok
	}),
	"proc.exe_ino.ctime_duration_pidns_start": threadValue(func(t *Thread) (field.Value, bool) {
		ok := t.PidnsInitStart != 0 && t.ExeInoCtime > t.PidnsInitStart
		return timeValue(t.ExeInoCtime - t.PidnsInitStart), ok
	}),
	"proc.pidns_init_start_ts": threadValue(func(t *Thread) (field.Value, bool) {
		return field.Uint(t.PidnsInitStart), t.PidnsInitStart != 0
	}),
	"proc.pid.ts": threadValue(func(t *Thread) (field.Value, bool) {
		return timeValue(startTS(t)), startTS(t) != 0
	}),
	"proc.duration": bindDuration,
	"proc.fdopencount": threadValue(func(t *Thread) (field.Value, bool) {
		return field.Uint(uint64(openCount(t))), t.Proc != nil
	}),
	"proc.fdlimit": threadValue(func(t *Thread) (field.Value, bool) { return field.Int(t.FDLimit), true }),
	"proc.fdusage": threadValue(func(t *Thread) (field.Value, bool) {
		if t.Proc == nil {
			return field.Value{}, false
		}
		pct := 0.0
		if t.FDLimit > 0 {
			pct = min(float64(openCount(t))/float64(t.FDLimit)*100, 100)
		}
		return field.Value{Kind: field.KindFloat, N: math.Float64bits(pct)}, true
	}),
	"proc.vmsize":      threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(uint64(t.VMSizeKB)), true }),
	"proc.vmrss":       threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(uint64(t.VMRSSKB)), true }),
	"proc.vmswap":      threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(uint64(t.VMSwapKB)), true }),
	"proc.stdin.type":  stdFD(0, false),
	"proc.stdout.type": stdFD(1, false),
	"proc.stderr.type": stdFD(2, false),
	"proc.stdin.name":  stdFD(0, true),
	"proc.stdout.name": stdFD(1, true),
	"proc.stderr.name": stdFD(2, true),
}

// nsPID is the process id in the thread's own pid namespace: its vpid,
// or its pid when the vpid is unknown (host processes).
func nsPID(t *Thread) int64 {
	if t.VPID >= 0 {
		return t.VPID
	}
	return t.PID
}

func openCount(t *Thread) int {
	if t.Proc == nil || t.Proc.FDs == nil {
		return 0
	}
	return t.Proc.FDs.Len()
}

// threadValue binds a field computed from the event's thread; ok false
// means no value.
func threadValue(fn func(t *Thread) (field.Value, bool)) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil {
				return dst
			}
			if v, ok := fn(t); ok {
				return append(dst, v)
			}
			return dst
		}
	})
}

// threadString binds a string of the event's thread; like libsinsp, an
// empty string is a value.
func threadString(fn func(t *Thread) string) bindFunc {
	return threadValue(func(t *Thread) (field.Value, bool) { return str(fn(t)), true })
}

// threadFlag binds a boolean flag of the event's thread.
func threadFlag(flag ThreadFlags) bindFunc {
	return threadValue(func(t *Thread) (field.Value, bool) { return boolValue(t.Flags&flag != 0), true })
}

// threadText binds a text rendered from the event's thread into the
// extractor's buffer.
func threadText(render func(dst []byte, t *Thread) []byte) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 256)
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil {
				return dst
			}
			buf = render(buf[:0], t)
			return append(dst, field.String(buf))
		}
	})
}

// appendJoined appends the items separated by sep.
func appendJoined(dst []byte, items []string, sep byte) []byte {
	for i, s := range items {
		if i > 0 {
			dst = append(dst, sep)
		}
		dst = append(dst, s...)
	}
	return dst
}

// appendCmdline appends proc.cmdline: the command name, then each
// argument after a blank.
func appendCmdline(dst []byte, t *Thread) []byte {
	dst = append(dst, t.Comm...)
	for _, a := range t.Args {
		dst = append(dst, ' ')
		dst = append(dst, a...)
	}
	return dst
}

// bindArgs binds proc.args (the arguments joined by blanks) and
// proc.args[N] (argument N alone, counting from 0 after argv[0]).
func bindArgs(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if arg.Present() {
		n, err := arg.Index()
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil || n >= len(t.Args) {
				return dst
			}
			return append(dst, str(t.Args[n]))
		}, nil
	}
	return threadText(func(dst []byte, t *Thread) []byte { return appendJoined(dst, t.Args, ' ') })(b, f, arg)
}

// envOf returns the environment of t's process: its main thread's, or
// its own when the main thread is gone, as libsinsp reads it.
func (s *State) envOf(t *Thread) []string {
	if !t.IsMain() {
		if m := s.threads[t.PID]; m != nil {
			return m.Env
		}
	}
	return t.Env
}

// envValue returns the value of variable name in env, "" when absent.
func envValue(env []string, name string) string {
	for _, kv := range env {
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			return kv[len(name)+1:]
		}
	}
	return ""
}

// bindEnv binds proc.env (every NAME=value joined by blanks) and
// proc.env[NAME] (one value; an absent variable gives an empty value, as
// in libsinsp).
func bindEnv(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if arg.Present() {
		name := arg.Text
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil {
				return dst
			}
			return append(dst, str(envValue(b.s.envOf(t), name)))
		}, nil
	}
	return threadText(func(dst []byte, t *Thread) []byte { return appendJoined(dst, b.s.envOf(t), ' ') })(b, f, arg)
}

// bindDuration binds proc.duration: the time since the process started.
func bindDuration(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if err := noArg(f, arg); err != nil {
		return nil, err
	}
	return func(dst []field.Value) []field.Value {
		t, e := b.thread(), b.event()
		if t == nil || e == nil {
			return dst
		}
		return appendSince(dst, e.Timestamp(), startTS(t))
	}, nil
}

// startTS returns when thread t started, 0 when unknown: a thread known
// only from a capture's process list has the capture's start as its
// CloneTS, not its own start (the list does not record it), so libsinsp
// and we give its start-time fields no value; a live /proc scan does give
// it (StartKnown).
func startTS(t *Thread) uint64 {
	if t.Flags&(FromProcList|StartKnown) == FromProcList {
		return 0
	}
	return t.CloneTS
}

// appendSince appends ts-start as a duration, nothing when start is
// unknown (0) or after ts.
func appendSince(dst []field.Value, ts, start uint64) []field.Value {
	if start == 0 || ts < start {
		return dst
	}
	return append(dst, timeValue(ts-start))
}

// stdFD binds proc.std{in,out,err}.{type,name}: descriptor n of the
// process.
func stdFD(n int64, name bool) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil || t.Proc == nil || t.Proc.FDs == nil {
				return dst
			}
			fd := t.Proc.FDs.Get(n)
			if fd == nil {
				return dst
			}
			if name {
				return append(dst, str(fd.Name))
			}
			return append(dst, str(fdTypeName(fd.Type)))
		}
	})
}

// fdTypeNames are the names fd.type gives descriptor kinds.
var fdTypeNames = [...]string{
	event.FDFile: "file", event.FDFileV2: "file", event.FDDirectory: "directory",
	event.FDIPv4Sock: "ipv4", event.FDIPv4ServSock: "ipv4",
	event.FDIPv6Sock: "ipv6", event.FDIPv6ServSock: "ipv6",
	event.FDUnixSock: "unix", event.FDFifo: "pipe", event.FDEvent: "event",
	event.FDSignalFD: "signalfd", event.FDEventPoll: "eventpoll", event.FDInotify: "inotify",
	event.FDTimerFD: "timerfd", event.FDNetlink: "netlink", event.FDBPF: "bpf",
	event.FDUserfaultFD: "userfaultfd", event.FDIOUring: "io_uring", event.FDMemFD: "memfd",
	event.FDPidFD: "pidfd",
}

// fdTypeName returns the fd.type name of a kind, "<NA>" for the unknown
// and unsupported ones as libsinsp does.
func fdTypeName(t event.FDType) string {
	if int(t) < len(fdTypeNames) && fdTypeNames[t] != "" {
		return fdTypeNames[t]
	}
	return "<NA>"
}
