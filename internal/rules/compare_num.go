package rules

import (
	"math"
	"net/netip"

	"peregrine/internal/field"
)

// numericTest returns the comparison op of two numbers, as libsinsp's
// flt_compare_numeric. The kinds of the two values may differ (the values
// of evt.rawarg.NAME take the type of each event's parameter): integers
// compare as integers, with a negative signed one below every unsigned
// one, and a double makes both doubles. A NaN is unequal to everything.
func numericTest(op cmpOp) binTest {
	switch op {
	case opEq, opIn, opIntersects:
		return func(a, b *field.Value) bool { c, ok := numCompare(a, b); return ok && c == 0 }
	case opNe:
		return func(a, b *field.Value) bool { c, ok := numCompare(a, b); return !ok || c != 0 }
	case opLt:
		return func(a, b *field.Value) bool { c, ok := numCompare(a, b); return ok && c < 0 }
	case opLe:
		return func(a, b *field.Value) bool { c, ok := numCompare(a, b); return ok && c <= 0 }
	case opGt:
		return func(a, b *field.Value) bool { c, ok := numCompare(a, b); return ok && c > 0 }
	case opGe:
		return func(a, b *field.Value) bool { c, ok := numCompare(a, b); return ok && c >= 0 }
	}
	return nil
}

// numConstTest is numericTest against a constant, with a direct
// comparison when the value has the constant's kind (the usual case).
func numConstTest(op cmpOp, c field.Value) valueTest {
	t := numericTest(op)
	if c.Kind == field.KindFloat {
		return func(v *field.Value) bool { return t(v, &c) }
	}
	kind, n := c.Kind, c.N
	if kind == field.KindInt {
		return func(v *field.Value) bool {
			if v.Kind != kind {
				return t(v, &c)
			}
			return orderHolds(op, cmp3(int64(v.N) < int64(n), int64(v.N) > int64(n)))
		}
	}
	return func(v *field.Value) bool {
		if v.Kind != kind {
			return t(v, &c)
		}
		return orderHolds(op, cmp3(v.N < n, v.N > n))
	}
}

// orderHolds reports whether op holds for two values that compare as c.
func orderHolds(op cmpOp, c int) bool {
	switch op {
	case opEq, opIn, opIntersects:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	case opGe:
		return c >= 0
	}
	return false
}

// numCompare orders two numbers; ok is false when one is a NaN.
func numCompare(a, b *field.Value) (int, bool) {
	if a.Kind == field.KindFloat || b.Kind == field.KindFloat {
		x, y := asFloat(a), asFloat(b)
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			return 0, false
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	}
	as, bs := a.Kind == field.KindInt, b.Kind == field.KindInt
	switch {
	case as && bs:
		return cmp3(int64(a.N) < int64(b.N), int64(a.N) > int64(b.N)), true
	case as && int64(a.N) < 0:
		return -1, true
	case bs && int64(b.N) < 0:
		return 1, true
	}
	return cmp3(a.N < b.N, a.N > b.N), true
}

func cmp3(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

func asFloat(v *field.Value) float64 {
	switch v.Kind {
	case field.KindFloat:
		return math.Float64frombits(v.N)
	case field.KindInt:
		return float64(int64(v.N))
	}
	return float64(v.N)
}

// addrTest returns the comparison op of two addresses: = and != hold only
// between addresses of the same family (an IPv4 address is neither equal
// nor unequal to an IPv6 one, as in libsinsp's flt_compare).
func addrTest(op cmpOp) binTest {
	switch op {
	case opEq, opIn, opIntersects:
		return func(a, b *field.Value) bool { return a.IP.Is4() == b.IP.Is4() && a.IP == b.IP }
	case opNe:
		return func(a, b *field.Value) bool { return a.IP.Is4() == b.IP.Is4() && a.IP != b.IP }
	}
	return nil
}

// netConstTest tests an address against a network (the right-hand side of
// a field of type IPNET): = holds when the network holds the address, !=
// when it does not; neither holds across families.
func netConstTest(op cmpOp, c field.Value) valueTest {
	p := c.Net
	inNet := func(v *field.Value) (in, sameFamily bool) {
		a := v.IP
		if v.Kind == field.KindNet {
			a = v.Net.Addr()
		}
		if a.Is4() != p.Addr().Is4() {
			return false, false
		}
		return p.Contains(a), true
	}
	if op == opNe {
		return func(v *field.Value) bool { in, same := inNet(v); return same && !in }
	}
	return func(v *field.Value) bool { in, _ := inNet(v); return in }
}

// inNets reports whether the address of v is in one of the networks.
func inNets(v *field.Value, nets []netip.Prefix) bool {
	a := v.IP
	if v.Kind == field.KindNet {
		a = v.Net.Addr()
	}
	for _, p := range nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// boolTest returns = or != of two booleans.
func boolTest(op cmpOp) binTest {
	switch op {
	case opEq, opIn, opIntersects:
		return func(a, b *field.Value) bool { return (a.N != 0) == (b.N != 0) }
	case opNe:
		return func(a, b *field.Value) bool { return (a.N != 0) != (b.N != 0) }
	}
	return nil
}
