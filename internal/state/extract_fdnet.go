package state

import (
	"strconv"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// The socket fields of the fd class: addresses and ports of the two ends
// of a connection, the protocol, and the role of the process.
//
// A connected IP socket has a client and a server end; [FD.Role] says
// which of them is this process (libsinsp guesses it from the machine's
// interface addresses; the state knows it from the call that connected or
// accepted). fd.lip and fd.rip are the local and remote ends by that role.
// A socket with no role (not connected yet) has no client or server
// address. A listening socket has only its server address and port.

func isIPSock(fd *FD) bool { return fd.Type == event.FDIPv4Sock || fd.Type == event.FDIPv6Sock }

func isServSock(fd *FD) bool {
	return fd.Type == event.FDIPv4ServSock || fd.Type == event.FDIPv6ServSock
}

// endField names one end of a socket for the address fields.
type endField uint8

const (
	endClient endField = iota
	endServer
	endLocal
	endRemote
)

// end returns the index (0 client, 1 server) of the end f names on fd, or
// false when the socket has no such end.
func end(fd *FD, f endField) (int, bool) {
	if !isIPSock(fd) || fd.Role == RoleNone {
		if f == endServer && isServSock(fd) {
			return 1, true
		}
		return 0, false
	}
	switch f {
	case endClient:
		return 0, true
	case endServer:
		return 1, true
	}
	local := 0
	if fd.Role == RoleServer {
		local = 1
	}
	if f == endLocal {
		return local, true
	}
	return 1 - local, true
}

func endIP(fd *FD, i int) field.Value {
	if i == 0 {
		return field.IP(fd.ClientIP)
	}
	return field.IP(fd.ServerIP)
}

func endPort(fd *FD, i int) uint16 {
	if i == 0 {
		return fd.ClientPort
	}
	return fd.ServerPort
}

// endAddr binds an address field of one end.
func endAddr(f endField) bindFunc {
	return fdValue(func(fd *FD) (field.Value, bool) {
		i, ok := end(fd, f)
		if !ok {
			return field.Value{}, false
		}
		return endIP(fd, i), true
	})
}

// endPortField binds a port field of one end.
func endPortField(f endField) bindFunc {
	return fdValue(func(fd *FD) (field.Value, bool) {
		i, ok := end(fd, f)
		if !ok {
			return field.Value{}, false
		}
		return field.Uint(uint64(endPort(fd, i))), true
	})
}

// endProto binds the protocol-name field of one end: the port as text,
// since libsinsp names ports only when port resolution is turned on
// (Falco and sysdig -N leave it off).
func endProto(f endField) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		buf := make([]byte, 0, 8)
		return func(dst []field.Value) []field.Value {
			_, _, fd, ok := b.curFD()
			if !ok || fd == nil {
				return dst
			}
			i, ok := end(fd, f)
			if !ok {
				return dst
			}
			if isServSock(fd) {
				// libsinsp names the port of a listening socket empty.
				return append(dst, field.String(buf[:0]))
			}
			buf = strconv.AppendUint(buf[:0], uint64(endPort(fd, i)), 10)
			return append(dst, field.String(buf))
		}
	})
}

// bothEnds binds the filter-only fields that test either end (fd.ip,
// fd.net, fd.port, fd.proto): the values of both ends of a socket, the
// server end of a listening one. The rules engine passes a positive test
// when one value does and != only when all do.
func bothEnds(ports bool) bindFunc {
	return simple(func(b *Binder) field.Extractor {
		return func(dst []field.Value) []field.Value {
			_, _, fd, ok := b.curFD()
			if !ok || fd == nil {
				return dst
			}
			switch {
			case isIPSock(fd):
				if ports {
					return append(dst, field.Uint(uint64(fd.ClientPort)), field.Uint(uint64(fd.ServerPort)))
				}
				return append(dst, field.IP(fd.ClientIP), field.IP(fd.ServerIP))
			case isServSock(fd):
				if ports {
					return append(dst, field.Uint(uint64(fd.ServerPort)))
				}
				return append(dst, field.IP(fd.ServerIP))
			}
			return dst
		}
	})
}

// l4Names are the names fd.l4proto gives transport protocols.
var l4Names = [...]string{event.L4TCP: "tcp", event.L4UDP: "udp", event.L4ICMP: "icmp", event.L4Raw: "raw"}

// l4Name returns fd.l4proto of a descriptor: the protocol of an IP socket
// with a role or a listening one (raw sockets always), and "<NA>" for
// everything else, a string libsinsp gives as the value.
func l4Name(fd *FD) string {
	known := int(fd.L4Proto) < len(l4Names) && l4Names[fd.L4Proto] != ""
	switch {
	case isIPSock(fd) && fd.L4Proto == event.L4Raw:
		return "raw"
	case isIPSock(fd) && fd.Role != RoleNone && known, isServSock(fd) && known:
		return l4Names[fd.L4Proto]
	}
	return "<NA>"
}

// fdNetBindings are the socket fields.
var fdNetBindings = map[string]bindFunc{
	"fd.cip":     endAddr(endClient),
	"fd.sip":     endAddr(endServer),
	"fd.lip":     endAddr(endLocal),
	"fd.rip":     endAddr(endRemote),
	"fd.cnet":    endAddr(endClient),
	"fd.snet":    endAddr(endServer),
	"fd.lnet":    endAddr(endLocal),
	"fd.rnet":    endAddr(endRemote),
	"fd.cport":   endPortField(endClient),
	"fd.sport":   endPortField(endServer),
	"fd.lport":   endPortField(endLocal),
	"fd.rport":   endPortField(endRemote),
	"fd.cproto":  endProto(endClient),
	"fd.sproto":  endProto(endServer),
	"fd.lproto":  endProto(endLocal),
	"fd.rproto":  endProto(endRemote),
	"fd.ip":      bothEnds(false),
	"fd.net":     bothEnds(false),
	"fd.port":    bothEnds(true),
	"fd.proto":   bothEnds(true),
	"fd.l4proto": fdValue(func(fd *FD) (field.Value, bool) { return str(l4Name(fd)), true }),
	"fd.sockfamily": fdValue(func(fd *FD) (field.Value, bool) {
		switch {
		case isIPSock(fd) || isServSock(fd):
			return str("ip"), true
		case fd.Type == event.FDUnixSock:
			return str("unix"), true
		}
		return field.Value{}, false
	}),
	"fd.is_server": fdValue(func(fd *FD) (field.Value, bool) {
		return boolValue(isServSock(fd) || isIPSock(fd) && fd.Role == RoleServer), true
	}),
}
