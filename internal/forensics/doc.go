// Package forensics collects evidence from Docker containers with chain
// of custody, verifies the bundles it writes, and audits containers'
// configurations. Image analysis (docker save archives) lives in the
// subpackage image.
//
// # Collection
//
// [Collect] talks to the engine through the official Go client ([Connect]
// negotiates the API version and honours $DOCKER_HOST) and reads the
// host's /proc; it never runs anything inside a container. It works in
// order of volatility (RFC 3227): the engine's identity, the processes
// (docker top, then /proc/<pid>/ of every container process, including
// the bytes of a program deleted from disk, read through
// /proc/<pid>/exe), container and image metadata, networks, mounts and
// volumes, the host's container list, file system changes, logs, the
// exported file system and the saved image with its history. --pause
// freezes the containers for the duration and always thaws them.
//
// # Bundle
//
// A [Bundle] is a directory with one folder per container. Each artifact
// is hashed with SHA-256 as it is written (one pass, no re-read) and
// described in manifest.json ([Manifest]: path, size, hash, source API
// call or /proc path, UTC times, tool version, host, operator, case).
// SHA256SUMS is accepted by "sha256sum -c". custody.log ([CustodyLog]) is
// append-only and hash-chained, and its last line seals the hashes of the
// manifest and of SHA256SUMS. Everything is made read-only at the end.
// [Verify] re-hashes a bundle and reports changed, missing and extra
// files and any disagreement between the manifest, SHA256SUMS and the
// custody log.
//
// # Audit
//
// [Audit] is a pure function from an inspect document (and what the host
// enforces, [HostSecurity]) to rated [Finding]s: privileged, runtime
// sockets and sensitive host paths mounted, dangerous capabilities, host
// namespaces, credentials in the environment, root, missing confinement
// and limits. [AuditContainers] applies it to containers of an engine.
//
// Not here: memory acquisition (CRIU checkpoints, /proc/<pid>/mem),
// containerd or Kubernetes runtimes, and analysis of the collected files.
package forensics
