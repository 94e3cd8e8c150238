package scap

import (
	"bytes"

	"peregrine/internal/event"
)

// List blocks (IL, UL, PL, FDL) hold entries back to back; the V2 forms
// (and PL_V9) put a u32 length before each entry so that readers can skip
// fields they do not know. Entries are read while at least 4 bytes of the
// body remain; what is left after the last entry is padding.

// openEntry starts the next entry. Without a length prefix (withLen false)
// the entry is unbounded and end is -1. With one, the returned cursor is
// bounded to the entry and end is where the next entry starts. inclusive
// says whether the prefix counts itself; a zero inclusive length means
// "no length" (libs then reads the entry unbounded).
func (c *cursor) openEntry(withLen, inclusive bool, what string) (e cursor, end int) {
	if !withLen {
		return *c, -1
	}
	n := int(c.u32(what + " length"))
	if c.err != nil {
		return *c, -1
	}
	if inclusive {
		if n == 0 {
			return *c, -1
		}
		if n < 4 {
			c.err = corruptf("%s length %d at body byte %d is shorter than the length itself", what, n, c.p-4)
			return *c, -1
		}
		n -= 4
	}
	e = c.entry(n, what)
	return e, c.p + n
}

// closeEntry moves c past the entry read with e.
func (c *cursor) closeEntry(e cursor, end int) {
	switch {
	case e.err != nil:
		c.err = e.err
	case end < 0:
		c.p = e.p
	default:
		c.p = end
	}
}

// parseMI decodes a machine info block (packed scap_machine_info; bytes
// past it are ignored).
func parseMI(body []byte) (*event.MachineInfo, error) {
	if len(body) < miBodyLen {
		return nil, corruptf("machine info is %d bytes, want %d", len(body), miBodyLen)
	}
	c := cursor{b: body}
	mi := &event.MachineInfo{
		NumCPUs:     c.u32("num_cpus"),
		MemoryBytes: c.u64("memory"),
		MaxPID:      c.u64("max_pid"),
	}
	host := c.bytes(128, "hostname")
	if i := bytes.IndexByte(host, 0); i >= 0 {
		host = host[:i]
	}
	mi.Hostname = string(host)
	mi.BootTime = c.u64("boot time")
	mi.Flags = c.u64("flags")
	mi.Reserved[0] = c.u64("reserved3")
	mi.Reserved[1] = c.u64("reserved4")
	return mi, c.err
}

// parseIL decodes an interface list block. IL_V2 entries carry a length
// that does not count itself.
func parseIL(body []byte, v2 bool) ([]event.Interface, error) {
	c := cursor{b: body}
	var out []event.Interface
	for i := 0; c.left() >= 4; i++ {
		e, end := c.openEntry(v2, false, "interface entry")
		ifc := readInterface(&e)
		c.closeEntry(e, end)
		if c.err != nil {
			return nil, errorAt(c.err, "interface entry", i)
		}
		out = append(out, ifc)
	}
	return out, nil
}

func readInterface(e *cursor) event.Interface {
	ifc := event.Interface{Type: event.IfType(e.u16("type"))}
	n := int(e.u16("name length"))
	if e.err != nil {
		return ifc
	}
	if n >= maxPathLen {
		e.err = corruptf("interface name length %d over the limit of %d", n, maxPathLen-1)
		return ifc
	}
	switch ifc.Type {
	case event.IfIPv4, event.IfIPv4NoLinkSpeed:
		ifc.Addr = e.addr4("address")
		ifc.Netmask = e.addr4("netmask")
		ifc.Broadcast = e.addr4("broadcast")
	case event.IfIPv6, event.IfIPv6NoLinkSpeed:
		ifc.Addr = e.addr16("address")
		ifc.Netmask = e.addr16("netmask")
		ifc.Broadcast = e.addr16("broadcast")
	default:
		e.err = corruptf("unknown interface type %d", ifc.Type)
		return ifc
	}
	if ifc.Type.HasLinkSpeed() {
		ifc.LinkSpeed = e.u64("link speed")
	}
	ifc.Name = string(e.bytes(n, "name"))
	return ifc
}

// parseUL decodes a user list block: users (entry type 0) and groups (any
// other type, as libs reads it). UL_V2 entries carry a length that counts
// itself.
func parseUL(body []byte, v2 bool) ([]event.User, []event.Group, error) {
	c := cursor{b: body}
	var users []event.User
	var groups []event.Group
	for i := 0; c.left() >= 4; i++ {
		e, end := c.openEntry(v2, true, "user entry")
		if e.u8("type") == 0 {
			u := event.User{UID: e.u32("uid"), GID: e.u32("gid")}
			u.Name = e.str(maxCredLen, true, "user name")
			u.Home = e.str(maxCredLen, true, "home")
			u.Shell = e.str(maxCredLen, true, "shell")
			users = append(users, u)
		} else {
			g := event.Group{GID: e.u32("gid")}
			g.Name = e.str(maxCredLen, true, "group name")
			groups = append(groups, g)
		}
		c.closeEntry(e, end)
		if c.err != nil {
			return nil, nil, errorAt(c.err, "user list entry", i)
		}
	}
	return users, groups, nil
}
