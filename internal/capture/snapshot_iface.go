package capture

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"golang.org/x/sys/unix"

	"peregrine/internal/event"
)

// interfaces lists the IPv4 and IPv6 addresses of the scanner's network
// namespace, as libs lists them with getifaddrs(3): IPv4 entries first,
// then IPv6, each with its netmask and broadcast (or point-to-point peer)
// address, and no link speed.
func (w *worker) interfaces() []event.Interface {
	l, err := interfaceAddrs()
	if err != nil {
		w.stats.note("interfaces: %v", err)
	}
	return l
}

// interfaceAddrs dumps the addresses through rtnetlink.
func interfaceAddrs() ([]event.Interface, error) {
	links, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	names := make(map[uint32]string, len(links))
	for _, l := range links {
		names[uint32(l.Index)] = l.Name
	}
	rib, err := syscall.NetlinkRIB(unix.RTM_GETADDR, unix.AF_UNSPEC)
	if err != nil {
		return nil, fmt.Errorf("dump addresses: %w", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(rib)
	if err != nil {
		return nil, fmt.Errorf("parse address dump: %w", err)
	}
	var v4, v6 []event.Interface
	for i := range msgs {
		m := &msgs[i]
		if m.Header.Type != unix.RTM_NEWADDR || len(m.Data) < unix.SizeofIfAddrmsg {
			continue
		}
		family, prefix := m.Data[0], int(m.Data[1])
		index := binary.NativeEndian.Uint32(m.Data[4:8])
		attrs, err := syscall.ParseNetlinkRouteAttr(m)
		if err != nil {
			continue
		}
		ifc, ok := addrEntry(family, prefix, attrs)
		if !ok {
			continue
		}
		if ifc.Name == "" {
			ifc.Name = names[index]
		}
		if ifc.Type == event.IfIPv4 {
			v4 = append(v4, ifc)
		} else {
			v6 = append(v6, ifc)
		}
	}
	return append(v4, v6...), nil
}

// addrEntry builds an entry from an RTM_NEWADDR message the way glibc's
// getifaddrs does: the address is IFA_LOCAL when present, else
// IFA_ADDRESS; an IFA_ADDRESS that differs from IFA_LOCAL is the peer of
// a point-to-point link and stands in the broadcast slot, as does
// IFA_BROADCAST. IFA_LABEL names an IPv4 alias ("eth0:1").
func addrEntry(family byte, prefix int, attrs []syscall.NetlinkRouteAttr) (event.Interface, bool) {
	var ifc event.Interface
	size := 4
	switch family {
	case unix.AF_INET:
		ifc.Type = event.IfIPv4
	case unix.AF_INET6:
		ifc.Type, size = event.IfIPv6, 16
	default:
		return ifc, false
	}
	var local, address, bcast netip.Addr
	for _, a := range attrs {
		switch a.Attr.Type {
		case unix.IFA_LOCAL:
			local = rawAddr(a.Value, size)
		case unix.IFA_ADDRESS:
			address = rawAddr(a.Value, size)
		case unix.IFA_BROADCAST:
			bcast = rawAddr(a.Value, size)
		case unix.IFA_LABEL:
			if n := len(a.Value); n > 0 && a.Value[n-1] == 0 {
				ifc.Name = string(a.Value[:n-1])
			} else {
				ifc.Name = string(a.Value)
			}
		}
	}
	ifc.Addr = local
	if !local.IsValid() {
		ifc.Addr = address
	} else if address.IsValid() && address != local {
		bcast = address
	}
	if !ifc.Addr.IsValid() {
		return ifc, false
	}
	zero := netip.AddrFrom4([4]byte{})
	if size == 16 {
		zero = netip.AddrFrom16([16]byte{})
	}
	ifc.Broadcast = zero
	if bcast.IsValid() {
		ifc.Broadcast = bcast
	}
	ifc.Netmask = prefixMask(prefix, size)
	ifc.Name = truncate(ifc.Name, pathMax)
	return ifc, true
}

// prefixMask returns the netmask of a prefix length, for addresses of
// size bytes.
func prefixMask(bits, size int) netip.Addr {
	var b [16]byte
	for i := 0; i < size && bits > 0; i++ {
		n := min(bits, 8)
		b[i] = ^byte(0xff >> n)
		bits -= n
	}
	if size == 4 {
		return netip.AddrFrom4([4]byte(b[:4]))
	}
	return netip.AddrFrom16(b)
}

// rawAddr converts an address attribute; the zero Addr when its size is
// wrong.
func rawAddr(b []byte, size int) netip.Addr {
	if len(b) != size {
		return netip.Addr{}
	}
	if size == 4 {
		return netip.AddrFrom4([4]byte(b))
	}
	return netip.AddrFrom16([16]byte(b))
}
