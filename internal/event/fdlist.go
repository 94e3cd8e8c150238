package event

import (
	"encoding/binary"
	"fmt"
)

// fdListEntryLen is the size of one FDLIST entry: an 8-byte fd and 2 bytes
// of poll flags.
const fdListEntryLen = 8 + 2

// FDList is a decoded [PTFDList] parameter (the fds of poll and ppoll): a
// view over the event's bytes, read with Len and At.
type FDList struct {
	entries []byte
}

// FDList decodes a [PTFDList] parameter: a 2-byte count, then count
// entries of an 8-byte fd and 2 bytes of poll flags (PPM_POLL*), all
// little-endian. The parameter must hold exactly that many entries.
func (v Value) FDList() (FDList, error) {
	if v.Type != PTFDList {
		return FDList{}, fmt.Errorf("parameter %s is %v, not FDLIST: %w", v.Name(), v.Type, ErrParamType)
	}
	l, ok := decodeFDList(v.Raw)
	if !ok {
		return FDList{}, fmt.Errorf("fd list %s: %d bytes do not hold the count they announce: %w", v.Name(), len(v.Raw), ErrParamSize)
	}
	return l, nil
}

func decodeFDList(b []byte) (FDList, bool) {
	if len(b) < 2 {
		return FDList{}, false
	}
	n := int(binary.LittleEndian.Uint16(b))
	if len(b) != 2+n*fdListEntryLen {
		return FDList{}, false
	}
	return FDList{entries: b[2:]}, true
}

// Len returns the number of entries.
func (l FDList) Len() int { return len(l.entries) / fdListEntryLen }

// At returns entry i: the fd and its poll flags. It panics when i is out of
// range, like a slice index.
func (l FDList) At(i int) (fd int64, flags uint16) {
	e := l.entries[i*fdListEntryLen : (i+1)*fdListEntryLen]
	return int64(binary.LittleEndian.Uint64(e)), binary.LittleEndian.Uint16(e[8:])
}
