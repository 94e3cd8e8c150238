package scap

import (
	"bytes"

	"peregrine/internal/event"
)

// Sizes of the V9 tail fields, in the order of each layout (see ProcTail).
// The legacy layout is fields 2 to 6 of the current one.
var (
	currentTailSizes = [currentTailFields]int{8, 4, 4, 1, 8, 8, 8, 1, 8, 8, 8, 1, 1, 8}
	legacyTailSizes  = [legacyTailFields]int{4, 1, 8, 8, 8}
)

// legacyTailOffset maps a legacy tail index to the current layout's index.
const legacyTailOffset = 2

// parsePL decodes a process list block of version ver (1 to 9) and appends
// its entries to m.Procs and m.ProcTails.
func parsePL(body []byte, ver uint8, m *Meta) error {
	c := cursor{b: body}
	for i := 0; c.left() >= 4; i++ {
		e, end := c.openEntry(ver == 9, true, "process entry")
		p := readProc(&e, ver)
		var tail ProcTail
		if end >= 0 && e.err == nil {
			tail = readTail(&p, e.b[e.p:])
		}
		c.closeEntry(e, end)
		if c.err != nil {
			return errorAt(c.err, "process entry", i)
		}
		m.Procs = append(m.Procs, p)
		m.ProcTails = append(m.ProcTails, tail)
	}
	return nil
}

// readProc reads the fields of a process entry up to Root.
func readProc(e *cursor, ver uint8) event.Process {
	p := event.ProcessDefaults()
	p.TID = e.i64("tid")
	p.PID = e.i64("pid")
	p.PTID = e.i64("ptid")
	if ver >= 6 {
		p.SID = e.i64("sid")
	}
	if ver >= 8 {
		p.VPGID = e.i64("vpgid")
	}
	p.Comm = e.str(maxPathLen, false, "comm")
	p.Exe = e.str(maxPathLen, false, "exe")
	if ver >= 7 {
		p.ExePath = e.str(maxPathLen, false, "exepath")
	}
	p.Args = e.str(maxArgsLen, false, "args")
	p.Cwd = e.str(maxPathLen, false, "cwd")
	p.FDLimit = e.i64("fdlimit")
	p.Flags = e.u32("flags")
	p.UID = e.u32("uid")
	p.GID = e.u32("gid")
	if ver < 2 {
		return p
	}
	p.VMSizeKB = e.u32("vmsize")
	p.VMRSSKB = e.u32("vmrss")
	p.VMSwapKB = e.u32("vmswap")
	p.PFMajor = e.u64("pfmajor")
	p.PFMinor = e.u64("pfminor")
	if ver >= 3 {
		p.Env = e.str(maxArgsLen, false, "env")
	}
	if ver >= 4 {
		p.VTID = e.i64("vtid")
		p.VPID = e.i64("vpid")
		p.Cgroups = e.str(maxArgsLen, false, "cgroups")
	}
	if ver >= 5 {
		p.Root = e.str(maxPathLen, false, "root")
	}
	return p
}

// readTail reads the V9 tail b of a process entry into p: a prefix of the
// legacy layout when b is at most 29 bytes, of the current one otherwise.
// Each field is read only if it fits; what is left is kept as Rest.
func readTail(p *event.Process, b []byte) ProcTail {
	legacy := len(b) <= legacyTailMax
	sizes := currentTailSizes[:]
	shift := 0
	if legacy {
		sizes, shift = legacyTailSizes[:], legacyTailOffset
	}
	var t ProcTail
	pos := 0
	for i, n := range sizes {
		if pos+n > len(b) {
			break
		}
		var v uint64
		switch n {
		case 1:
			v = uint64(b[pos])
		case 4:
			v = uint64(le.Uint32(b[pos:]))
		default:
			v = le.Uint64(b[pos:])
		}
		setTailField(p, i+shift, v)
		pos += n
		t.Fields++
	}
	t.Legacy = legacy && t.Fields > 0
	if pos < len(b) {
		t.Rest = bytes.Clone(b[pos:])
	}
	return t
}

// setTailField stores value v of current-layout tail field i.
func setTailField(p *event.Process, i int, v uint64) {
	switch i {
	case 0:
		p.PidnsInitStartTS = v
	case 1:
		p.TTY = uint32(v)
	case 2:
		p.LoginUID = uint32(v)
	case 3:
		p.ExeWritable = v != 0
	case 4:
		p.CapInheritable = v
	case 5:
		p.CapPermitted = v
	case 6:
		p.CapEffective = v
	case 7:
		p.ExeUpperLayer = v != 0
	case 8:
		p.ExeIno = v
	case 9:
		p.ExeInoCtime = v
	case 10:
		p.ExeInoMtime = v
	case 11:
		p.ExeFromMemfd = v != 0
	case 12:
		p.ExeLowerLayer = v != 0
	case 13:
		p.PGID = int64(v)
	}
}

// tailField returns the value of current-layout tail field i of p.
func tailField(p *event.Process, i int) uint64 {
	switch i {
	case 0:
		return p.PidnsInitStartTS
	case 1:
		return uint64(p.TTY)
	case 2:
		return uint64(p.LoginUID)
	case 3:
		return boolBit(p.ExeWritable)
	case 4:
		return p.CapInheritable
	case 5:
		return p.CapPermitted
	case 6:
		return p.CapEffective
	case 7:
		return boolBit(p.ExeUpperLayer)
	case 8:
		return p.ExeIno
	case 9:
		return p.ExeInoCtime
	case 10:
		return p.ExeInoMtime
	case 11:
		return boolBit(p.ExeFromMemfd)
	case 12:
		return boolBit(p.ExeLowerLayer)
	case 13:
		return uint64(p.PGID)
	}
	return 0
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
