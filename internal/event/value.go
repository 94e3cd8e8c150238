package event

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/netip"
)

// ErrParamType is returned (wrapped) when a typed accessor is asked for a
// parameter of another type, and ErrParamSize when a parameter's bytes do
// not have the size or layout its type needs.
var (
	ErrParamType = errors.New("wrong parameter type")
	ErrParamSize = errors.New("malformed parameter")
)

// Value is one parameter of an event, typed by the event table. Raw aliases
// the event's bytes: it is valid only as long as the event is. A Value is
// small and is passed by value; decoding it never allocates.
type Value struct {
	// Type is the wire type the table gives the parameter. For a [PTDyn]
	// parameter, [Value.Dyn] resolves the type chosen by the index byte.
	Type ParamType
	// Info is the table entry of the parameter (name, format, names of
	// flags and enum values).
	Info *ParamInfo
	// Raw holds the parameter's bytes as stored.
	Raw []byte
}

// Value returns parameter i of e typed by the event table. It reports
// false when the parameter is absent: the event does not carry it, or the
// table does not know it (an index past the table's list, an unknown event
// type). A carried parameter may still be empty; see [Value.IsEmpty].
func (e *Event) Value(i int) (Value, bool) {
	info := e.Info()
	if info == nil || uint(i) >= uint(len(info.Params)) || !e.Has(i) {
		return Value{}, false
	}
	p := &info.Params[i]
	return Value{Type: p.Type, Info: p, Raw: e.Param(i)}, true
}

// Name returns the parameter's name from the table.
func (v Value) Name() string {
	if v.Info == nil {
		return ""
	}
	return v.Info.Name
}

// nullLiteral is what drivers before libs 0.10 wrote into string
// parameters when the user-space pointer was NULL.
const nullLiteral = "(NULL)"

// IsEmpty reports whether the parameter carries no value: it has length 0
// (current drivers' "not available"), or it is a string holding the
// literal "(NULL)" that old drivers wrote for a NULL pointer.
func (v Value) IsEmpty() bool {
	if len(v.Raw) == 0 {
		return true
	}
	switch v.Type {
	case PTCharbuf, PTFSPath, PTFSRelPath:
		return string(cString(v.Raw)) == nullLiteral
	}
	return false
}

// Bytes returns the parameter's bytes as stored (for strings, with the
// trailing NUL).
func (v Value) Bytes() []byte { return v.Raw }

// Str returns a string parameter ([PTCharbuf], [PTFSPath], [PTFSRelPath])
// without its NUL terminator, or nil when the parameter is empty or holds
// the old drivers' "(NULL)". The bytes alias the event; copy them with
// string(v.Str()) to keep them. For other types Str returns nil.
func (v Value) Str() []byte {
	switch v.Type {
	case PTCharbuf, PTFSPath, PTFSRelPath:
	default:
		return nil
	}
	s := cString(v.Raw)
	if len(s) == 0 || string(s) == nullLiteral {
		return nil
	}
	return s
}

// cString returns b up to its first NUL byte (all of b when it has none).
func cString(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// fixed reads the little-endian unsigned integer of a fixed-size type;
// ok is false when t has no integer size or raw is not that long.
func fixed(t ParamType, raw []byte) (uint64, bool) {
	n := t.FixedSize()
	if n == 0 || n > 8 || len(raw) != n {
		return 0, false
	}
	switch n {
	case 1:
		return uint64(raw[0]), true
	case 2:
		return uint64(binary.LittleEndian.Uint16(raw)), true
	case 4:
		return uint64(binary.LittleEndian.Uint32(raw)), true
	}
	return binary.LittleEndian.Uint64(raw), true
}

// signExtend interprets the low n bytes of u as a two's complement number.
func signExtend(u uint64, n int) int64 {
	shift := 64 - 8*uint(n)
	return int64(u<<shift) >> shift
}

// Uint returns a fixed-size integer parameter (any integer, flags, enum,
// id, time, address or fd type up to 8 bytes) as its unsigned bit pattern
// zero-extended to 64 bits: an INT32 of -1 gives 0xffffffff. It reports
// false for variable-size types and for parameters of the wrong size.
func (v Value) Uint() (uint64, bool) {
	if v.Type == PTDouble {
		return 0, false
	}
	return fixed(v.Type, v.Raw)
}

// Int returns a fixed-size integer parameter as a signed number: signed
// types ([ParamType.Signed]) are sign-extended, unsigned ones zero-extended.
// It reports false like [Value.Uint].
func (v Value) Int() (int64, bool) {
	u, ok := v.Uint()
	if !ok {
		return 0, false
	}
	if v.Type.Signed() {
		return signExtend(u, len(v.Raw)), true
	}
	return int64(u), true
}

// Float returns a [PTDouble] parameter.
func (v Value) Float() (float64, bool) {
	if v.Type != PTDouble || len(v.Raw) != 8 {
		return 0, false
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(v.Raw)), true
}

// Bool returns a [PTBool] parameter (4 bytes, non-zero is true).
func (v Value) Bool() (bool, bool) {
	if v.Type != PTBool || len(v.Raw) != 4 {
		return false, false
	}
	return binary.LittleEndian.Uint32(v.Raw) != 0, true
}

// Addr returns an address parameter: [PTIPv4Addr] (4 bytes, network
// order), [PTIPv6Addr] (16 bytes) or [PTIPAddr] (either, by length).
func (v Value) Addr() (netip.Addr, bool) {
	switch {
	case (v.Type == PTIPv4Addr || v.Type == PTIPAddr) && len(v.Raw) == 4:
		return netip.AddrFrom4([4]byte(v.Raw)), true
	case (v.Type == PTIPv6Addr || v.Type == PTIPAddr) && len(v.Raw) == 16:
		return netip.AddrFrom16([16]byte(v.Raw)), true
	}
	return netip.Addr{}, false
}

// Dyn resolves a [PTDyn] parameter: its first byte indexes the table's
// list of types ([ParamInfo.Dyn]) and the rest is a value of that type. The
// returned Value keeps Info (so the name and print format stay those of
// the dynamic parameter). It fails for other types, an empty parameter,
// and an index the table does not list.
func (v Value) Dyn() (Value, error) {
	if v.Type != PTDyn {
		return Value{}, fmt.Errorf("parameter %s is %v, not DYN: %w", v.Name(), v.Type, ErrParamType)
	}
	t, ok := v.dynType()
	if !ok {
		return Value{}, fmt.Errorf("dynamic parameter %s: %d bytes, index out of its table: %w", v.Name(), len(v.Raw), ErrParamSize)
	}
	return Value{Type: t, Info: v.Info, Raw: v.Raw[1:]}, nil
}

// dynType returns the type the index byte of a DYN parameter selects.
func (v Value) dynType() (ParamType, bool) {
	if len(v.Raw) == 0 || v.Info == nil || int(v.Raw[0]) >= len(v.Info.Dyn) {
		return 0, false
	}
	return v.Info.Dyn[v.Raw[0]], true
}
