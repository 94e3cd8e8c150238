package event

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
)

// atFDCWD is the dirfd value meaning "the working directory" (PPM_AT_FDCWD).
const atFDCWD = -100

// invalidText replaces a value whose bytes do not fit its type (libsinsp
// 0.1.1 reads past such a parameter; current libs throws).
const invalidText = "(invalid)"

// render carries what one parameter's rendering needs.
type render struct {
	p    *Printer
	e    *Event
	info *ParamInfo
	// legacy selects the rendering of sysdig 0.29.3 for events it knows.
	legacy bool
}

// appendValue appends the value of parameter i (which must be in range)
// and its annotation. It returns the index of the annotation's opening
// parenthesis, or -1 when there is none.
func (p *Printer) appendValue(dst []byte, e *Event, i int) ([]byte, int) {
	t := e.Type()
	pi := &e.Info().Params[i]
	_, typ := paramLook(t, i, pi)
	raw := e.Param(i)
	legacy := t < OracleTypes
	if len(raw) == 0 {
		// Current libs prints an empty parameter as "NULL" whatever its
		// type. libsinsp 0.1.1 did so only for addresses and tuples; an
		// empty byte buffer printed as nothing, and other empty types made
		// it read past the parameter (so their output is undefined there).
		if legacy && typ == PTBytebuf {
			return dst, -1
		}
		return append(dst, "NULL"...), -1
	}
	r := render{p: p, e: e, info: pi, legacy: legacy}
	return r.typed(dst, typ, pi.Format, raw)
}

// openAnn starts an annotation; closeAnn ends it, removing the
// parenthesis again when nothing was written in between.
func openAnn(dst []byte) ([]byte, int) { return append(dst, '('), len(dst) }

func closeAnn(dst []byte, mark int) ([]byte, int) {
	if len(dst) == mark+1 {
		return dst[:mark], -1
	}
	return append(dst, ')'), mark
}

// typed renders raw (non-empty) as a value of type t with print format f.
func (r *render) typed(dst []byte, t ParamType, f ParamFormat, raw []byte) ([]byte, int) {
	if n := t.FixedSize(); n != 0 && len(raw) != n {
		return append(dst, invalidText...), -1
	}
	u, _ := fixed(t, raw)
	switch t {
	case PTInt8, PTInt16, PTInt32, PTInt64, PTUint8, PTUint16, PTUint32, PTUint64:
		return appendInt(dst, t, f, u, len(raw)), -1
	case PTErrno:
		// Always decimal, whatever the format; negative values are named.
		v := int64(u)
		dst = strconv.AppendInt(dst, v, 10)
		dst, m := openAnn(dst)
		dst = append(dst, ErrnoName(v)...)
		return closeAnn(dst, m)
	case PTFD, PTFD32:
		return r.appendFD(dst, signExtend(u, len(raw)))
	case PTPID, PTPID32:
		return r.appendPID(dst, signExtend(u, len(raw)))
	case PTUID, PTGID:
		return r.appendID(dst, uint32(u), t == PTGID)
	case PTCharbuf:
		return append(dst, cString(raw)...), -1
	case PTFSPath, PTFSRelPath:
		return r.appendPath(dst, t, cString(raw))
	case PTBytebuf:
		return r.appendBuf(dst, raw), -1
	case PTSockaddr:
		return appendSockAddr(dst, raw), -1
	case PTSocktuple:
		return appendSockTuple(dst, raw), -1
	case PTFDList:
		return r.appendFDList(dst, raw), -1
	case PTSyscallID:
		if int(u) >= NumSyscalls() {
			return append(dst, "<unknown syscall>"...), -1
		}
		dst = strconv.AppendUint(dst, u, 10)
		dst, m := openAnn(dst)
		dst = append(dst, SyscallName(uint16(u))...)
		return closeAnn(dst, m)
	case PTSigType:
		dst = strconv.AppendUint(dst, u, 10)
		dst, m := openAnn(dst)
		dst = append(dst, SignalName(uint8(u))...)
		return closeAnn(dst, m)
	case PTRelTime:
		if u == math.MaxUint64 {
			return append(dst, "none"...), -1
		}
		dst = strconv.AppendUint(dst, u, 10)
		dst, m := openAnn(dst)
		dst = appendSeconds(dst, u)
		return closeAnn(dst, m)
	case PTAbsTime:
		return appendAbsTime(dst, u), -1
	case PTFlags8, PTFlags16, PTFlags32, PTEnumFlags8, PTEnumFlags16, PTEnumFlags32:
		dst = strconv.AppendUint(dst, u, 10)
		if r.info.Names == nil {
			return dst, -1
		}
		dst, m := openAnn(dst)
		switch t {
		case PTEnumFlags8, PTEnumFlags16, PTEnumFlags32:
			dst = appendFlagsExact(dst, r.info.Names, uint32(u))
		default:
			dst = appendFlagsBitwise(dst, r.info.Names, uint32(u), r.legacy)
		}
		return closeAnn(dst, m)
	case PTMode:
		dst = appendInt(dst, t, f, u, len(raw))
		if r.info.Names == nil {
			return dst, -1
		}
		dst, m := openAnn(dst)
		dst = appendFlagsBitwise(dst, r.info.Names, uint32(u), true)
		return closeAnn(dst, m)
	case PTSigSet:
		return appendSigSet(dst, uint32(u)), -1
	case PTDyn:
		v := Value{Type: t, Info: r.info, Raw: raw}
		sub, ok := v.dynType()
		if !ok {
			return append(dst, "INVALID DYNAMIC PARAMETER"...), -1
		}
		if len(raw) == 1 && sub.FixedSize() != 0 {
			return append(dst, invalidText...), -1
		}
		if len(raw) == 1 {
			return dst, -1
		}
		return r.typed(dst, sub, f, raw[1:])
	}
	return appendOther(dst, t, raw), -1
}

// appendOther renders the types sysdig never meets in events it knows.
// Current libs prints "(n.a.)" for the ones its newest events carry (FD32,
// PID32 are handled with FD and PID; PORT, IPV4ADDR, IPV6ADDR of the
// iterator events); these renderings are ours.
func appendOther(dst []byte, t ParamType, raw []byte) []byte {
	u, _ := fixed(t, raw)
	switch t {
	case PTPort, PTL4Proto, PTSockFamily, PTBool:
		return strconv.AppendUint(dst, u, 10)
	case PTDouble:
		return strconv.AppendFloat(dst, math.Float64frombits(u), 'g', -1, 64)
	case PTIPv4Addr:
		return appendIPv4(dst, raw)
	case PTIPv6Addr:
		return appendIPv6(dst, raw)
	case PTIPAddr:
		switch len(raw) {
		case 4:
			return appendIPv4(dst, raw)
		case 16:
			return appendIPv6(dst, raw)
		}
		return append(dst, invalidText...)
	case PTCharbufArray:
		return appendStrList(dst, raw, '.', '.')
	case PTCharbufPairArray:
		return appendStrList(dst, raw, ':', ',')
	}
	return append(dst, "(n.a.)"...)
}

// appendStrList renders NUL-separated strings: sep1 after odd-numbered
// strings, sep2 after even-numbered ones (so "k:v,k:v" for pairs).
func appendStrList(dst []byte, raw []byte, sep1, sep2 byte) []byte {
	if raw[len(raw)-1] == 0 {
		raw = raw[:len(raw)-1]
	}
	n := 0
	for _, c := range raw {
		if c != 0 {
			dst = append(dst, c)
			continue
		}
		if n%2 == 0 {
			dst = append(dst, sep1)
		} else {
			dst = append(dst, sep2)
		}
		n++
	}
	return dst
}

// appendAbsTime prints an absolute time as current libs does: local time,
// "2006-01-02 15:04:05.000000000" (libs' format also asks for the zone, but
// writes the nanoseconds over it).
func appendAbsTime(dst []byte, ns uint64) []byte {
	t := time.Unix(int64(ns/1e9), int64(ns%1e9)).In(time.Local)
	return t.AppendFormat(dst, "2006-01-02 15:04:05.000000000")
}

// appendSigSet prints the names of the signals in a mask (bit n is signal
// n+1), separated by spaces, as the whole value.
func appendSigSet(dst []byte, mask uint32) []byte {
	first := true
	for sig := 0; sig < 32; sig++ {
		if mask&(1<<sig) == 0 {
			continue
		}
		name := SignalName(uint8(sig + 1))
		if name == "" {
			continue
		}
		if !first {
			dst = append(dst, ' ')
		}
		dst = append(dst, name...)
		first = false
	}
	return dst
}

// appendBuf renders a byte buffer: printable ASCII as is, every other byte
// (NULs between arguments included) as '.'; cut to BufLimit characters
// with the last three replaced by "..." when longer.
func (r *render) appendBuf(dst []byte, raw []byte) []byte {
	limit := r.p.BufLimit
	cut := limit > 0 && len(raw) > limit
	if cut {
		raw = raw[:limit]
	}
	for _, c := range raw {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		dst = append(dst, c)
	}
	if cut && limit > 3 {
		copy(dst[len(dst)-3:], "...")
	}
	return dst
}

// fdListTypeUnknown is the type letter of an fd the state does not know.
const fdListTypeUnknown = '?'

// appendFDList renders poll's fd list: "fd:Tflags" per entry, separated by
// spaces, where T is the fd's type letter ('?' when unknown) and flags are
// the poll flags in lower-case hex. As in libsinsp the fd prints unsigned
// and the flags as a sign-extended 32-bit number. Entries past the
// parameter's bytes are not printed.
func (r *render) appendFDList(dst []byte, raw []byte) []byte {
	if len(raw) < 2 {
		return append(dst, invalidText...)
	}
	n := int(binary.LittleEndian.Uint16(raw))
	if avail := (len(raw) - 2) / fdListEntryLen; n > avail {
		n = avail
	}
	tid := r.e.TID()
	for j := 0; j < n; j++ {
		ent := raw[2+j*fdListEntryLen:]
		fd := binary.LittleEndian.Uint64(ent)
		flags := int16(binary.LittleEndian.Uint16(ent[8:]))
		if j > 0 {
			dst = append(dst, ' ')
		}
		dst = strconv.AppendUint(dst, fd, 10)
		dst = append(dst, ':')
		tc := byte(fdListTypeUnknown)
		if r.p.Resolver != nil {
			if fi, ok := r.p.Resolver.FD(tid, int64(fd)); ok {
				tc = fdTypeChar(fi.Type)
			}
		}
		dst = append(dst, tc)
		dst = appendHexLower(dst, uint64(uint32(int32(flags))))
	}
	return dst
}
