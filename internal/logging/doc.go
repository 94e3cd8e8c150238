// Package logging builds the agent's own logger (log/slog): text lines on
// standard error and/or messages to the local syslog daemon, filtered by a
// level named as Falco names them (log_level: emergency, alert, critical,
// error, warning, notice, info, debug).
//
// These are the agent's operational logs (start-up, reloads, output
// failures), not alerts: alerts go through package output.
//
// Syslog messages go to a unix socket (/dev/log unless told otherwise),
// datagram or stream, in the RFC 3164 form local daemons read:
// "<PRI>Mmm dd hh:mm:ss peregrine[pid]: message key=value ...", facility
// daemon, severity from the record's level. A daemon that restarts is
// reconnected to on the next message.
package logging
