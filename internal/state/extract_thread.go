package state

import (
	"fmt"
	"strconv"

	"peregrine/internal/field"
)

// The thread.* fields (libsinsp's process class, thread part).

// threadBindings are the thread fields.
var threadBindings = map[string]bindFunc{
	// thread.tid needs no state: it is the event's.
	"thread.tid": simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			e := b.event()
			if e == nil || !validXID(e.TID()) {
				return dst
			}
			return append(dst, field.Int(e.TID()))
		}
	}),
	"thread.ismain": threadValue(func(t *Thread) (field.Value, bool) { return boolValue(t.IsMain()), true }),
	"thread.vtid":   threadValue(func(t *Thread) (field.Value, bool) { return field.Int(t.VTID), t.VTID >= 0 }),
	"thread.nametid": threadText(func(dst []byte, t *Thread) []byte {
		dst = append(dst, t.Comm...)
		return strconv.AppendInt(dst, t.TID, 10)
	}),
	"thread.pfmajor":  threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(t.PFMajor), true }),
	"thread.pfminor":  threadValue(func(t *Thread) (field.Value, bool) { return field.Uint(t.PFMinor), true }),
	"thread.vmsize":   mainThreadMemory(func(t *Thread) uint64 { return uint64(t.VMSizeKB) }, 1),
	"thread.vmrss":    mainThreadMemory(func(t *Thread) uint64 { return uint64(t.VMRSSKB) }, 1),
	"thread.vmsize.b": mainThreadMemory(func(t *Thread) uint64 { return uint64(t.VMSizeKB) }, 1024),
	"thread.vmrss.b":  mainThreadMemory(func(t *Thread) uint64 { return uint64(t.VMRSSKB) }, 1024),
	"thread.cgroups": simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 512)
		return func(dst []field.Value) []field.Value {
			t := b.thread()
			if t == nil || len(t.Cgroups) == 0 {
				return dst
			}
			buf = appendJoined(buf[:0], t.Cgroups, ' ')
			return append(dst, field.String(buf))
		}
	}),
	"thread.cgroup":          bindCgroup,
	"thread.cap_permitted":   capabilities(func(t *Thread) uint64 { return t.CapPermitted }),
	"thread.cap_inheritable": capabilities(func(t *Thread) uint64 { return t.CapInheritable }),
	"thread.cap_effective":   capabilities(func(t *Thread) uint64 { return t.CapEffective }),
	"thread.exectime":        bindExecTime,
}

// mainThreadMemory binds a memory figure that only a main thread carries
// (0 for the others), in KiB times scale.
func mainThreadMemory(get func(t *Thread) uint64, scale uint64) bindFunc {
	return threadValue(func(t *Thread) (field.Value, bool) {
		if !t.IsMain() {
			return field.Uint(0), true
		}
		return field.Uint(get(t) * scale), true
	})
}

// bindCgroup binds thread.cgroup.SUBSYS: the path of the thread's cgroup
// in that subsystem.
func bindCgroup(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if !arg.Present() {
		return nil, fmt.Errorf("field %s needs a subsystem: %s.SUBSYS", f.Name, f.Name)
	}
	subsys := arg.Text
	return func(dst []field.Value) []field.Value {
		t := b.thread()
		if t == nil {
			return dst
		}
		for _, c := range t.Cgroups {
			if len(c) > len(subsys) && c[len(subsys)] == '=' && c[:len(subsys)] == subsys {
				return append(dst, str(c[len(subsys)+1:]))
			}
		}
		return dst
	}, nil
}

// capNames are the Linux capability names by bit number.
var capNames = [...]string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// appendCaps appends the names of the capabilities set in caps, lowest
// first, separated by blanks; bits without a name are left out.
func appendCaps(dst []byte, caps uint64) []byte {
	first := true
	for i, name := range capNames {
		if caps&(1<<uint(i)) == 0 {
			continue
		}
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		dst = append(dst, name...)
	}
	return dst
}

// capabilities binds a capability set of the thread, as names.
func capabilities(get func(t *Thread) uint64) bindFunc {
	return threadText(func(dst []byte, t *Thread) []byte { return appendCaps(dst, get(t)) })
}

// bindExecTime binds thread.exectime: on a scheduler switch event, the
// time since the previous switch on the same processor that this
// extractor saw (the processor time of the thread switched out), 0 on the
// first and on other events, as libsinsp keeps it per field use.
func bindExecTime(b *Binder, f *field.Field, arg field.Arg) (field.Extractor, error) {
	if err := noArg(f, arg); err != nil {
		return nil, err
	}
	last := make([]uint64, 0, 64) // by cpu; grows once per new processor
	return func(dst []field.Value) []field.Value {
		e := b.event()
		if e == nil {
			return dst
		}
		d := uint64(0)
		if t := e.Type(); t == typeSchedSwitch1E || t == typeSchedSwitch6E {
			cpu := int(e.CPU)
			for len(last) <= cpu {
				last = append(last, 0)
			}
			ts := e.Timestamp()
			if last[cpu] != 0 && ts >= last[cpu] {
				d = ts - last[cpu]
			}
			last[cpu] = ts
		}
		return append(dst, timeValue(d))
	}, nil
}
