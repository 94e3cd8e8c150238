// Package k8saudit is the k8s_audit event source: Kubernetes API server
// audit events (audit.k8s.io/v1 Event), one JSON document each, as the
// API server's log backend writes them (JSON lines) and its webhook
// backend posts them (EventList batches). It gives the ka.* fields of
// Falco's k8saudit plugin over the document, read with gjson paths
// compiled once per field (no document is decoded whole), and plugs into
// the generic document source of package docsrc: [Def] is the whole of
// what it adds.
//
// Values follow the plugin: every value is text; a JSON string gives its
// text, any other JSON value (number, boolean, object, array) its JSON
// text; a missing key gives no value (<NA> in outputs).
package k8saudit
