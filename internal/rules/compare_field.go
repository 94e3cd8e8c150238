package rules

import (
	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// canCompareFields reports whether the check may have a field or a
// transformer on its right-hand side. libsinsp refuses one for pmatch and
// regex, for a left-hand side of type IPNET or flagged NoRHS; it checks
// this before it looks at the right-hand side.
func canCompareFields(n *syntax.Check, op cmpOp, lhs *operand) error {
	switch {
	case op == opPmatch || op == opRegex:
		return errAt(n.Value, "'%s' takes no field on its right-hand side", op)
	case lhs.kind == field.KindNet:
		return errAt(n.Value, "field %s of type %s cannot be compared with another field", lhs.name(), lhs.ptype)
	case lhs.field != nil && lhs.field.Flags&field.NoRHS != 0:
		return errAt(n.Value, "field %s cannot be compared with another field", lhs.name())
	}
	return nil
}

// fieldCheck compiles a check whose right-hand side is another field
// (val) or a transformer, which canCompareFields allowed and which the
// operand compiler checked for NoRHS. Both sides must have the same type,
// list or not alike.
func (c *checkCompiler) fieldCheck(n *syntax.Check, op cmpOp, lhs, rhs *operand) (pred, error) {
	switch {
	case n.Modifier != "":
		return nil, errAt(n.Value, "modifier %s takes a list of values, not a field", n.Modifier)
	case lhs.ptype != rhs.ptype || lhs.list != rhs.list:
		return nil, errAt(n.Value, "field %s of type %s cannot be compared with %s of type %s",
			lhs.name(), lhs.typeName(), rhs.name(), rhs.typeName())
	}
	if lhs.extract == nil || rhs.extract == nil {
		return nil, nil
	}
	t := binTestFor(op, lhs.kind)
	lext, rext := lhs.extract, rhs.extract
	lbuf := make([]field.Value, 0, 4)
	rbuf := make([]field.Value, 0, 4)
	setOp := op == opIn || op == opIntersects
	all := lhs.list && op == opIn || !lhs.list && op == opNe && lhs.eitherEnd
	return func() bool {
		l := lext(lbuf[:0])
		lbuf = l[:0]
		if len(l) == 0 {
			return false
		}
		r := rext(rbuf[:0])
		rbuf = r[:0]
		if len(r) == 0 {
			return false
		}
		for i := range l {
			ok := false
			if setOp {
				for j := range r {
					if t(&l[i], &r[j]) {
						ok = true
						break
					}
				}
			} else {
				ok = t(&l[i], &r[0])
			}
			if ok != all {
				return ok
			}
		}
		return all
	}, nil
}
