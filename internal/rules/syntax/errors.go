package syntax

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is a syntax error at a position of a condition or an output
// format. Msg says what was expected and what was found instead.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "line:col: message".
func (e *Error) Error() string {
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList is the list of syntax errors of one source text, in the order
// they were found. [Parse] and [ParseFormat] stop at the first error, so
// their lists hold one; the type lets a caller (the rule loader) gather the
// errors of many conditions the same way.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Pos, msg string) {
	*l = append(*l, &Error{Pos: pos, Msg: msg})
}

// Error describes the first error and how many follow it.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// maxFound bounds how much of the offending text an error message quotes.
const maxFound = 24

// found describes what the source holds at offset off, for "expected X,
// found Y" messages: the end of the text (named by what, "condition" or
// "output format"), one punctuation character, or the word that starts
// there.
func found(src string, off int, what string) string {
	if off >= len(src) {
		return "the end of the " + what
	}
	switch src[off] {
	case ' ':
		return "a space"
	case '\t':
		return "a tab"
	case '\n', '\r':
		return "a line break"
	}
	end := off + 1
	if !isPunct(src[off]) {
		for end < len(src) && end-off < maxFound && !isPosixSpace(src[end]) && !isPunct(src[end]) {
			end++
		}
	}
	s := src[off:end]
	suffix := ""
	if end < len(src) && end-off == maxFound {
		suffix = "..."
	}
	if isPlainASCII(s) {
		return "'" + s + suffix + "'"
	}
	return strconv.QuoteToASCII(s) + suffix
}

func isPunct(c byte) bool {
	return strings.IndexByte(`()[],"'=<>!`, c) >= 0
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f || s[i] == '\'' {
			return false
		}
	}
	return true
}
