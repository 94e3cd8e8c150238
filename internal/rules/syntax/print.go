package syntax

import "strings"

// The printer writes the canonical form of a tree: one blank around each
// keyword and operator, ", " between list items, double quotes for quoted
// strings, and parentheses only where the tree's shape needs them. Parsing
// the printed text gives back an equal tree (positions aside). Trees built
// by hand print too; text that a bare form cannot hold is quoted.

// String prints the expression.
func (n *And) String() string { return exprString(n) }

// String prints the expression.
func (n *Or) String() string { return exprString(n) }

// String prints the expression.
func (n *Not) String() string { return exprString(n) }

// String prints the macro name.
func (n *MacroRef) String() string { return exprString(n) }

// String prints the check.
func (n *Check) String() string { return exprString(n) }

// String prints the field with its argument.
func (n *Field) String() string {
	var b strings.Builder
	writeField(&b, n)
	return b.String()
}

// String prints the transformer call.
func (n *Transformer) String() string {
	var b strings.Builder
	writeTransformer(&b, n)
	return b.String()
}

// String prints the list as a transformer argument.
func (n *TransformerList) String() string {
	var b strings.Builder
	writeTransformerArg(&b, n)
	return b.String()
}

// String prints the literal as it would stand after a string operator:
// bare when it was bare and still can be, quoted otherwise.
func (n *Str) String() string {
	var b strings.Builder
	writeStr(&b, n)
	return b.String()
}

// String prints the list.
func (n *List) String() string {
	var b strings.Builder
	writeList(&b, n)
	return b.String()
}

// String prints the list name.
func (n *ListRef) String() string { return n.Name }

// String prints the val() call.
func (n *Val) String() string {
	var b strings.Builder
	writeVal(&b, n)
	return b.String()
}

func exprString(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e Expr) {
	switch n := e.(type) {
	case *Or:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" or ")
			}
			_, or := c.(*Or)
			writeSub(b, c, or)
		}
	case *And:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" and ")
			}
			writeSub(b, c, isJunction(c))
		}
	case *Not:
		b.WriteString("not ")
		_, not := n.X.(*Not)
		writeSub(b, n.X, not || isJunction(n.X))
	case *MacroRef:
		// A macro named "not" followed by a keyword would read as the
		// "not" keyword; parentheses keep it a name.
		if n.Name == "not" {
			b.WriteString("(not)")
		} else {
			b.WriteString(n.Name)
		}
	case *Check:
		writeCheck(b, n)
	}
}

func isJunction(e Expr) bool {
	switch e.(type) {
	case *And, *Or:
		return true
	}
	return false
}

func writeSub(b *strings.Builder, e Expr, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeExpr(b, e)
	if paren {
		b.WriteByte(')')
	}
}

func writeCheck(b *strings.Builder, n *Check) {
	// A bare value spelled like a modifier ("= oneof") followed by a blank
	// would read as the modifier: parentheses end the check right after it.
	s, isStr := n.Value.(*Str)
	paren := n.Modifier == "" && isStr && !s.Quoted && isModifier(s.Text) && isStrOp(n.Op)
	if paren {
		b.WriteByte('(')
	}
	writeOperand(b, n.Field)
	b.WriteByte(' ')
	b.WriteString(n.Op)
	if n.Modifier != "" {
		b.WriteByte(' ')
		b.WriteString(n.Modifier)
	}
	if n.Value != nil {
		b.WriteByte(' ')
		if isStr && isNumOp(n.Op) {
			writeNumber(b, s)
		} else {
			writeValue(b, n.Value)
		}
	}
	if paren {
		b.WriteByte(')')
	}
}

func writeOperand(b *strings.Builder, o Operand) {
	switch n := o.(type) {
	case *Field:
		writeField(b, n)
	case *Transformer:
		writeTransformer(b, n)
	}
}

func writeValue(b *strings.Builder, v Value) {
	switch n := v.(type) {
	case *Str:
		writeStr(b, n)
	case *List:
		writeList(b, n)
	case *ListRef:
		b.WriteString(n.Name)
	case *Val:
		writeVal(b, n)
	case *Transformer:
		writeTransformer(b, n)
	}
}

func writeStr(b *strings.Builder, s *Str) {
	if !s.Quoted && s.Text != "" && spanOf(s.Text, isBareChar) == len(s.Text) {
		b.WriteString(s.Text)
		return
	}
	b.WriteString(quote(s.Text))
}

func writeNumber(b *strings.Builder, s *Str) {
	if !s.Quoted && isNumberText(s.Text) {
		b.WriteString(s.Text)
		return
	}
	b.WriteString(quote(s.Text))
}

func writeList(b *strings.Builder, l *List) {
	b.WriteByte('(')
	for i, it := range l.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		writeStr(b, it)
	}
	b.WriteByte(')')
}

func writeVal(b *strings.Builder, v *Val) {
	b.WriteString("val(")
	if v.Field != nil {
		writeField(b, v.Field)
	}
	b.WriteByte(')')
}

func writeField(b *strings.Builder, f *Field) {
	b.WriteString(f.Name)
	if f.HasArg {
		writeArg(b, f.Arg, f.ArgQuoted)
	}
}

func writeArg(b *strings.Builder, arg string, quoted bool) {
	b.WriteByte('[')
	if !quoted && arg != "" && spanOf(arg, isArgBareChar) == len(arg) {
		b.WriteString(arg)
	} else {
		b.WriteString(quote(arg))
	}
	b.WriteByte(']')
}

func writeTransformer(b *strings.Builder, t *Transformer) {
	b.WriteString(t.Name)
	b.WriteByte('(')
	for i, a := range t.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		writeTransformerArg(b, a)
	}
	b.WriteByte(')')
	if t.HasIndex {
		writeArg(b, t.Index, t.IndexQuoted)
	}
}

func writeTransformerArg(b *strings.Builder, a TransformerArg) {
	switch n := a.(type) {
	case *Field:
		writeField(b, n)
	case *Transformer:
		writeTransformer(b, n)
	case *Str:
		// Transformer arguments have no bare strings: numbers or quoted.
		if n.Number && !n.Quoted && isNumberText(n.Text) {
			b.WriteString(n.Text)
		} else {
			b.WriteString(quote(n.Text))
		}
	case *TransformerList:
		b.WriteByte('(')
		for i, it := range n.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeTransformerArg(b, it)
		}
		b.WriteByte(')')
	}
}

// isNumberText reports whether t is exactly one number token.
func isNumberText(t string) bool {
	if t == "" {
		return false
	}
	if len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && spanOf(t[2:], isHexDigit) == len(t)-2 {
		return true
	}
	return numberLen(t) == len(t)
}

func isModifier(s string) bool {
	for _, m := range modifiers {
		if s == m {
			return true
		}
	}
	return false
}

func isNumOp(op string) bool {
	for _, o := range numOps {
		if op == o {
			return true
		}
	}
	return false
}

func isStrOp(op string) bool {
	for _, o := range symStrOps {
		if op == o {
			return true
		}
	}
	for _, o := range wordStrOps {
		if op == o {
			return true
		}
	}
	return false
}
