package rules

import (
	"errors"
	"fmt"

	"peregrine/internal/event"
	"peregrine/internal/rules/syntax"
)

// Filter is a compiled condition on its own, as sysdig and `peregrine
// events` take one on the command line: no macros or lists, every field
// of the source. It is bound to its source like a Ruleset and, like it,
// is not safe for concurrent use.
type Filter struct {
	types typeSet
	p     pred
}

// CompileFilter compiles cond against opt.Catalog for opt.Source, bound to
// opt.Binder (which must not be nil). Errors carry the line and column in
// cond.
func CompileFilter(cond string, opt Options) (*Filter, error) {
	if opt.Binder == nil {
		return nil, errors.New("compile filter: no binder")
	}
	c := newCompiler(&Spec{}, &opt)
	c.checks = checkCompiler{cat: c.opt.Catalog, source: c.opt.Source, binder: c.opt.Binder}
	tree, err := syntax.Parse(cond, syntax.MaxDepth(c.opt.MaxDepth))
	if err != nil {
		return nil, err
	}
	var bad error
	syntax.Inspect(tree, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.MacroRef:
			bad = fmt.Errorf("%s: unknown name %s: a filter has no macros", n.Pos, n.Name)
		case *syntax.ListRef:
			bad = fmt.Errorf("%s: unknown list %s: a filter has no lists", n.Pos, n.Name)
		}
		return bad == nil
	})
	if bad != nil {
		return nil, bad
	}
	types, err := eventTypes(tree, c.all)
	if err != nil {
		return nil, err
	}
	if c.opt.Source != "syscall" {
		types = c.all
	}
	p, err := c.expr(dropIndexedChecks(tree, types))
	if err != nil {
		var ce *checkError
		if errors.As(err, &ce) {
			return nil, ce.pos
		}
		return nil, err
	}
	return &Filter{types: types, p: p}, nil
}

// Match tests the event the source is at, of type t.
func (f *Filter) Match(t event.Type) bool {
	if int(t) >= maxTypes || f.types[t/64]&(1<<(t%64)) == 0 {
		return false
	}
	return f.p()
}

// EventTypes returns the event types the filter can match.
func (f *Filter) EventTypes() []event.Type { return f.types.types() }

// Format is a compiled output format on its own, as sysdig's -p takes one:
// text with %field tokens.
type Format struct {
	f *format
}

// CompileFormat compiles an output format against opt.Catalog for
// opt.Source, bound to opt.Binder (which must not be nil).
func CompileFormat(text string, opt Options) (*Format, error) {
	if opt.Binder == nil {
		return nil, errors.New("compile format: no binder")
	}
	c := newCompiler(&Spec{}, &opt)
	c.checks = checkCompiler{cat: c.opt.Catalog, source: c.opt.Source, binder: c.opt.Binder}
	f, err := c.format(text)
	if err != nil {
		return nil, err
	}
	return &Format{f: f}, nil
}

// Append formats the event the source is at. Like sysdig's -p, a format
// without a leading '*' gives no line when one of its fields has no value
// (ok is false); with '*', such fields print <NA>.
func (f *Format) Append(dst []byte) (out []byte, ok bool) {
	if !f.f.lenient {
		for i := range f.f.parts {
			p := &f.f.parts[i]
			if p.op != nil && len(p.op.extract(f.f.scratch[:0])) == 0 {
				return dst, false
			}
		}
	}
	return f.f.appendMessage(dst), true
}

// AppendJSON appends the values of the format's fields as one JSON object,
// keyed by the fields as written, null for a field without a value, as
// sysdig -j -p prints them.
func (f *Format) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i := range f.f.fields {
		p := &f.f.fields[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = event.AppendJSONString(dst, p.name)
		dst = append(dst, ':')
		dst = p.op.appendJSON(dst, p.op.extract(f.f.scratch[:0]))
	}
	return append(dst, '}')
}
