package ruletest

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"path"
	"strconv"
	"strings"

	"peregrine/internal/event"
)

// Socket constants of the wire format (Linux values, as the drivers pass
// them on).
const (
	sockStream = 1
	sockDgram  = 2
	atFDCWD    = -100
)

// exitType returns the event type a live capture produces for the exit of
// the system call called name: the newest exit layout.
func exitType(name string) (event.Type, error) {
	types := event.TypesNamed(name)
	if len(types) == 0 {
		return 0, fmt.Errorf("unknown event type %q", name)
	}
	var best, old event.Type
	for _, t := range types {
		info := t.Info()
		if t.Dir() != event.Exit || info == nil {
			continue
		}
		if info.Flags&event.OldVersion == 0 {
			best = t
		}
		old = t
	}
	switch {
	case best != 0:
		return best, nil
	case old != 0:
		return old, nil
	}
	return 0, fmt.Errorf("event type %q: no exit event of its own (a generic system call)", name)
}

// eventBuilder turns event specs into events for one case.
type eventBuilder struct {
	procs map[int64]*Process
	opens map[int64]map[int64]bool // descriptors opened by earlier events, per process
	ts    uint64
	b     event.Builder
}

// aliases are friendly keys and the libs parameter names they fill.
var aliases = [...]struct{ key, param string }{
	{"path", "name"},
	{"file", "name"},
}

// aliasTarget returns the parameter a friendly key fills, or "".
func aliasTarget(key string) string {
	for _, a := range aliases {
		if a.key == key {
			return a.param
		}
	}
	return ""
}

// givenParam returns the value spec gives for parameter name, under its
// own name or a friendly key.
func givenParam(spec *EventSpec, name string) (ParamValue, bool) {
	if v, ok := spec.Params[name]; ok {
		return v, true
	}
	for _, a := range aliases {
		if a.param == name {
			if v, ok := spec.Params[a.key]; ok {
				return v, true
			}
		}
	}
	return ParamValue{}, false
}

// build appends the events spec stands for to dst: usually one, two when a
// socket must be opened first.
func (eb *eventBuilder) build(spec *EventSpec, dst []*event.Event) ([]*event.Event, error) {
	t, err := exitType(spec.Type)
	if err != nil {
		return dst, err
	}
	info := t.Info()
	proc := eb.procs[spec.PID]
	if proc == nil {
		if spec.Type != "execve" && spec.Type != "execveat" {
			return dst, fmt.Errorf("pid %d: unknown process (list it under processes)", spec.PID)
		}
		proc = &Process{PID: spec.PID, PPID: 1, Cwd: "/"}
		if v, ok := spec.Params["ppid"]; ok {
			proc.PPID, _ = strconv.ParseInt(v.Scalar, 0, 64)
		}
		eb.procs[spec.PID] = proc
	}
	for key := range spec.Params {
		if key == "ppid" { // the parent of a process the test did not list
			continue
		}
		if info.ParamIndex(key) < 0 && info.ParamIndex(aliasTarget(key)) < 0 {
			return dst, fmt.Errorf("%s has no parameter %q (it has %s)", spec.Type, key, paramNames(info))
		}
	}
	fd, hasFD := eb.fdOf(spec, info)
	if hasFD && needsSocket(spec) && !eb.opens[spec.PID][fd] {
		ev, err := eb.socket(spec, fd)
		if err != nil {
			return dst, err
		}
		dst = append(dst, ev)
	}
	exec := spec.Type == "execve" || spec.Type == "execveat"
	if exec {
		eb.exec(proc, spec)
	}
	eb.ts += 1000
	eb.b.Reset(t, eb.ts, spec.TID)
	for i := range info.Params {
		pi := &info.Params[i]
		v, given := givenParam(spec, pi.Name)
		if !given {
			v, given = eb.defaultParam(spec, proc, pi.Name, exec)
		}
		if !given {
			eb.zero(pi.Type)
			continue
		}
		if err := eb.param(pi, v); err != nil {
			return dst, fmt.Errorf("%s parameter %s: %w", spec.Type, pi.Name, err)
		}
	}
	ev, err := eb.take()
	if err != nil {
		return dst, err
	}
	switch {
	case hasFD && spec.Type == "close":
		delete(eb.opens[spec.PID], fd)
	case hasFD && (info.Flags&event.CreatesFD != 0 || spec.Type == "connect"):
		eb.opened(spec.PID, fd)
	}
	return append(dst, ev), nil
}

// take returns the event the builder holds, in memory of its own (the
// events of a case are all built before the engine sees them).
func (eb *eventBuilder) take() (*event.Event, error) {
	raw, err := eb.b.Bytes()
	if err != nil {
		return nil, err
	}
	ev := new(event.Event)
	if err := ev.Load(append([]byte(nil), raw...)); err != nil {
		return nil, err
	}
	return ev, nil
}

func paramNames(info *event.Info) string {
	var names []string
	for _, p := range info.Params {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

func (eb *eventBuilder) opened(pid, fd int64) {
	if eb.opens[pid] == nil {
		eb.opens[pid] = map[int64]bool{}
	}
	eb.opens[pid][fd] = true
}

// fdOf returns the descriptor an event names.
func (eb *eventBuilder) fdOf(spec *EventSpec, info *event.Info) (int64, bool) {
	v, ok := spec.Params["fd"]
	if !ok || info.ParamIndex("fd") < 0 {
		return 0, false
	}
	fd, err := strconv.ParseInt(v.Scalar, 0, 64)
	return fd, err == nil
}

// needsSocket tells whether an event uses a socket it must find open: a
// connect, or a send with a tuple, on a descriptor no earlier event opened.
func needsSocket(spec *EventSpec) bool {
	if spec.Type == "connect" {
		return true
	}
	_, tuple := spec.Params["tuple"]
	return tuple && (spec.Type == "sendto" || spec.Type == "sendmsg")
}

// socket makes the socket event that opens the descriptor spec uses.
func (eb *eventBuilder) socket(spec *EventSpec, fd int64) (*event.Event, error) {
	t, err := exitType("socket")
	if err != nil {
		return nil, err
	}
	domain := uint64(event.FamilyInet)
	if v, ok := spec.Params["tuple"]; ok && strings.Contains(v.Scalar, "[") {
		domain = uint64(event.FamilyInet6)
	}
	typ := uint64(sockStream)
	if spec.Type == "sendto" || spec.Type == "sendmsg" {
		typ = sockDgram
	}
	eb.ts += 1000
	eb.b.Reset(t, eb.ts, spec.TID)
	for _, pi := range t.Info().Params {
		switch pi.Name {
		case "fd":
			eb.b.Int(pi.Type, fd)
		case "domain":
			eb.b.Uint(pi.Type, domain)
		case "type":
			eb.b.Uint(pi.Type, typ)
		default:
			eb.zero(pi.Type)
		}
	}
	ev, err := eb.take()
	if err != nil {
		return nil, err
	}
	eb.opened(spec.PID, fd)
	return ev, nil
}

// exec updates the process an execve replaces.
func (eb *eventBuilder) exec(p *Process, spec *EventSpec) {
	if v, ok := spec.Params["exe"]; ok {
		p.Exe = v.Scalar
		p.Name = ""
	}
	if v, ok := spec.Params["comm"]; ok {
		p.Name = v.Scalar
	}
	if p.Name == "" {
		p.Name = path.Base(p.Exe)
	}
	if v, ok := spec.Params["args"]; ok {
		p.Args = v.List
		if !v.IsList {
			p.Args = strings.Fields(v.Scalar)
		}
	}
	if v, ok := spec.Params["uid"]; ok {
		if n, err := strconv.ParseUint(v.Scalar, 0, 32); err == nil {
			p.UID = uint32(n)
		}
	}
	if v, ok := spec.Params["cwd"]; ok {
		p.Cwd = v.Scalar
	}
}

// defaultParam gives the value of a parameter the spec leaves out, from
// the process or the other parameters; false leaves it zero.
func (eb *eventBuilder) defaultParam(spec *EventSpec, p *Process, name string, exec bool) (ParamValue, bool) {
	num := func(n int64) (ParamValue, bool) { return ParamValue{Scalar: strconv.FormatInt(n, 10)}, true }
	str := func(s string) (ParamValue, bool) { return ParamValue{Scalar: s}, true }
	switch name {
	case "res":
		if d, ok := spec.Params["data"]; ok {
			return num(int64(len(d.Scalar)))
		}
	case "size":
		if d, ok := spec.Params["data"]; ok {
			return num(int64(len(d.Scalar)))
		}
	case "dirfd":
		return num(atFDCWD)
	case "addr":
		if v, ok := spec.Params["tuple"]; ok {
			if _, dst, ok := strings.Cut(v.Scalar, "->"); ok {
				return str(dst)
			}
		}
	}
	if !exec {
		return ParamValue{}, false
	}
	switch name {
	case "exe", "filename", "trusted_exepath":
		return str(p.Exe)
	case "args":
		return ParamValue{List: p.Args, IsList: true}, true
	case "comm":
		return str(p.Name)
	case "tid":
		return num(spec.TID)
	case "pid", "vpgid", "pgid":
		return num(p.PID)
	case "ptid":
		return num(p.PPID)
	case "cwd":
		return str(p.Cwd)
	case "fdlimit":
		return num(1024)
	case "uid", "gid", "loginuid":
		return num(int64(p.UID))
	case "cgroups":
		if p.Container == "" {
			return ParamValue{List: []string{"cpuset=/"}, IsList: true}, true
		}
		return ParamValue{List: []string{"cpuset=/docker/" + fullID(p.Container)}, IsList: true}, true
	}
	return ParamValue{}, false
}

// fullID is the 64-digit form of a container id (a short id padded).
func fullID(id string) string {
	if len(id) >= 64 {
		return id
	}
	return id + strings.Repeat("0", 64-len(id))
}

// zero appends the empty value of a parameter type.
func (eb *eventBuilder) zero(t event.ParamType) {
	if t.FixedSize() > 0 && t.FixedSize() <= 8 {
		eb.b.Uint(t, 0)
		return
	}
	switch t {
	case event.PTCharbuf, event.PTFSPath, event.PTFSRelPath:
		eb.b.String("")
	default:
		eb.b.Empty()
	}
}

// param appends one given parameter, encoded for its type.
func (eb *eventBuilder) param(pi *event.ParamInfo, v ParamValue) error {
	switch pi.Type {
	case event.PTCharbuf, event.PTFSPath, event.PTFSRelPath:
		eb.b.String(v.Scalar)
	case event.PTBytebuf:
		if v.IsList { // args, env, cgroups: NUL-terminated strings
			var b []byte
			for _, s := range v.List {
				b = append(append(b, s...), 0)
			}
			eb.b.Raw(b)
			return nil
		}
		eb.b.Raw([]byte(v.Scalar))
	case event.PTSocktuple:
		b, err := tupleBytes(v.Scalar)
		if err != nil {
			return err
		}
		eb.b.Raw(b)
	case event.PTSockaddr:
		ap, err := netip.ParseAddrPort(strings.TrimSpace(v.Scalar))
		if err != nil {
			return fmt.Errorf("address %q: want ip:port", v.Scalar)
		}
		eb.b.Raw(appendEnd(familyByte(ap.Addr()), ap))
	case event.PTErrno:
		n, err := errnoValue(v.Scalar)
		if err != nil {
			return err
		}
		eb.b.Int(pi.Type, n)
	case event.PTFlags8, event.PTFlags16, event.PTFlags32, event.PTEnumFlags8, event.PTEnumFlags16, event.PTEnumFlags32, event.PTMode:
		n, err := flagsValue(pi.Names, v.Scalar)
		if err != nil {
			return err
		}
		eb.b.Uint(pi.Type, n)
	default:
		size := pi.Type.FixedSize()
		if size == 0 || size > 8 {
			return fmt.Errorf("type %v cannot be written in a test", pi.Type)
		}
		n, err := strconv.ParseInt(v.Scalar, 0, 64)
		if err != nil {
			u, uerr := strconv.ParseUint(v.Scalar, 0, 64)
			if uerr != nil {
				return fmt.Errorf("%q is not a number", v.Scalar)
			}
			n = int64(u)
		}
		eb.b.Int(pi.Type, n)
	}
	return nil
}

// errnoValue reads a result: a number, or an errno name (EINPROGRESS
// stands for -115).
func errnoValue(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 0, 64); err == nil {
		return n, nil
	}
	for code := int64(1); code < 1024; code++ {
		if event.ErrnoName(-code) == s {
			return -code, nil
		}
	}
	return 0, fmt.Errorf("%q is neither a number nor an errno name", s)
}

// flagsValue reads flags: a number, or names joined by | (O_RDWR|O_CREAT).
func flagsValue(names *event.FlagTable, s string) (uint64, error) {
	if n, err := strconv.ParseUint(s, 0, 64); err == nil {
		return n, nil
	}
	if names == nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	var out uint64
	for _, part := range strings.Split(s, "|") {
		part = strings.TrimSpace(part)
		found := false
		for _, e := range names.Entries {
			if e.Name == part {
				out |= uint64(e.Value)
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("flag %q is not in %s", part, names.Name)
		}
	}
	return out, nil
}

// tupleBytes encodes "src:port->dst:port" ([v6]:port for IPv6).
func tupleBytes(s string) ([]byte, error) {
	src, dst, ok := strings.Cut(s, "->")
	if !ok {
		return nil, fmt.Errorf("tuple %q: want src_ip:port->dst_ip:port", s)
	}
	a, err := netip.ParseAddrPort(strings.TrimSpace(src))
	if err != nil {
		return nil, fmt.Errorf("tuple %q: %w", s, err)
	}
	b, err := netip.ParseAddrPort(strings.TrimSpace(dst))
	if err != nil {
		return nil, fmt.Errorf("tuple %q: %w", s, err)
	}
	if a.Addr().Is4() != b.Addr().Is4() {
		return nil, fmt.Errorf("tuple %q: both ends must be IPv4 or both IPv6", s)
	}
	return appendEnd(appendEnd(familyByte(a.Addr()), a), b), nil
}

func familyByte(a netip.Addr) []byte {
	if a.Is4() {
		return []byte{event.FamilyInet}
	}
	return []byte{event.FamilyInet6}
}

// appendEnd appends an address (network order) and a port (little-endian).
func appendEnd(dst []byte, ap netip.AddrPort) []byte {
	if ap.Addr().Is4() {
		a := ap.Addr().As4()
		dst = append(dst, a[:]...)
	} else {
		a := ap.Addr().As16()
		dst = append(dst, a[:]...)
	}
	return binary.LittleEndian.AppendUint16(dst, ap.Port())
}
