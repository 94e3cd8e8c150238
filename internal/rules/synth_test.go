package rules_test

import (
	"net/netip"
	"unsafe"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// synthEvent is a synthetic system call event with the process, file and
// connection it concerns: the data a state engine would give the syscall
// fields, without one.
type synthEvent struct {
	typ       event.Type
	comm      string
	pcomm     string
	ancestors []string
	exe       string
	cmdline   string
	args      string
	pid, ppid int64
	tty       uint64
	user      string
	uid       uint64
	container string // "" on the host
	image     string
	fd        string // file path or connection tuple
	fdDir     string
	fdFile    string
	typechar  string
	fdnum     int64
	sip, cip  netip.Addr
	sport     uint64
	l4        string
	res       int64
	flags     uint64 // evt.is_open_* bits: 1 read, 2 write, 4 exec, 8 create
}

// synthSource binds the fields a synthetic event has; every other field
// has no value (as a source without that data would).
type synthSource struct{ cur *synthEvent }

func (s *synthSource) str(get func(e *synthEvent) string) field.Extractor {
	return func(dst []field.Value) []field.Value {
		v := get(s.cur)
		if v == "" {
			return dst
		}
		return append(dst, field.Value{Kind: field.KindString, B: unsafeBytes(v)})
	}
}

func (s *synthSource) num(kind field.Kind, get func(e *synthEvent) uint64) field.Extractor {
	return func(dst []field.Value) []field.Value {
		return append(dst, field.Value{Kind: kind, N: get(s.cur)})
	}
}

func (s *synthSource) flag(bit uint64) field.Extractor {
	return func(dst []field.Value) []field.Value {
		return append(dst, field.Bool(s.cur.flags&bit != 0))
	}
}

// unsafeBytes returns the bytes of a string without copying, as a state
// engine's extractors hand out the bytes they hold; nothing writes through
// them.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (s *synthSource) Bind(f *field.Field, arg field.Arg) (field.Extractor, error) {
	none := func(dst []field.Value) []field.Value { return dst }
	switch f.Name {
	case "evt.type":
		return s.str(func(e *synthEvent) string { return e.typ.Name() }), nil
	case "evt.dir":
		return s.str(func(e *synthEvent) string { return e.typ.Dir().String() }), nil
	case "evt.rawres":
		return s.num(field.KindInt, func(e *synthEvent) uint64 { return uint64(e.res) }), nil
	case "evt.res":
		return s.str(func(e *synthEvent) string {
			if e.res < 0 {
				return "ENOENT"
			}
			return "SUCCESS"
		}), nil
	case "evt.failed":
		return func(dst []field.Value) []field.Value { return append(dst, field.Bool(s.cur.res < 0)) }, nil
	case "evt.is_open_read":
		return s.flag(1), nil
	case "evt.is_open_write":
		return s.flag(2), nil
	case "evt.is_open_exec":
		return s.flag(4), nil
	case "evt.is_open_create":
		return s.flag(8), nil
	case "proc.name":
		return s.str(func(e *synthEvent) string { return e.comm }), nil
	case "proc.pname":
		return s.str(func(e *synthEvent) string { return e.pcomm }), nil
	case "proc.exe", "proc.exepath":
		return s.str(func(e *synthEvent) string { return e.exe }), nil
	case "proc.cmdline":
		return s.str(func(e *synthEvent) string { return e.cmdline }), nil
	case "proc.args":
		return s.str(func(e *synthEvent) string { return e.args }), nil
	case "proc.pid", "proc.vpid":
		return s.num(field.KindInt, func(e *synthEvent) uint64 { return uint64(e.pid) }), nil
	case "proc.ppid":
		return s.num(field.KindInt, func(e *synthEvent) uint64 { return uint64(e.ppid) }), nil
	case "proc.tty":
		return s.num(field.KindUint, func(e *synthEvent) uint64 { return e.tty }), nil
	case "proc.aname":
		if arg.Present() {
			n, err := arg.Index()
			if err != nil {
				return nil, err
			}
			return func(dst []field.Value) []field.Value {
				if n == 0 {
					return append(dst, field.String(unsafeBytes(s.cur.comm)))
				}
				if n-1 < len(s.cur.ancestors) {
					return append(dst, field.String(unsafeBytes(s.cur.ancestors[n-1])))
				}
				return dst
			}, nil
		}
		return func(dst []field.Value) []field.Value {
			for _, a := range s.cur.ancestors {
				dst = append(dst, field.String(unsafeBytes(a)))
			}
			return dst
		}, nil
	case "user.name":
		return s.str(func(e *synthEvent) string { return e.user }), nil
	case "user.uid":
		return s.num(field.KindUint, func(e *synthEvent) uint64 { return e.uid }), nil
	case "container.id":
		return s.str(func(e *synthEvent) string {
			if e.container == "" {
				return "host"
			}
			return e.container
		}), nil
	case "container.image.repository":
		return s.str(func(e *synthEvent) string { return e.image }), nil
	case "fd.name":
		return s.str(func(e *synthEvent) string { return e.fd }), nil
	case "fd.directory":
		return s.str(func(e *synthEvent) string { return e.fdDir }), nil
	case "fd.filename":
		return s.str(func(e *synthEvent) string { return e.fdFile }), nil
	case "fd.typechar":
		return s.str(func(e *synthEvent) string { return e.typechar }), nil
	case "fd.num":
		return s.num(field.KindInt, func(e *synthEvent) uint64 { return uint64(e.fdnum) }), nil
	case "fd.l4proto":
		return s.str(func(e *synthEvent) string { return e.l4 }), nil
	case "fd.sip":
		return func(dst []field.Value) []field.Value {
			if !s.cur.sip.IsValid() {
				return dst
			}
			return append(dst, field.IP(s.cur.sip))
		}, nil
	case "fd.sport":
		return s.num(field.KindUint, func(e *synthEvent) uint64 { return e.sport }), nil
	}
	return none, nil
}

// synthStream is a mix of events of a busy host with containers: library
// and config opens, process starts, connections, and the reads, writes
// and closes that most rules never look at. No event is an attack.
func synthStream() []*synthEvent {
	host := func(e synthEvent) *synthEvent {
		if e.pid == 0 {
			e.pid, e.ppid = 4242, 4200
		}
		if e.user == "" {
			e.user, e.uid = "www-data", 33
		}
		if len(e.ancestors) == 0 {
			e.ancestors = []string{e.pcomm, "systemd"}
		}
		return &e
	}
	return []*synthEvent{
		host(synthEvent{typ: 307, comm: "nginx", pcomm: "nginx", exe: "/usr/sbin/nginx", cmdline: "nginx -g daemon off;",
			fd: "/usr/share/nginx/html/index.html", fdDir: "/usr/share/nginx/html", fdFile: "index.html", typechar: "f", fdnum: 12, flags: 1}),
		host(synthEvent{typ: 7, comm: "nginx", pcomm: "nginx", exe: "/usr/sbin/nginx", fd: "/usr/share/nginx/html/index.html", typechar: "f", fdnum: 12, res: 612}),
		host(synthEvent{typ: 9, comm: "nginx", pcomm: "nginx", exe: "/usr/sbin/nginx", fd: "10.0.0.5:443->10.0.0.9:51000", typechar: "4", fdnum: 13, res: 612}),
		host(synthEvent{typ: 5, comm: "nginx", pcomm: "nginx", exe: "/usr/sbin/nginx", fd: "/usr/share/nginx/html/index.html", typechar: "f", fdnum: 12}),
		host(synthEvent{typ: 293, comm: "ls", pcomm: "bash", ancestors: []string{"bash", "sshd", "sshd", "systemd"}, exe: "/usr/bin/ls",
			cmdline: "ls -l /var/log", args: "-l /var/log", user: "alice", uid: 1000, tty: 34816}),
		host(synthEvent{typ: 307, comm: "ls", pcomm: "bash", exe: "/usr/bin/ls", fd: "/etc/ld.so.cache", fdDir: "/etc", fdFile: "ld.so.cache",
			typechar: "f", fdnum: 3, flags: 1, user: "alice", uid: 1000}),
		host(synthEvent{typ: 307, comm: "python3", pcomm: "gunicorn", exe: "/usr/bin/python3", cmdline: "python3 app.py", container: "3ad8c2f1e9b0",
			image: "registry.local/shop/api", fd: "/app/cache/session-17.json", fdDir: "/app/cache", fdFile: "session-17.json", typechar: "f",
			fdnum: 9, flags: 2 | 8}),
		host(synthEvent{typ: 23, comm: "python3", pcomm: "gunicorn", exe: "/usr/bin/python3", container: "3ad8c2f1e9b0",
			image: "registry.local/shop/api", fd: "172.17.0.4:40120->10.0.0.7:5432", typechar: "4", fdnum: 10, l4: "tcp",
			sip: netip.MustParseAddr("10.0.0.7"), cip: netip.MustParseAddr("172.17.0.4"), sport: 5432, res: 0}),
		host(synthEvent{typ: 293, comm: "gunicorn", pcomm: "gunicorn", exe: "/usr/local/bin/gunicorn", cmdline: "gunicorn app:app -w 4",
			container: "3ad8c2f1e9b0", image: "registry.local/shop/api"}),
		host(synthEvent{typ: 223, comm: "gunicorn", pcomm: "gunicorn", exe: "/usr/local/bin/gunicorn", container: "3ad8c2f1e9b0"}),
		host(synthEvent{typ: 31, comm: "dnsmasq", pcomm: "systemd", exe: "/usr/sbin/dnsmasq", fd: "127.0.0.1:53->127.0.0.1:41000",
			typechar: "4", l4: "udp", res: 60}),
		host(synthEvent{typ: 3, comm: "cron", pcomm: "systemd", exe: "/usr/sbin/cron", fd: "/etc/crontab", fdDir: "/etc", fdFile: "crontab",
			typechar: "f", fdnum: 5, flags: 1, user: "root", uid: 0}),
	}
}
