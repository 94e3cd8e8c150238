package rules

import (
	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// TypeCheckChecks compiles every check of e against the fields of source,
// without a binder, and returns how many there were and the errors. It is
// for the tests of package rules_test, which load rule files with package
// loader (an import that package rules itself cannot have).
func TypeCheckChecks(cat *field.Catalog, source string, e syntax.Expr) (n int, errs []error) {
	c := &checkCompiler{cat: cat, source: source}
	syntax.Inspect(e, func(node syntax.Node) bool {
		chk, ok := node.(*syntax.Check)
		if !ok {
			return true
		}
		n++
		if _, err := c.check(chk); err != nil {
			errs = append(errs, err)
		}
		return false
	})
	return n, errs
}

// TypeCheckOutput compiles every % token of an output format as an output
// operand, without a binder, and returns how many there were and the
// errors.
func TypeCheckOutput(cat *field.Catalog, source string, f syntax.Format) (n int, errs []error) {
	c := &checkCompiler{cat: cat, source: source}
	for _, p := range f.Parts {
		if p.Operand == nil {
			continue
		}
		n++
		if _, err := c.operand(p.Operand, useOutput); err != nil {
			errs = append(errs, err)
		}
	}
	return n, errs
}
