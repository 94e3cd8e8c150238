package field

import (
	"net/netip"

	"peregrine/internal/event"
)

// Kind is how a value compares: the comparison family of a field type.
type Kind uint8

// Value kinds.
const (
	KindNone   Kind = iota // no value
	KindString             // text (CHARBUF, FSPATH, FSRELPATH)
	KindBytes              // raw bytes (BYTEBUF)
	KindInt                // signed integer (INT*, ERRNO, FD, PID)
	KindUint               // unsigned integer (UINT*, PORT, UID, GID, MODE, FLAGS*, ...)
	KindBool               // boolean
	KindTime               // nanoseconds: an absolute time or a duration (ABSTIME, RELTIME)
	KindIP                 // an IPv4 or IPv6 address
	KindNet                // an IPv4 or IPv6 network (CIDR)
	KindFloat              // a double
)

var kindNames = [...]string{"none", "string", "bytes", "int", "uint", "bool", "time", "ip", "net", "float"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// KindOf returns the comparison kind of a field type. PTDyn (evt.rawarg.*)
// has no fixed kind: it is KindNone here and takes the kind of the event
// parameter at extraction time.
func KindOf(t event.ParamType) Kind {
	switch t {
	case event.PTCharbuf, event.PTFSPath, event.PTFSRelPath, event.PTCharbufArray, event.PTCharbufPairArray:
		return KindString
	case event.PTBytebuf:
		return KindBytes
	case event.PTInt8, event.PTInt16, event.PTInt32, event.PTInt64, event.PTErrno,
		event.PTFD, event.PTPID, event.PTFD32, event.PTPID32:
		return KindInt
	case event.PTUint8, event.PTUint16, event.PTUint32, event.PTUint64, event.PTPort,
		event.PTUID, event.PTGID, event.PTMode, event.PTFlags8, event.PTFlags16, event.PTFlags32,
		event.PTEnumFlags8, event.PTEnumFlags16, event.PTEnumFlags32, event.PTL4Proto,
		event.PTSockFamily, event.PTSigType, event.PTSyscallID, event.PTSigSet:
		return KindUint
	case event.PTBool:
		return KindBool
	case event.PTRelTime, event.PTAbsTime:
		return KindTime
	case event.PTIPv4Addr, event.PTIPv6Addr, event.PTIPAddr:
		return KindIP
	case event.PTIPv4Net, event.PTIPv6Net, event.PTIPNet:
		return KindNet
	case event.PTDouble:
		return KindFloat
	}
	return KindNone
}

// Value is one value of a field for one event. Which members hold it
// depends on Kind: B for strings and bytes (without a terminating NUL; it
// may alias the source's memory and is valid only until the source moves
// to another event), N for integers, booleans (0 or 1), times and the bits
// of a float, IP for addresses, Net for networks.
type Value struct {
	Kind Kind
	B    []byte
	N    uint64
	IP   netip.Addr
	Net  netip.Prefix
}

// String returns a value of kind KindString holding s. It does not copy.
func String(s []byte) Value { return Value{Kind: KindString, B: s} }

// Int returns a value of kind KindInt.
func Int(n int64) Value { return Value{Kind: KindInt, N: uint64(n)} }

// Uint returns a value of kind KindUint.
func Uint(n uint64) Value { return Value{Kind: KindUint, N: n} }

// Bool returns a value of kind KindBool.
func Bool(b bool) Value {
	if b {
		return Value{Kind: KindBool, N: 1}
	}
	return Value{Kind: KindBool}
}

// IP returns a value of kind KindIP.
func IP(a netip.Addr) Value { return Value{Kind: KindIP, IP: a} }
