package docsrc

import "unsafe"

// Text returns b as a string that shares its memory, without a copy: what
// gjson reads. It is valid while b is, and b must not change meanwhile.
func Text(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Bytes returns the bytes of s without a copy (gjson's Raw and Str are
// substrings of the document: Bytes gives them back as part of it). The
// caller must not modify them; they live as long as s does.
func Bytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
