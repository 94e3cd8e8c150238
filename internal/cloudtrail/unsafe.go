package cloudtrail

import "unsafe"

// docText returns b as a string sharing its memory: what gjson reads.
func docText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// bytesOf returns the bytes of s without a copy; they must not change.
func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
