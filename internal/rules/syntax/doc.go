// Package syntax reads the condition language of Falco rules, and the
// output formats of their alerts, into syntax trees.
//
// [Parse] turns a condition such as
//
//	evt.type in (open, openat) and fd.name startswith /etc and not proc.name = sshd
//
// into an [Expr] tree of *[And], *[Or], *[Not], *[Check] and *[MacroRef]
// nodes; [ParseFormat] turns an output format into a [Format]. Every node
// knows its position, and prints itself back as text that parses to an
// equal tree. [Inspect], [Clone] and [Rewrite] let the rule compiler read,
// copy and rebuild trees (to inline macros and to find the event types a
// rule needs).
//
// The package only parses. It does not know which fields exist, which
// operators suit which field types, what a macro or a list holds, or how
// many arguments a transformer takes: the rule compiler decides all that.
// It imports nothing but the standard library.
//
// # Grammar
//
// The grammar is libsinsp's (falcosecurity/libs, filter/parser.h, libs
// 0.25), and the parser follows it to the byte, quirks included, so that a
// condition Falco accepts parses here and one it rejects fails here.
//
//	Expr        = OrExpr .
//	OrExpr      = AndExpr { "or" ( Blank AndExpr | "(" Expr ")" ) } .
//	AndExpr     = NotExpr { "and" ( Blank NotExpr | "(" Expr ")" ) } .
//	NotExpr     = { "not" Space } ( "not(" Expr ")" | Check ) .
//	Check       = "(" Expr ")"
//	            | Field Condition
//	            | Transformer Condition
//	            | Identifier .                     (a macro name)
//	Condition   = "exists"
//	            | NumOp ( Number | RightField )
//	            | StrOp ( String | RightField )
//	            | StrOp Modifier ListValue
//	            | ListOp ( ListValue | RightField ) .
//	RightField  = Transformer | "val(" Field ")" .
//	ListValue   = "(" [ String { "," String } ] ")" | Identifier .   (a list name)
//	Field       = FieldName [ "[" ( Quoted | ArgBare ) "]" ] .
//	Transformer = TransformerName "(" Arg { "," Arg } ")" [ "[" ( Quoted | ArgBare ) "]" ] .
//	Arg         = Number | Quoted | "(" [ Item { "," Item } ] ")" | Transformer | Field .
//	Item        = Field | Transformer | Quoted | Number .
//	String      = Quoted | Bare .
//	Number      = Hex | Decimal .
//
// Blanks (space, \t, \b, \r, \n) may separate any two tokens, except where
// noted here. The operators and names are
//
//	NumOp           = "<=" | "<" | ">=" | ">" .
//	StrOp           = "==" | "=" | "!=" | "glob" | "iglob" | "contains" | "icontains"
//	                | "bcontains" | "startswith" | "bstartswith" | "endswith" | "regex" .
//	ListOp          = "intersects" | "in" | "pmatch" .
//	Modifier        = "oneof" | "anyof" | "allof" .
//	TransformerName = "tolower" | "toupper" | "b64" | "basename" | "len" | "join"
//	                | "concat" | "getopt" .
//
// and the tokens
//
//	Identifier = letter { letter | digit | "_" } .
//	FieldName  = Identifier "." Identifier { "." Identifier } .
//	Hex        = "0" ( "x" | "X" ) hexdigit { hexdigit } .
//	Decimal    = [ "+" | "-" ] digit { digit } [ "." { digit } ] [ ( "e" | "E" ) ( "+" | "-" ) digit { digit } ] .
//	Bare       = any bytes but ( ) " ' = , and Space, at least one .
//	ArgBare    = any bytes but [ ] " ' and Space, at least one .
//	Quoted     = '"' ... '"' | "'" ... "'" .
//	Space      = " " | \t | \n | \v | \f | \r .   (the POSIX class)
//
// Each token is the longest match at its place, and where the grammar
// offers several tokens they are tried in the order written above ("<="
// before "<", "==" before "=", "intersects" before "in", a transformer or
// val() before a string, a number before a quoted string in arguments).
//
// # Spacing
//
// Keywords are matched as prefixes of the text, so what follows them
// matters:
//
//   - "and" and "or" must be followed by a blank or "(": "(a)and(b)" is a
//     condition, "a andx b" is not. After "and(" and "or(" comes a whole
//     parenthesised expression and nothing of lower precedence: "a or(b)
//     and c" is an error while "a or (b) and c" is not.
//   - "not" must be followed by Space or "(": "not(a)" negates a, while
//     "notx" is a macro name.
//   - A word operator (contains, startswith, glob ..., and the modifiers)
//     must be followed by a blank: "proc.name containsx" is an error.
//     Symbolic operators need nothing ("proc.name=bash"), nor do "exists",
//     "in", "intersects" and "pmatch" ("fd.name in(a, b)").
//   - A field's "[" and a transformer's "(" follow the name directly:
//     "proc.aname [2]" and "tolower (x.y)" are errors.
//
// Precedence is, from loosest to tightest: or, and, not, then a check or a
// parenthesised expression. "and" and "or" take any number of operands; a
// run of "not" negates once if odd and not at all if even. The whole text
// must be one expression.
//
// # Values
//
// A bare string runs to the next blank, parenthesis, quote, comma or "=":
// /etc/shadow, -c, 10.0.0.0/8 and *.log are bare strings; anything else
// needs quotes. After a string operator "123" is the bare string "123";
// after a numeric operator only a number is allowed, kept as written for
// the compiler to convert by the type of the field. Lists hold strings,
// may be empty, and their items need no quotes: (a, "b c", 3).
//
// A quoted string ends at the first quote of its kind that does not follow
// a backslash, and its escapes are \b \f \n \r \t \\ \/ \xHH, \" inside
// double quotes only and \' inside single quotes only. A backslash before
// a space stands for a backslash (old rules write "\ "). Any other escape
// is an error. Because the end of the string is found before escapes are
// read, a string cannot end with an escaped backslash ("a\\" runs on to the
// next quote); write "a\x5c".
//
// # Output formats
//
// An output format is text with % tokens: '%', an optional decimal width,
// then a field or a transformer call. A leading '*' makes the format
// lenient (missing values print as <NA>). See [ParseFormat].
//
// # Departures from libsinsp
//
// The parser rejects some texts that libsinsp accepts by accident:
// "proc.name containsin (a)" (libsinsp drops "contains" and reads "in"),
// and a list whose first item is a quoted string with a bad escape
// (libsinsp turns it into an empty list). The \xHH escape follows the
// reference grammar of this project (falco-compat.md); the libsinsp
// sources we could read still reject it. Output formats reject field
// widths above [MaxFormatWidth]. Positions count lines at '\n' only
// (libsinsp also at '\r'), and an And or Or starts where its first
// operand starts.
package syntax
