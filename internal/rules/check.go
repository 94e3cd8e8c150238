package rules

import (
	"regexp"

	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// check compiles one check into a pred, with libsinsp's semantics:
//
//   - The operator must suit the type of the left-hand side (compare.go);
//     a list field takes only in, intersects and exists.
//   - A constant right-hand side is converted to that type once, here
//     (rhs.go); list operators build a hash set, pmatch a path set, regex
//     an anchored RE2-style program.
//   - When the left-hand side has no value for the event the check is
//     false, whatever the operator (so "not" of it is true); exists is
//     true when it has one.
//   - A list field is in a set when all its values are, and intersects it
//     when one is. A field with several values that is not a list (an
//     ancestor field without index, fd.ip, fd.port ...) passes when one
//     value does; != on the fields of both socket ends needs all.
//   - With oneof, anyof or allof the operator is applied to each item of
//     the list: exactly one, at least one or every item must match (none
//     when the list is empty).
//   - val(field) or a transformer on the right compares with the first
//     value of that operand for the event (all its values for in and
//     intersects); both sides must have the same type.
//
// With a nil binder, check only reports errors and returns a nil pred.
func (c *checkCompiler) check(n *syntax.Check) (pred, error) {
	op, ok := parseOp(n.Op)
	if !ok {
		return nil, errAt(n, "unknown operator %q", n.Op)
	}
	lhs, err := c.operand(n.Field, useCondition)
	if err != nil {
		return nil, err
	}
	if !opsFor(lhs.ptype, lhs.list).has(op) {
		return nil, errAt(n, "operator '%s' does not apply to field %s of type %s", op, lhs.name(), lhs.typeName())
	}
	if op == opExists {
		return lhsPred(lhs, op, nil), nil
	}
	switch v := n.Value.(type) {
	case *syntax.Val:
		if err := canCompareFields(n, op, lhs); err != nil {
			return nil, err
		}
		rhs, err := c.fieldOperand(v.Field, useRHS, false)
		if err != nil {
			return nil, err
		}
		return c.fieldCheck(n, op, lhs, rhs)
	case *syntax.Transformer:
		if err := canCompareFields(n, op, lhs); err != nil {
			return nil, err
		}
		rhs, err := c.transformer(v, useRHS)
		if err != nil {
			return nil, err
		}
		return c.fieldCheck(n, op, lhs, rhs)
	case *syntax.Str:
		if op.isSetOp() {
			return nil, errAt(v, "operator '%s' takes a list of values, not %s", op, v)
		}
		return c.constCheck(n, op, lhs, []*syntax.Str{v})
	case *syntax.List:
		if !op.isSetOp() && n.Modifier == "" {
			return nil, errAt(v, "operator '%s' takes one value, not a list", op)
		}
		return c.constCheck(n, op, lhs, v.Items)
	case *syntax.ListRef:
		return nil, errAt(v, "unknown list %s", v.Name)
	}
	return nil, errAt(n, "operator '%s' needs a value", op)
}

// constCheck compiles a check whose right-hand side is made of constants.
func (c *checkCompiler) constCheck(n *syntax.Check, op cmpOp, lhs *operand, items []*syntax.Str) (pred, error) {
	vals := make([]field.Value, len(items))
	var regexes []*regexp.Regexp
	for i, it := range items {
		switch op {
		case opRegex:
			re, err := compileRegex(it.Text)
			if err != nil {
				return nil, errAt(it, "invalid regex %q: %s", it.Text, regexReason(err))
			}
			regexes = append(regexes, re)
		case opPmatch:
			vals[i] = field.String([]byte(it.Text))
		default:
			v, why := rhsValue(lhs.ptype, op, it.Text)
			if why != "" {
				return nil, errAt(it, "invalid value %q for %s: %s", it.Text, lhs.name(), why)
			}
			vals[i] = v
		}
	}
	if c.binder == nil {
		return nil, nil
	}
	var test valueTest
	switch {
	case op == opIn || op == opIntersects:
		test = setTest(lhs.kind, vals)
	case op == opPmatch:
		var paths pathSet
		for i := range vals {
			paths.add(vals[i].B)
		}
		test = func(v *field.Value) bool { return paths.match(v.B) }
	case n.Modifier != "":
		test = modifierTest(n.Modifier, op, lhs, vals, regexes)
	case op == opRegex:
		test = regexTest(regexes[0])
	default:
		test = constTest(op, lhs, vals[0])
	}
	return lhsPred(lhs, op, test), nil
}

// constTest returns the test of op against one constant of lhs's type.
func constTest(op cmpOp, lhs *operand, c field.Value) valueTest {
	switch lhs.kind {
	case field.KindString, field.KindBytes:
		return stringConstTest(op, c)
	case field.KindInt, field.KindUint, field.KindTime, field.KindFloat:
		return numConstTest(op, c)
	case field.KindNet:
		return netConstTest(op, c)
	}
	t := binTestFor(op, lhs.kind)
	return func(v *field.Value) bool { return t(v, &c) }
}

func regexTest(re *regexp.Regexp) valueTest {
	return func(v *field.Value) bool { return re.Match(v.B) }
}

// binTestFor returns op between two values of kind k.
func binTestFor(op cmpOp, k field.Kind) binTest {
	switch k {
	case field.KindString, field.KindBytes:
		return stringTest(op)
	case field.KindInt, field.KindUint, field.KindTime, field.KindFloat:
		return numericTest(op)
	case field.KindBool:
		return boolTest(op)
	case field.KindIP:
		return addrTest(op)
	}
	return func(a, b *field.Value) bool { return false }
}

// modifierTest applies op to each item and counts the matches: exactly
// one for oneof, one or more for anyof, all for allof. An empty list
// matches nothing. "= anyof" and "!= allof" are set lookups.
func modifierTest(mod string, op cmpOp, lhs *operand, vals []field.Value, regexes []*regexp.Regexp) valueTest {
	n := len(vals)
	if n == 0 {
		return func(*field.Value) bool { return false }
	}
	if mod == "anyof" && op == opEq {
		return setTest(lhs.kind, vals)
	}
	if mod == "allof" && op == opNe {
		in := setTest(lhs.kind, vals)
		return func(v *field.Value) bool { return !in(v) }
	}
	tests := make([]valueTest, n)
	for i := range vals {
		if op == opRegex {
			tests[i] = regexTest(regexes[i])
		} else {
			tests[i] = constTest(op, lhs, vals[i])
		}
	}
	switch mod {
	case "oneof":
		return func(v *field.Value) bool {
			matches := 0
			for _, t := range tests {
				if t(v) {
					if matches++; matches > 1 {
						return false
					}
				}
			}
			return matches == 1
		}
	case "allof":
		return func(v *field.Value) bool {
			for _, t := range tests {
				if !t(v) {
					return false
				}
			}
			return true
		}
	}
	return func(v *field.Value) bool {
		for _, t := range tests {
			if t(v) {
				return true
			}
		}
		return false
	}
}

// lhsPred extracts the left-hand side and applies test to its values:
// none makes the check false; exists needs one (test is nil then); a list
// is in a set when all values are; != on a field of both socket ends needs
// all values; otherwise one value passing is enough.
func lhsPred(lhs *operand, op cmpOp, test valueTest) pred {
	ext := lhs.extract
	if ext == nil {
		return nil
	}
	buf := make([]field.Value, 0, 4)
	if op == opExists {
		return func() bool {
			vals := ext(buf[:0])
			buf = vals[:0]
			return len(vals) > 0
		}
	}
	if lhs.list && op == opIn || !lhs.list && op == opNe && lhs.eitherEnd {
		return func() bool {
			vals := ext(buf[:0])
			buf = vals[:0]
			if len(vals) == 0 {
				return false
			}
			for i := range vals {
				if !test(&vals[i]) {
					return false
				}
			}
			return true
		}
	}
	return func() bool {
		vals := ext(buf[:0])
		buf = vals[:0]
		for i := range vals {
			if test(&vals[i]) {
				return true
			}
		}
		return false
	}
}
