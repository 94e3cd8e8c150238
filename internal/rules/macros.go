package rules

import (
	"fmt"

	"peregrine/internal/rules/syntax"
)

// macroInfo is a macro being compiled.
type macroInfo struct {
	spec *Macro
	tree syntax.Expr // nil when its condition does not parse
	used bool
}

// origin says where a check of a rule's tree was written: in the rule's
// own condition (macro nil) or in a macro inlined into it.
type origin struct {
	macro *Macro
}

// inliner replaces macro references by the macros' trees, honouring
// Falco's visibility: a macro may use the macros first defined before its
// latest definition ([Spec] explains), a rule every macro.
type inliner struct {
	macros  map[string]*macroInfo
	origins map[*syntax.Check]origin // checks that came from a macro
	stack   []string                 // macros being inlined, to catch cycles
}

// maxMacroNesting bounds how deep macros may use macros.
const maxMacroNesting = 100

// undefinedMacroError is a reference to a macro that does not exist or is
// not visible where it is used.
type undefinedMacroError struct {
	Name    string
	Pos     syntax.Pos
	InMacro *Macro // the macro whose condition holds the reference; nil for the rule's
	Later   bool   // the macro exists but is defined after the one using it
}

func (e *undefinedMacroError) Error() string {
	if e.Later {
		return fmt.Sprintf("macro %s is used before its definition", e.Name)
	}
	return fmt.Sprintf("undefined macro %s", e.Name)
}

// inline returns a copy of e with every macro reference replaced by the
// macro's tree (itself inlined). visibility bounds which macros e may name:
// those with Index < visibility. in is the macro e belongs to, nil for a
// rule's condition.
func (in *inliner) inline(e syntax.Expr, visibility int, within *Macro) (syntax.Expr, error) {
	var err error
	out := syntax.Rewrite(e, func(x syntax.Expr) syntax.Expr {
		ref, ok := x.(*syntax.MacroRef)
		if !ok || err != nil {
			return x
		}
		m := in.macros[ref.Name]
		if m == nil || m.spec.Index >= visibility {
			err = &undefinedMacroError{Name: ref.Name, Pos: ref.Pos, InMacro: within, Later: m != nil}
			return x
		}
		m.used = true
		if m.tree == nil {
			err = fmt.Errorf("macro %s does not compile", ref.Name)
			return x
		}
		for _, name := range in.stack {
			if name == ref.Name {
				err = fmt.Errorf("macro %s uses itself (through %v)", ref.Name, in.stack)
				return x
			}
		}
		if len(in.stack) >= maxMacroNesting {
			err = fmt.Errorf("macros nest deeper than %d at %s", maxMacroNesting, ref.Name)
			return x
		}
		in.stack = append(in.stack, ref.Name)
		body, ierr := in.inline(syntax.Clone(m.tree), m.spec.Visibility, m.spec)
		in.stack = in.stack[:len(in.stack)-1]
		if ierr != nil {
			err = ierr
			return x
		}
		in.mark(body, m.spec)
		return body
	})
	return out, err
}

// mark records that the checks of tree t were written in macro m, unless
// they already came from a deeper macro.
func (in *inliner) mark(t syntax.Expr, m *Macro) {
	syntax.Inspect(t, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.Check); ok {
			if _, seen := in.origins[c]; !seen {
				in.origins[c] = origin{macro: m}
			}
			return false
		}
		return true
	})
}
