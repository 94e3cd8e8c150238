// Package psa evaluates Kubernetes manifests against the Pod Security
// Standards. That is its one job.
//
// Manifests (YAML or JSON, several documents per file, List objects as
// kubectl get -o yaml prints them, Helm-rendered output) are decoded into
// Namespaces and pod templates (Pod, Deployment, StatefulSet, DaemonSet,
// ReplicaSet, Job, CronJob, ReplicationController, PodTemplate). Each pod
// spec is judged by the official evaluator of k8s.io/pod-security-admission
// at the Baseline and Restricted levels, at the version a namespace label
// pins or the latest; the evaluator decides which checks run, their
// versions and overrides. Each check function is wrapped so that its result
// carries its check ID, and this package then points every failed check at
// the exact fields of the manifest that caused it, with a fix.
//
// Namespaces are read for their pod-security.kubernetes.io labels
// (enforce, audit, warn and their -version), which say whether admission
// would reject, audit or warn about a workload, and are themselves findings
// when they enforce nothing or less than required.
//
// Audit produces a Report; WriteText, WriteJSON and WriteSARIF render it.
// Plan computes the namespace labels that would enforce a level and the
// workloads that would then be rejected.
package psa
