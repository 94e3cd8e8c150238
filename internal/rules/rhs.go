package rules

import (
	"context"
	"encoding/hex"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"peregrine/internal/event"
	"peregrine/internal/field"
)

// rhsValue converts the text of a right-hand value to a value of the left
// operand's type, as libsinsp's parse_filter_value does when the filter is
// compiled. It returns the reason when the text does not fit, for the
// caller to put in a message.
func rhsValue(t event.ParamType, op cmpOp, text string) (field.Value, string) {
	if op == opBContains || op == opBStartsWith {
		b, err := hex.DecodeString(text)
		if err != nil {
			return field.Value{}, "operator '" + op.String() + "' takes hex bytes"
		}
		return field.Value{Kind: field.KindBytes, B: b}, ""
	}
	switch t {
	case event.PTPort:
		return portValue(text)
	case event.PTBool:
		switch text {
		case "true":
			return field.Bool(true), ""
		case "false":
			return field.Bool(false), ""
		}
		return field.Value{}, "not true or false"
	case event.PTIPAddr:
		if strings.IndexByte(text, '.') >= 0 {
			return ipValue(text, true)
		}
		return ipValue(text, false)
	case event.PTIPv4Addr:
		return ipValue(text, true)
	case event.PTIPv6Addr:
		return ipValue(text, false)
	case event.PTIPNet:
		if strings.IndexByte(text, '.') >= 0 {
			return netValue(text, true)
		}
		return netValue(text, false)
	case event.PTIPv4Net:
		return netValue(text, true)
	case event.PTIPv6Net:
		return netValue(text, false)
	case event.PTDouble:
		f, err := strconv.ParseFloat(strings.TrimLeft(text, cSpaces), 64)
		if err != nil && !isRangeErr(err) {
			return field.Value{}, "not a number"
		}
		return field.Value{Kind: field.KindFloat, N: math.Float64bits(f)}, ""
	}
	switch field.KindOf(t) {
	case field.KindString:
		return field.String([]byte(text)), ""
	case field.KindBytes:
		return field.Value{Kind: field.KindBytes, B: []byte(text)}, ""
	case field.KindInt:
		n, ok := scanDecimal(text, true)
		if !ok {
			return field.Value{}, "not a decimal number"
		}
		return field.Int(truncSigned(int64(n), t.FixedSize())), ""
	case field.KindUint, field.KindTime:
		n, ok := scanDecimal(text, false)
		if !ok {
			return field.Value{}, "not a decimal number"
		}
		if size := t.FixedSize(); size > 0 && size < 8 {
			n &= 1<<(8*size) - 1
		}
		return field.Value{Kind: field.KindOf(t), N: n}, ""
	}
	return field.Value{}, "values of type " + t.String() + " cannot be compared"
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// cSpaces are the bytes C's isspace accepts.
const cSpaces = " \t\n\v\f\r"

// scanDecimal reads text as sscanf("%ld%c") or sscanf("%lu%c") does when
// libsinsp's numparser checks that nothing follows the number: optional
// blanks, an optional sign, decimal digits, and nothing after them. Like
// strtol, a signed number out of range saturates; like strtoul, an
// unsigned one saturates and a minus sign negates it modulo 2^64.
func scanDecimal(text string, signed bool) (uint64, bool) {
	s := strings.TrimLeft(text, cSpaces)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var mag uint64
	over := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if mag > (math.MaxUint64-d)/10 {
			over = true
		}
		mag = mag*10 + d
	}
	if signed {
		switch {
		case neg && (over || mag > 1<<63):
			return 1 << 63, true // math.MinInt64
		case !neg && (over || mag > math.MaxInt64):
			return math.MaxInt64, true
		case neg:
			return -mag, true
		}
		return mag, true
	}
	if over {
		return math.MaxUint64, true
	}
	if neg {
		return -mag, true
	}
	return mag, true
}

// truncSigned keeps the low size bytes of n, sign-extended (size 0 or 8:
// all of n), as libsinsp's casts to int8_t, int16_t and int32_t do.
func truncSigned(n int64, size int) int64 {
	switch size {
	case 1:
		return int64(int8(n))
	case 2:
		return int64(int16(n))
	case 4:
		return int64(int32(n))
	}
	return n
}

// portValue converts a port: a decimal number, the empty string (port 0),
// or a service name known to the system (getservbyname, /etc/services).
func portValue(text string) (field.Value, string) {
	if text == "" {
		return field.Uint(0), ""
	}
	if strings.Trim(text, "0123456789") == "" {
		n, err := strconv.ParseInt(text, 10, 32)
		if err != nil {
			return field.Value{}, "port number out of range"
		}
		return field.Uint(uint64(uint16(n))), ""
	}
	for _, network := range []string{"tcp", "udp"} {
		if p, err := net.DefaultResolver.LookupPort(context.Background(), network, text); err == nil {
			return field.Uint(uint64(uint16(p))), ""
		}
	}
	return field.Value{}, "not a port number or a known service name"
}

// ipValue converts an address as inet_pton does for IPv4 (v4) or IPv6.
func ipValue(text string, v4 bool) (field.Value, string) {
	a, ok := parseAddr(text, v4)
	if !ok {
		if v4 {
			return field.Value{}, "not an IPv4 address"
		}
		return field.Value{}, "not an IPv6 address"
	}
	return field.IP(a), ""
}

func parseAddr(text string, v4 bool) (netip.Addr, bool) {
	a, err := netip.ParseAddr(text)
	if err != nil || a.Zone() != "" || a.Is4() != v4 {
		return netip.Addr{}, false
	}
	return a, true
}

// netValue converts a network written address/bits. As libsinsp, the
// bits are read as an unsigned number cut to 8 bits, an IPv4 network may
// have 0 to 32 of them and an IPv6 network 1 to 128.
func netValue(text string, v4 bool) (field.Value, string) {
	addr, bits, ok := strings.Cut(text, "/")
	if !ok {
		return field.Value{}, "not a network in CIDR form (address/bits)"
	}
	a, ok := parseAddr(addr, v4)
	if !ok {
		if v4 {
			return field.Value{}, "not an IPv4 network"
		}
		return field.Value{}, "not an IPv6 network"
	}
	n, ok := scanDecimal(bits, false)
	if !ok {
		return field.Value{}, "netmask " + strconv.Quote(bits) + " is not a number"
	}
	n &= 0xff
	if v4 && n > 32 || !v4 && (n == 0 || n > 128) {
		return field.Value{}, "invalid netmask " + bits
	}
	p, _ := a.Prefix(int(n))
	return field.Value{Kind: field.KindNet, Net: p}, ""
}
