package event

import (
	"encoding/binary"
	"net/netip"
	"strconv"
)

// Addresses print the way libsinsp prints them (facts checked against
// sysdig 0.29.3, which never resolves host or port names by default):
//
//   - SOCKADDR: IPv4 "1.2.3.4:80", IPv6 "::1:80" (the address as glibc's
//     inet_ntop writes it, a colon, the port), unix the sanitized path; a
//     wrong-length IPv4 or IPv6 address prints "INVALID IPv4"/"INVALID IPv6";
//     any other family prints "family N" with the family byte as a signed
//     char.
//   - SOCKTUPLE: "src:sport->dst:dport". A v6 tuple whose two addresses are
//     both IPv4-mapped (or all zeros) prints as an IPv4 tuple. A unix tuple
//     prints the two kernel pointers in lower-case hex and the path:
//     "ffff9b57d8d6a000->ffff9b57d8d6b400 /run/x.sock".

// AppendAddr appends a as sysdig and Falco print addresses: IPv4 as a
// dotted quad, IPv6 as glibc's inet_ntop does (see appendIPv6). It appends
// nothing for the zero Addr.
func AppendAddr(dst []byte, a netip.Addr) []byte {
	switch {
	case !a.IsValid():
		return dst
	case a.Is4():
		b := a.As4()
		return appendIPv4(dst, b[:])
	}
	b := a.As16()
	return appendIPv6(dst, b[:])
}

// appendIPv4 appends a dotted quad.
func appendIPv4(dst []byte, a []byte) []byte {
	for i := 0; i < 4; i++ {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = strconv.AppendUint(dst, uint64(a[i]), 10)
	}
	return dst
}

// appendIPv6 appends a 16-byte address as glibc's inet_ntop does: the
// longest run of two or more zero groups (the first, on a tie) becomes
// "::", groups are lower-case hex without leading zeros, and an address
// whose first 96 bits are zero (with a nonzero seventh group), or that is
// IPv4-mapped, ends in a dotted quad.
func appendIPv6(dst []byte, a []byte) []byte {
	var w [8]uint16
	for i := range w {
		w[i] = binary.BigEndian.Uint16(a[2*i:])
	}
	bestBase, bestLen := -1, 0
	for i := 0; i < 8; {
		if w[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && w[j] == 0 {
			j++
		}
		if j-i > bestLen {
			bestBase, bestLen = i, j-i
		}
		i = j
	}
	if bestLen < 2 {
		bestBase = -1
	}
	for i := 0; i < 8; i++ {
		if bestBase >= 0 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				dst = append(dst, ':')
			}
			continue
		}
		if i != 0 {
			dst = append(dst, ':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff)) {
			return appendIPv4(dst, a[12:16])
		}
		dst = strconv.AppendUint(dst, uint64(w[i]), 16)
	}
	if bestBase >= 0 && bestBase+bestLen == 8 {
		dst = append(dst, ':')
	}
	return dst
}

// v4Like reports whether libsinsp treats a 16-byte address as IPv4: an
// IPv4-mapped address (::ffff:a.b.c.d) or the all-zero address.
func v4Like(a []byte) bool {
	for _, b := range a[:10] {
		if b != 0 {
			return false
		}
	}
	if a[10] == 0xff && a[11] == 0xff {
		return true
	}
	return a[10] == 0 && a[11] == 0 && a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] == 0
}

func appendPort(dst []byte, p []byte) []byte {
	return strconv.AppendUint(append(dst, ':'), uint64(binary.LittleEndian.Uint16(p)), 10)
}

// appendSockAddr renders a SOCKADDR parameter (non-empty raw).
func appendSockAddr(dst []byte, raw []byte) []byte {
	p := raw[1:]
	switch raw[0] {
	case FamilyUnix:
		return appendSanitized(dst, cString(p))
	case FamilyInet:
		if len(p) != inet4AddrLen {
			return append(dst, "INVALID IPv4"...)
		}
		return appendPort(appendIPv4(dst, p), p[4:])
	case FamilyInet6:
		if len(p) != inet6AddrLen {
			return append(dst, "INVALID IPv6"...)
		}
		return appendPort(appendIPv6(dst, p), p[16:])
	}
	return strconv.AppendInt(append(dst, "family "...), int64(int8(raw[0])), 10)
}

// appendSockTuple renders a SOCKTUPLE parameter (non-empty raw).
func appendSockTuple(dst []byte, raw []byte) []byte {
	p := raw[1:]
	switch raw[0] {
	case FamilyInet:
		if len(p) != inet4TupleLen {
			return append(dst, "INVALID IPv4"...)
		}
		dst = appendPort(appendIPv4(dst, p), p[4:])
		dst = append(dst, "->"...)
		return appendPort(appendIPv4(dst, p[6:]), p[10:])
	case FamilyInet6:
		if len(p) != inet6TupleLen {
			return append(dst, "INVALID IPv6"...)
		}
		src, dstA := p[:16], p[18:34]
		if v4Like(src) && v4Like(dstA) {
			dst = appendPort(appendIPv4(dst, src[12:]), p[16:])
			dst = append(dst, "->"...)
			return appendPort(appendIPv4(dst, dstA[12:]), p[34:])
		}
		dst = appendPort(appendIPv6(dst, src), p[16:])
		dst = append(dst, "->"...)
		return appendPort(appendIPv6(dst, dstA), p[34:])
	case FamilyUnix:
		if len(p) < unixTupleLen {
			// Too short for the two pointers: libsinsp reads past the
			// parameter; we print a marker instead.
			return append(dst, "INVALID UNIX"...)
		}
		dst = appendHexLower(dst, binary.LittleEndian.Uint64(p))
		dst = append(dst, "->"...)
		dst = appendHexLower(dst, binary.LittleEndian.Uint64(p[8:]))
		dst = append(dst, ' ')
		return appendSanitized(dst, cString(p[unixTupleLen:]))
	}
	return strconv.AppendInt(append(dst, "family "...), int64(int8(raw[0])), 10)
}
