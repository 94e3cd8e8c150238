package event

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func addrBytes(s string) []byte {
	a := netip.MustParseAddr(s)
	if a.Is4() {
		b := a.As4()
		return b[:]
	}
	b := a.As16()
	return b[:]
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var addrCmp = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

func TestSockAddr(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want SockAddr
		err  error
	}{
		{"inet", cat([]byte{FamilyInet}, addrBytes("10.0.0.1"), p16(443)),
			SockAddr{Family: FamilyInet, Addr: netip.MustParseAddr("10.0.0.1"), Port: 443}, nil},
		{"inet6", cat([]byte{FamilyInet6}, addrBytes("::1"), p16(80)),
			SockAddr{Family: FamilyInet6, Addr: netip.MustParseAddr("::1"), Port: 80}, nil},
		{"unix", cat([]byte{FamilyUnix}, ps("/run/x.sock")),
			SockAddr{Family: FamilyUnix, Path: []byte("/run/x.sock")}, nil},
		{"unix without path", []byte{FamilyUnix}, SockAddr{Family: FamilyUnix, Path: []byte{}}, nil},
		{"other family", []byte{16, 1, 2, 3}, SockAddr{Family: 16}, nil},
		{"inet too short", cat([]byte{FamilyInet}, addrBytes("10.0.0.1")), SockAddr{}, ErrParamSize},
		{"inet6 too long", cat([]byte{FamilyInet6}, addrBytes("::1"), p16(80), []byte{0}), SockAddr{}, ErrParamSize},
		{"empty", nil, SockAddr{}, ErrParamSize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Value{Type: PTSockaddr, Raw: tc.raw}.SockAddr()
			if !errors.Is(err, tc.err) {
				t.Fatalf("error = %v, want %v", err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got, addrCmp); diff != "" {
				t.Errorf("SockAddr (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := (Value{Type: PTSocktuple, Raw: []byte{1}}).SockAddr(); !errors.Is(err, ErrParamType) {
		t.Errorf("SockAddr of a tuple: %v", err)
	}
}

func TestSockTuple(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want SockTuple
		err  error
	}{
		{"inet", cat([]byte{FamilyInet}, addrBytes("10.0.0.2"), p16(40000), addrBytes("10.0.0.1"), p16(443)),
			SockTuple{Family: FamilyInet, SrcAddr: netip.MustParseAddr("10.0.0.2"), SrcPort: 40000,
				DstAddr: netip.MustParseAddr("10.0.0.1"), DstPort: 443}, nil},
		{"inet6", cat([]byte{FamilyInet6}, addrBytes("::1"), p16(38255), addrBytes("::1"), p16(2345)),
			SockTuple{Family: FamilyInet6, SrcAddr: netip.MustParseAddr("::1"), SrcPort: 38255,
				DstAddr: netip.MustParseAddr("::1"), DstPort: 2345}, nil},
		{"unix", cat([]byte{FamilyUnix}, p64(0xffff9b57d8d6a000), p64(0xffff9b57d8d6b400), ps("/run/x.sock")),
			SockTuple{Family: FamilyUnix, SrcPtr: 0xffff9b57d8d6a000, DstPtr: 0xffff9b57d8d6b400, Path: []byte("/run/x.sock")}, nil},
		{"other family", []byte{16}, SockTuple{Family: 16}, nil},
		{"inet truncated", cat([]byte{FamilyInet}, addrBytes("10.0.0.2"), p16(1)), SockTuple{}, ErrParamSize},
		{"inet6 truncated", cat([]byte{FamilyInet6}, addrBytes("::1"), p16(1), addrBytes("::1")), SockTuple{}, ErrParamSize},
		{"unix without pointers", cat([]byte{FamilyUnix}, p64(1)), SockTuple{}, ErrParamSize},
		{"empty", nil, SockTuple{}, ErrParamSize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Value{Type: PTSocktuple, Raw: tc.raw}.SockTuple()
			if !errors.Is(err, tc.err) {
				t.Fatalf("error = %v, want %v", err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got, addrCmp); diff != "" {
				t.Errorf("SockTuple (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := (Value{Type: PTSockaddr, Raw: []byte{1}}).SockTuple(); !errors.Is(err, ErrParamType) {
		t.Errorf("SockTuple of an address: %v", err)
	}
}
