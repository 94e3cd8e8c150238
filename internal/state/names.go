package state

import (
	"net/netip"
	"strconv"

	"peregrine/internal/event"
)

// Descriptor names as libsinsp builds them (fd.name):
//
//   - files: the path the call named, resolved against the working
//     directory (or the directory of its dirfd) and cleaned, see
//     appendPath;
//   - connected IP sockets: "cip:cport->sip:sport", client end first,
//     IPv6 addresses as inet_ntop writes them; an ICMP socket has no
//     ports, a socket of another protocol is "<unknown>" (libsinsp's
//     sockinfo_to_str);
//   - listening sockets: "ip:port";
//   - unix sockets: "<source>-><peer> <path>", the kernel addresses of the
//     two ends in lower-case hex, or the path alone when bound or listed
//     at start;
//   - pipes, event fds and the like: "".

// appendPath appends what libsinsp's concatenate_paths makes of name
// opened relative to dir: a relative name follows dir (and a '/' if dir
// lacks one), an absolute one stands alone, an empty one gives "". The
// name is cleaned as copy_and_sanitize_path does:
// non-printable bytes become '.', "." and empty components go, ".."
// removes the component before it (never going above dir's first byte),
// and a trailing '/' goes.
func appendPath[S ~string | ~[]byte](dst []byte, dir string, name S) []byte {
	base := len(dst)
	if len(name) == 0 {
		return dst
	}
	if name[0] != '/' && dir != "" {
		dst = append(dst, dir...)
		if dir[len(dir)-1] != '/' {
			dst = append(dst, '/')
		}
	}
	for i := 0; i < len(name); {
		c := name[i]
		if c < 0x20 || c > 0x7e {
			dst = append(dst, '.')
			i++
			continue
		}
		atStart := len(dst) == base || dst[len(dst)-1] == '/'
		if c == '.' && atStart {
			rest := name[i+1:]
			switch {
			case len(rest) == 0:
				i++
				continue
			case rest[0] == '/':
				i += 2
				continue
			case rest[0] == '.' && (len(rest) == 1 || rest[1] == '/'):
				dst = parentPath(dst, base)
				i += 3
				continue
			}
		}
		if c == '/' && len(dst) > base && dst[len(dst)-1] == '/' {
			i++
			continue
		}
		dst = append(dst, c)
		i++
	}
	if len(dst) > base+1 && dst[len(dst)-1] == '/' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// parentPath cuts dst[base:] back to its parent directory, keeping the
// first byte (libsinsp's rewind_to_parent_path).
func parentPath(dst []byte, base int) []byte {
	n := len(dst)
	if n <= base+1 {
		return dst
	}
	n--
	for n >= base+1 && dst[n-1] != '/' {
		n--
	}
	return dst[:n]
}

// appendEndpoint appends "ip:port".
func appendEndpoint(dst []byte, ip netip.Addr, port uint16) []byte {
	dst = event.AppendAddr(dst, ip)
	dst = append(dst, ':')
	return strconv.AppendUint(dst, uint64(port), 10)
}

// appendTuple appends "cip:cport->sip:sport".
func appendTuple(dst []byte, fd *FD) []byte {
	dst = appendEndpoint(dst, fd.ClientIP, fd.ClientPort)
	dst = append(dst, "->"...)
	return appendEndpoint(dst, fd.ServerIP, fd.ServerPort)
}

// appendSockInfo appends the name libsinsp's sockinfo_to_str gives an IP
// socket after connect or a datagram: the tuple for TCP and UDP, the two
// addresses for ICMP, "<unknown>" otherwise.
func appendSockInfo(dst []byte, fd *FD) []byte {
	switch fd.L4Proto {
	case event.L4TCP, event.L4UDP:
		return appendTuple(dst, fd)
	case event.L4ICMP:
		dst = event.AppendAddr(dst, fd.ClientIP)
		dst = append(dst, "->"...)
		return event.AppendAddr(dst, fd.ServerIP)
	}
	return append(dst, "<unknown>"...)
}

// appendUnixName appends "<source>-><peer> <path>".
func appendUnixName(dst []byte, src, peer uint64, path []byte) []byte {
	dst = strconv.AppendUint(dst, src, 16)
	dst = append(dst, "->"...)
	dst = strconv.AppendUint(dst, peer, 16)
	dst = append(dst, ' ')
	return appendPrintable(dst, path)
}

// appendPrintable appends the printable ASCII bytes of b (libsinsp
// sanitizes socket paths that way).
func appendPrintable(dst []byte, b []byte) []byte {
	for _, c := range b {
		if c >= 0x20 && c <= 0x7e {
			dst = append(dst, c)
		}
	}
	return dst
}

// setName stores the name built in b into fd and reports whether it
// changed.
func (s *State) setName(fd *FD, b []byte) bool {
	if fd.Name == string(b) {
		return false
	}
	fd.Name = s.intern(b)
	return true
}
