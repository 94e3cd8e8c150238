// Package server is the agent's web server: /healthz for liveness probes,
// /versions for tools that check compatibility (falcoctl asks Falco's
// /versions which rules it can run), /metrics for Prometheus, over HTTP or
// HTTPS, with room for more handlers (the Kubernetes audit webhook).
//
// It matches Falco's web server where a Falco user would look: the same
// default port (8765), the same health body, the same /versions keys for
// the rules engine, and TLS from one PEM file holding the certificate and
// its key (Falco's webserver.ssl_certificate), or from two files.
//
// The package serves what it is given: it knows neither the engine nor
// the metrics. Whoever runs the agent passes the metrics handler, the
// versions and a health check in [Config].
package server
