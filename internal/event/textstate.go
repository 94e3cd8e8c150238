package event

import (
	"encoding/binary"
	"strconv"
)

// The annotations that need machine state. In sysdig they appear only when
// libsinsp knows the event's thread; what they print:
//
//   - fd: "<T>name" for an fd the thread has open, T being the fd's type
//     letter plus, for IP sockets, the protocol letter (t, u, i, r):
//     "3(<f>/etc/hosts)", "4(<6t>::1:38255->::1:2345)", "5(<p>)". An fd the
//     thread does not know gets nothing; -100 gets "AT_FDCWD"; another
//     negative value its errno name ("-1(EPERM)").
//   - pid: the named thread's command name, "3200(bash)".
//   - uid and gid: the user or group name, "<NA>" when unknown, and -1
//     (0xffffffff, "no value") prints "-1(<NONE>)"; this annotation is
//     printed even without state.
//   - relative paths: the path resolved against the thread's working
//     directory (or, for *at calls, the directory of the dirfd parameter),
//     "name=foo(/home/u/foo)". Absolute paths and "<NA>" get nothing; an
//     empty path gets the directory in sysdig 0.29.3, nothing in current
//     libs.

// threadKnown reports whether sysdig would know the event's thread: always
// without a Resolver (see Printer), else when the Resolver knows it.
func (r *render) threadKnown() bool {
	if r.p.Resolver == nil {
		return true
	}
	_, ok := r.p.Resolver.Thread(r.e.TID())
	return ok
}

// fdTypeChars are the letters sysdig 0.29.3 gives fd kinds (its
// sinsp_fdinfo get_typechar, by scap_fd_type 0-16); the kinds current libs
// added use current libs' letters.
var fdTypeChars = [...]byte{
	FDUnknown: 'o', FDFile: 'f', FDDirectory: 'd', FDIPv4Sock: '4', FDIPv6Sock: '6',
	FDIPv4ServSock: '4', FDIPv6ServSock: '6', FDFifo: 'p', FDUnixSock: 'u', FDEvent: 'e',
	FDUnsupported: 'X', FDSignalFD: 's', FDEventPoll: 'l', FDInotify: 'i', FDTimerFD: 't',
	FDNetlink: 'n', FDFileV2: 'f', FDBPF: 'b', FDUserfaultFD: 'u', FDIOUring: 'r',
	FDMemFD: 'm', FDPidFD: 'P',
}

// fdTypeChar returns the letter of an fd kind, '?' for one this build does
// not know.
func fdTypeChar(t FDType) byte {
	if int(t) < len(fdTypeChars) {
		return fdTypeChars[t]
	}
	return '?'
}

// l4Char returns the protocol letter of an IP socket, 0 for none.
func l4Char(t FDType, l4 uint8) byte {
	switch t {
	case FDIPv4Sock, FDIPv6Sock, FDIPv4ServSock, FDIPv6ServSock:
	default:
		return 0
	}
	switch l4 {
	case L4TCP:
		return 't'
	case L4UDP:
		return 'u'
	case L4ICMP:
		return 'i'
	case L4Raw:
		return 'r'
	}
	return 0
}

func (r *render) appendFD(dst []byte, fd int64) ([]byte, int) {
	dst = strconv.AppendInt(dst, fd, 10)
	if !r.threadKnown() {
		return dst, -1
	}
	dst, m := openAnn(dst)
	switch {
	case fd >= 0:
		if r.p.Resolver == nil {
			break
		}
		fi, ok := r.p.Resolver.FD(r.e.TID(), fd)
		if !ok {
			break
		}
		dst = append(dst, '<', fdTypeChar(fi.Type))
		if c := l4Char(fi.Type, fi.L4Proto); c != 0 {
			dst = append(dst, c)
		}
		dst = append(dst, '>')
		dst = appendSanitized(dst, fi.Name)
	case fd == atFDCWD:
		dst = append(dst, "AT_FDCWD"...)
	default:
		dst = append(dst, ErrnoName(fd)...)
	}
	return closeAnn(dst, m)
}

func (r *render) appendPID(dst []byte, pid int64) ([]byte, int) {
	dst = strconv.AppendInt(dst, pid, 10)
	if r.p.Resolver == nil {
		return dst, -1
	}
	ti, ok := r.p.Resolver.Thread(pid)
	if !ok {
		return dst, -1
	}
	dst, m := openAnn(dst)
	dst = append(dst, ti.Comm...)
	return closeAnn(dst, m)
}

// noID is the uid/gid value meaning "none".
const noID = 0xffffffff

func (r *render) appendID(dst []byte, id uint32, group bool) ([]byte, int) {
	if id == noID {
		ann := len(dst) + len("-1")
		return append(dst, "-1(<NONE>)"...), ann
	}
	dst = strconv.AppendInt(dst, int64(int32(id)), 10)
	dst, m := openAnn(dst)
	name, ok := "", false
	if r.p.Resolver != nil {
		if _, known := r.p.Resolver.Thread(r.e.TID()); known {
			name, ok = r.p.Resolver.AccountName(r.e.TID(), id, group)
		}
	}
	if ok && name != "" {
		dst = appendSanitized(dst, name)
	} else {
		dst = append(dst, "<NA>"...)
	}
	return closeAnn(dst, m)
}

// appendPath renders an FSPATH or FSRELPATH value (sanitized) and, given
// a thread with a working directory, the resolved form of a relative path.
func (r *render) appendPath(dst []byte, t ParamType, path []byte) ([]byte, int) {
	dst = appendSanitized(dst, path)
	// libsinsp 0.1.1 resolves an empty path too (to the directory itself);
	// current libs leaves it alone.
	if r.p.Resolver == nil || (len(path) == 0 && !r.legacy) || (len(path) > 0 && path[0] == '/') || string(path) == "<NA>" {
		return dst, -1
	}
	tid := r.e.TID()
	ti, ok := r.p.Resolver.Thread(tid)
	if !ok {
		return dst, -1
	}
	base, slash := ti.Cwd, true
	if t == PTFSRelPath {
		if dirfd, ok := r.dirFD(); ok && dirfd != atFDCWD {
			base = ""
			if fi, ok := r.p.Resolver.FD(tid, dirfd); ok {
				base = fi.Name
			}
			// An unknown directory resolves against nothing (libs
			// returns an empty base without the slash).
			slash = base != ""
		}
	}
	dst, m := openAnn(dst)
	start := len(dst)
	dst = appendSanitized(dst, base)
	if slash && (len(dst) == start || dst[len(dst)-1] != '/') {
		dst = append(dst, '/')
	}
	dst = appendSanitized(dst, path)
	dst = cleanPath(dst, start)
	return closeAnn(dst, m)
}

// dirFD returns the value of the fd parameter an FSRELPATH parameter is
// relative to.
func (r *render) dirFD() (int64, bool) {
	if r.info.DirFD < 0 {
		return 0, false
	}
	raw := r.e.Param(int(r.info.DirFD))
	if len(raw) != 8 {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint64(raw)), true
}
