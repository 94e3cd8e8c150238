package capture

import (
	"errors"
	"os"
	"slices"
	"time"

	"golang.org/x/sys/unix"
)

// Size limits of the /proc files a scan reads. cmdline and environ are cut
// where libs cuts them (SCAP_MAX_ARGS_SIZE, SCAP_MAX_ENV_SIZE); the others
// are far above what the kernel writes, so a larger file is garbage.
const (
	argsMax    = 4096
	envMax     = 4096
	statMax    = 4096
	statusMax  = 64 << 10 // a long Groups: line
	cgroupMax  = 64 << 10
	limitsMax  = 8 << 10
	loginMax   = 32
	textMax    = 4096 // one-line files: pid_max, hostname
	pathMax    = 1023 // longest path libs stores (SCAP_MAX_PATH_SIZE less its NUL)
	cgroupsMax = 4096 // longest cgroup list libs stores (SCAP_MAX_CGROUPS_SIZE)
)

// procReader reads files and symbolic links below /proc into buffers it
// reuses. It is not safe for concurrent use.
type procReader struct {
	buf  []byte
	link []byte
}

func newProcReader() *procReader {
	return &procReader{buf: make([]byte, 16<<10), link: make([]byte, unix.PathMax)}
}

// read returns the first limit bytes (at most) of the file at path. The
// slice is valid until the next call.
func (r *procReader) read(path string, limit int) ([]byte, error) {
	return r.readAt(unix.AT_FDCWD, path, limit)
}

// readAt is read of a path relative to the directory dfd.
func (r *procReader) readAt(dfd int, path string, limit int) ([]byte, error) {
	fd, err := openAtRetry(dfd, path, unix.O_RDONLY)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	if len(r.buf) < limit {
		r.buf = make([]byte, limit)
	}
	b, n := r.buf[:limit], 0
	for n < limit {
		m, err := unix.Read(fd, b[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		n += m
		// A short read is the end: the files read here are regular
		// files or /proc files that fill the whole buffer when they can
		// (single-record seq files, cmdline, environ). It saves a read
		// per file.
		if m == 0 || n < limit && m < len(b)-(n-m) {
			break
		}
	}
	return b[:n], nil
}

// readlinkAt returns the target of the link at path, relative to the
// directory dfd, cut to pathMax bytes.
func (r *procReader) readlinkAt(dfd int, path string) (string, error) {
	n, err := unix.Readlinkat(dfd, path, r.link)
	if err != nil {
		return "", &os.PathError{Op: "readlink", Path: path, Err: err}
	}
	return string(r.link[:min(n, pathMax)]), nil
}

// listAt returns the numeric entries of the open directory dfd (process,
// thread or descriptor numbers) in ascending order.
func (r *procReader) listAt(dfd int) ([]int64, error) {
	var ids []int64
	var names []string
	for {
		n, err := unix.Getdents(dfd, r.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			break
		}
		_, _, names = unix.ParseDirent(r.buf[:n], -1, names[:0])
		for _, s := range names {
			if id, ok := parseID(s); ok {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func openRetry(path string, flags int) (int, error) {
	return openAtRetry(unix.AT_FDCWD, path, flags)
}

func openAtRetry(dfd int, path string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dfd, path, flags|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// gone reports whether err says that the process or thread (or the file
// it opened) no longer exists.
func gone(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH)
}

// statPath stats path, following links; the zero Stat_t and false when it
// fails.
func statPath(path string) (unix.Stat_t, bool) {
	var st unix.Stat_t
	err := unix.Stat(path, &st)
	return st, err == nil
}

// timespecNS converts a stat time to ns since the epoch.
func timespecNS(ts unix.Timespec) uint64 {
	ns := ts.Nano()
	if ns < 0 {
		return 0
	}
	return uint64(ns)
}

// bootTime returns the boot time in ns since the epoch, to the ns:
// CLOCK_REALTIME minus CLOCK_BOOTTIME, read back to back.
func bootTime() uint64 {
	var rt, bt unix.Timespec
	if unix.ClockGettime(unix.CLOCK_REALTIME, &rt) != nil || unix.ClockGettime(unix.CLOCK_BOOTTIME, &bt) != nil {
		return 0
	}
	d := rt.Nano() - bt.Nano()
	if d < 0 {
		return 0
	}
	return uint64(d)
}

// clockTicks is USER_HZ, the unit of the start times in
// /proc/<pid>/stat: 100 on every Linux architecture Peregrine runs on.
const clockTicks = 100

// ticksToNS converts a start time in clock ticks after boot to ns since
// the epoch.
func ticksToNS(boot, ticks uint64) uint64 {
	return boot + ticks*uint64(time.Second/clockTicks)
}
