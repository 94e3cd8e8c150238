package capture

import (
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// exeInfo is what a process list records about a process's executable.
type exeInfo struct {
	ino, ctime, mtime uint64
	upper, lower      bool // it lives in an overlayfs upper (lower) layer
	memfd             bool // it is a memfd (fileless execution)

	// What decides whether a thread may write it (see [exeWritable]).
	found    bool // the file could be stat'ed
	uid, gid uint32
	mode     uint32
	readOnly bool // on a read-only mount
}

// writable reports whether a thread with the ids of ss may write the
// executable.
func (x *exeInfo) writable(ss *statusInfo) bool {
	return x.found && exeWritable(x.uid, x.gid, x.mode, ss, x.readOnly)
}

// exeInfo describes the executable of the process of dir, whose exe link
// reads exePath.
//
// The inode and times come from a stat of the exe link itself (libs stats
// the link's target path in its own mount namespace, which for a process
// in a container names another file or none). Writability is decided
// from the owner, mode and mount of the file rather than by switching the
// scanning thread's ids and calling access(2) as libs does; see
// [exeWritable]. The overlayfs layer, which libs' drivers read from the
// inode, is found here by looking the file up in the upper directory of
// the overlay mount that holds it.
func (w *worker) exeInfo(dir, exePath string) exeInfo {
	var x exeInfo
	if exePath == "" {
		return x
	}
	x.memfd = strings.HasPrefix(exePath, "/memfd:")
	st, ok := statPath(dir + "/exe")
	if !ok {
		return x
	}
	x.ino, x.ctime, x.mtime = st.Ino, timespecNS(st.Ctim), timespecNS(st.Mtim)
	path, deleted := strings.CutSuffix(exePath, " (deleted)")
	var m *mountEntry
	if !x.memfd && !deleted && strings.HasPrefix(path, "/") {
		m = w.mounts(dir).find(path)
	}
	x.found, x.uid, x.gid, x.mode, x.readOnly = true, st.Uid, st.Gid, st.Mode, m != nil && m.readOnly
	if m != nil && m.fstype == "overlay" && m.upperDir != "" {
		x.upper = w.inUpperLayer(m, path)
		x.lower = !x.upper
	}
	return x
}

// exeWritable decides whether a thread with the ids of ss may write a
// file of owner uid, group gid and mode, as libs' check does: the owner may (it can chmod the
// file, even on a read-only mount, as libs counts it); otherwise nobody
// may on a read-only mount; root may; then the group bits apply to a
// member of the file's group (here the process's own supplementary
// groups, where libs' check used the scanner's), and the other bits to the
// rest.
func exeWritable(uid, gid, mode uint32, ss *statusInfo, readOnly bool) bool {
	switch {
	case uid == ss.uid:
		return true
	case readOnly:
		return false
	case ss.uid == 0:
		return true
	case gid == ss.gid || slices.Contains(ss.groups, gid):
		return mode&0o020 != 0
	default:
		return mode&0o002 != 0
	}
}

// inUpperLayer reports whether path, on the overlay mount m, is in the
// mount's upper layer: the upper directory (a path of the host, where the
// container runtime mounted the overlay) holds it and it is not a
// whiteout.
func (w *worker) inUpperLayer(m *mountEntry, path string) bool {
	rel := path
	if m.point != "/" {
		rel = path[len(m.point):]
	}
	if m.root != "/" {
		rel = m.root + rel
	}
	var st unix.Stat_t
	if unix.Lstat(hostPath(w.sc.opts.HostRoot, m.upperDir+rel), &st) != nil {
		return false
	}
	whiteout := st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0
	return !whiteout
}
