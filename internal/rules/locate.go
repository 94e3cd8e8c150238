package rules

import (
	"bytes"
	"os"
	"strings"
)

// locator turns a position inside a condition or output text into a
// position in the rule file, for diagnostics. The texts the compiler
// parses are not the file's bytes (YAML folds lines, lists are
// substituted, exceptions appended), so it looks for the offending token in
// the file, from the start of the value on; when the token is not there
// (it came from a list or an exception) the value's start is the answer.
type locator struct {
	files map[string][]byte
}

// maxValueSpan bounds how far from the start of a value the locator
// searches the file.
const maxValueSpan = 64 << 10

func (l *locator) locate(start Position, text string, off int) Position {
	if off < 0 || off > len(text) || start.Line == 0 {
		return start
	}
	tok := tokenAt(text, off)
	if tok == "" {
		return start
	}
	src, ok := l.files[start.File]
	if !ok {
		b, err := os.ReadFile(start.File)
		if err != nil {
			b = nil
		}
		if l.files == nil {
			l.files = map[string][]byte{}
		}
		l.files[start.File], src = b, b
	}
	at := offsetOf(src, start.Line, start.Column)
	if at < 0 {
		return start
	}
	window := src[at:min(len(src), at+maxValueSpan)]
	// The nth occurrence of the token in the text is taken to be the nth
	// in the file: count those before off.
	nth := strings.Count(text[:off], tok)
	idx, base := -1, 0
	for k := 0; k <= nth; k++ {
		i := bytes.Index(window[base:], []byte(tok))
		if i < 0 {
			return start
		}
		idx = base + i
		base = idx + len(tok)
	}
	return positionOf(src, start.File, at+idx)
}

// tokenAt returns the word of text at off: up to the next blank, bracket,
// comma or quote.
func tokenAt(text string, off int) string {
	end := off
	for end < len(text) && !strings.ContainsRune(" \t\r\n(),\"'", rune(text[end])) {
		end++
	}
	if end == off && end < len(text) {
		end++ // a lone delimiter
	}
	return text[off:end]
}

// offsetOf returns the byte offset of line:col (1-based) in src, or -1.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	if col > 0 {
		off += col - 1
	}
	if off > len(src) {
		return -1
	}
	return off
}

// positionOf returns the line and column of byte offset off in src.
func positionOf(src []byte, file string, off int) Position {
	line := 1 + bytes.Count(src[:off], []byte{'\n'})
	col := off + 1
	if i := bytes.LastIndexByte(src[:off], '\n'); i >= 0 {
		col = off - i
	}
	return Position{File: file, Line: line, Column: col}
}
