package rules

import (
	"net/netip"

	"peregrine/internal/field"
)

// setTest returns a membership test in the constants vals, which have
// kind k (the left-hand side's): a hash set for strings, numbers and
// addresses, looked up without allocating; containment in any of the
// networks for a field of type IPNET.
func setTest(k field.Kind, vals []field.Value) valueTest {
	switch k {
	case field.KindString, field.KindBytes:
		set := make(map[string]struct{}, len(vals))
		for i := range vals {
			set[string(vals[i].B)] = struct{}{}
		}
		return func(v *field.Value) bool {
			_, ok := set[string(v.B)]
			return ok
		}
	case field.KindIP:
		set := make(map[netip.Addr]struct{}, len(vals))
		for i := range vals {
			set[vals[i].IP] = struct{}{}
		}
		return func(v *field.Value) bool {
			_, ok := set[v.IP]
			return ok
		}
	case field.KindNet:
		nets := make([]netip.Prefix, len(vals))
		for i := range vals {
			nets[i] = vals[i].Net
		}
		return func(v *field.Value) bool { return inNets(v, nets) }
	}
	// Numbers and booleans: libsinsp compares the stored bytes, so a set
	// of the 64-bit patterns (for a double, its bits) is the same test.
	set := make(map[uint64]struct{}, len(vals))
	for i := range vals {
		set[vals[i].N] = struct{}{}
	}
	return func(v *field.Value) bool {
		_, ok := set[v.N]
		return ok
	}
}
