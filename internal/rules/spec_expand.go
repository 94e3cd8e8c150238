package rules

import (
	"errors"
	"fmt"
	"strings"
)

// MaxConditionLen bounds the length of a condition after list substitution.
// Lists whose values name lists defined after them are substituted again
// and again, so a few short lists can grow a condition exponentially; past
// this length [SubstituteLists] gives up with [ErrConditionTooLong].
const MaxConditionLen = 256 << 10

// ErrConditionTooLong reports a condition longer than [MaxConditionLen]
// after list substitution.
var ErrConditionTooLong = errors.New("condition too long after list substitution")

// listBlanks are the blanks around a list name that a substitution
// swallows; listDelims are the characters that may surround a list name.
const (
	listBlanks = " \t\n\r"
	listDelims = listBlanks + "(),="
)

// QuoteItem returns s in double quotes when it contains a space and does
// not already start with a quote; otherwise s unchanged. This is how Falco
// writes list and exception values into condition text. Nothing inside is
// escaped (a known limitation of Falco's loader, kept for compatibility).
func QuoteItem(s string) string {
	if strings.IndexByte(s, ' ') >= 0 && (s == "" || (s[0] != '"' && s[0] != '\'')) {
		return `"` + s + `"`
	}
	return s
}

// SubstituteLists replaces the names of lists in cond by their values,
// textually, the way Falco's loader does before parsing a macro or rule
// condition (falcosecurity/falco userspace/engine/rule_loader_compiler.cpp,
// resolve_list). It returns the new text and the names of the lists
// substituted, in order.
//
// The lists are applied one after the other, in the order given (Falco:
// definition order). For each list, every occurrence of its name that is
// at the start or end of the text or next to one of the delimiters
// blank, '(', ')', ',', '=' is replaced: the blanks (space, tab, newline,
// carriage return) around the occurrence are swallowed, and the list's
// [List.Values], each quoted by [QuoteItem] and joined by ", ", are written
// with one space before (unless nothing but blanks precedes) and one
// after. An empty list also swallows one comma just before it, or else
// one just after it, so "(a, empty_list)" becomes "(a  )" and
// "(empty_list, a)" becomes "(   a)". The name is recognised anywhere,
// quoted strings included ("'my_list'" is not replaced because "'" is not
// a delimiter, but "(my_list)" inside a quoted string is). After a
// replacement the search goes on after the inserted values (one character
// further when they start the text), so values that contain the name are
// not replaced again by the same list; a later list can still replace its
// name inside values inserted by an earlier one.
//
// The result is at most [MaxConditionLen] bytes long, or the error is
// [ErrConditionTooLong].
func SubstituteLists(cond string, lists []List) (string, []string, error) {
	return SubstituteListsWithin(cond, lists, nil)
}

// ErrExpansionBudget reports that list substitution scanned more text than
// its budget allowed (see [SubstituteListsWithin]).
var ErrExpansionBudget = errors.New("list substitution exceeds its work budget")

// SubstituteListsWithin is [SubstituteLists] with a bound on the work
// shared by several calls: *work is the number of bytes of text the
// substitution may still scan, and each list applied to a text of n bytes
// takes n from it. When it runs out the error is [ErrExpansionBudget]. A
// nil work means no bound.
func SubstituteListsWithin(cond string, lists []List, work *int) (string, []string, error) {
	var used []string
	for i := range lists {
		l := &lists[i]
		if l.Name == "" {
			continue
		}
		if work != nil {
			if *work -= len(cond); *work < 0 {
				return "", nil, ErrExpansionBudget
			}
		}
		var hit bool
		var err error
		cond, hit, err = substituteList(cond, l)
		if err != nil {
			return "", nil, err
		}
		if hit {
			used = append(used, l.Name)
		}
	}
	return cond, used, nil
}

func isListBlank(c byte) bool { return strings.IndexByte(listBlanks, c) >= 0 }
func isListDelim(c byte) bool { return strings.IndexByte(listDelims, c) >= 0 }

// substituteList replaces one list in cond (see [SubstituteLists]). It
// keeps the text already processed in out and the rest in rest: Falco's
// rescanning after each replacement only ever looks back over blanks (and
// one comma) at the end of out, so one pass is enough.
func substituteList(cond string, l *List) (string, bool, error) {
	name := l.Name
	first := strings.Index(cond, name)
	if first < 0 {
		return cond, false, nil
	}
	var sub string
	if len(l.Values) > 0 {
		var b strings.Builder
		for i, v := range l.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(QuoteItem(v))
		}
		sub = b.String()
	}
	out := make([]byte, 0, len(cond))
	rest := cond
	skip := 0
	used := false
	for p := first; p >= 0; {
		end := p + len(name)
		before := p > 0 && isListDelim(rest[p-1]) ||
			p == 0 && (len(out) == 0 || isListDelim(out[len(out)-1]))
		after := end >= len(rest) || isListDelim(rest[end])
		if !before || !after {
			skip = p + 1
		} else {
			used = true
			out = append(out, rest[:p]...)
			rest = rest[end:]
			for len(out) > 0 && isListBlank(out[len(out)-1]) {
				out = out[:len(out)-1]
			}
			for rest != "" && isListBlank(rest[0]) {
				rest = rest[1:]
			}
			if sub == "" {
				if len(out) > 0 && out[len(out)-1] == ',' {
					out = out[:len(out)-1]
				} else if rest != "" && rest[0] == ',' {
					rest = rest[1:]
				}
			}
			skip = 0
			if len(out) > 0 {
				out = append(out, ' ')
			} else {
				skip = 1 // Falco resumes one character later at the start
			}
			out = append(out, sub...)
			out = append(out, ' ')
			if len(out)+len(rest) > MaxConditionLen {
				return "", false, fmt.Errorf("substitute list %q: %w", name, ErrConditionTooLong)
			}
		}
		if skip > len(rest) {
			break
		}
		i := strings.Index(rest[skip:], name)
		if i < 0 {
			break
		}
		p = skip + i
	}
	return string(out) + rest, used, nil
}

// ExceptionValueError reports an exception whose values do not fit its
// fields. The loader reports these when it reads the rule; the error only
// occurs for a Rule not made by the loader.
type ExceptionValueError struct {
	Exception string
	Msg       string
}

// Error returns the message.
func (e *ExceptionValueError) Error() string {
	return fmt.Sprintf("exception %q: %s", e.Exception, e.Msg)
}

// ConditionWithExceptions returns the rule's condition with its exceptions
// added the way Falco does (rule_loader_compiler.cpp,
// build_rule_exception_infos), before lists are substituted:
//
//	(<condition>) and not <exc1> and not <exc2> ...
//
// The condition is put in parentheses whenever the rule has an exception,
// even one with no values; exceptions with no values add nothing. Each
// exception is written, with the values passed through [QuoteItem]:
//
//   - single form (fields: f, comps: c): "(f c (v1, v2))";
//   - list form (fields: [f1, f2], comps: [c1, c2]): one group per value
//     tuple, "( f1 c1 v1 and  f2 c2 v2)" (Falco writes a blank before each
//     field, hence the blank after the opening parenthesis and the two
//     after "and"), the groups joined by " or " inside parentheses:
//     "(( f1 c1 a and  f2 c2 b) or ( f1 c1 x and  f2 c2 y))". A tuple entry
//     that is a list is written "(x, y)"; a plain entry compared with a
//     list operator (in, intersects, pmatch) is put in parentheses unless
//     it starts with one (so it may name a list, substituted afterwards).
func (r *Rule) ConditionWithExceptions() (string, error) {
	if len(r.Exceptions) == 0 {
		return r.Condition, nil
	}
	var b strings.Builder
	b.WriteByte('(')
	b.WriteString(r.Condition)
	b.WriteByte(')')
	for i := range r.Exceptions {
		text, err := r.Exceptions[i].conditionText()
		if err != nil {
			return "", err
		}
		if text != "" {
			b.WriteString(" and not ")
			b.WriteString(text)
		}
	}
	return b.String(), nil
}

// conditionText writes one exception as condition text; "" when it has no
// values.
func (e *Exception) conditionText() (string, error) {
	if len(e.Values) == 0 {
		return "", nil
	}
	var b strings.Builder
	if e.Single {
		if len(e.Fields) != 1 || len(e.Comps) != 1 {
			return "", &ExceptionValueError{e.Name, "the single form needs one field and one comparison"}
		}
		b.WriteByte('(')
		b.WriteString(e.Fields[0])
		b.WriteByte(' ')
		b.WriteString(e.Comps[0])
		b.WriteString(" (")
		for i, v := range e.Values {
			if v.IsList {
				return "", &ExceptionValueError{e.Name, "values must be strings when fields is a single field"}
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(QuoteItem(v.Text))
		}
		b.WriteString("))")
		return b.String(), nil
	}
	if len(e.Comps) != len(e.Fields) {
		return "", &ExceptionValueError{e.Name, "fields and comps have different lengths"}
	}
	b.WriteByte('(')
	for i, tuple := range e.Values {
		if !tuple.IsList || len(tuple.List) != len(e.Fields) {
			return "", &ExceptionValueError{e.Name, "each value must be a list with one entry per field"}
		}
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteByte('(')
		for k, f := range e.Fields {
			if k > 0 {
				b.WriteString(" and ")
			}
			b.WriteByte(' ')
			b.WriteString(f)
			b.WriteByte(' ')
			b.WriteString(e.Comps[k])
			b.WriteByte(' ')
			b.WriteString(tupleEntryText(tuple.List[k], e.Comps[k]))
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String(), nil
}

// tupleEntryText writes one entry of a value tuple compared with comp.
func tupleEntryText(v ExceptionValue, comp string) string {
	if v.IsList {
		var b strings.Builder
		b.WriteByte('(')
		for i, item := range v.List {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(QuoteItem(item.Text))
		}
		b.WriteByte(')')
		return b.String()
	}
	if IsListOperator(comp) {
		if v.Text == "" || v.Text[0] != '(' {
			return "(" + v.Text + ")"
		}
		return v.Text
	}
	return QuoteItem(v.Text)
}

// IsListOperator reports whether op takes a list on its right: in,
// intersects, pmatch.
func IsListOperator(op string) bool {
	return op == "in" || op == "intersects" || op == "pmatch"
}
