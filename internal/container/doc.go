// Package container gets container metadata (name, image, labels,
// Kubernetes pod) from the container runtimes (Docker Engine API,
// containerd/CRI).
//
// Not implemented yet.
package container
