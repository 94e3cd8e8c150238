package rules

import (
	"strconv"

	"peregrine/internal/event"
	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// pred is a compiled condition: it tests the event the binder's source is
// at. It does not allocate.
type pred func() bool

// checkCompiler compiles the checks of conditions and the operands of
// output formats for one event source against a field catalog.
//
// With a nil binder it only type-checks: operand and check return the
// same errors, but no extractors and no closures (the pred is nil).
type checkCompiler struct {
	cat    *field.Catalog
	source string
	binder field.Binder
}

// operandUse says where an operand stands, which decides the fields it may
// name: conditions cannot use print-only fields, outputs cannot print
// filter-only fields, and the right-hand side (val) cannot use fields
// flagged NoRHS.
type operandUse uint8

const (
	useCondition operandUse = iota // the left-hand side of a check
	useRHS                         // val(field) or a transformer on the right of a check
	useOutput                      // a %token of an output format
)

// operand is a compiled field or transformer: the type of its values and,
// when compiled with a binder, the extractor that gives them.
type operand struct {
	expr syntax.Operand // as written
	// field is the field the values come from: the field itself, or the
	// field under a chain of one-argument transformers. It is nil for
	// join and concat, whose values mix several sources.
	field *field.Field
	// ptype is the type of the values after transformers (for
	// evt.rawarg.NAME, the type of the event parameter NAME); kind is its
	// comparison kind.
	ptype event.ParamType
	kind  field.Kind
	// list is set for list-valued operands: `in` needs every value in the
	// set, `intersects` any.
	list bool
	// eitherEnd is set for the fields that test both ends of a
	// connection (fd.ip, fd.port, fd.proto, fd.net): a positive test holds
	// when it holds for either end, != only when it holds for both, as
	// libsinsp's compare_ip, compare_port and compare_net decide. Other
	// fields with several values (proc.aname without an index) hold when
	// any value passes, != included.
	eitherEnd bool
	// extract appends the operand's values for the current event. Nil
	// when compiled without a binder.
	extract field.Extractor
}

// name returns the operand as written, for messages.
func (o *operand) name() string { return o.expr.String() }

// typeName returns the operand's type as libsinsp names it, with " (list)"
// for list-valued operands.
func (o *operand) typeName() string {
	if o.list {
		return o.ptype.String() + " (list)"
	}
	return o.ptype.String()
}

// eitherEndFields are the filter-only fd fields whose check looks at both
// ends of a socket.
var eitherEndFields = map[string]bool{"fd.ip": true, "fd.port": true, "fd.proto": true, "fd.net": true}

// indexArgFields are the fields whose bracketed argument is a number: an
// ancestor's generation (proc.aname[2]) or a descriptor (fd.types[3]).
var indexArgFields = map[string]bool{
	"proc.aname": true, "proc.apid": true, "proc.aexe": true, "proc.aexepath": true,
	"proc.acmdline": true, "proc.aargs": true, "fd.types": true,
}

// operand compiles a field or a transformer standing in the given place.
func (c *checkCompiler) operand(n syntax.Operand, use operandUse) (*operand, error) {
	switch n := n.(type) {
	case *syntax.Field:
		return c.fieldOperand(n, use, false)
	case *syntax.Transformer:
		return c.transformer(n, use)
	}
	return nil, errAt(n, "expected a field or a transformer, not %s", n)
}

// fieldOperand compiles a field; inTransformer is set when the field is an
// argument of a transformer.
func (c *checkCompiler) fieldOperand(n *syntax.Field, use operandUse, inTransformer bool) (*operand, error) {
	f, arg, ok := c.cat.Lookup(c.source, n.Name)
	if !ok {
		return nil, &posError{Pos: n.Pos, Msg: "unknown field " + n.Name, Unknown: true}
	}
	if n.HasArg {
		if arg.Dotted {
			return nil, errAt(n, "field %s has an argument already (%s); it takes no second one in brackets", n.Name, arg.Text)
		}
		arg = field.Arg{Text: n.Arg}
	}
	if err := checkArg(n, f, arg); err != nil {
		return nil, err
	}
	if err := checkUse(n, f, use, inTransformer); err != nil {
		return nil, err
	}
	o := &operand{
		expr:      n,
		field:     f,
		ptype:     f.Type,
		kind:      f.Kind(),
		list:      f.List,
		eitherEnd: eitherEndFields[f.Name],
	}
	if f.Type == event.PTDyn {
		t, ok := paramType(arg.Text)
		if !ok {
			return nil, errAt(n, "field %s: no event has a parameter named %q", f.Name, arg.Text)
		}
		o.ptype, o.kind = t, field.KindOf(t)
	}
	if c.binder != nil {
		ext, err := c.binder.Bind(f, arg)
		if err != nil {
			return nil, errAt(n, "field %s: %v", n, err)
		}
		o.extract = ext
	}
	return o, nil
}

// checkArg checks a field's argument against its argument rule.
func checkArg(n *syntax.Field, f *field.Field, arg field.Arg) error {
	switch {
	case f.Arg == field.ArgNone && arg.Present():
		return errAt(n, "field %s takes no argument", f.Name)
	case f.Arg == field.ArgRequired && !arg.Present():
		if f.Flags&field.DotArg != 0 {
			return errAt(n, "field %s needs an argument: %s[...] or %s.NAME", f.Name, f.Name, f.Name)
		}
		return errAt(n, "field %s needs an argument: %s[...]", f.Name, f.Name)
	case arg.Present() && !arg.Dotted && indexArgFields[f.Name]:
		if _, err := strconv.ParseUint(arg.Text, 10, 31); err != nil {
			return errAt(n, "field %s takes a number as argument, not %q", f.Name, arg.Text)
		}
	}
	return nil
}

// checkUse checks that field f may stand where it is used.
func checkUse(n *syntax.Field, f *field.Field, use operandUse, inTransformer bool) error {
	switch {
	case f.Flags&field.TableOnly != 0:
		return errAt(n, "field %s is for sysdig tables only and cannot be used in rules", f.Name)
	case use == useOutput && f.Flags&field.FilterOnly != 0:
		return errAt(n, "field %s is for conditions only and cannot be printed in an output", f.Name)
	case use != useOutput && f.Flags&field.PrintOnly != 0:
		return errAt(n, "field %s is for outputs only and cannot be used in a condition", f.Name)
	case use == useRHS && f.Flags&field.NoRHS != 0:
		return errAt(n, "field %s cannot be used on the right-hand side of a comparison", f.Name)
	case inTransformer && f.Flags&field.NoTransformer != 0:
		return errAt(n, "field %s does not support transformers", f.Name)
	}
	return nil
}

// paramType returns the type of the first event parameter named name, in
// the order of the event table: the type libsinsp gives evt.rawarg.NAME.
func paramType(name string) (event.ParamType, bool) {
	for t := 0; t < event.NumTypes(); t++ {
		info := event.Type(t).Info()
		if info == nil {
			continue
		}
		for _, p := range info.Params {
			if p.Name == name {
				return p.Type, true
			}
		}
	}
	return 0, false
}
