package field

import "peregrine/internal/event"

// evtFields are the fields every event has, whatever its source (libsinsp's
// generic event class).
var evtFields = []Field{
	{Name: "evt.num", Type: event.PTUint64, Desc: "Sequence number of the event in the stream, counting from 1."},
	{Name: "evt.time", Type: event.PTCharbuf, Desc: "Time of day of the event with nanoseconds, such as 17:35:48.514682170."},
	{Name: "evt.time.s", Type: event.PTCharbuf, Desc: "Time of day of the event to the second, such as 17:35:48."},
	{Name: "evt.time.iso8601", Type: event.PTCharbuf, Desc: "Date and time of the event in ISO 8601 form, in UTC and to the nanosecond."},
	{Name: "evt.datetime", Type: event.PTCharbuf, Desc: "Date and time of day of the event, with nanoseconds."},
	{Name: "evt.datetime.s", Type: event.PTCharbuf, Desc: "Date and time of day of the event, to the second."},
	{Name: "evt.rawtime", Type: event.PTAbsTime, Desc: "Time of the event as nanoseconds since the Unix epoch."},
	{Name: "evt.rawtime.s", Type: event.PTAbsTime, Desc: "Whole seconds of the event time since the Unix epoch."},
	{Name: "evt.rawtime.ns", Type: event.PTAbsTime, Desc: "Nanoseconds within the second of the event time."},
	{Name: "evt.reltime", Type: event.PTRelTime, Desc: "Nanoseconds elapsed between the first event of the capture and this one."},
	{Name: "evt.reltime.s", Type: event.PTRelTime, Desc: "Whole seconds elapsed since the first event of the capture."},
	{Name: "evt.reltime.ns", Type: event.PTRelTime, Desc: "Nanoseconds within the second of the time elapsed since the first event."},
	{Name: "evt.pluginname", Type: event.PTCharbuf, Desc: "For an event produced by a source plugin, the name of that plugin, if it is loaded."},
	{Name: "evt.plugininfo", Type: event.PTCharbuf, Desc: "For an event produced by a source plugin, the one-line summary that plugin renders for it."},
	{Name: "evt.source", Type: event.PTCharbuf, Desc: "Name of the event source the event came from, such as syscall or k8s_audit."},
	{Name: "evt.is_async", Type: event.PTBool, Desc: "Whether the event was injected asynchronously (metadata such as a new container) rather than captured."},
	{Name: "evt.asynctype", Type: event.PTCharbuf, Desc: "For an asynchronous event, its kind, for instance container."},
	{Name: "evt.hostname", Type: event.PTCharbuf, Desc: "Host name of the machine the engine runs on; an environment variable may override it."},
}

// evtSyscallFields are the event fields that only system call events have
// (libsinsp's syscall event class), including the deprecated ones Falco
// still accepts and the table-only ones it rejects in rules.
var evtSyscallFields = []Field{
	{Name: "evt.deltatime", Type: event.PTRelTime, Desc: "Nanoseconds since the previous event in the stream."},
	{Name: "evt.deltatime.s", Type: event.PTRelTime, Desc: "Whole seconds since the previous event in the stream."},
	{Name: "evt.deltatime.ns", Type: event.PTRelTime, Desc: "Nanoseconds within the second of the time since the previous event."},
	{Name: "evt.type", Type: event.PTCharbuf, Desc: "Name of the event, usually the system call it records (open, execve, connect ...)."},
	{Name: "evt.type.is", Type: event.PTUint32, Arg: ArgRequired, Flags: DotArg, Desc: "1 when the event has the type named after the dot (evt.type.is.open), else 0."},
	{Name: "syscall.type", Type: event.PTCharbuf, Desc: "For a system call event, the name of the system call; no value for scheduler switches and other internal events."},
	{Name: "evt.category", Type: event.PTCharbuf, Desc: "Broad category the event belongs to, such as file, net, memory or process."},
	{Name: "evt.cpu", Type: event.PTInt16, Desc: "Index of the processor the event was captured on."},
	{Name: "evt.args", Type: event.PTCharbuf, Desc: "Every parameter of the event rendered as text in one string, name=value pairs separated by spaces."},
	{Name: "evt.arg", Type: event.PTCharbuf, Arg: ArgRequired, Flags: DotArg, Desc: "One parameter rendered as text, chosen by name (evt.arg.fd) or by position (evt.arg[0]); fds and errors are resolved where possible."},
	{Name: "evt.rawarg", Type: event.PTDyn, Arg: ArgRequired, Flags: DotArg | NoRHS | NoTransformer, Desc: "One parameter with its own type, chosen by name and written evt.rawarg.NAME, so numbers compare as numbers."},
	{Name: "evt.info", Type: event.PTCharbuf, Desc: "Summary of the event; for system calls it is the same text as evt.args."},
	{Name: "evt.buffer", Type: event.PTBytebuf, Desc: "Data buffer of an I/O event such as read or sendto; search it with contains or bcontains."},
	{Name: "evt.buflen", Type: event.PTUint64, Desc: "Size in bytes of the data buffer of an I/O event."},
	{Name: "evt.res", Type: event.PTCharbuf, Desc: "Outcome of the call as text: SUCCESS, or the errno name such as ENOENT when it failed."},
	{Name: "evt.rawres", Type: event.PTInt64, Desc: "Return value of the call as a signed number, negative errno on failure."},
	{Name: "evt.failed", Type: event.PTBool, Desc: "Whether the call returned an error."},
	{Name: "evt.is_io", Type: event.PTBool, Desc: "Whether the event moves data through a file descriptor (read, write, send, recv and friends)."},
	{Name: "evt.is_io_read", Type: event.PTBool, Desc: "Whether the event reads data from a file descriptor."},
	{Name: "evt.is_io_write", Type: event.PTBool, Desc: "Whether the event writes data to a file descriptor."},
	{Name: "evt.io_dir", Type: event.PTCharbuf, Desc: "Direction of an I/O event: r when it reads, w when it writes."},
	{Name: "evt.is_wait", Type: event.PTBool, Desc: "Whether the call puts the thread to sleep until something happens (sleep, poll, select ...)."},
	{Name: "evt.is_syslog", Type: event.PTBool, Desc: "Whether the event writes to the syslog socket /dev/log."},
	{Name: "evt.count", Type: event.PTUint32, Desc: "Always 1; summing it counts events."},
	{Name: "evt.count.error", Type: event.PTUint32, Desc: "1 when the call failed, else 0; summing it counts errors."},
	{Name: "evt.count.error.file", Type: event.PTUint32, Desc: "1 when a file operation failed, else 0."},
	{Name: "evt.count.error.net", Type: event.PTUint32, Desc: "1 when a network operation failed, else 0."},
	{Name: "evt.count.error.memory", Type: event.PTUint32, Desc: "1 when a memory operation such as mmap or brk failed, else 0."},
	{Name: "evt.count.error.other", Type: event.PTUint32, Desc: "1 when a call outside the file, network and memory groups failed, else 0."},
	{Name: "evt.count.exit", Type: event.PTUint32, Desc: "1 for an exit event, else 0."},
	{Name: "evt.around", Type: event.PTUint64, Arg: ArgRequired, Flags: FilterOnly | NoRHS | NoTransformer, Desc: "Matches events near a moment: evt.around[T]=D keeps events within D milliseconds of the time T in nanoseconds."},
	{Name: "evt.abspath", Type: event.PTCharbuf, Arg: ArgOptional, Flags: DotArg, Desc: "Absolute path built from a directory fd and a relative path (openat, renameat ...); evt.abspath.src and evt.abspath.dst pick one of two paths."},
	{Name: "evt.is_open_read", Type: event.PTBool, Desc: "Whether an open-family call opened the file for reading."},
	{Name: "evt.is_open_write", Type: event.PTBool, Desc: "Whether an open-family call opened the file for writing."},
	{Name: "evt.is_open_exec", Type: event.PTBool, Desc: "Whether an open-family or creat call created a file with an execute permission bit set."},
	{Name: "evt.is_open_create", Type: event.PTBool, Desc: "Whether an open-family call created the file it opened."},
	{Name: "evt.outputtime", Type: event.PTCharbuf, Flags: PrintOnly, Desc: "Event time in the format the output is configured with; only for output strings."},

	// Deprecated: libs computes nothing for them any more (the latencies
	// are always zero since events come as one exit event), but rules
	// that use them still load, with a warning.
	{Name: "evt.dir", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Direction of the event: > for a call entry, < for its exit; current drivers send only exits."},
	{Name: "evt.latency", Type: event.PTRelTime, Flags: Deprecated, Desc: "Time between a call's entry and exit in nanoseconds; always 0 now."},
	{Name: "evt.latency.s", Type: event.PTRelTime, Flags: Deprecated, Desc: "Whole seconds of the call latency; always 0 now."},
	{Name: "evt.latency.ns", Type: event.PTRelTime, Flags: Deprecated, Desc: "Nanoseconds within the second of the call latency; always 0 now."},
	{Name: "evt.latency.human", Type: event.PTCharbuf, Flags: Deprecated, Desc: "Call latency as readable text such as 10.3ms; always 0ns now."},
	{Name: "evt.latency.quantized", Type: event.PTUint64, Flags: TableOnly | Deprecated, Desc: "Base-10 logarithm of the call latency, for sysdig tables."},
	{Name: "evt.wait_latency", Type: event.PTRelTime, Flags: Deprecated, Desc: "Time a waiting call spent asleep, in nanoseconds; always 0 now."},

	// Table-only: sysdig's tables and charts use them; Falco rules cannot.
	{Name: "evt.count.procinfo", Type: event.PTUint32, Flags: TableOnly, Desc: "1 for a procinfo event of a main thread, for sysdig tables."},
	{Name: "evt.count.threadinfo", Type: event.PTUint32, Flags: TableOnly, Desc: "1 for any procinfo event, for sysdig tables."},
	{Name: "evt.buflen.in", Type: event.PTUint64, Flags: TableOnly, Desc: "Buffer size of an event that reads data, for sysdig tables."},
	{Name: "evt.buflen.out", Type: event.PTUint64, Flags: TableOnly, Desc: "Buffer size of an event that writes data, for sysdig tables."},
	{Name: "evt.buflen.file", Type: event.PTUint64, Flags: TableOnly, Desc: "Buffer size of a file I/O event, for sysdig tables."},
	{Name: "evt.buflen.file.in", Type: event.PTUint64, Flags: TableOnly, Desc: "Buffer size of a file read, for sysdig tables."},
	{Name: "evt.buflen.file.out", Type: event.PTUint64, Flags: TableOnly, Desc: "Buffer size of a file write, for sysdig tables."},
	{Name: "evt.buflen.net", Type: event.PTUint64, Flags: TableOnly, Desc: "Buffer size of a network I/O event, for sysdig tables."},
	{Name: "evt.buflen.net.in", Type: event.PTUint64, Flags: TableOnly, Desc: "Buffer size of a network receive, for sysdig tables."},
	{Name: "evt.buflen.net.out", Type: event.PTUint64, Flags: TableOnly, Desc: "Buffer size of a network send, for sysdig tables."},
	{Name: "evt.infra.docker.name", Type: event.PTCharbuf, Flags: TableOnly, Desc: "Name of a Docker infrastructure event, for sysdig tables."},
	{Name: "evt.infra.docker.container.id", Type: event.PTCharbuf, Flags: TableOnly, Desc: "Container id a Docker infrastructure event is about, for sysdig tables."},
	{Name: "evt.infra.docker.container.name", Type: event.PTCharbuf, Flags: TableOnly, Desc: "Container name a Docker infrastructure event is about, for sysdig tables."},
	{Name: "evt.infra.docker.container.image", Type: event.PTCharbuf, Flags: TableOnly, Desc: "Image of the container a Docker infrastructure event is about, for sysdig tables."},
}
