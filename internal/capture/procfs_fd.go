package capture

import (
	"bytes"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
)

// PPM_O_* open flags, as FILE_V2 descriptors and open events store them.
const (
	ppmORdonly    uint32 = 1 << 0
	ppmOWronly    uint32 = 1 << 1
	ppmORdwr      uint32 = ppmORdonly | ppmOWronly
	ppmOCreat     uint32 = 1 << 2
	ppmOAppend    uint32 = 1 << 3
	ppmODsync     uint32 = 1 << 4
	ppmOExcl      uint32 = 1 << 5
	ppmONonblock  uint32 = 1 << 6
	ppmOSync      uint32 = 1 << 7
	ppmOTrunc     uint32 = 1 << 8
	ppmODirect    uint32 = 1 << 9
	ppmODirectory uint32 = 1 << 10
	ppmOCloexec   uint32 = 1 << 12
	ppmOTmpfile   uint32 = 1 << 13
)

// openFlagBits maps kernel open flags to PPM_O_* flags. As in libs, a
// flag is set when any bit of its kernel value is: O_SYNC (which includes
// O_DSYNC's bit) is reported for O_DSYNC alone, O_TMPFILE (which includes
// O_DIRECTORY's) for O_DIRECTORY. O_LARGEFILE is not mapped: the kernel
// sets it on every file a 64-bit process opens, and libs built for 64 bits
// never reports it.
var openFlagBits = [...]struct {
	kernel uint64
	ppm    uint32
}{
	{unix.O_CREAT, ppmOCreat}, {unix.O_TMPFILE, ppmOTmpfile}, {unix.O_APPEND, ppmOAppend},
	{unix.O_DSYNC, ppmODsync}, {unix.O_EXCL, ppmOExcl}, {unix.O_NONBLOCK, ppmONonblock},
	{unix.O_SYNC, ppmOSync}, {unix.O_TRUNC, ppmOTrunc}, {unix.O_DIRECT, ppmODirect},
	{unix.O_DIRECTORY, ppmODirectory}, {unix.O_CLOEXEC, ppmOCloexec},
}

// ppmOpenFlags converts the flags of /proc/<pid>/fdinfo/<fd> (the file's
// f_flags, plus O_CLOEXEC when the descriptor has it).
func ppmOpenFlags(f uint64) uint32 {
	r := ppmORdonly
	switch f & unix.O_ACCMODE {
	case unix.O_WRONLY:
		r = ppmOWronly
	case unix.O_RDWR:
		r = ppmORdwr
	}
	for _, b := range openFlagBits {
		if f&b.kernel != 0 {
			r |= b.ppm
		}
	}
	return r
}

// anonKinds classifies descriptors of anonymous inodes by their link
// name, as libs does. libs also looks for "anon_inode:[bpf", which no
// kernel writes (BPF objects read "anon_inode:bpf-map", "anon_inode:bpf-prog",
// ...); both spellings are taken here.
var anonKinds = [...]struct {
	link   string
	prefix bool
	kind   event.FDType
}{
	{"anon_inode:[eventfd]", false, event.FDEvent},
	{"anon_inode:[signalfd]", false, event.FDSignalFD},
	{"anon_inode:[eventpoll]", false, event.FDEventPoll},
	{"anon_inode:inotify", false, event.FDInotify},
	{"anon_inode:[timerfd]", false, event.FDTimerFD},
	{"anon_inode:[io_uring]", false, event.FDIOUring},
	{"anon_inode:[userfaultfd]", false, event.FDUserfaultFD},
	{"anon_inode:[pidfd]", false, event.FDPidFD},
	{"anon_inode:bpf", true, event.FDBPF},
	{"anon_inode:[bpf", true, event.FDBPF},
}

func anonKind(link string) event.FDType {
	for _, k := range anonKinds {
		if link == k.link || k.prefix && strings.HasPrefix(link, k.link) {
			return k.kind
		}
	}
	return event.FDUnsupported
}

// readFDs lists the open descriptors of the process whose /proc directory
// (or the directory of one of its threads) is dir. The second result is
// false when the process has gone. Descriptors are looked up relative to
// the fd directory, which spares the kernel a path walk per descriptor.
func (w *worker) readFDs(dir string) ([]event.FD, bool) {
	fdDir := dir + "/fd"
	dfd, err := openRetry(fdDir, unix.O_RDONLY|unix.O_DIRECTORY)
	var nums []int64
	if err == nil {
		nums, err = w.r.listAt(dfd)
		defer unix.Close(dfd)
	}
	if err != nil {
		if gone(err) {
			return nil, false
		}
		w.stats.note("list %s: %v", fdDir, err)
		return nil, true
	}
	if over := len(nums) - w.sc.opts.MaxFDs; over > 0 {
		w.stats.OverFDs += over
		nums = nums[:w.sc.opts.MaxFDs]
	}
	fl := fdList{dir: dir, infoFD: -1}
	defer fl.close()
	out := make([]event.FD, 0, len(nums))
	for _, n := range nums {
		name := strconv.FormatInt(n, 10)
		var st unix.Stat_t
		if unix.Fstatat(dfd, name, &st, 0) != nil {
			continue // closed meanwhile
		}
		link, err := w.r.readlinkAt(dfd, name)
		if err != nil {
			continue
		}
		fd := event.FD{Num: n, Ino: st.Ino}
		if w.describe(&fd, &fl, &st, link) {
			out = append(out, fd)
		}
	}
	return out, true
}

// fdList is what reading the descriptors of one process needs beside
// each descriptor, found on first use.
type fdList struct {
	dir    string
	infoFD int // the fdinfo directory; -1 until opened
	netNS  uint64
	haveNS bool
}

func (l *fdList) close() {
	if l.infoFD >= 0 {
		unix.Close(l.infoFD)
	}
}

// netNamespace returns the inode of the process's network namespace, 0
// when it cannot be told.
func (l *fdList) netNamespace() uint64 {
	if !l.haveNS {
		if st, ok := statPath(l.dir + "/ns/net"); ok {
			l.netNS = st.Ino
		}
		l.haveNS = true
	}
	return l.netNS
}

// describe fills fd from the stat of its target and its link name, as
// libs' fd scan does. It returns false for a socket that no table lists.
func (w *worker) describe(fd *event.FD, fl *fdList, st *unix.Stat_t, link string) bool {
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFIFO:
		fd.Type, fd.Name = event.FDFifo, link
		if ino, ok := bracketed(link, "pipe:["); ok {
			fd.Ino = ino
		}
	case unix.S_IFREG, unix.S_IFBLK, unix.S_IFCHR, unix.S_IFLNK:
		switch {
		case strings.HasPrefix(link, "/memfd:"):
			fd.Type, fd.Name = event.FDMemFD, link
		case strings.HasPrefix(link, "anon_inode:"):
			fd.Type = anonKind(link)
		default:
			fd.Type, fd.Name = event.FDFileV2, link
			w.fileInfo(fd, fl)
		}
	case unix.S_IFDIR:
		fd.Type, fd.Name = event.FDDirectory, link
	case unix.S_IFSOCK:
		ino, ok := bracketed(link, "socket:[")
		if !ok {
			fd.Type, fd.Name = event.FDUnsupported, link
			return true
		}
		tmpl, ok := w.sockets(fl.dir, fl.netNamespace())[ino]
		if !ok {
			w.stats.UnknownSockets++
			return false
		}
		num := fd.Num
		*fd = tmpl
		fd.Num = num
	default:
		// Anonymous inodes (eventfd, epoll, ...) have no file type.
		// libs gives them no name.
		fd.Type = anonKind(link)
	}
	return true
}

// bracketed parses the number of "prefix<n>]" (a pipe or socket link).
func bracketed(link, prefix string) (uint64, bool) {
	s, ok := strings.CutPrefix(link, prefix)
	if !ok || !strings.HasSuffix(s, "]") {
		return 0, false
	}
	v, err := strconv.ParseUint(s[:len(s)-1], 10, 64)
	return v, err == nil
}

// fileInfo sets the open flags and device of a file descriptor from its
// fdinfo file: "flags:" in octal, "mnt_id:" naming the mount, whose device
// mountinfo gives.
func (w *worker) fileInfo(fd *event.FD, fl *fdList) {
	if fl.infoFD < 0 {
		d, err := openRetry(fl.dir+"/fdinfo", unix.O_PATH|unix.O_DIRECTORY)
		if err != nil {
			return
		}
		fl.infoFD = d
	}
	b, err := w.r.readAt(fl.infoFD, strconv.FormatInt(fd.Num, 10), textMax)
	if err != nil {
		return
	}
	var mnt uint64
	haveMnt := false
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if v, ok := bytes.CutPrefix(line, []byte("flags:")); ok {
			if f, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 8, 64); err == nil {
				fd.OpenFlags = ppmOpenFlags(f)
			}
		} else if v, ok := bytes.CutPrefix(line, []byte("mnt_id:")); ok {
			mnt, err = strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 64)
			haveMnt = err == nil
		}
	}
	if haveMnt {
		fd.Dev = w.mountDev(fl.dir, mnt)
	}
}

// sockets returns the socket table of a network namespace, reading it
// through dir the first time.
func (w *worker) sockets(dir string, netNS uint64) socketTable {
	sc := w.sc
	sc.mu.Lock()
	e := sc.nets[netNS]
	if e == nil {
		e = &lazy[socketTable]{}
		sc.nets[netNS] = e
	}
	sc.mu.Unlock()
	e.once.Do(func() {
		netDir := dir + "/net"
		if netNS == 0 {
			netDir = sc.opts.ProcRoot + "/net"
		}
		t, err := readSockets(netDir)
		if err != nil {
			w.stats.note("socket tables of %s: %v", netDir, err)
		}
		e.v = t
	})
	return e.v
}

// mountDev returns the device of a mount, reading the mount table
// through dir when the mount is new. Mount ids are unique across mount
// namespaces; a mount that cannot be found is remembered as device 0.
func (w *worker) mountDev(dir string, id uint64) uint32 {
	sc := w.sc
	sc.mu.Lock()
	d, ok := sc.devs[id]
	sc.mu.Unlock()
	if ok {
		return d
	}
	t := w.mounts(dir)
	if i := slices.IndexFunc(t, func(m mountEntry) bool { return m.id == id }); i >= 0 {
		d = t[i].dev
	}
	sc.mu.Lock()
	sc.devs[id] = d
	sc.mu.Unlock()
	return d
}

// mounts returns the mount table of the mount namespace dir's process is
// in, read once per namespace (on every call when the namespace cannot be
// told).
func (w *worker) mounts(dir string) mountTable {
	st, ok := statPath(dir + "/ns/mnt")
	if !ok {
		return w.readMounts(dir)
	}
	sc := w.sc
	sc.mu.Lock()
	e := sc.mountNS[st.Ino]
	if e == nil {
		e = &lazy[mountTable]{}
		sc.mountNS[st.Ino] = e
	}
	sc.mu.Unlock()
	e.once.Do(func() { e.v = w.readMounts(dir) })
	return e.v
}

func (w *worker) readMounts(dir string) mountTable {
	t, err := readMounts(dir + "/mountinfo")
	if err != nil && !gone(err) && !os.IsPermission(err) {
		w.stats.note("mounts of %s: %v", dir, err)
	}
	sc := w.sc
	sc.mu.Lock()
	for _, m := range t {
		sc.devs[m.id] = m.dev
	}
	sc.mu.Unlock()
	return t
}
