package state

import (
	"net/netip"

	"peregrine/internal/event"
)

// Sockets: socket, socketpair, bind, connect, accept, and the addresses
// that datagrams carry (sendto, sendmsg, recvfrom, recvmsg). Each follows
// the libsinsp parser of the same name (parse_socket_exit,
// parse_socketpair_exit, parse_bind_exit, parse_connect_exit,
// parse_accept_exit, parse_rw_exit's update_fd).
//
// An IP socket keeps its two ends as libsinsp does, client first: for a
// socket that connected, the client is the local end; for one that
// accepted, the remote one.

// Socket domains, types and protocols (Linux values, as the drivers pass
// them).
const (
	afNetlink  = 16
	sockStream = 1
	sockDgram  = 2
	sockRaw    = 3
	ipprotoIP  = 0
	ipprotoTCP = 6
	ipprotoUDP = 17
	ipprotoICM = 1
	ipprotoRaw = 255
	eInProgres = -115
)

// applySocket adds the socket socket() created, typed by its domain and
// protocol (libsinsp's add_socket).
func (s *State) applySocket(e *event.Event, t *Thread) {
	n, ok := paramInt(e, 0)
	if !ok || n < 0 {
		return
	}
	domain, _ := paramUint(e, 1)
	typ, _ := paramUint(e, 2)
	proto, _ := paramUint(e, 3)
	fd := s.newFD()
	switch domain {
	case uint64(event.FamilyUnix):
		fd.Type = event.FDUnixSock
	case uint64(event.FamilyInet), uint64(event.FamilyInet6):
		fd.Type = event.FDIPv4Sock
		if domain == uint64(event.FamilyInet6) {
			fd.Type = event.FDIPv6Sock
		}
		fd.L4Proto = l4Of(typ, proto)
	case afNetlink:
		fd.Type = event.FDNetlink
	}
	s.addFD(t.Proc, n, fd)
}

// l4Of returns the layer-4 protocol of a socket of type typ and protocol
// proto.
func l4Of(typ, proto uint64) uint8 {
	switch proto {
	case ipprotoTCP, ipprotoUDP, ipprotoICM:
		if typ == sockRaw {
			return event.L4Raw
		}
		switch proto {
		case ipprotoTCP:
			return event.L4TCP
		case ipprotoUDP:
			return event.L4UDP
		}
		return event.L4ICMP
	case ipprotoIP:
		switch typ & 0xff {
		case sockStream:
			return event.L4TCP
		case sockDgram:
			return event.L4UDP
		}
	case ipprotoRaw:
		return event.L4Raw
	}
	return event.L4Unknown
}

// applySocketpair adds the two ends of a socket pair.
func (s *State) applySocketpair(e *event.Event, t *Thread) {
	if res, ok := paramInt(e, 0); !ok || res < 0 {
		return
	}
	fd1, ok1 := paramInt(e, 1)
	fd2, ok2 := paramInt(e, 2)
	if !ok1 || !ok2 || fd1 == fd2 || fd1 < 0 || fd2 < 0 {
		return
	}
	src, _ := paramUint(e, 3)
	peer, _ := paramUint(e, 4)
	for _, n := range [...]int64{fd2, fd1} {
		fd := s.newFD()
		fd.Type, fd.UnixSource, fd.UnixDest = event.FDUnixSock, src, peer
		s.addFD(t.Proc, n, fd)
	}
}

// applyBind records the address a socket was bound to: a nonzero port
// makes it a listening socket (the server end); its name becomes the
// address either way.
func (s *State) applyBind(e *event.Event, t *Thread) {
	fd := s.cur.fd
	if fd == nil {
		return
	}
	if res, ok := paramInt(e, 0); !ok || res < 0 {
		return
	}
	v, ok := paramValue(e, 1)
	if !ok {
		return
	}
	sa, err := v.SockAddr()
	if err != nil {
		return
	}
	b := s.upd.buf[:0]
	switch sa.Family {
	case event.FamilyInet, event.FamilyInet6:
		if sa.Port > 0 {
			ip, v4 := v4Of(sa.Addr)
			fd.Type = event.FDIPv6ServSock
			if v4 {
				fd.Type = event.FDIPv4ServSock
			}
			fd.ServerIP, fd.ServerPort, fd.Role = ip, sa.Port, RoleServer
		}
		b = appendEndpoint(b, sa.Addr, sa.Port)
	case event.FamilyUnix:
		b = appendPrintable(b, sa.Path)
	default:
		return
	}
	s.upd.buf = b
	if s.setName(fd, b) {
		s.markRenamed(fd)
	}
}

// v4Of returns the IPv4 address an IPv6 address stands for when libsinsp
// treats it as IPv4 (IPv4-mapped, or all zeros), and whether it does.
func v4Of(a netip.Addr) (netip.Addr, bool) {
	if a.Is4() {
		return a, true
	}
	b := a.As16()
	for _, x := range b[:10] {
		if x != 0 {
			return a, false
		}
	}
	switch {
	case b[10] == 0xff && b[11] == 0xff:
	case b[10]|b[11]|b[12]|b[13]|b[14]|b[15] == 0:
	default:
		return a, false
	}
	return netip.AddrFrom4([4]byte(b[12:])), true
}

// applyConnect fills a socket's ends from the connect tuple, the local
// end first, and makes the socket a connected client. A connect in
// progress (EINPROGRESS) counts as done; a failed one changes nothing (the
// binder shows the tuple of a failed connect from the event, as libsinsp's
// fd.name does).
func (s *State) applyConnect(e *event.Event, t *Thread) {
	fd := s.cur.fd
	if fd == nil {
		return
	}
	if res, ok := paramInt(e, 0); !ok || (res < 0 && res != eInProgres) {
		return
	}
	fd.Flags |= Connected
	b := s.upd.buf[:0]
	if v, ok := paramValue(e, 1); ok {
		st, err := v.SockTuple()
		if err != nil {
			return
		}
		switch st.Family {
		case event.FamilyInet, event.FamilyInet6:
			changed := setEnds(fd, st.SrcAddr, st.SrcPort, st.DstAddr, st.DstPort, true)
			if changed && fd.Role == RoleServer && fd.L4Proto == event.L4UDP {
				swapEnds(fd)
			}
			b = appendSockInfo(b, fd)
		case event.FamilyUnix:
			if fd.Type != event.FDUnixSock {
				return
			}
			fd.UnixSource, fd.UnixDest = st.SrcPtr, st.DstPtr
			b = appendUnixName(b, st.SrcPtr, st.DstPtr, st.Path)
		default:
			return
		}
	} else if v, ok := paramValue(e, 3); ok {
		// No tuple (a TCP fast open, an old driver): the address the call
		// was given names the server end.
		sa, err := v.SockAddr()
		if err != nil {
			return
		}
		switch sa.Family {
		case event.FamilyInet, event.FamilyInet6:
			ip, v4 := v4Of(sa.Addr)
			fd.Type = event.FDIPv6Sock
			if v4 {
				fd.Type = event.FDIPv4Sock
			}
			fd.ServerIP, fd.ServerPort = ip, sa.Port
			b = append(b, fd.Name...)
		case event.FamilyUnix:
			b = appendPrintable(b, sa.Path)
		default:
			return
		}
	} else {
		return
	}
	if fd.Role == RoleNone {
		fd.Role = RoleClient
	}
	s.upd.buf = b
	if s.setName(fd, b) {
		s.markRenamed(fd)
	}
}

// setEnds stores a tuple in an IP socket (typing it IPv4 or IPv6 as
// libsinsp does: a tuple whose two ends are IPv4-mapped is IPv4) and
// reports whether its ends changed. A tuple equal to the stored one,
// either way round, changes nothing; without overwrite, a known server
// end is kept.
func setEnds(fd *FD, sip netip.Addr, sport uint16, dip netip.Addr, dport uint16, overwrite bool) bool {
	s4, ok1 := v4Of(sip)
	d4, ok2 := v4Of(dip)
	if ok1 && ok2 {
		sip, dip = s4, d4
		fd.Type = event.FDIPv4Sock
	} else {
		fd.Type = event.FDIPv6Sock
	}
	if (fd.ClientIP == sip && fd.ClientPort == sport && fd.ServerIP == dip && fd.ServerPort == dport) ||
		(fd.ClientIP == dip && fd.ClientPort == dport && fd.ServerIP == sip && fd.ServerPort == sport) {
		return false
	}
	changed := false
	if fd.ClientIP != sip || fd.ClientPort != sport {
		fd.ClientIP, fd.ClientPort = sip, sport
		changed = true
	}
	if overwrite || !fd.ServerIP.IsValid() || fd.ServerIP.IsUnspecified() {
		if fd.ServerIP != dip {
			fd.ServerIP = dip
			changed = true
		}
	}
	if overwrite || fd.ServerPort == 0 {
		if fd.ServerPort != dport {
			fd.ServerPort = dport
			changed = true
		}
	}
	return changed
}

// swapEnds exchanges the two ends of an IP socket.
func swapEnds(fd *FD) {
	fd.ClientIP, fd.ServerIP = fd.ServerIP, fd.ClientIP
	fd.ClientPort, fd.ServerPort = fd.ServerPort, fd.ClientPort
}

// applyAccept adds the connection accept() returned: the server end of a
// TCP connection (or a unix socket), named by the accept tuple.
func (s *State) applyAccept(e *event.Event, t *Thread) {
	n, ok := paramInt(e, 0)
	if !ok || n < 0 {
		return
	}
	v, ok := paramValue(e, 1)
	if !ok {
		return
	}
	st, err := v.SockTuple()
	if err != nil {
		return
	}
	fd := s.newFD()
	b := s.upd.buf[:0]
	switch st.Family {
	case event.FamilyInet, event.FamilyInet6:
		setEnds(fd, st.SrcAddr, st.SrcPort, st.DstAddr, st.DstPort, true)
		fd.L4Proto = event.L4TCP
		b = appendTuple(b, fd)
	case event.FamilyUnix:
		fd.Type, fd.UnixSource, fd.UnixDest = event.FDUnixSock, st.SrcPtr, st.DstPtr
		b = appendUnixName(b, st.SrcPtr, st.DstPtr, st.Path)
	default:
		s.freeFD(fd)
		return
	}
	s.upd.buf = b
	fd.Name = s.intern(b)
	fd.Role = RoleServer
	fd.Flags |= Connected
	s.addFD(t.Proc, n, fd)
}

// applyDatagram handles the calls that may carry a datagram's address:
// on a socket that has no name yet, or is not TCP, the address updates
// its ends (libsinsp's update_fd), its role is guessed when unknown, and
// its name follows. A successful call on an IP socket marks it
// connected, as libsinsp does.
func (s *State) applyDatagram(e *event.Event, typ event.Type, t *Thread) {
	fd := s.cur.fd
	if fd == nil {
		return
	}
	if res, ok := paramInt(e, 0); !ok || res < 0 {
		return
	}
	ip := fd.Type == event.FDIPv4Sock || fd.Type == event.FDIPv6Sock
	if ip {
		fd.Flags |= Connected
	}
	if fd.Name != "" && ip && fd.L4Proto == event.L4TCP {
		return
	}
	tupleIdx, incoming := 4, false
	switch typ {
	case evRecvfrom:
		tupleIdx, incoming = 2, true
	case evRecvmsg:
		tupleIdx, incoming = 3, true
	}
	v, ok := paramValue(e, tupleIdx)
	if !ok {
		return
	}
	st, err := v.SockTuple()
	if err != nil {
		return
	}
	b := s.upd.buf[:0]
	switch st.Family {
	case event.FamilyInet, event.FamilyInet6:
		if !setEnds(fd, st.SrcAddr, st.SrcPort, st.DstAddr, st.DstPort, true) {
			return
		}
		if fd.L4Proto == event.L4Unknown {
			fd.L4Proto = event.L4UDP
		}
		if fd.Role == RoleNone {
			fd.Role = s.guessRole(t, fd, incoming)
		}
		if (incoming && fd.Role == RoleClient) || (!incoming && fd.Role == RoleServer) {
			swapEnds(fd)
		}
		b = appendSockInfo(b, fd)
	case event.FamilyUnix:
		fd.Type, fd.UnixSource, fd.UnixDest = event.FDUnixSock, st.SrcPtr, st.DstPtr
		b = appendUnixName(b, st.SrcPtr, st.DstPtr, st.Path)
	default:
		return
	}
	s.upd.buf = b
	if s.setName(fd, b) {
		s.markRenamed(fd)
	}
}

// guessRole decides which end of a datagram socket the process is, as
// libsinsp's set_net_role_by_guessing does: the server if it owns the
// tuple's destination port (and does not also use the source port as a
// client), else the client; when both, a reader is taken for a server and
// a writer for a client.
func (s *State) guessRole(t *Thread, fd *FD, incoming bool) SockRole {
	if !boundTo(t.Proc, fd.ServerPort) {
		return RoleClient
	}
	if !usesClientPort(t.Proc, fd.ClientPort) {
		return RoleServer
	}
	if incoming {
		return RoleServer
	}
	return RoleClient
}

// boundTo reports whether p has a socket on port: a connection whose
// server port it is, or a listening socket.
func boundTo(p *Proc, port uint16) bool {
	for _, x := range p.FDs.fds {
		switch x.Type {
		case event.FDIPv4Sock, event.FDIPv6Sock, event.FDIPv4ServSock, event.FDIPv6ServSock:
			if x.ServerPort == port {
				return true
			}
		}
	}
	return false
}

// usesClientPort reports whether p has a connection whose client port is
// port.
func usesClientPort(p *Proc, port uint16) bool {
	for _, x := range p.FDs.fds {
		if (x.Type == event.FDIPv4Sock || x.Type == event.FDIPv6Sock) && x.ClientPort == port {
			return true
		}
	}
	return false
}
