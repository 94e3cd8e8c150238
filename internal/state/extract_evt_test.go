package state

import (
	"encoding/binary"
	"testing"

	"peregrine/internal/event"
)

// Event types the tests build besides those of binder_types.go.
const (
	typeCloseX   event.Type = 5   // SYSCALL_CLOSE_X
	typeReadX    event.Type = 7   // SYSCALL_READ_X
	typeWriteX   event.Type = 9   // SYSCALL_WRITE_X
	typeGenericX event.Type = 1   // GENERIC_X
	typeMmapX    event.Type = 161 // SYSCALL_MMAP_X
)

// openParams fills an open exit: fd, name, flags, mode, dev, ino.
func openParams(fd int64, name string, flags, mode uint32) func(b *event.Builder) {
	return func(b *event.Builder) {
		b.Int(event.PTFD, fd)
		b.String(name)
		b.Uint(event.PTFlags32, uint64(flags))
		b.Uint(event.PTUint32, uint64(mode))
		b.Uint(event.PTUint32, 0x801)
		b.Uint(event.PTUint64, 1234)
	}
}

// ioParams fills a read or write exit: res, data, fd, size.
func ioParams(res int64, data string, fd int64) func(b *event.Builder) {
	return func(b *event.Builder) {
		b.Int(event.PTErrno, res)
		b.Raw([]byte(data))
		b.Int(event.PTFD, fd)
		b.Uint(event.PTUint32, 100)
	}
}

// withClock sets the binder's clock as SetNum would have: event 42, the
// capture starting at testStart, the previous event 1000 ns ago.
func withClock(f *fixture) {
	f.b.num, f.b.numSet = 42, true
	f.b.startTS, f.b.startSet = testStart, true
	f.b.prevTS, f.b.curTS = testTS-1000, testTS
}

func evtScenarios() []scenario {
	return []scenario{
		{
			name: "open exit, generic event fields",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1|4|0x4000, 0o755))
				withClock(f)
			},
			cases: []fieldCase{
				{"evt.num", v("42")},
				{"evt.time", v("17:35:48.514682170")},
				{"evt.time.s", v("17:35:48")},
				{"evt.datetime", v("2018-08-17 17:35:48.514682170")},
				{"evt.datetime.s", v("2018-08-17 17:35:48")},
				{"evt.time.iso8601", v("2018-08-17T17:35:48.514682170+0000")},
				{"evt.outputtime", v("17:35:48.514682170")},
				{"evt.rawtime", v("1534527348514682170")},
				{"evt.rawtime.s", v("1534527348")},
				{"evt.rawtime.ns", v("514682170")},
				{"evt.reltime", v("5514682171")},
				{"evt.reltime.s", v("5")},
				{"evt.reltime.ns", v("514682171")},
				{"evt.deltatime", v("1000")},
				{"evt.deltatime.s", v("0")},
				{"evt.deltatime.ns", v("1000")},
				{"evt.pluginname", nil},
				{"evt.plugininfo", nil},
				{"evt.source", v("syscall")},
				{"evt.is_async", v("false")},
				{"evt.asynctype", nil},
				{"evt.hostname", v("web-1")},
				{"evt.type", v("open")},
				{"evt.type.is.open", v("1")},
				{"evt.type.is.read", v("0")},
				{"evt.type.is.3", v("1")},
				{"syscall.type", v("open")},
				{"evt.dir", v("<")},
				{"evt.cpu", v("1")},
				{"evt.category", v("file")},
				{"evt.res", v("SUCCESS")},
				{"evt.rawres", v("3")},
				{"evt.failed", v("false")},
				{"evt.is_io", v("false")},
				{"evt.is_io_read", v("false")},
				{"evt.is_io_write", v("false")},
				{"evt.io_dir", nil},
				{"evt.is_wait", v("false")},
				{"evt.is_syslog", v("false")},
				{"evt.count", v("1")},
				{"evt.count.error", v("0")},
				{"evt.count.error.file", v("0")},
				{"evt.count.error.net", nil},
				{"evt.count.error.memory", nil},
				{"evt.count.error.other", nil},
				{"evt.count.exit", v("1")},
				{"evt.count.procinfo", v("0")},
				{"evt.count.threadinfo", v("0")},
				{"evt.latency", v("0")},
				{"evt.latency.s", v("0")},
				{"evt.latency.ns", v("0")},
				{"evt.latency.human", v("0ns")},
				{"evt.latency.quantized", v("0")},
				{"evt.wait_latency", v("0")},
			},
		},
		{
			name: "failed open of a relative path",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, -1, openParams(-2, "notes.txt", 1, 0))
			},
			cases: []fieldCase{
				{"evt.res", v("ENOENT")},
				{"evt.rawres", v("-2")},
				{"evt.failed", v("true")},
				{"evt.count.error", v("1")},
				{"evt.count.error.file", v("1")},
				{"evt.count.error.other", nil},
				{"evt.category", v("file")},
			},
		},
		{
			name: "read on a socket by a secondary thread",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17498, 4, ioParams(5, "hello", 4))
			},
			cases: []fieldCase{
				{"evt.category", v("net")},
				{"evt.is_io", v("true")},
				{"evt.is_io_read", v("true")},
				{"evt.is_io_write", v("false")},
				{"evt.io_dir", v("read")},
				{"evt.count.error.net", v("0")},
				{"evt.count.error.file", nil},
				{"evt.type.is.read", v("1")},
			},
		},
		{
			name: "write to the syslog socket",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeWriteX, 17497, 7, ioParams(-11, "<13>hi", 7))
			},
			cases: []fieldCase{
				{"evt.is_syslog", v("true")},
				{"evt.io_dir", v("write")},
				{"evt.category", v("ipc")},
				{"evt.res", v("EAGAIN")},
				{"evt.count.error.net", v("1")},
			},
		},
		{
			name: "failed mmap",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeMmapX, 17497, -1, func(b *event.Builder) {
					b.Int(event.PTErrno, -12)
					for range 3 {
						b.Uint(event.PTUint32, 0)
					}
					b.Uint(event.PTUint64, 0)
					b.Uint(event.PTUint64, 4096)
					b.Uint(event.PTFlags32, 0)
					b.Uint(event.PTFlags32, 0)
					b.Int(event.PTFD, -1)
					b.Uint(event.PTUint64, 0)
				})
			},
			cases: []fieldCase{
				{"evt.category", v("memory")},
				{"evt.count.error.memory", v("1")},
				{"evt.count.error.other", nil},
				{"evt.res", v("ENOMEM")},
			},
		},
		{
			name: "close that fails with an errno outside the table",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeCloseX, 17497, 1, func(b *event.Builder) {
					b.Int(event.PTErrno, -4000)
					b.Int(event.PTFD, 1)
				})
			},
			cases: []fieldCase{
				{"evt.res", v("-4000")},
				{"evt.count.error.other", v("1")},
				{"evt.category", v("ipc")},
			},
		},
		{
			name: "generic system call event",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeGenericX, 17497, -1, func(b *event.Builder) {
					b.Uint(event.PTSyscallID, 75) // mprotect
					b.Uint(event.PTUint16, 10)
				})
			},
			cases: []fieldCase{
				{"evt.type", v("mprotect")},
				{"syscall.type", v("mprotect")},
				{"evt.args", v("")},
				{"evt.category", v("other")},
			},
		},
		{
			name: "procinfo of a main thread",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeProcinfoE, 17497, -1, func(b *event.Builder) {
					b.Uint(event.PTUint64, 9)
					b.Uint(event.PTUint64, 3)
				})
			},
			cases: []fieldCase{
				{"evt.count.procinfo", v("1")},
				{"evt.count.threadinfo", v("1")},
				{"evt.is_async", v("true")},
				{"evt.asynctype", v("procinfo")},
				{"evt.dir", v(">")},
				{"evt.count.exit", nil},
				{"evt.res", nil},
				{"syscall.type", nil},
			},
		},
		{
			name: "container event",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeContainerJSON2E, -1, -1, func(b *event.Builder) { b.String(`{"container":{}}`) })
			},
			cases: []fieldCase{
				{"evt.is_async", v("true")},
				{"evt.asynctype", v("container")},
				{"thread.tid", v("-1")},
			},
		},
		{
			name: "async event of a plugin",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeAsyncEventE, 17497, -1, func(b *event.Builder) {
					b.Uint(event.PTUint32, 7)
					b.String("k8s_event")
					b.Raw([]byte{1, 2})
				})
			},
			cases: []fieldCase{{"evt.asynctype", v("k8s_event")}},
		},
	}
}

// TestExecTime checks thread.exectime over switch events on two
// processors: the time since the previous switch on the same one.
func TestExecTime(t *testing.T) {
	f := newFixture(t)
	fl, arg := fieldUse(t, "thread.exectime")
	ext, err := f.b.Bind(fl, arg)
	if err != nil {
		t.Fatal(err)
	}
	switchAt := func(ts uint64, cpu uint16) []string {
		var b event.Builder
		b.Reset(typeSchedSwitch6E, ts, 17497)
		b.Int(event.PTPID, 3200)
		for range 2 {
			b.Uint(event.PTUint64, 0)
		}
		for range 3 {
			b.Uint(event.PTUint32, 0)
		}
		e := new(event.Event)
		if err := b.Build(e); err != nil {
			t.Fatal(err)
		}
		e.CPU = cpu
		f.s.cur = current{ev: e, thread: f.s.threads[17497]}
		return render(ext(nil))
	}
	steps := []struct {
		ts   uint64
		cpu  uint16
		want string
	}{
		{1000, 0, "0"}, {1500, 1, "0"}, {1800, 0, "800"}, {2600, 1, "1100"}, {2700, 0, "900"},
	}
	for _, s := range steps {
		if got := switchAt(s.ts, s.cpu); len(got) != 1 || got[0] != s.want {
			t.Errorf("switch at %d on cpu %d: exectime %v, want %s", s.ts, s.cpu, got, s.want)
		}
	}
	f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
	if got := render(ext(nil)); len(got) != 1 || got[0] != "0" {
		t.Errorf("exectime of an open = %v, want 0", got)
	}
}

// pollFDList encodes a poll fd list.
func pollFDList(fds ...int64) []byte {
	out := binary.LittleEndian.AppendUint16(nil, uint16(len(fds)))
	for _, fd := range fds {
		out = binary.LittleEndian.AppendUint64(out, uint64(fd))
		out = binary.LittleEndian.AppendUint16(out, 1)
	}
	return out
}
