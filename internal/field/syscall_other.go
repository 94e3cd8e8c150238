package field

import "peregrine/internal/event"

// The syscall source's fields left out of this catalog, on purpose:
//
//   - syslog.facility, syslog.facility.str, syslog.severity,
//     syslog.severity.str and syslog.message: libsinsp's syslog class was
//     listed up to Falco 0.40 and is gone from 0.42 on (libs no longer
//     builds it), so Falco 0.44 rejects rules that use them.
//   - span.* (sysdig tracers): in no Falco release we follow.

// userFields describe the user the thread runs as (libsinsp's user class).
var userFields = []Field{
	{Name: "user.uid", Type: event.PTUint32, Desc: "Effective user id of the thread."},
	{Name: "user.name", Type: event.PTCharbuf, Desc: "Name of the effective user, looked up in the user database of the host or container."},
	{Name: "user.homedir", Type: event.PTCharbuf, Desc: "Home directory of the effective user."},
	{Name: "user.shell", Type: event.PTCharbuf, Desc: "Login shell of the effective user."},
	{Name: "user.loginuid", Type: event.PTInt64, Desc: "Audit login user id (auid) the session started with; -1 when unset."},
	{Name: "user.loginname", Type: event.PTCharbuf, Desc: "Name of the audit login user (auid)."},
}

// groupFields describe the group the thread runs as (libsinsp's group
// class).
var groupFields = []Field{
	{Name: "group.gid", Type: event.PTUint32, Desc: "Effective group id of the thread."},
	{Name: "group.name", Type: event.PTCharbuf, Desc: "Name of the effective group."},
}
