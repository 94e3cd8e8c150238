package event

import "strconv"

// Numbers print the way libsinsp's printf formats print them, C integer
// promotions included (facts checked against sysdig 0.29.3):
//
//   - The print format picks the conversion: PF_DEC "%d", PF_HEX "%X"
//     (upper case, no prefix), PF_OCT "%#o" (a leading 0 unless the value is
//     0), PF_10_PADDED_DEC "%09d" (nine digits despite the name); every
//     other format prints decimal.
//   - 8- and 16-bit values are promoted to int first, so a negative INT8 in
//     hex prints as 32 bits (FFFFFFFF for -1).
//   - UINT32 and UINT64 are printed with the signed conversions, so values
//     with the top bit set print negative in decimal (a UINT64 of all ones
//     prints -1), while hex and octal print them unsigned.

// appendInt formats a fixed-size integer the way libsinsp formats a
// parameter of type t with print format f. u holds the raw bits
// zero-extended; size is the wire size in bytes.
func appendInt(dst []byte, t ParamType, f ParamFormat, u uint64, size int) []byte {
	var s int64 // the value as the signed conversion sees it
	switch {
	case t.Signed():
		s = signExtend(u, size)
	case size == 4:
		s = int64(int32(uint32(u)))
	default:
		s = int64(u)
	}
	// bits is the width hex and octal print: the promoted int for small
	// types, 64 for 8-byte ones.
	bits := u
	if size < 8 {
		bits = uint64(uint32(s))
	}
	switch f {
	case PFHex:
		return appendHexUpper(dst, bits)
	case PFOct:
		if bits == 0 {
			return append(dst, '0')
		}
		return strconv.AppendUint(append(dst, '0'), bits, 8)
	case PF10PaddedDec:
		return appendPadded(dst, s, 9)
	}
	return strconv.AppendInt(dst, s, 10)
}

// appendHexUpper appends u in upper-case hex without a prefix.
func appendHexUpper(dst []byte, u uint64) []byte {
	const digits = "0123456789ABCDEF"
	var buf [16]byte
	i := len(buf)
	for {
		i--
		buf[i] = digits[u&0xf]
		u >>= 4
		if u == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

// appendHexLower appends u in lower-case hex without a prefix.
func appendHexLower(dst []byte, u uint64) []byte { return strconv.AppendUint(dst, u, 16) }

// appendPadded appends s zero-padded to width characters, the sign
// counting toward the width (C's "%0*d").
func appendPadded(dst []byte, s int64, width int) []byte {
	var buf [24]byte
	digits := strconv.AppendUint(buf[:0], absU(s), 10)
	n := len(digits)
	if s < 0 {
		dst = append(dst, '-')
		n++
	}
	for ; n < width; n++ {
		dst = append(dst, '0')
	}
	return append(dst, digits...)
}

func absU(s int64) uint64 {
	if s < 0 {
		return uint64(-s)
	}
	return uint64(s)
}

// appendSeconds appends ns as seconds in C's "%lg" form (six significant
// digits, trailing zeros dropped) followed by "s".
func appendSeconds(dst []byte, ns uint64) []byte {
	dst = strconv.AppendFloat(dst, float64(ns)/1e9, 'g', 6, 64)
	return append(dst, 's')
}
