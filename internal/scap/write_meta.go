package scap

import "peregrine/internal/event"

// encodeMeta appends the section header and the metadata blocks of m, in
// the order libs writes them: SHB 1.2 without options, MI, IL_V2, UL_V2,
// one PL_V9 and one FDL_V2 per fd list. A nil m gives the section header
// alone; MI, IL_V2 and UL_V2 are left out when m has none of their
// entries.
func encodeMeta(e *encoder, m *Meta) {
	at := e.beginBlock()
	e.u32(shbMagic)
	e.u16(1)
	e.u16(2)
	e.i64(-1) // section length: unknown
	e.endBlock(at, blockSHB)
	if m == nil {
		return
	}
	if m.Machine != nil {
		encodeMI(e, m.Machine)
	}
	if len(m.Interfaces) > 0 {
		encodeIL(e, m.Interfaces)
	}
	if len(m.Users)+len(m.Groups) > 0 {
		encodeUL(e, m.Users, m.Groups)
	}
	encodePL(e, m)
	for _, l := range m.FDLists {
		encodeFDL(e, l)
	}
}

func encodeMI(e *encoder, mi *event.MachineInfo) {
	if len(mi.Hostname) > 128 {
		e.fail("machine info: hostname is %d bytes, over 128", len(mi.Hostname))
		return
	}
	at := e.beginBlock()
	e.u32(mi.NumCPUs)
	e.u64(mi.MemoryBytes)
	e.u64(mi.MaxPID)
	e.b = append(e.b, mi.Hostname...)
	e.b = append(e.b, make([]byte, 128-len(mi.Hostname))...)
	e.u64(mi.BootTime)
	e.u64(mi.Flags)
	e.u64(mi.Reserved[0])
	e.u64(mi.Reserved[1])
	e.endBlock(at, blockMI)
}

// encodeIL writes the interfaces in the given order (libs writes IPv4
// entries first; captures read from libs files are already in that order).
func encodeIL(e *encoder, l []event.Interface) {
	at := e.beginBlock()
	for _, ifc := range l {
		ent := e.beginEntry()
		e.u16(uint16(ifc.Type))
		if len(ifc.Name) >= maxPathLen {
			e.fail("interface %q: name over %d bytes", ifc.Name, maxPathLen-1)
			return
		}
		e.u16(uint16(len(ifc.Name)))
		switch ifc.Type {
		case event.IfIPv4, event.IfIPv4NoLinkSpeed:
			e.addr4(ifc.Addr, "interface address")
			e.addr4(ifc.Netmask, "interface netmask")
			e.addr4(ifc.Broadcast, "interface broadcast")
		case event.IfIPv6, event.IfIPv6NoLinkSpeed:
			e.addr16(ifc.Addr)
			e.addr16(ifc.Netmask)
			e.addr16(ifc.Broadcast)
		default:
			e.fail("interface %q: unknown type %d", ifc.Name, ifc.Type)
			return
		}
		if ifc.Type.HasLinkSpeed() {
			e.u64(ifc.LinkSpeed)
		}
		e.b = append(e.b, ifc.Name...)
		e.endEntry(ent, false)
	}
	e.endBlock(at, blockILV2)
}

// encodeUL writes the users, then the groups, as libs does.
func encodeUL(e *encoder, users []event.User, groups []event.Group) {
	at := e.beginBlock()
	for _, u := range users {
		ent := e.beginEntry()
		e.u8(0)
		e.u32(u.UID)
		e.u32(u.GID)
		e.str(u.Name, maxCredLen, true, "user name")
		e.str(u.Home, maxCredLen, true, "user home")
		e.str(u.Shell, maxCredLen, true, "user shell")
		e.endEntry(ent, true)
	}
	for _, g := range groups {
		ent := e.beginEntry()
		e.u8(1)
		e.u32(g.GID)
		e.str(g.Name, maxCredLen, true, "group name")
		e.endEntry(ent, true)
	}
	e.endBlock(at, blockULV2)
}

func encodePL(e *encoder, m *Meta) {
	at := e.beginBlock()
	for i := range m.Procs {
		tail := ProcTail{Fields: currentTailFields}
		if i < len(m.ProcTails) {
			tail = m.ProcTails[i]
		}
		encodeProc(e, &m.Procs[i], tail)
	}
	e.endBlock(at, blockPLV9)
}

func encodeProc(e *encoder, p *event.Process, tail ProcTail) {
	ent := e.beginEntry()
	e.i64(p.TID)
	e.i64(p.PID)
	e.i64(p.PTID)
	e.i64(p.SID)
	e.i64(p.VPGID)
	e.str(p.Comm, maxPathLen, false, "comm")
	e.str(p.Exe, maxPathLen, false, "exe")
	e.str(p.ExePath, maxPathLen, false, "exepath")
	e.str(p.Args, maxArgsLen, false, "args")
	e.str(p.Cwd, maxPathLen, false, "cwd")
	e.i64(p.FDLimit)
	e.u32(p.Flags)
	e.u32(p.UID)
	e.u32(p.GID)
	e.u32(p.VMSizeKB)
	e.u32(p.VMRSSKB)
	e.u32(p.VMSwapKB)
	e.u64(p.PFMajor)
	e.u64(p.PFMinor)
	e.str(p.Env, maxArgsLen, false, "env")
	e.i64(p.VTID)
	e.i64(p.VPID)
	e.str(p.Cgroups, maxArgsLen, false, "cgroups")
	e.str(p.Root, maxPathLen, false, "root")
	encodeTail(e, p, tail)
	e.endEntry(ent, true)
}

// encodeTail writes the V9 tail of p with the layout and field count of
// tail, then tail.Rest. A tail that a reader would take for the other
// layout (a current-layout tail of at most 29 bytes, which only a
// hand-made ProcTail can describe) is written in full instead.
func encodeTail(e *encoder, p *event.Process, tail ProcTail) {
	sizes, shift := currentTailSizes[:], 0
	if tail.Legacy {
		sizes, shift = legacyTailSizes[:], legacyTailOffset
	}
	n := min(int(tail.Fields), len(sizes))
	size := len(tail.Rest)
	for _, s := range sizes[:n] {
		size += s
	}
	if !tail.Legacy && n > 0 && size <= legacyTailMax {
		sizes, shift, n = currentTailSizes[:], 0, currentTailFields
		tail.Rest = nil
	}
	for i, s := range sizes[:n] {
		v := tailField(p, i+shift)
		switch s {
		case 1:
			e.u8(uint8(v))
		case 4:
			e.u32(uint32(v))
		default:
			e.u64(v)
		}
	}
	e.b = append(e.b, tail.Rest...)
}

func encodeFDL(e *encoder, l FDList) {
	at := e.beginBlock()
	e.i64(l.TID)
	for i := range l.FDs {
		encodeFD(e, &l.FDs[i], l.NoDev)
	}
	e.endBlock(at, blockFDLV2)
}

// encodeFD writes one fd entry. Kinds this build does not know (and
// FDUnknown) are written without details, which readers accept. noDev
// leaves out the device number of a FILE_V2 entry whose Dev is 0.
func encodeFD(e *encoder, fd *event.FD, noDev bool) {
	ent := e.beginEntry()
	e.i64(fd.Num)
	e.u64(fd.Ino)
	t := fd.Type
	if e.legacyFD && t > event.FDFileV2 {
		t = event.FDUnsupported
	}
	e.u8(uint8(t))
	switch {
	case t == event.FDIPv4Sock:
		e.addr4(fd.SIP, "fd source address")
		e.addr4(fd.DIP, "fd destination address")
		e.u16(fd.SPort)
		e.u16(fd.DPort)
		e.u8(fd.L4Proto)
	case t == event.FDIPv6Sock:
		e.addr16(fd.SIP)
		e.addr16(fd.DIP)
		e.u16(fd.SPort)
		e.u16(fd.DPort)
		e.u8(fd.L4Proto)
	case t == event.FDIPv4ServSock:
		e.addr4(fd.ServerIP, "fd server address")
		e.u16(fd.ServerPort)
		e.u8(fd.L4Proto)
	case t == event.FDIPv6ServSock:
		e.addr16(fd.ServerIP)
		e.u16(fd.ServerPort)
		e.u8(fd.L4Proto)
	case t == event.FDUnixSock:
		e.u64(fd.UnixSource)
		e.u64(fd.UnixDest)
		e.str(fd.Name, maxPathLen, true, "unix socket path")
	case t == event.FDFileV2:
		e.u32(fd.OpenFlags)
		e.str(fd.Name, maxPathLen, true, "fd name")
		if !noDev || fd.Dev != 0 {
			e.u32(fd.Dev)
		}
	case t.Named():
		e.str(fd.Name, maxPathLen, true, "fd name")
	}
	e.endEntry(ent, true)
}
