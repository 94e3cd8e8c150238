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
const MaxConditionLen = 1 << 20

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
// with one space before (unless at the very start) and one after. An empty
// list also swallows one comma just before it, or else one just after it,
// so "(a, empty_list)" becomes "(a  )" and "(empty_list, a)" becomes
// "( a)". The name is recognised anywhere, quoted strings included
// ("'my_list'" is not replaced because "'" is not a delimiter, but
// "(my_list)" inside a quoted string is). After a replacement the search
// goes on past the inserted values, so values that contain the name are
// not replaced again by the same list; a later list can still replace its
// name inside values inserted by an earlier one.
//
// The result is at most [MaxConditionLen] bytes long, or the error is
// [ErrConditionTooLong].
func SubstituteLists(cond string, lists []List) (string, []string, error) {
	var used []string
	for i := range lists {
		l := &lists[i]
		if l.Name == "" {
			continue
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

// substituteList replaces one list in cond (see [SubstituteLists]).
func substituteList(cond string, l *List) (string, bool, error) {
	name := l.Name
	start := strings.Index(cond, name)
	if start < 0 {
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
	used := false
	for start >= 0 {
		end := start + len(name)
		if (start == 0 || strings.IndexByte(listDelims, cond[start-1]) >= 0) &&
			(end >= len(cond) || strings.IndexByte(listDelims, cond[end]) >= 0) {
			for start > 0 && strings.IndexByte(listBlanks, cond[start-1]) >= 0 {
				start--
			}
			for end < len(cond) && strings.IndexByte(listBlanks, cond[end]) >= 0 {
				end++
			}
			if sub == "" {
				if start > 0 && cond[start-1] == ',' {
					start--
				} else if end < len(cond) && cond[end] == ',' {
					end++
				}
			}
			n := len(cond) - (end - start) + len(sub) + 2
			if n > MaxConditionLen {
				return "", false, fmt.Errorf("substitute list %q: %w", name, ErrConditionTooLong)
			}
			var b strings.Builder
			b.Grow(n)
			if start > 0 {
				b.WriteString(cond[:start])
				b.WriteByte(' ')
			}
			b.WriteString(sub)
			b.WriteByte(' ')
			b.WriteString(cond[end:])
			cond = b.String()
			start += len(sub) + 1
			used = true
		}
		next := strings.Index(cond[min(start+1, len(cond)):], name)
		if next < 0 {
			break
		}
		start = start + 1 + next
	}
	return cond, used, nil
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
