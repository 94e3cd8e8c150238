// Package forensics collects evidence from containers with chain of
// custody (hashed, manifest, append-only log) and analyses images.
//
// Not implemented yet (issue [7]).
package forensics
