// Package image analyses a container image saved with "docker save" (the
// legacy layout with manifest.json, or the OCI image layout with
// index.json) without a Docker engine and without extracting anything: it
// reads the archive or directory, verifies every blob it reads against its
// digest, applies the layers in order with their whiteouts to get the
// effective file tree (metadata only), scans file contents in a bounded,
// streaming way, and reports the image, its layers and history, its
// effective configuration and findings (miners, setuid files, writable
// files, executables in temporary or hidden directories, secrets in the
// configuration and history, files deleted in a later layer that an
// earlier layer still holds, running as root), each with a severity.
//
// It is not a vulnerability scanner (no package database), it does not
// talk to Docker and it never writes files: [Analyze] only reads.
package image
