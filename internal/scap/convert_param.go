package scap

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"peregrine/internal/event"
)

// convZeroValue returns the value the converter writes for a parameter of
// type t that it cannot take from anywhere: zeros of the type's size, with
// three exceptions that libs makes: uid and gid are 0xffffffff ("none"), a
// socket address is the single byte AF_UNSPEC, and variable-size types are
// empty. Types libs does not list (known reports false) also come out
// empty; the table tests check that no rule reaches one.
func convZeroValue(t event.ParamType) (v []byte, known bool) {
	switch t {
	case event.PTUID, event.PTGID:
		return convAllOnes[:4], true
	case event.PTSockaddr:
		return convZeros[:1], true // PPM_AF_UNSPEC
	case event.PTBytebuf, event.PTCharbuf, event.PTSocktuple, event.PTFDList,
		event.PTFSPath, event.PTCharbufArray, event.PTCharbufPairArray,
		event.PTFSRelPath, event.PTDyn:
		return nil, true
	}
	if n := convFixedSize(t); n > 0 {
		return convZeros[:n], true
	}
	return nil, false
}

var (
	convZeros   = [8]byte{}
	convAllOnes = [4]byte{0xff, 0xff, 0xff, 0xff}
)

// convFixedSize is the size libs' converter gives the fixed-size types it
// knows; 0 for the others.
func convFixedSize(t event.ParamType) int {
	switch t {
	case event.PTInt8, event.PTUint8, event.PTFlags8, event.PTEnumFlags8, event.PTSigType:
		return 1
	case event.PTInt16, event.PTUint16, event.PTFlags16, event.PTEnumFlags16, event.PTSyscallID:
		return 2
	case event.PTInt32, event.PTUint32, event.PTFlags32, event.PTEnumFlags32,
		event.PTUID, event.PTGID, event.PTMode, event.PTSigSet:
		return 4
	case event.PTInt64, event.PTUint64, event.PTRelTime, event.PTAbsTime,
		event.PTErrno, event.PTFD, event.PTPID:
		return 8
	}
	return 0
}

// convMaxLen is the longest value the converter copies into a parameter of
// type t in an event whose lengths are width bytes wide: the size of a
// fixed-size type (a longer source value is cut, keeping its first bytes,
// that is its low-order bytes), else what the length field can hold. known
// is false for a type libs does not list.
func convMaxLen(t event.ParamType, width int) (n int, known bool) {
	if n := convFixedSize(t); n > 0 {
		return n, true
	}
	switch t {
	case event.PTBytebuf, event.PTCharbuf, event.PTSocktuple, event.PTFDList,
		event.PTFSPath, event.PTCharbufArray, event.PTCharbufPairArray,
		event.PTFSRelPath, event.PTDyn, event.PTSockaddr:
		if width == 4 {
			return math.MaxUint32, true
		}
		return math.MaxUint16, true
	}
	return 0, false
}

// convAppendContainerJSON writes to dst the JSON document that describes the
// container of an old container event (id, type, name, image), as libs
// writes it: the strings go in verbatim, without escaping, and the
// document ends with a NUL.
func convAppendContainerJSON(dst []byte, e *event.Event) ([]byte, error) {
	if e.NumParams() < 4 {
		return dst, fmt.Errorf("container event with %d params, want 4", e.NumParams())
	}
	ty := e.Param(1)
	if len(ty) != 4 {
		return dst, fmt.Errorf("container type param is %d bytes, want 4", len(ty))
	}
	dst = append(dst, `{"id":"`...)
	dst = append(dst, convCString(e.Param(0))...)
	dst = append(dst, `","type":`...)
	dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(ty)), 10)
	dst = append(dst, `,"name":"`...)
	dst = append(dst, convCString(e.Param(2))...)
	dst = append(dst, `","image":"`...)
	dst = append(dst, convCString(e.Param(3))...)
	dst = append(dst, `"}`...)
	return append(dst, 0), nil
}

// convCString drops the last byte of a string parameter, its NUL; libs
// drops the last byte whatever it is.
func convCString(p []byte) []byte {
	if n := len(p); n > 0 {
		return p[:n-1]
	}
	return p
}
