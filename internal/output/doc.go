// Package output delivers alerts to sinks (standard output, a file,
// syslog, a program, an HTTP endpoint) through one bounded queue and one
// goroutine per sink, so that a slow or dead sink never blocks detection
// and never delays the other sinks.
//
// [Outputs] is the fan-out: [Outputs.Send] offers an alert to every
// sink's queue and returns at once; when a queue is full the alert is
// dropped for that sink alone and counted. Each sink's goroutine writes
// its queue in order. Every alert offered to a sink ends in exactly one
// counter of [SinkStats]: Sent, Dropped (queue full), Failed (the sink
// refused it after its retries) or Abandoned (still queued when
// [Outputs.Close] ran out of time), unless it is still queued. Drops and
// failures are reported: a warning in the log and an internal alert,
// [DropRule], sent through the sinks themselves at most once per
// [Options.DropReportInterval] and once more at Close. No loss is silent.
//
// The sinks, one file each, write Falco's formats ([Format]: the text
// line or Falco's JSON, with the json_include_* choices and static_fields):
//
//   - [Stdout]: any io.Writer, buffered, flushed after each alert or,
//     with buffered_outputs, whenever its queue runs empty.
//   - [File]: appends to a file created 0600, kept open or opened per
//     alert; [Outputs.Reopen] (SIGUSR1) reopens it after logrotate.
//   - [Syslog]: the local daemon over its unix socket (datagram, else
//     stream) or a remote one over UDP or TCP, RFC 3164 or RFC 5424, the
//     severity from the alert's priority.
//   - [Program]: feeds lines to `sh -c COMMAND`, one process kept alive
//     (restarted with backoff when it dies) or one process per alert.
//   - [HTTP]: POSTs Falco's JSON, so Falcosidekick and Falco's other
//     consumers accept it; TLS and mTLS, custom headers, gzip, retries
//     with exponential backoff on network errors, 5xx and 429.
//
// [Retry] is the backoff policy the HTTP sink uses; [Retrying] wraps any
// other sink in it.
//
// Not here: choosing sinks from the configuration file (the command does
// that), metrics (the web server reads [Outputs.Stats]), rate limiting
// (Falco removed its output rate limiter because it dropped alerts
// silently), gRPC output (removed from Falco in 0.44).
package output
