package state

import (
	"testing"

	"peregrine/internal/event"
)

// openatParams fills an openat exit (current layout): fd, dirfd, name,
// flags, mode, dev, ino.
func openatParams(fd, dirfd int64, name string, flags, mode uint32) func(b *event.Builder) {
	return func(b *event.Builder) {
		b.Int(event.PTFD, fd)
		b.Int(event.PTFD, dirfd)
		b.String(name)
		b.Uint(event.PTFlags32, uint64(flags))
		b.Uint(event.PTUint32, uint64(mode))
		b.Uint(event.PTUint32, 0x801)
		b.Uint(event.PTUint64, 77)
	}
}

// renameat2Params fills a renameat2 exit: res, olddirfd, oldpath,
// newdirfd, newpath, flags.
func renameat2Params(res, olddirfd int64, oldpath string, newdirfd int64, newpath string) func(b *event.Builder) {
	return func(b *event.Builder) {
		b.Int(event.PTErrno, res)
		b.Int(event.PTFD, olddirfd)
		b.String(oldpath)
		b.Int(event.PTFD, newdirfd)
		b.String(newpath)
		b.Uint(event.PTFlags32, 0)
	}
}

func evtArgScenarios() []scenario {
	return []scenario{
		{
			name: "open exit, parameter fields",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1|4|0x4000, 0o755))
			},
			cases: []fieldCase{
				{"evt.arg.name", v("/etc/hosts")},
				{"evt.arg[1]", v("/etc/hosts")},
				{"evt.arg.fd", v("<f>/etc/hosts")}, // annotated by the state's resolver
				{"evt.arg.mode", v("0755")},
				{"evt.arg[9]", nil},
				{"evt.arg.nosuch", nil},
				{"evt.args", v("fd=3(<f>/etc/hosts) name=/etc/hosts flags=16389(O_CREAT|O_RDONLY|O_F_CREATED) mode=0755 dev=801 ino=1234")},
				{"evt.info", v("fd=3(<f>/etc/hosts) name=/etc/hosts flags=16389(O_CREAT|O_RDONLY|O_F_CREATED) mode=0755 dev=801 ino=1234")},
				{"evt.rawarg.flags", v("16389")},
				{"evt.rawarg.name", v("/etc/hosts")},
				{"evt.rawarg.fd", v("3")},
				{"evt.rawarg.ino", v("1234")},
				{"evt.rawarg.res", nil},
				{"evt.buffer", nil},
				{"evt.buflen", nil},
				{"evt.abspath", nil},
				{"evt.is_open_read", v("true")},
				{"evt.is_open_write", v("false")},
				{"evt.is_open_exec", v("true")},
				{"evt.is_open_create", v("true")},
			},
		},
		{
			name: "openat relative to a directory descriptor",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenatNewX, 17497, -1, openatParams(9, 8, "x/../y.txt", 2|4, 0o644))
			},
			cases: []fieldCase{
				{"evt.abspath", v("/tmp/y.txt")},
				{"evt.abspath.src", v("/tmp/y.txt")},
				{"evt.abspath.dst", nil},
				{"evt.is_open_read", v("false")},
				{"evt.is_open_write", v("true")},
				{"evt.is_open_exec", v("false")},
				{"evt.is_open_create", v("false")},
				{"evt.rawarg.dirfd", v("8")},
			},
		},
		{
			name: "openat with an unknown directory descriptor",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenatNewX, 17497, -1, openatParams(9, 55, "y.txt", 1, 0))
			},
			cases: []fieldCase{{"evt.abspath", nil}},
		},
		{
			name: "openat of a temporary file",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenatNewX, 17497, -1, openatParams(9, atFDCWD, "/tmp", 2|0x2000, 0o700))
			},
			cases: []fieldCase{
				{"evt.abspath", v("/tmp")},
				{"evt.is_open_create", v("true")},
				{"evt.is_open_exec", v("true")},
			},
		},
		{
			name: "creat of an executable file",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeCreatX, 17497, -1, func(b *event.Builder) {
					b.Int(event.PTFD, 9)
					b.String("run.sh")
					b.Uint(event.PTUint32, 0o750)
					b.Uint(event.PTUint32, 0)
					b.Uint(event.PTUint64, 0)
					b.Uint(event.PTFlags16, 0)
				})
			},
			cases: []fieldCase{
				{"evt.is_open_exec", v("true")},
				{"evt.is_open_read", v("false")},
			},
		},
		{
			name: "renameat2 between two directories",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeRenameat2X, 17497, -1, renameat2Params(0, atFDCWD, "a.txt", 8, "sub//b.txt"))
			},
			cases: []fieldCase{
				{"evt.abspath", v("/home/ubuntu/a.txt")},
				{"evt.abspath.src", v("/home/ubuntu/a.txt")},
				{"evt.abspath.dst", v("/tmp/sub/b.txt")},
			},
		},
		{
			name: "read with data",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17497, 3, ioParams(5, "he\x00lo", 3))
			},
			cases: []fieldCase{
				{"evt.buffer", v("he\x00lo")},
				{"evt.buflen", v("5")},
				{"evt.buflen.in", v("5")},
				{"evt.buflen.out", nil},
				{"evt.buflen.file", v("5")},
				{"evt.buflen.file.in", v("5")},
				{"evt.buflen.file.out", nil},
				{"evt.buflen.net.in", nil},
				{"evt.buflen.net", nil},
				{"evt.rawarg.data", v("he\x00lo")},
				{"evt.rawarg.size", v("100")},
				{"evt.arg.res", v("5")},
			},
		},
		{
			name: "write to a socket",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeWriteX, 17497, 4, ioParams(3, "GET", 4))
			},
			cases: []fieldCase{
				{"evt.buflen.out", v("3")},
				{"evt.buflen.net", v("3")},
				{"evt.buflen.net.out", v("3")},
				{"evt.buflen.net.in", nil},
				{"evt.buflen.file", nil},
			},
		},
		{
			name: "write to a file",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeWriteX, 17497, 3, ioParams(4, "data", 3))
			},
			cases: []fieldCase{
				{"evt.buflen.file.out", v("4")},
				{"evt.buflen.file.in", nil},
				{"evt.buflen.in", nil},
			},
		},
		{
			name: "read from a socket",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17497, 5, ioParams(7, "answers", 5))
			},
			cases: []fieldCase{
				{"evt.buflen.net.in", v("7")},
				{"evt.buflen.net.out", nil},
				{"evt.buflen.file", nil},
			},
		},
		{
			name: "read that failed",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17497, 4, ioParams(-11, "", 4))
			},
			cases: []fieldCase{
				{"evt.buflen", nil},
				{"evt.buflen.net.in", nil},
				{"evt.arg.res", v("EAGAIN")},
				{"evt.rawarg.res", v("-11")},
			},
		},
	}
}
