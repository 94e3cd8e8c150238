package syntax

import (
	"fmt"
	"sort"
)

// Pos is a position in the source text of a condition or an output format.
// Offset counts bytes from 0; Line and Col count from 1, and Col counts
// bytes, so a tab or a multi-byte character is one column per byte. Only
// '\n' starts a new line.
//
// The zero Pos is "no position": nodes built by hand rather than by the
// parser may carry it.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// IsValid reports whether p was set by the parser.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "line:col", or "-" for the zero Pos.
func (p Pos) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

// lineIndex turns byte offsets into positions. It records where each line
// starts, once per source text.
type lineIndex struct {
	starts []int
}

func newLineIndex(src string) *lineIndex {
	starts := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{starts: starts}
}

// pos returns the position of byte offset off.
func (x *lineIndex) pos(off int) Pos {
	// The last line start that is <= off.
	i := sort.SearchInts(x.starts, off+1) - 1
	return Pos{Offset: off, Line: i + 1, Col: off - x.starts[i] + 1}
}
