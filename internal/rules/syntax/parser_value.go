package syntax

// This file holds the productions below a check: operands (fields and
// transformers) and the values that checks compare with.

// parseFieldRest parses the optional argument of a field whose name t was
// just read:
//
//	Field    ::= FieldName ( '[' FieldArg ']' )?
//	FieldArg ::= QuotedStr | ArgBareStr
func (p *parser) parseFieldRest(t token) *Field {
	p.enter()
	defer p.leave()
	f := &Field{Pos: p.pos(t.off), Name: t.text}
	f.Arg, f.HasArg, f.ArgQuoted = p.parseBracketArg("field argument")
	return f
}

// parseBracketArg parses '[' FieldArg ']' if a '[' follows immediately.
func (p *parser) parseBracketArg(what string) (arg string, has, quoted bool) {
	if !p.is(tokLBrack) {
		return "", false, false
	}
	if t, ok := p.accept(tokQuoted); ok {
		arg, quoted = t.text, true
	} else if t, ok := p.accept(tokArgBare); ok {
		arg = t.text
	} else {
		p.failExpected("a " + what + " (a quoted string, or a bare string without blanks, brackets or quotes)")
	}
	if !p.is(tokRBrack) {
		p.failExpected("']'")
	}
	return arg, true, quoted
}

// parseTransformerRest parses the rest of a transformer call whose name and
// '(' t were just read:
//
//	TransformerTail ::= TransformerArg ( ',' TransformerArg )* ')' ( '[' FieldArg ']' )?
func (p *parser) parseTransformerRest(t token) *Transformer {
	p.enter()
	defer p.leave()
	tr := &Transformer{Pos: p.pos(t.off), Name: t.text}
	p.blank()
	for {
		tr.Args = append(tr.Args, p.parseTransformerArg())
		p.blank()
		if !p.is(tokComma) {
			break
		}
	}
	p.blank()
	if !p.is(tokRParen) {
		p.failExpected("',' or ')' closing the " + tr.Name + " transformer")
	}
	tr.Index, tr.HasIndex, tr.IndexQuoted = p.parseBracketArg("transformer index")
	return tr
}

// parseTransformerArg parses
//
//	TransformerArg ::= NumValue | QuotedStr | '(' TransformerList | Transformer | Field
func (p *parser) parseTransformerArg() TransformerArg {
	p.enter()
	defer p.leave()
	p.blank()
	if s := p.acceptNumber(); s != nil {
		return s
	}
	if t, ok := p.accept(tokQuoted); ok {
		return &Str{Pos: p.pos(t.off), Text: t.text, Quoted: true}
	}
	if t, ok := p.accept(tokLParen); ok {
		return p.parseTransformerList(t)
	}
	if t, ok := p.accept(tokTransformer); ok {
		return p.parseTransformerRest(t)
	}
	if t, ok := p.accept(tokFieldName); ok {
		return p.parseFieldRest(t)
	}
	p.failExpected("a transformer argument (a field, a transformer, a quoted string, a number or a list)")
	return nil
}

// parseTransformerList parses the rest of a list argument, after '(':
//
//	TransformerList ::= ( TransformerListArg ( ',' TransformerListArg )* )? ')'
func (p *parser) parseTransformerList(open token) *TransformerList {
	l := &TransformerList{Pos: p.pos(open.off), Items: []TransformerArg{}}
	p.blank()
	if p.is(tokRParen) {
		return l
	}
	l.Items = append(l.Items, p.parseTransformerListArg())
	p.blank()
	for p.is(tokComma) {
		p.blank()
		l.Items = append(l.Items, p.parseTransformerListArg())
		p.blank()
	}
	if !p.is(tokRParen) {
		p.failExpected("',' or ')' closing the list")
	}
	return l
}

// parseTransformerListArg parses
//
//	TransformerListArg ::= Field | Transformer | QuotedStr | NumValue
func (p *parser) parseTransformerListArg() TransformerArg {
	if t, ok := p.accept(tokFieldName); ok {
		return p.parseFieldRest(t)
	}
	if t, ok := p.accept(tokTransformer); ok {
		p.blank()
		return p.parseTransformerRest(t)
	}
	if t, ok := p.accept(tokQuoted); ok {
		return &Str{Pos: p.pos(t.off), Text: t.text, Quoted: true}
	}
	if s := p.acceptNumber(); s != nil {
		return s
	}
	p.failExpected("a list item (a field, a transformer, a quoted string or a number)")
	return nil
}

// acceptNumber lexes NumValue ::= HexNumber | Number, or returns nil.
func (p *parser) acceptNumber() *Str {
	t, ok := p.accept(tokHex)
	if !ok {
		t, ok = p.accept(tokNumber)
	}
	if !ok {
		return nil
	}
	return &Str{Pos: p.pos(t.off), Text: t.text, Number: true}
}

// parseNumValue parses the value after a numeric operator:
//
//	NumValue | TransformerOrVal
func (p *parser) parseNumValue() Value {
	p.enter()
	defer p.leave()
	p.blank()
	if v := p.tryTransformerOrVal(); v != nil {
		return v
	}
	if s := p.acceptNumber(); s != nil {
		return s
	}
	p.failExpected("a number, val(field) or a transformer")
	return nil
}

// parseStrValue parses the value after a string operator:
//
//	StrValue ::= QuotedStr | BareStr
//	StrValue | TransformerOrVal
func (p *parser) parseStrValue() Value {
	p.enter()
	defer p.leave()
	p.blank()
	if v := p.tryTransformerOrVal(); v != nil {
		return v
	}
	if s := p.acceptString(); s != nil {
		return s
	}
	p.failExpected("a string, val(field) or a transformer")
	return nil
}

// parseListItem parses a list item, or returns nil when none starts here
// (libsinsp guards its depth, so this does too):
//
//	StrValue
func (p *parser) parseListItem() *Str {
	p.enter()
	defer p.leave()
	p.blank()
	return p.acceptString()
}

// acceptString lexes StrValue ::= QuotedStr | BareStr, or returns nil.
func (p *parser) acceptString() *Str {
	if t, ok := p.accept(tokQuoted); ok {
		return &Str{Pos: p.pos(t.off), Text: t.text, Quoted: true}
	}
	if t, ok := p.accept(tokBare); ok {
		return &Str{Pos: p.pos(t.off), Text: t.text}
	}
	return nil
}

// parseListValue parses the value after a list operator (transformers
// allowed) or after an operator modifier (not allowed):
//
//	ListValue ::= '(' ( StrValue ( ',' StrValue )* )? ')' | Identifier
//	ListValue | TransformerOrVal
func (p *parser) parseListValue(transformers bool) Value {
	p.enter()
	defer p.leave()
	p.blank()
	if t, ok := p.accept(tokLParen); ok {
		return p.parseListRest(t)
	}
	if transformers {
		if v := p.tryTransformerOrVal(); v != nil {
			return v
		}
	}
	if t, ok := p.accept(tokIdent); ok {
		return &ListRef{Pos: p.pos(t.off), Name: t.text}
	}
	if transformers {
		p.failExpected("a list, a list name, val(field) or a transformer")
	}
	p.failExpected("a list or a list name")
	return nil
}

// parseListRest parses the items of a list, after '('.
func (p *parser) parseListRest(open token) *List {
	l := &List{Pos: p.pos(open.off), Items: []*Str{}}
	p.blank()
	if s := p.parseListItem(); s != nil {
		l.Items = append(l.Items, s)
		p.blank()
		for p.is(tokComma) {
			s := p.parseListItem()
			if s == nil {
				p.failExpected("a list item (a quoted or bare string)")
			}
			l.Items = append(l.Items, s)
			p.blank()
		}
	}
	if !p.is(tokRParen) {
		p.failExpected("',' or ')' closing the list")
	}
	return l
}

// tryTransformerOrVal parses a right-hand field reference, or returns nil
// when none starts here:
//
//	TransformerOrVal ::= Transformer | 'val(' Field ')'
func (p *parser) tryTransformerOrVal() Value {
	p.enter()
	defer p.leave()
	p.blank()
	if t, ok := p.accept(tokVal); ok {
		p.blank()
		ft, ok := p.accept(tokFieldName)
		if !ok {
			p.failExpected("a field inside val()")
		}
		f := p.parseFieldRest(ft)
		p.blank()
		if !p.is(tokRParen) {
			p.failExpected("')' closing val()")
		}
		return &Val{Pos: p.pos(t.off), Field: f}
	}
	if t, ok := p.accept(tokTransformer); ok {
		p.blank()
		return p.parseTransformerRest(t)
	}
	return nil
}

// parseOperand parses a field or a transformer call, as an output format
// token holds:
//
//	Operand ::= Field | Transformer
func (p *parser) parseOperand() Operand {
	p.enter()
	defer p.leave()
	if t, ok := p.accept(tokFieldName); ok {
		return p.parseFieldRest(t)
	}
	if t, ok := p.accept(tokTransformer); ok {
		p.blank()
		return p.parseTransformerRest(t)
	}
	p.failExpected("a field or a transformer after '%'")
	return nil
}
