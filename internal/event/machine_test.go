package event

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitNUL(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"\x00", []string{""}},
		{"-i\x00", []string{"-i"}},
		{"cat\x00/etc/shadow\x00", []string{"cat", "/etc/shadow"}},
		{"a\x00b", []string{"a", "b"}},
		{"a\x00\x00b\x00", []string{"a", "", "b"}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, SplitNUL(tc.in)); diff != "" {
			t.Errorf("SplitNUL(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestProcessLists(t *testing.T) {
	p := Process{Args: "-6\x00http://www.google.com\x00", Env: "HOME=/root\x00TERM=xterm\x00", Cgroups: "cpu=/\x00memory=/user.slice\x00"}
	got := [][]string{p.ArgList(), p.EnvList(), p.CgroupList()}
	want := [][]string{{"-6", "http://www.google.com"}, {"HOME=/root", "TERM=xterm"}, {"cpu=/", "memory=/user.slice"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
}

func TestProcessDefaults(t *testing.T) {
	want := Process{SID: -1, VPGID: -1, VTID: -1, VPID: -1, PGID: -1, LoginUID: 0xffffffff}
	if diff := cmp.Diff(want, ProcessDefaults()); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestFDType(t *testing.T) {
	tests := []struct {
		t     FDType
		name  string
		known bool
		named bool
	}{
		{FDUnknown, "UNKNOWN", true, false},
		{FDFile, "FILE", true, true},
		{FDIPv4Sock, "IPV4_SOCK", true, false},
		{FDIPv6ServSock, "IPV6_SERVSOCK", true, false},
		{FDFifo, "FIFO", true, true},
		{FDUnixSock, "UNIX_SOCK", true, false},
		{FDFileV2, "FILE_V2", true, false},
		{FDMemFD, "MEMFD", true, true},
		{FDPidFD, "PIDFD", true, true},
		{22, "TYPE_22", false, false},
	}
	for _, tc := range tests {
		if tc.t.String() != tc.name || tc.t.Known() != tc.known || tc.t.Named() != tc.named {
			t.Errorf("FDType(%d): %q known=%v named=%v; want %q %v %v", tc.t, tc.t.String(), tc.t.Known(), tc.t.Named(), tc.name, tc.known, tc.named)
		}
	}
}

func TestIfType(t *testing.T) {
	tests := []struct {
		t     IfType
		ipv6  bool
		speed bool
	}{
		{IfIPv4, false, true},
		{IfIPv6, true, true},
		{IfIPv4NoLinkSpeed, false, false},
		{IfIPv6NoLinkSpeed, true, false},
	}
	for _, tc := range tests {
		if tc.t.IPv6() != tc.ipv6 || tc.t.HasLinkSpeed() != tc.speed {
			t.Errorf("IfType(%d): IPv6=%v HasLinkSpeed=%v", tc.t, tc.t.IPv6(), tc.t.HasLinkSpeed())
		}
	}
}
