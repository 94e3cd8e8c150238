package rules

import (
	"math"
	"testing"

	"peregrine/internal/field"
)

func TestNumericOperators(t *testing.T) {
	pid := func(n int64) env { return env{"proc.pid": {i64(n)}} }
	uid := func(n uint64) env { return env{"user.uid": {u64(n)}} }
	runTruth(t, field.SourceSyscall, []truthCase{
		{"proc.pid = 1", pid(1), true},
		{"proc.pid = 1", pid(2), false},
		{"proc.pid != 1", pid(2), true},
		{"proc.pid < 0", pid(-1), true},
		{"proc.pid < -1", pid(-1), false},
		{"proc.pid <= -1", pid(-1), true},
		{"proc.pid > -5", pid(-4), true},
		{"proc.pid >= 100", pid(99), false},
		{"proc.pid = +7", pid(7), true},
		{"proc.pid in (1, 2, 3)", pid(2), true},
		{"proc.pid in (1, 2, 3)", pid(4), false},
		{"proc.pid intersects (1, -4)", pid(-4), true},
		{"proc.pid = 9223372036854775808", pid(math.MaxInt64), true}, // saturates, as strtol
		{"user.uid = 0", uid(0), true},
		{"user.uid > 1000", uid(1001), true},
		{"user.uid < 1000", uid(4294967295), false},
		{"user.uid = -1", uid(4294967295), true},            // strtoul wraps, then the cast to 32 bits
		{"user.uid = 4294967296", uid(0), true},             // cut to 32 bits
		{"evt.cpu = 65537", env{"evt.cpu": {i64(1)}}, true}, // INT16: cut and sign-extended
		{"evt.cpu = 65535", env{"evt.cpu": {i64(-1)}}, true},
		{"proc.vmsize >= 18446744073709551615", env{"proc.vmsize": {u64(math.MaxUint64)}}, true},
		{"proc.duration > 1000", env{"proc.duration": {ns(1001)}}, true},
		{"proc.duration in (5, 6)", env{"proc.duration": {ns(6)}}, true},
		{"proc.fdusage > 0.5", env{"proc.fdusage": {f64(0.75)}}, true},
		{"proc.fdusage < 0.5", env{"proc.fdusage": {f64(0.75)}}, false},
		{"proc.fdusage = 1", env{"proc.fdusage": {f64(1)}}, true},
		{"proc.fdusage != 1", env{"proc.fdusage": {f64(math.NaN())}}, true},
		{"proc.fdusage = 1", env{"proc.fdusage": {f64(math.NaN())}}, false},
		{"fd.sport = 80", env{"fd.sport": {u64(80)}}, true},
		{"fd.sport = 65616", env{"fd.sport": {u64(80)}}, true}, // PORT is 16 bits
		{"fd.sport in (http, 443)", env{"fd.sport": {u64(80)}}, true},
		{"fd.sport = ''", env{"fd.sport": {u64(0)}}, true},
		{"proc.pid exists", pid(0), true},
	})
}

func TestBoolOperators(t *testing.T) {
	w := func(b bool) env { return env{"evt.is_open_write": {boolean(b)}} }
	runTruth(t, field.SourceSyscall, []truthCase{
		{"evt.is_open_write = true", w(true), true},
		{"evt.is_open_write = true", w(false), false},
		{"evt.is_open_write = false", w(false), true},
		{"evt.is_open_write != true", w(false), true},
		{"evt.is_open_write in (true)", w(true), true},
		{"evt.is_open_write intersects (false)", w(true), false},
	})
}

func TestAddressOperators(t *testing.T) {
	cip := func(a string) env { return env{"fd.cip": {ip(a)}} }
	runTruth(t, field.SourceSyscall, []truthCase{
		{"fd.cip = 10.0.0.1", cip("10.0.0.1"), true},
		{"fd.cip = 10.0.0.1", cip("10.0.0.2"), false},
		{"fd.cip != 10.0.0.1", cip("10.0.0.2"), true},
		{"fd.cip = ::1", cip("::1"), true},
		{"fd.cip = 2001:db8::1", cip("2001:DB8:0:0::1"), true},
		// Different families are neither equal nor unequal.
		{"fd.cip = ::1", cip("127.0.0.1"), false},
		{"fd.cip != ::1", cip("127.0.0.1"), false},
		{"fd.cip != 127.0.0.1", cip("::ffff:127.0.0.1"), false},
		{"fd.cip in (10.0.0.1, ::1)", cip("::1"), true},
		{"fd.cip in (10.0.0.1, ::1)", cip("10.0.0.2"), false},
	})
}

func TestNetworkOperators(t *testing.T) {
	cnet := func(a string) env { return env{"fd.cnet": {ip(a)}} }
	runTruth(t, field.SourceSyscall, []truthCase{
		{"fd.cnet = 10.0.0.0/8", cnet("10.1.2.3"), true},
		{"fd.cnet = 10.0.0.0/8", cnet("11.1.2.3"), false},
		{"fd.cnet != 10.0.0.0/8", cnet("11.1.2.3"), true},
		{"fd.cnet != 10.0.0.0/8", cnet("10.1.2.3"), false},
		{"fd.cnet = 10.9.9.9/8", cnet("10.1.2.3"), true}, // host bits are masked
		{"fd.cnet = 0.0.0.0/0", cnet("1.2.3.4"), true},
		{"fd.cnet = 192.168.1.0/24", cnet("192.168.1.255"), true},
		{"fd.cnet = 192.168.1.0/24", cnet("192.168.2.0"), false},
		{"fd.cnet = 192.168.1.7/32", cnet("192.168.1.7"), true},
		{"fd.cnet = 2001:db8::/32", cnet("2001:db8:1::1"), true},
		{"fd.cnet = 2001:db8::/32", cnet("2001:db9::1"), false},
		{"fd.cnet = fe80::/10", cnet("febf::1"), true},
		{"fd.cnet = fe80::/10", cnet("fec0::1"), false},
		{"fd.cnet = ::1/128", cnet("::1"), true},
		// Families do not mix, for = nor for !=.
		{"fd.cnet = ::/1", cnet("10.0.0.1"), false},
		{"fd.cnet != ::/1", cnet("10.0.0.1"), false},
		{"fd.cnet != 10.0.0.0/8", cnet("::1"), false},
		{"fd.cnet in (10.0.0.0/8, 192.168.0.0/16)", cnet("192.168.4.4"), true},
		{"fd.cnet in (10.0.0.0/8, 192.168.0.0/16)", cnet("172.16.0.1"), false},
		{"fd.cnet intersects (fc00::/7)", cnet("fd00::5"), true},
	})
}
