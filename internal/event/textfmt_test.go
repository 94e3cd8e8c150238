package event

import (
	"net/netip"
	"testing"
)

func TestAppendInt(t *testing.T) {
	tests := []struct {
		typ  ParamType
		f    ParamFormat
		u    uint64
		want string
	}{
		{PTInt8, PFDec, 0xff, "-1"},
		{PTInt8, PFHex, 0xff, "FFFFFFFF"},
		{PTInt8, PFOct, 0xff, "037777777777"},
		{PTUint8, PFHex, 0xff, "FF"},
		{PTInt16, PFDec, 0x8000, "-32768"},
		{PTUint16, PFDec, 0x8000, "32768"},
		{PTInt32, PFHex, 0xfffffffe, "FFFFFFFE"},
		{PTUint32, PFDec, 0xffffffff, "-1"},
		{PTUint32, PFHex, 0xffffffff, "FFFFFFFF"},
		{PTUint32, PFOct, 0o644, "0644"},
		{PTUint32, PFOct, 0, "0"},
		{PTUint32, PF10PaddedDec, 42, "000000042"},
		{PTInt32, PF10PaddedDec, 0xffffffff, "-00000001"},
		{PTUint32, PFNA, 7, "7"},
		{PTUint32, PFID, 7, "7"},
		{PTUint64, PFDec, 1<<64 - 1, "-1"},
		{PTUint64, PFHex, 0x7fa69774e000, "7FA69774E000"},
		{PTUint64, PFOct, 8, "010"},
		{PTInt64, PFHex, 1<<64 - 1, "FFFFFFFFFFFFFFFF"},
		{PTInt64, PFDec, 1 << 63, "-9223372036854775808"},
		{PTMode, PFOct, 0o755, "0755"},
	}
	for _, tc := range tests {
		got := string(appendInt(nil, tc.typ, tc.f, tc.u, tc.typ.FixedSize()))
		if got != tc.want {
			t.Errorf("appendInt(%v, %d, %#x) = %q, want %q", tc.typ, tc.f, tc.u, got, tc.want)
		}
	}
}

func TestAppendSeconds(t *testing.T) {
	tests := []struct {
		ns   uint64
		want string
	}{
		{0, "0s"},
		{1500000000, "1.5s"},
		{10000, "1e-05s"},
		{123456789012, "123.457s"},
		{100000000000000, "100000s"},
		{1000000000000000, "1e+06s"},
	}
	for _, tc := range tests {
		if got := string(appendSeconds(nil, tc.ns)); got != tc.want {
			t.Errorf("appendSeconds(%d) = %q, want %q", tc.ns, got, tc.want)
		}
	}
}

// TestAppendIPv6 checks glibc inet_ntop's forms (the expected strings are
// glibc's output, which sysdig prints): note the embedded dotted quad
// whenever the first six groups are zero.
func TestAppendIPv6(t *testing.T) {
	tests := []struct{ in, want string }{
		{"::", "::"},
		{"::1", "::1"},
		{"::1.2.3.4", "::1.2.3.4"},
		{"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
		{"::0:1:0", "::0.1.0.0"},
		{"fe80::", "fe80::"},
		{"2001:db8:0:1::1", "2001:db8:0:1::1"},
		{"1:0:0:2::3", "1:0:0:2::3"},
		{"1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0"},
		{"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},
		{"2600:1f18:262c:6542:9aa6:df7a:9a47:d29e", "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e"},
		{"::ffff:0:1.2.3.4", "::ffff:0:102:304"},
	}
	for _, tc := range tests {
		a := netip.MustParseAddr(tc.in).As16()
		if got := string(appendIPv6(nil, a[:])); got != tc.want {
			t.Errorf("appendIPv6(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/home/u/foo", "/home/u/foo"},
		{"/home/u/./a/../b//c/.", "/home/u/b/c"},
		{"/home/u/../../../x", "/x"},
		{"/x/", "/x"},
		{"/a/..", "/"},
		{"rel", "rel"},
		{"a/../../b", "../b"},
		{"", ""},
	}
	for _, tc := range tests {
		got := string(cleanPath([]byte("keep:"+tc.in), len("keep:")))
		if got != "keep:"+tc.want {
			t.Errorf("cleanPath(%q) = %q, want %q", tc.in, got, "keep:"+tc.want)
		}
	}
}

func TestNames(t *testing.T) {
	errnos := []struct {
		v    int64
		want string
	}{
		{-1, "EPERM"}, {-2, "ENOENT"}, {-115, "EINPROGRESS"}, {-125, "ECANCELED"},
		{-41, ""}, {-58, ""}, {-126, ""}, {-512, "ERESTARTSYS"}, {-530, "EIOCBRETRY"},
		{-531, ""}, {0, ""}, {2, ""}, {-4294967298, "ENOENT"},
	}
	for _, tc := range errnos {
		if got := ErrnoName(tc.v); got != tc.want {
			t.Errorf("ErrnoName(%d) = %q, want %q", tc.v, got, tc.want)
		}
	}
	signals := map[uint8]string{0: "", 1: "SIGHUP", 9: "SIGKILL", 17: "SIGCHLD", 31: "SIGSYS", 32: "", 255: ""}
	for sig, want := range signals {
		if got := SignalName(sig); got != want {
			t.Errorf("SignalName(%d) = %q, want %q", sig, got, want)
		}
	}
	syscalls := map[uint16]string{0: "<unknown>", 5: "open", 283: "newselect", 292: "llseek", 328: "clone3",
		329: "open_by_handle_at", 382: "", 385: "_sysctl", 442: "mseal", 443: "", 60000: ""}
	for id, want := range syscalls {
		if got := SyscallName(id); got != want {
			t.Errorf("SyscallName(%d) = %q, want %q", id, got, want)
		}
	}
	if NumSyscalls() != 443 {
		t.Errorf("NumSyscalls() = %d", NumSyscalls())
	}
}

func TestFlagRules(t *testing.T) {
	// A table where the 2022 and current bitwise rules differ: an entry
	// sharing bits with the exact one comes first.
	tab := &FlagTable{Name: "test", Entries: []FlagName{{"A", 1}, {"AB", 3}, {"C", 4}, {"Z", 0}}}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"2022 stops at the exact entry", string(appendFlagsBitwise(nil, tab, 3, true)), "A|AB"},
		{"current tests it against the bits left", string(appendFlagsBitwise(nil, tab, 3, false)), "A"},
		{"bits of several entries", string(appendFlagsBitwise(nil, tab, 5, true)), "A|C"},
		{"zero names the 0 entry", string(appendFlagsBitwise(nil, tab, 0, true)), "Z"},
		{"zero, current rule", string(appendFlagsBitwise(nil, tab, 0, false)), "Z"},
		{"no bit known", string(appendFlagsBitwise(nil, tab, 8, true)), ""},
		{"exact", string(appendFlagsExact(nil, &socketFamilies, 16)), "AF_ROUTE|AF_NETLINK"},
		{"exact, none", string(appendFlagsExact(nil, tab, 2)), ""},
		{"AppendNames", string(fileFlags.AppendNames(nil, 0x1001)), "O_RDONLY|O_CLOEXEC"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if name, ok := fcntlCommands.Lookup(2); !ok || name != "F_GETFD" {
		t.Errorf("Lookup(2) = %q, %v", name, ok)
	}
	if _, ok := fcntlCommands.Lookup(1000); ok {
		t.Error("Lookup(1000) found a name")
	}
}
