package syntax

// Node is a node of the syntax tree. The set of node types is closed: the
// types of this package are the only ones. Every node records where it
// starts in the source ([Pos]) and prints itself back as source text that
// parses to an equal tree (String).
//
// Trees are plain data: a consumer may read, copy ([Clone]) and rebuild
// ([Rewrite]) them freely. Nodes are not safe for concurrent mutation.
type Node interface {
	// Position is where the node starts in the source.
	Position() Pos
	// String prints the node as source text.
	String() string
	node()
}

// Expr is a boolean expression: *[And], *[Or], *[Not], *[Check] or
// *[MacroRef]. Parentheses leave no node: they only shape the tree, and
// String adds back the ones the shape needs.
type Expr interface {
	Node
	expr()
}

// Operand is what a check tests and what an output format prints: a
// *[Field], or a *[Transformer] applied to fields.
type Operand interface {
	Node
	operand()
}

// Value is the right-hand side of a binary check: a *[Str] (a string or a
// number), a *[List], a *[ListRef], a *[Val] (another field's value) or a
// *[Transformer].
type Value interface {
	Node
	value()
}

// TransformerArg is an argument of a transformer call: a *[Field], a
// *[Transformer], a *[Str] (quoted string or number) or a
// *[TransformerList]. The items of a TransformerList are the same, lists
// excepted.
type TransformerArg interface {
	Node
	transformerArg()
}

// And is the conjunction of two or more expressions, evaluated in order.
type And struct {
	Pos      Pos
	Children []Expr
}

// Or is the disjunction of two or more expressions, evaluated in order.
type Or struct {
	Pos      Pos
	Children []Expr
}

// Not is the negation of X. The parser makes one Not for an odd number of
// "not" keywords in a row and none for an even number, as libsinsp does:
// "not not x" is x, while "not (not x)" keeps both.
type Not struct {
	Pos Pos
	X   Expr
}

// MacroRef is a bare identifier where a check may stand: the name of a
// macro, which the rule compiler replaces by the macro's condition.
type MacroRef struct {
	Pos  Pos
	Name string
}

// Check tests one operand.
//
// Op is the operator as written: "exists" (then Value is nil), a numeric
// operator ("<", "<=", ">", ">="), a string operator ("=", "==", "!=",
// "glob", "iglob", "contains", "icontains", "bcontains", "startswith",
// "bstartswith", "endswith", "regex") or a list operator ("in",
// "intersects", "pmatch"). "=" and "==" mean the same.
//
// Modifier is "", or "oneof", "anyof" or "allof" after a string operator;
// then Value is a *[List] or a *[ListRef].
//
// After a numeric operator Value is a *[Str] with Number set, a *[Val] or a
// *[Transformer]; after a string operator, a *[Str], a *[Val] or a
// *[Transformer]; after a list operator, a *[List], a *[ListRef], a *[Val]
// or a *[Transformer]. Which operators suit which field types is for the
// compiler to say.
type Check struct {
	Pos      Pos
	Field    Operand
	Op       string
	Modifier string
	Value    Value
}

// Field names a field, with its argument when one is written in brackets:
// proc.aname[2], proc.env["HOME"], json.value[/a/b]. Dotted forms such as
// evt.arg.flags are one name; the field catalog splits them.
type Field struct {
	Pos       Pos
	Name      string
	Arg       string // the argument, decoded when quoted
	HasArg    bool   // brackets were written (only a quoted argument can be empty)
	ArgQuoted bool   // the argument was a quoted string
}

// Transformer applies a named transformation to its arguments: tolower,
// toupper, b64, basename, len, join, concat or getopt. The parser accepts
// any number of arguments for each; the compiler checks the arity. An
// index in brackets may follow the call (getopt(proc.args, "c:")[c]).
type Transformer struct {
	Pos         Pos
	Name        string
	Args        []TransformerArg
	Index       string
	HasIndex    bool
	IndexQuoted bool
}

// TransformerList is a parenthesised list passed to a transformer, as in
// join(",", (proc.name, proc.pname)). It may be empty.
type TransformerList struct {
	Pos   Pos
	Items []TransformerArg
}

// Str is a literal: a bare string, a quoted string (Text is decoded) or a
// number (Number is set; Text is the number as written, for the compiler to
// convert by the type of the field it is compared with). A bare string that
// looks like a number, after a string or list operator, is a bare string.
type Str struct {
	Pos    Pos
	Text   string
	Quoted bool
	Number bool
}

// List is a parenthesised list of literals: (a, "b c", 3). It may be empty.
type List struct {
	Pos   Pos
	Items []*Str
}

// ListRef is an identifier where a list may stand (fd.name in my_list).
// Falco substitutes rule-file lists into the condition text before parsing,
// so a ListRef left in a tree names a list nobody defined, unless the
// compiler resolves it.
type ListRef struct {
	Pos  Pos
	Name string
}

// Val compares with the value of another field: val(proc.pname).
type Val struct {
	Pos   Pos
	Field *Field
}

func (*And) node()             {}
func (*Or) node()              {}
func (*Not) node()             {}
func (*MacroRef) node()        {}
func (*Check) node()           {}
func (*Field) node()           {}
func (*Transformer) node()     {}
func (*TransformerList) node() {}
func (*Str) node()             {}
func (*List) node()            {}
func (*ListRef) node()         {}
func (*Val) node()             {}

func (*And) expr()      {}
func (*Or) expr()       {}
func (*Not) expr()      {}
func (*MacroRef) expr() {}
func (*Check) expr()    {}

func (*Field) operand()       {}
func (*Transformer) operand() {}

func (*Str) value()         {}
func (*List) value()        {}
func (*ListRef) value()     {}
func (*Val) value()         {}
func (*Transformer) value() {}

func (*Field) transformerArg()           {}
func (*Transformer) transformerArg()     {}
func (*Str) transformerArg()             {}
func (*TransformerList) transformerArg() {}

// Position returns n.Pos.
func (n *And) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *Or) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *Not) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *MacroRef) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *Check) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *Field) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *Transformer) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *TransformerList) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *Str) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *List) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *ListRef) Position() Pos { return n.Pos }

// Position returns n.Pos.
func (n *Val) Position() Pos { return n.Pos }
