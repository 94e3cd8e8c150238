// Package output delivers alerts to sinks (stdout, file, syslog, program,
// HTTP) through bounded queues, counting every drop.
//
// Not implemented yet (issue [5]).
package output
