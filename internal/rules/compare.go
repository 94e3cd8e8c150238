package rules

import (
	"peregrine/internal/event"
	"peregrine/internal/field"
)

// cmpOp is a comparison operator of a check.
type cmpOp uint8

// The operators, as libsinsp names them (filter_compare.h cmpop).
const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
	opContains
	opIContains
	opBContains
	opStartsWith
	opBStartsWith
	opEndsWith
	opGlob
	opIGlob
	opRegex
	opIn
	opIntersects
	opPmatch
	opExists
)

// opNames are the operators as written, by cmpOp ("==" is written "=").
var opNames = [...]string{
	"=", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains",
	"startswith", "bstartswith", "endswith", "glob", "iglob", "regex",
	"in", "intersects", "pmatch", "exists",
}

func (op cmpOp) String() string { return opNames[op] }

// parseOp returns the operator written s.
func parseOp(s string) (cmpOp, bool) {
	if s == "==" {
		return opEq, true
	}
	for i, n := range opNames {
		if n == s {
			return cmpOp(i), true
		}
	}
	return 0, false
}

// isSetOp reports whether op takes a list of values on its right.
func (op cmpOp) isSetOp() bool { return op == opIn || op == opIntersects || op == opPmatch }

// opSet is a set of operators, one bit each.
type opSet uint32

func ops(list ...cmpOp) opSet {
	var s opSet
	for _, op := range list {
		s |= 1 << op
	}
	return s
}

func (s opSet) has(op cmpOp) bool { return s&(1<<op) != 0 }

// Which operators apply to which values, as libsinsp's flt_is_comparable
// decides: numbers order and compare, booleans and addresses only compare
// for (in)equality, strings take every text operator, byte buffers the
// byte operators, and a list field only set membership.
var (
	numericOps = ops(opEq, opNe, opLt, opLe, opGt, opGe, opIn, opIntersects, opExists)
	boolOps    = ops(opEq, opNe, opIn, opIntersects, opExists)
	addrOps    = ops(opEq, opNe, opIn, opIntersects, opExists)
	stringOps  = ops(opEq, opNe, opLt, opLe, opGt, opGe, opContains, opIContains, opStartsWith,
		opEndsWith, opGlob, opIGlob, opRegex, opIn, opIntersects, opPmatch, opExists)
	bytesOps = ops(opEq, opNe, opContains, opBContains, opStartsWith, opBStartsWith, opEndsWith,
		opIn, opIntersects, opExists)
	listOps = ops(opIn, opIntersects, opExists)
)

// opsFor returns the operators that apply to values of type t, list-valued
// or not.
func opsFor(t event.ParamType, list bool) opSet {
	if list {
		// libsinsp keeps set membership of list fields to the types whose
		// values it can hash.
		switch t {
		case event.PTCharbuf, event.PTUint64, event.PTRelTime, event.PTAbsTime,
			event.PTBool, event.PTIPAddr, event.PTIPNet:
			return listOps
		}
		return ops(opExists)
	}
	switch field.KindOf(t) {
	case field.KindInt, field.KindUint, field.KindTime, field.KindFloat:
		return numericOps
	case field.KindBool:
		return boolOps
	case field.KindIP, field.KindNet:
		return addrOps
	case field.KindString:
		return stringOps
	case field.KindBytes:
		return bytesOps
	}
	return ops(opExists)
}
