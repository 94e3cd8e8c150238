// Package metrics exports the agent's counters in the Prometheus format.
//
// The package does not know the engine. Whoever runs the agent fills a
// plain [Snapshot] (events, kernel counters, state, rule matches, alerts,
// outputs, reloads) and hands [New] a function that returns a fresh one;
// every scrape calls it once and turns the result into metrics. The
// agent's own CPU and memory come from /proc/self, the host's from /proc
// (under [Options].HostRoot).
//
// Metric names follow Falco's where Falco has the same quantity
// (falcosecurity_falco_*, falcosecurity_scap_*, falcosecurity_evt_*, as
// Falco 0.40 and later print them), so dashboards and alerts written for
// Falco keep working; quantities Falco does not export are named
// peregrine_*. The client library's process_* and go_* collectors are
// registered too. Everything lives in a private [prometheus.Registry]:
// nothing is registered globally.
//
// The package is not an alerting path: it reads counters, it never
// raises alerts, and a scrape never blocks the event loop for longer than
// the snapshot function takes.
package metrics
