package syntax

import (
	"fmt"
	"strings"
)

// DefaultMaxDepth is the recursion limit of the parser when no [MaxDepth]
// option is given, as in libsinsp. Falco raises it to 1000 for rule files.
const DefaultMaxDepth = 100

// Option changes how [Parse] and [ParseFormat] work.
type Option func(*config)

type config struct {
	maxDepth int
	known    func(name string) bool
	bytewise bool // tests: ParseFormat shortens a token one byte at a time
}

// MaxDepth sets the recursion limit of the parser. The depth grows by one
// for each production being parsed (a check with a value is 7 deep, an
// "exists" check 5, and each pair of parentheses adds 5), and reaching the
// limit is an error, where libsinsp fails with the same limit. (For the
// oneof/anyof/allof modifiers, whose libsinsp code we have not read, the
// list counts as after "in".) n < 1 means the default.
func MaxDepth(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.maxDepth = n
		}
	}
}

// KnownFields tells [ParseFormat] which field names exist, so that a %
// token whose longest syntactic field is unknown is cut short to the
// longest known one ("%proc.namex" prints proc.name then "x"), as Falco's
// formatter does with its field catalog. [Parse] ignores it.
func KnownFields(known func(name string) bool) Option {
	return func(c *config) { c.known = known }
}

func newConfig(opts []Option) config {
	c := config{maxDepth: DefaultMaxDepth}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Parse parses a condition. The whole text must be one expression; on
// error the result is nil and the error is an [ErrorList] whose entries
// carry the position of the fault.
//
// Parse knows no fields, macros or lists: a field name is any dotted name,
// an identifier is a macro (or, after a list operator, a list), and the
// rule compiler gives them meaning. It keeps no state between calls and is
// safe for concurrent use.
func Parse(src string, opts ...Option) (Expr, error) {
	cfg := newConfig(opts)
	p := newParser(src, newLineIndex(src), cfg, "condition")
	if strings.TrimLeft(src, " \t\b\r\n") == "" {
		p.errs.Add(p.pos(len(src)), "condition is empty")
		return nil, p.errs.Err()
	}
	var e Expr
	p.run(func() {
		e = p.parseOr()
		if !p.sc.eof() {
			p.failJunction("'and', 'or' or the end of the condition")
		}
	})
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	return e, nil
}

// parser is a recursive-descent parser over a scanner. Its parse functions
// mirror libsinsp's, so that the depth limit trips at the same places.
// Errors abort the parse with a panic of type bailout, which run turns back
// into an entry of errs.
type parser struct {
	sc       scanner
	lines    *lineIndex
	depth    int
	maxDepth int
	what     string // "condition" or "output format", for messages
	errs     ErrorList
}

type bailout struct{}

func newParser(src string, lines *lineIndex, cfg config, what string) *parser {
	return &parser{sc: scanner{src: src}, lines: lines, maxDepth: cfg.maxDepth, what: what}
}

// run calls f and recovers the bailout of a syntax error.
func (p *parser) run(f func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
		}
	}()
	f()
}

func (p *parser) pos(off int) Pos { return p.lines.pos(off) }

// fail records an error at off and abandons the parse.
func (p *parser) fail(off int, format string, args ...any) {
	p.errs.Add(p.pos(off), fmt.Sprintf(format, args...))
	panic(bailout{})
}

// failExpected reports what the grammar wanted at the current offset and
// what is there.
func (p *parser) failExpected(want string) {
	p.fail(p.sc.off, "expected %s, found %s", want, found(p.sc.src, p.sc.off, p.what))
}

// failJunction reports what the grammar wanted after an operand of "and"
// or "or". A lone "and" or "or" there, refused by the scanner because no
// blank or '(' follows it, gets its own message.
func (p *parser) failJunction(want string) {
	r, off := p.sc.rest(), p.sc.off
	for _, kw := range []string{"and", "or"} {
		if !strings.HasPrefix(r, kw) {
			continue
		}
		if len(r) == len(kw) || !isWordChar(r[len(kw)]) && !isBlank(r[len(kw)]) && r[len(kw)] != '(' {
			end := off + len(kw)
			p.fail(end, "expected a blank or '(' after '%s', found %s", kw, found(p.sc.src, end, p.what))
		}
		if kw == "and" && !isWordChar(r[len(kw)]) {
			// A well-formed "and" is refused only after "or(...)", whose
			// operand is the parenthesised expression alone.
			p.fail(off, "expected %s, found 'and': an operand written 'or(...)' cannot be followed by 'and'; "+
				"write 'or (...)' with a blank", want)
		}
	}
	p.failExpected(want)
}

// enter and leave bound the recursion: every parse function that libsinsp
// guards enters on the way in.
func (p *parser) enter() {
	p.depth++
	if p.depth >= p.maxDepth {
		p.fail(p.sc.off, "%s is nested too deeply (the limit is %d levels)", p.what, p.maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) blank() bool { return p.sc.skipBlank() }

func (p *parser) accept(k tokenKind) (token, bool) {
	t, ok := p.sc.scan(k)
	if ok && t.kind == tokError {
		p.fail(t.off, "%s", t.text)
	}
	return t, ok
}

func (p *parser) is(k tokenKind) bool {
	_, ok := p.accept(k)
	return ok
}

// parseOr parses
//
//	OrExpr ::= AndExpr ( 'or' ( Blank AndExpr | '(' Expr ')' ) )*
func (p *parser) parseOr() Expr {
	p.enter()
	defer p.leave()
	p.blank()
	children := []Expr{p.parseAnd()}
	p.blank()
	for p.is(tokOr) {
		if p.blank() {
			children = append(children, p.parseAnd())
		} else {
			p.accept(tokLParen) // tokOr guarantees a blank or '(' follows
			children = append(children, p.parseEmbedded())
		}
		p.blank()
	}
	if len(children) == 1 {
		return children[0]
	}
	return &Or{Pos: children[0].Position(), Children: children}
}

// parseAnd parses
//
//	AndExpr ::= NotExpr ( 'and' ( Blank NotExpr | '(' Expr ')' ) )*
func (p *parser) parseAnd() Expr {
	p.enter()
	defer p.leave()
	p.blank()
	children := []Expr{p.parseNot()}
	p.blank()
	for p.is(tokAnd) {
		if p.blank() {
			children = append(children, p.parseNot())
		} else {
			p.accept(tokLParen)
			children = append(children, p.parseEmbedded())
		}
		p.blank()
	}
	if len(children) == 1 {
		return children[0]
	}
	return &And{Pos: children[0].Position(), Children: children}
}

// parseNot parses
//
//	NotExpr ::= ( 'not' Space+ )* ( 'not(' Expr ')' | Check )
//
// Each "not" toggles the negation; Space is the POSIX space class.
func (p *parser) parseNot() Expr {
	p.enter()
	defer p.leave()
	p.blank()
	start := p.sc.off
	neg := false
	for p.is(tokNot) {
		neg = !neg
	}
	var x Expr
	if p.is(tokNotParen) {
		neg = !neg
		x = p.parseEmbedded()
	} else {
		x = p.parseCheck()
	}
	if neg {
		return &Not{Pos: p.pos(start), X: x}
	}
	return x
}

// parseEmbedded parses the rest of a parenthesised expression, after '(':
//
//	Expr ')'
func (p *parser) parseEmbedded() Expr {
	p.enter()
	defer p.leave()
	p.blank()
	e := p.parseOr()
	p.blank()
	if !p.is(tokRParen) {
		p.failJunction("'and', 'or' or ')'")
	}
	return e
}

// parseCheck parses
//
//	Check ::= '(' Expr ')' | Field Condition | Transformer Condition | Identifier
func (p *parser) parseCheck() Expr {
	p.enter()
	defer p.leave()
	p.blank()
	if p.is(tokLParen) {
		return p.parseEmbedded()
	}
	if t, ok := p.accept(tokFieldName); ok {
		return p.parseCondition(p.parseFieldRest(t))
	}
	if t, ok := p.accept(tokTransformer); ok {
		p.blank()
		return p.parseCondition(p.parseTransformerRest(t))
	}
	if t, ok := p.accept(tokIdent); ok {
		return &MacroRef{Pos: p.pos(t.off), Name: t.text}
	}
	p.failExpected("a field, a transformer, a macro name or '('")
	return nil
}

// parseCondition parses what follows the operand of a check:
//
//	Condition ::= 'exists'
//	            | NumOperator ( NumValue | TransformerOrVal )
//	            | StrOperator ( StrValue | TransformerOrVal )
//	            | StrOperator Modifier ListValue
//	            | ListOperator ( ListValue | TransformerOrVal )
func (p *parser) parseCondition(left Operand) Expr {
	p.enter()
	defer p.leave()
	c := &Check{Pos: left.Position(), Field: left}
	p.blank()
	if t, ok := p.accept(tokUnaryOp); ok {
		c.Op = t.text
		return c
	}
	if t, ok := p.accept(tokNumOp); ok {
		c.Op = t.text
		c.Value = p.parseNumValue()
		return c
	}
	if t, ok := p.accept(tokStrOp); ok {
		c.Op = t.text
		p.blank()
		if m, ok := p.accept(tokModifier); ok {
			c.Modifier = m.text
			c.Value = p.parseListValue(false)
			return c
		}
		c.Value = p.parseStrValue()
		return c
	}
	if t, ok := p.accept(tokListOp); ok {
		c.Op = t.text
		c.Value = p.parseListValue(true)
		return c
	}
	r := p.sc.rest()
	for _, op := range wordStrOps {
		if strings.HasPrefix(r, op) && (len(r) == len(op) || !isWordChar(r[len(op)])) {
			end := p.sc.off + len(op)
			p.fail(end, "expected a blank after '%s', found %s", op, found(p.sc.src, end, p.what))
		}
	}
	p.failExpected("an operator (exists, =, ==, !=, <, <=, >, >=, contains, icontains, bcontains, " +
		"startswith, bstartswith, endswith, glob, iglob, regex, in, intersects or pmatch)")
	return nil
}
