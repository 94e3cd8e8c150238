package event

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Socket families as the drivers encode them in the first byte of a
// [PTSockaddr] or [PTSocktuple] parameter (PPM_AF_*; the Linux values).
const (
	FamilyUnspec uint8 = 0
	FamilyUnix   uint8 = 1
	FamilyInet   uint8 = 2
	FamilyInet6  uint8 = 10
)

// SockAddr is a decoded [PTSockaddr] parameter: one socket address. For
// FamilyInet and FamilyInet6, Addr and Port are set; for FamilyUnix, Path
// (which aliases the event's bytes, without the NUL). Other families keep
// only Family.
type SockAddr struct {
	Family uint8
	Addr   netip.Addr
	Port   uint16
	Path   []byte
}

// SockTuple is a decoded [PTSocktuple] parameter: both ends of a
// connection. The drivers put the local end first for connect, sendto and
// the like ("source") and the remote end second. For FamilyUnix, SrcPtr
// and DstPtr are the kernel addresses of the two socket structures and
// Path is the socket path (aliasing the event's bytes).
type SockTuple struct {
	Family           uint8
	SrcAddr, DstAddr netip.Addr
	SrcPort, DstPort uint16
	SrcPtr, DstPtr   uint64
	Path             []byte
}

// Wire sizes of address payloads after the family byte.
const (
	inet4AddrLen  = 4 + 2
	inet6AddrLen  = 16 + 2
	inet4TupleLen = 2 * inet4AddrLen
	inet6TupleLen = 2 * inet6AddrLen
	unixTupleLen  = 8 + 8 // two kernel pointers, then the path
)

// SockAddr decodes a [PTSockaddr] parameter: a family byte, then for
// FamilyInet 4 address bytes (network order) and a port (little-endian),
// for FamilyInet6 16 address bytes and a port, for FamilyUnix a
// NUL-terminated path. Any other family is returned with no address.
func (v Value) SockAddr() (SockAddr, error) {
	if v.Type != PTSockaddr {
		return SockAddr{}, fmt.Errorf("parameter %s is %v, not SOCKADDR: %w", v.Name(), v.Type, ErrParamType)
	}
	sa, ok := decodeSockAddr(v.Raw)
	if !ok {
		return SockAddr{}, fmt.Errorf("sockaddr %s: %d bytes for family %d: %w", v.Name(), len(v.Raw), familyOf(v.Raw), ErrParamSize)
	}
	return sa, nil
}

func familyOf(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

func decodeSockAddr(b []byte) (SockAddr, bool) {
	if len(b) == 0 {
		return SockAddr{}, false
	}
	sa := SockAddr{Family: b[0]}
	p := b[1:]
	switch sa.Family {
	case FamilyInet:
		if len(p) != inet4AddrLen {
			return SockAddr{}, false
		}
		sa.Addr = netip.AddrFrom4([4]byte(p))
		sa.Port = binary.LittleEndian.Uint16(p[4:])
	case FamilyInet6:
		if len(p) != inet6AddrLen {
			return SockAddr{}, false
		}
		sa.Addr = netip.AddrFrom16([16]byte(p))
		sa.Port = binary.LittleEndian.Uint16(p[16:])
	case FamilyUnix:
		sa.Path = cString(p)
	}
	return sa, true
}

// SockTuple decodes a [PTSocktuple] parameter: a family byte, then for
// FamilyInet source address, source port, destination address and
// destination port (4+2+4+2 bytes), for FamilyInet6 the same with 16-byte
// addresses, for FamilyUnix two 8-byte kernel pointers and a NUL-terminated
// path. Any other family is returned with no addresses.
func (v Value) SockTuple() (SockTuple, error) {
	if v.Type != PTSocktuple {
		return SockTuple{}, fmt.Errorf("parameter %s is %v, not SOCKTUPLE: %w", v.Name(), v.Type, ErrParamType)
	}
	st, ok := decodeSockTuple(v.Raw)
	if !ok {
		return SockTuple{}, fmt.Errorf("socktuple %s: %d bytes for family %d: %w", v.Name(), len(v.Raw), familyOf(v.Raw), ErrParamSize)
	}
	return st, nil
}

func decodeSockTuple(b []byte) (SockTuple, bool) {
	if len(b) == 0 {
		return SockTuple{}, false
	}
	st := SockTuple{Family: b[0]}
	p := b[1:]
	switch st.Family {
	case FamilyInet:
		if len(p) != inet4TupleLen {
			return SockTuple{}, false
		}
		st.SrcAddr = netip.AddrFrom4([4]byte(p))
		st.SrcPort = binary.LittleEndian.Uint16(p[4:])
		st.DstAddr = netip.AddrFrom4([4]byte(p[6:]))
		st.DstPort = binary.LittleEndian.Uint16(p[10:])
	case FamilyInet6:
		if len(p) != inet6TupleLen {
			return SockTuple{}, false
		}
		st.SrcAddr = netip.AddrFrom16([16]byte(p))
		st.SrcPort = binary.LittleEndian.Uint16(p[16:])
		st.DstAddr = netip.AddrFrom16([16]byte(p[18:]))
		st.DstPort = binary.LittleEndian.Uint16(p[34:])
	case FamilyUnix:
		if len(p) < unixTupleLen {
			return SockTuple{}, false
		}
		st.SrcPtr = binary.LittleEndian.Uint64(p)
		st.DstPtr = binary.LittleEndian.Uint64(p[8:])
		st.Path = cString(p[unixTupleLen:])
	}
	return st, true
}
