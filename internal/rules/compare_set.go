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
		if len(vals) <= smallSet {
			return smallStringSet(vals)
		}
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

// smallSet is the size up to which a string set is scanned rather than
// hashed: comparing a few lengths is cheaper than hashing the value.
const smallSet = 8

// smallStringSet tests membership by scanning, length first.
func smallStringSet(vals []field.Value) valueTest {
	items := make([]string, len(vals))
	for i := range vals {
		items[i] = string(vals[i].B)
	}
	return func(v *field.Value) bool {
		for _, it := range items {
			if len(it) == len(v.B) && it == string(v.B) {
				return true
			}
		}
		return false
	}
}
