package capture

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
)

// sys makes system call nr with args: a string is passed as a pointer to
// a NUL-terminated copy, an int or uintptr as is, an unsafe.Pointer as a
// pointer (kept alive across the call). It returns the result, negative
// errno on failure.
func sys(nr uintptr, args ...any) int64 {
	var a [6]uintptr
	var keep []any
	for i, x := range args {
		switch x := x.(type) {
		case string:
			p, err := unix.BytePtrFromString(x)
			if err != nil {
				panic(err)
			}
			keep = append(keep, p)
			a[i] = uintptr(unsafe.Pointer(p))
		case int:
			a[i] = uintptr(x)
		case uintptr:
			a[i] = x
		case unix.Signal:
			a[i] = uintptr(x)
		case unsafe.Pointer:
			keep = append(keep, x)
			a[i] = uintptr(x)
		default:
			panic("sys: bad argument")
		}
	}
	r, _, e := unix.Syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5])
	runtime.KeepAlive(keep)
	if e != 0 {
		return -int64(e)
	}
	return int64(r)
}

// flags compares as a set of names.
type flags []string

func checkFlags(t *testing.T, e *event.Event, name string, want flags) {
	t.Helper()
	got := strings.Split(text(param(t, e, name)), "|")
	if len(want) == 0 {
		want = flags{""}
	}
	slices.Sort(got)
	w := slices.Clone(want)
	slices.Sort(w)
	if !slices.Equal(got, w) {
		t.Errorf("%s %s = %v, want %v", e.TypeName(), name, got, w)
	}
}

const atFDCWD = -100

func statOf(t *testing.T, path string) unix.Stat_t {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// Each case makes real system calls on one thread and checks the exit
// events they produce: every parameter the case names, with its value.
func TestFileSyscalls(t *testing.T) {
	r := openRig(t, Options{Snaplen: 64})
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	path := func(n string) string { return filepath.Join(dir, n) }
	dirfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dirfd)

	t.Run("open creates", func(t *testing.T) {
		var fd int64
		tid := onThread(false, func(int) {
			fd = sys(unix.SYS_OPEN, path("a"), unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_CLOEXEC, 0o640)
		})
		defer unix.Close(int(fd))
		st := statOf(t, path("a"))
		e := r.waitType(3, tid)
		check(t, e, map[string]any{"fd": fd, "name": path("a"), "mode": 0o640, "dev": int(st.Dev), "ino": int64(st.Ino)})
		checkFlags(t, e, "flags", flags{"O_WRONLY", "O_CREAT", "O_TRUNC", "O_CLOEXEC", "O_F_CREATED"})
	})
	t.Run("openat reads", func(t *testing.T) {
		var fd int64
		tid := onThread(false, func(int) { fd = sys(unix.SYS_OPENAT, atFDCWD, path("a"), unix.O_RDONLY, 0o777) })
		defer unix.Close(int(fd))
		e := r.waitType(307, tid)
		check(t, e, map[string]any{"fd": fd, "dirfd": atFDCWD, "name": path("a"), "mode": 0})
		checkFlags(t, e, "flags", flags{"O_RDONLY"})
	})
	t.Run("openat fails", func(t *testing.T) {
		tid := onThread(false, func(int) { sys(unix.SYS_OPENAT, dirfd, "missing", unix.O_RDWR|unix.O_APPEND, 0) })
		e := r.waitType(307, tid)
		check(t, e, map[string]any{"fd": errno(unix.ENOENT), "dirfd": dirfd, "name": "missing", "dev": 0, "ino": 0})
		checkFlags(t, e, "flags", flags{"O_RDWR", "O_APPEND"})
	})
	t.Run("openat2", func(t *testing.T) {
		how := unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_BENEATH}
		var fd int64
		tid := onThread(false, func(int) {
			fd = sys(unix.SYS_OPENAT2, dirfd, "a", unsafe.Pointer(&how), unsafe.Sizeof(how))
		})
		defer unix.Close(int(fd))
		e := r.waitType(327, tid)
		check(t, e, map[string]any{"fd": fd, "dirfd": dirfd, "name": "a", "mode": 0, "ino": int64(statOf(t, path("a")).Ino)})
		checkFlags(t, e, "flags", flags{"O_RDONLY", "O_CLOEXEC"})
		checkFlags(t, e, "resolve", flags{"RESOLVE_NO_SYMLINKS", "RESOLVE_BENEATH"})
	})
	t.Run("creat", func(t *testing.T) {
		var fd int64
		tid := onThread(false, func(int) { fd = sys(unix.SYS_CREAT, path("c"), 0o600) })
		defer unix.Close(int(fd))
		e := r.waitType(59, tid)
		check(t, e, map[string]any{"fd": fd, "name": path("c"), "mode": 0o600, "ino": int64(statOf(t, path("c")).Ino)})
		check(t, e, map[string]any{"creat_flags": 0x4000}) // PPM_O_F_CREATED
	})
	t.Run("write read close", func(t *testing.T) {
		fd, err := unix.Open(path("rw"), unix.O_RDWR|unix.O_CREAT, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte("hello, peregrine")
		var buf [100]byte
		tid := onThread(false, func(int) {
			sys(unix.SYS_WRITE, fd, unsafe.Pointer(&msg[0]), len(msg))
			sys(unix.SYS_PREAD64, fd, unsafe.Pointer(&buf[0]), 1, 0) // not captured
			unix.Seek(fd, 0, 0)
			sys(unix.SYS_READ, fd, unsafe.Pointer(&buf[0]), len(buf))
			sys(unix.SYS_CLOSE, fd)
			sys(unix.SYS_CLOSE, fd)
		})
		check(t, r.waitType(9, tid), map[string]any{"res": len(msg), "data": string(msg), "fd": fd, "size": len(msg)})
		check(t, r.waitType(7, tid), map[string]any{"res": len(msg), "fd": fd, "size": len(buf)})
		check(t, r.waitType(5, tid), map[string]any{"res": 0, "fd": fd})
		check(t, r.waitType(5, tid), map[string]any{"res": errno(unix.EBADF), "fd": fd})
	})
	t.Run("dup family", func(t *testing.T) {
		fd, err := unix.Open(path("a"), unix.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		var d1 int64
		tid := onThread(false, func(int) {
			d1 = sys(unix.SYS_DUP, fd)
			sys(unix.SYS_DUP2, fd, 300)
			sys(unix.SYS_DUP3, fd, 301, unix.O_CLOEXEC)
		})
		defer unix.Close(int(d1))
		defer unix.Close(300)
		defer unix.Close(301)
		check(t, r.waitType(367, tid), map[string]any{"res": d1, "oldfd": fd})
		check(t, r.waitType(363, tid), map[string]any{"res": 300, "oldfd": fd, "newfd": 300})
		e := r.waitType(365, tid)
		check(t, e, map[string]any{"res": 301, "oldfd": fd, "newfd": 301})
		checkFlags(t, e, "flags", flags{"O_CLOEXEC"})
	})
	t.Run("directories", func(t *testing.T) {
		tid := onThread(false, func(int) {
			sys(unix.SYS_MKDIR, path("d1"), 0o755)
			sys(unix.SYS_MKDIRAT, dirfd, "d2", 0o700)
			sys(unix.SYS_RMDIR, path("d1"))
			sys(unix.SYS_UNLINKAT, dirfd, "d2", unix.AT_REMOVEDIR)
		})
		check(t, r.waitType(277, tid), map[string]any{"res": 0, "path": path("d1"), "mode": 0o755})
		check(t, r.waitType(305, tid), map[string]any{"res": 0, "dirfd": dirfd, "path": "d2", "mode": 0o700})
		check(t, r.waitType(279, tid), map[string]any{"res": 0, "path": path("d1")})
		e := r.waitType(303, tid)
		check(t, e, map[string]any{"res": 0, "dirfd": dirfd, "name": "d2"})
		checkFlags(t, e, "flags", flags{"AT_REMOVEDIR"})
	})
	t.Run("links and renames", func(t *testing.T) {
		tid := onThread(false, func(int) {
			sys(unix.SYS_SYMLINK, "/etc/shadow", path("s1"))
			sys(unix.SYS_SYMLINKAT, "a", dirfd, "s2")
			sys(unix.SYS_LINK, path("a"), path("h1"))
			sys(unix.SYS_LINKAT, dirfd, "a", dirfd, "h2", unix.AT_SYMLINK_FOLLOW)
			sys(unix.SYS_RENAME, path("h1"), path("h3"))
			sys(unix.SYS_RENAMEAT, dirfd, "h2", atFDCWD, path("h4"))
			sys(unix.SYS_RENAMEAT2, dirfd, "h3", dirfd, "h4", unix.RENAME_NOREPLACE)
			sys(unix.SYS_UNLINK, path("s1"))
			sys(unix.SYS_UNLINKAT, dirfd, "s2", 0)
		})
		check(t, r.waitType(179, tid), map[string]any{"res": 0, "target": "/etc/shadow", "linkpath": path("s1")})
		check(t, r.waitType(181, tid), map[string]any{"res": 0, "target": "a", "linkdirfd": dirfd, "linkpath": "s2"})
		check(t, r.waitType(309, tid), map[string]any{"res": 0, "oldpath": path("a"), "newpath": path("h1")})
		e := r.waitType(311, tid)
		check(t, e, map[string]any{"res": 0, "olddir": dirfd, "oldpath": "a", "newdir": dirfd, "newpath": "h2"})
		checkFlags(t, e, "flags", flags{"AT_SYMLINK_FOLLOW"})
		check(t, r.waitType(175, tid), map[string]any{"res": 0, "oldpath": path("h1"), "newpath": path("h3")})
		check(t, r.waitType(177, tid), map[string]any{"res": 0, "olddirfd": dirfd, "oldpath": "h2", "newdirfd": atFDCWD, "newpath": path("h4")})
		e = r.waitType(319, tid)
		check(t, e, map[string]any{"res": errno(unix.EEXIST), "olddirfd": dirfd, "oldpath": "h3", "newpath": "h4"})
		checkFlags(t, e, "flags", flags{"RENAME_NOREPLACE"})
		check(t, r.waitType(301, tid), map[string]any{"res": 0, "path": path("s1")})
		check(t, r.waitType(303, tid), map[string]any{"res": 0, "dirfd": dirfd, "name": "s2"})
	})
	t.Run("permissions", func(t *testing.T) {
		fd, err := unix.Open(path("a"), unix.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		tid := onThread(false, func(int) {
			sys(unix.SYS_CHMOD, path("a"), 0o4750)
			sys(unix.SYS_FCHMOD, fd, 0o644)
			sys(unix.SYS_FCHMODAT, dirfd, "a", 0o1777)
			sys(unix.SYS_CHOWN, path("a"), 1, 2)
			sys(unix.SYS_LCHOWN, path("a"), 3, 4)
			sys(unix.SYS_FCHOWN, fd, 5, 6)
			sys(unix.SYS_FCHOWNAT, dirfd, "a", 7, 8, unix.AT_SYMLINK_NOFOLLOW)
		})
		e := r.waitType(315, tid)
		check(t, e, map[string]any{"res": 0, "filename": path("a")})
		checkFlags(t, e, "mode", flags{"S_ISUID", "S_IRUSR", "S_IWUSR", "S_IXUSR", "S_IRGRP", "S_IXGRP"})
		e = r.waitType(317, tid)
		check(t, e, map[string]any{"res": 0, "fd": fd})
		checkFlags(t, e, "mode", flags{"S_IRUSR", "S_IWUSR", "S_IRGRP", "S_IROTH"})
		e = r.waitType(313, tid)
		check(t, e, map[string]any{"res": 0, "dirfd": dirfd, "filename": "a"})
		checkFlags(t, e, "mode", flags{"S_ISVTX", "S_IRUSR", "S_IWUSR", "S_IXUSR", "S_IRGRP", "S_IWGRP", "S_IXGRP", "S_IROTH", "S_IWOTH", "S_IXOTH"})
		check(t, r.waitType(379, tid), map[string]any{"res": 0, "path": path("a"), "uid": 1, "gid": 2})
		check(t, r.waitType(381, tid), map[string]any{"res": 0, "path": path("a"), "uid": 3, "gid": 4})
		check(t, r.waitType(383, tid), map[string]any{"res": 0, "fd": fd, "uid": 5, "gid": 6})
		e = r.waitType(385, tid)
		check(t, e, map[string]any{"res": 0, "dirfd": dirfd, "pathname": "a", "uid": 7, "gid": 8})
		checkFlags(t, e, "flags", flags{"AT_SYMLINK_NOFOLLOW"})
	})
	t.Run("chdir", func(t *testing.T) {
		orig, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		defer os.Chdir(orig)
		tid := onThread(false, func(int) {
			sys(unix.SYS_CHDIR, dir)
			sys(unix.SYS_FCHDIR, dirfd)
			sys(unix.SYS_CHDIR, path("missing"))
		})
		check(t, r.waitType(95, tid), map[string]any{"res": 0, "path": dir})
		check(t, r.waitType(97, tid), map[string]any{"res": 0, "fd": dirfd})
		check(t, r.waitType(95, tid), map[string]any{"res": errno(unix.ENOENT), "path": path("missing")})
	})
	t.Run("pipes and memfd", func(t *testing.T) {
		var p1, p2 [2]int32
		var mfd int64
		tid := onThread(false, func(int) {
			sys(unix.SYS_PIPE, unsafe.Pointer(&p1))
			sys(unix.SYS_PIPE2, unsafe.Pointer(&p2), unix.O_CLOEXEC|unix.O_NONBLOCK)
			mfd = sys(unix.SYS_MEMFD_CREATE, "peregrine-memfd", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
		})
		for _, fd := range []int32{p1[0], p1[1], p2[0], p2[1], int32(mfd)} {
			defer unix.Close(int(fd))
		}
		var st unix.Stat_t
		if err := unix.Fstat(int(p1[0]), &st); err != nil {
			t.Fatal(err)
		}
		check(t, r.waitType(61, tid), map[string]any{"res": 0, "fd1": int(p1[0]), "fd2": int(p1[1]), "ino": int64(st.Ino)})
		e := r.waitType(393, tid)
		check(t, e, map[string]any{"res": 0, "fd1": int(p2[0]), "fd2": int(p2[1])})
		checkFlags(t, e, "flags", flags{"O_CLOEXEC", "O_NONBLOCK"})
		e = r.waitType(405, tid)
		check(t, e, map[string]any{"fd": mfd, "name": "peregrine-memfd"})
		checkFlags(t, e, "flags", flags{"MFD_CLOEXEC", "MFD_ALLOW_SEALING"})
	})
	t.Run("mounts and modules", func(t *testing.T) {
		img := []byte("\x7fELF not a module")
		var mfd int
		tid := onThread(false, func(int) {
			sys(unix.SYS_MOUNT, "none", path("missing"), "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID, 0)
			sys(unix.SYS_MOUNT, "none", path("missing"), "tmpfs", 0xC0ED0000|unix.MS_NODEV, 0)
			sys(unix.SYS_UMOUNT2, path("missing"), unix.MNT_DETACH)
			sys(unix.SYS_INIT_MODULE, unsafe.Pointer(&img[0]), len(img), "debug=1")
			mfd, _ = unix.Open(path("a"), unix.O_RDONLY, 0)
			sys(unix.SYS_FINIT_MODULE, mfd, "opt=2", 0)
		})
		defer unix.Close(mfd)
		e := r.waitType(257, tid)
		check(t, e, map[string]any{"res": errno(unix.ENOENT), "dev": "none", "dir": path("missing"), "type": "tmpfs"})
		checkFlags(t, e, "flags", flags{"RDONLY", "NOSUID"})
		checkFlags(t, r.waitType(257, tid), "flags", flags{"NODEV"})
		e = r.waitType(391, tid)
		check(t, e, map[string]any{"name": path("missing")})
		checkFlags(t, e, "flags", flags{"DETACH"})
		// This kernel has no module support: both fail with ENOSYS, and
		// the events still carry the attempt.
		check(t, r.waitType(411, tid), map[string]any{"res": errno(unix.ENOSYS), "img": string(img), "length": len(img), "uargs": "debug=1"})
		check(t, r.waitType(413, tid), map[string]any{"res": errno(unix.ENOSYS), "fd": mfd, "uargs": "opt=2"})
	})
}
