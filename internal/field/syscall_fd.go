package field

import "peregrine/internal/event"

// Flags of the fd fields that match either end of a connection (fd.ip,
// fd.port, fd.net ...): they have no single value to print or compare with.
const eitherEndFlags = FilterOnly | NoRHS | NoTransformer

// fdFields are the file descriptor fields of the syscall source: the fd the
// event acts on (libsinsp's fd class).
var fdFields = []Field{
	{Name: "fd.num", Type: event.PTInt64, Desc: "Number of the file descriptor the event acts on."},
	{Name: "fd.type", Type: event.PTCharbuf, Desc: "Kind of the descriptor, such as file, directory, ipv4 or ipv6 (sockets), unix, pipe, memfd or eventpoll."},
	{Name: "fd.typechar", Type: event.PTCharbuf, Desc: "Kind of the descriptor as one letter, as sysdig prints it: f file, 4 and 6 IP sockets, u unix socket, p pipe and so on."},
	{Name: "fd.name", Type: event.PTCharbuf, Desc: "Full name of the descriptor: the absolute path of a file, or the address tuple of a socket."},
	{Name: "fd.directory", Type: event.PTCharbuf, Desc: "For a file, the directory part of its path."},
	{Name: "fd.filename", Type: event.PTCharbuf, Desc: "For a file, the last component of its path."},
	{Name: "fd.ip", Type: event.PTIPAddr, Flags: eitherEndFlags, Desc: "Matches when either end of the socket has the given IP address; conditions only."},
	{Name: "fd.cip", Type: event.PTIPAddr, Desc: "IP address of the client end of the socket."},
	{Name: "fd.sip", Type: event.PTIPAddr, Desc: "IP address of the server end of the socket."},
	{Name: "fd.lip", Type: event.PTIPAddr, Desc: "IP address of the local end of the socket."},
	{Name: "fd.rip", Type: event.PTIPAddr, Desc: "IP address of the remote end of the socket."},
	{Name: "fd.port", Type: event.PTPort, Flags: eitherEndFlags, Desc: "Matches when either end of a TCP or UDP socket has the given port; conditions only."},
	{Name: "fd.cport", Type: event.PTPort, Desc: "Port of the client end of a TCP or UDP socket."},
	{Name: "fd.sport", Type: event.PTPort, Desc: "Port of the server end of a TCP or UDP socket."},
	{Name: "fd.lport", Type: event.PTPort, Desc: "Port of the local end of a TCP or UDP socket."},
	{Name: "fd.rport", Type: event.PTPort, Desc: "Port of the remote end of a TCP or UDP socket."},
	{Name: "fd.l4proto", Type: event.PTCharbuf, Desc: "Transport protocol of the socket: tcp, udp, icmp or raw."},
	{Name: "fd.sockfamily", Type: event.PTCharbuf, Desc: "Family of the socket: ip or unix."},
	{Name: "fd.is_server", Type: event.PTBool, Desc: "Whether the process holding the descriptor is the server side of the connection."},
	{Name: "fd.uid", Type: event.PTCharbuf, Desc: "Identifier of the descriptor unique on the host, made of the thread id and the fd number."},
	{Name: "fd.containername", Type: event.PTCharbuf, Desc: "Container id joined to the descriptor name, to tell the same path in different containers apart."},
	{Name: "fd.containerdirectory", Type: event.PTCharbuf, Desc: "Container id joined to the directory of the file."},
	{Name: "fd.proto", Type: event.PTPort, Flags: eitherEndFlags, Desc: "Matches when either end of the socket uses the given application protocol; conditions only."},
	{Name: "fd.cproto", Type: event.PTCharbuf, Desc: "Application protocol name of the client port of a TCP or UDP socket."},
	{Name: "fd.sproto", Type: event.PTCharbuf, Desc: "Application protocol name of the server port (http, ssh ...) of a TCP or UDP socket."},
	{Name: "fd.lproto", Type: event.PTCharbuf, Desc: "Application protocol name of the local port of a TCP or UDP socket."},
	{Name: "fd.rproto", Type: event.PTCharbuf, Desc: "Application protocol name of the remote port of a TCP or UDP socket."},
	{Name: "fd.net", Type: event.PTIPNet, Flags: eitherEndFlags, Desc: "Matches when either end of the socket lies in the given network, written in CIDR form; conditions only."},
	{Name: "fd.cnet", Type: event.PTIPNet, Flags: eitherEndFlags, Desc: "Matches when the client address lies in the given CIDR network; conditions only."},
	{Name: "fd.snet", Type: event.PTIPNet, Flags: eitherEndFlags, Desc: "Matches when the server address lies in the given CIDR network; conditions only."},
	{Name: "fd.lnet", Type: event.PTIPNet, Flags: eitherEndFlags, Desc: "Matches when the local address lies in the given CIDR network; conditions only."},
	{Name: "fd.rnet", Type: event.PTIPNet, Flags: eitherEndFlags, Desc: "Matches when the remote address lies in the given CIDR network; conditions only."},
	{Name: "fd.connected", Type: event.PTBool, Desc: "For a TCP or UDP socket, whether it is connected."},
	{Name: "fd.name_changed", Type: event.PTBool, Desc: "Whether this event changed the name of its descriptor, as when a UDP socket's tuple changes on a send."},
	{Name: "fd.cip.name", Type: event.PTCharbuf, Flags: NoRHS | NoTransformer, Desc: "Domain name of the client address, matched against names the engine resolves in advance."},
	{Name: "fd.sip.name", Type: event.PTCharbuf, Flags: NoRHS | NoTransformer, Desc: "Domain name of the server address, matched against names the engine resolves in advance."},
	{Name: "fd.lip.name", Type: event.PTCharbuf, Flags: NoRHS | NoTransformer, Desc: "Domain name of the local address, matched against names the engine resolves in advance."},
	{Name: "fd.rip.name", Type: event.PTCharbuf, Flags: NoRHS | NoTransformer, Desc: "Domain name of the remote address, matched against names the engine resolves in advance."},
	{Name: "fd.dev", Type: event.PTInt32, Desc: "Device number (major and minor together) of the file system holding the file."},
	{Name: "fd.dev.major", Type: event.PTInt32, Desc: "Major device number of the file system holding the file."},
	{Name: "fd.dev.minor", Type: event.PTInt32, Desc: "Minor device number of the file system holding the file."},
	{Name: "fd.ino", Type: event.PTInt64, Desc: "Inode number of the file."},
	{Name: "fd.nameraw", Type: event.PTCharbuf, Desc: "For a file, the path as the program passed it, lightly cleaned and not made absolute."},
	{Name: "fd.types", Type: event.PTCharbuf, List: true, Arg: ArgOptional, Flags: NoRHS, Desc: "Kinds of all descriptors the process has open, as a list; fd.types[N] gives the kind of descriptor N alone."},
	{Name: "fd.is_upper_layer", Type: event.PTBool, Desc: "Whether the file lives in the writable upper layer of an overlay filesystem."},
	{Name: "fd.is_lower_layer", Type: event.PTBool, Desc: "Whether the file comes from a read-only lower layer of an overlay filesystem."},
}

// fsPathFields give the paths a file system call works on, whether or not
// it opens a descriptor (libsinsp's fs.path class).
var fsPathFields = []Field{
	{Name: "fs.path.name", Type: event.PTCharbuf, Desc: "Path a file system call acts on, made absolute with the thread's working directory."},
	{Name: "fs.path.nameraw", Type: event.PTCharbuf, Desc: "Path a file system call acts on, exactly as passed, possibly relative."},
	{Name: "fs.path.source", Type: event.PTCharbuf, Desc: "For calls with two paths (rename, link ...), the source path made absolute."},
	{Name: "fs.path.sourceraw", Type: event.PTCharbuf, Desc: "For calls with two paths, the source path as passed."},
	{Name: "fs.path.target", Type: event.PTCharbuf, Desc: "For calls with two paths (rename, link ...), the target path made absolute."},
	{Name: "fs.path.targetraw", Type: event.PTCharbuf, Desc: "For calls with two paths, the target path as passed."},
}

// fdListFields describe the descriptor sets of poll-like events (libsinsp's
// fdlist class).
var fdListFields = []Field{
	{Name: "fdlist.nums", Type: event.PTCharbuf, Desc: "Numbers of the descriptors a poll call waits on, separated by commas."},
	{Name: "fdlist.names", Type: event.PTCharbuf, Desc: "Names of the descriptors a poll call waits on, separated by commas."},
	{Name: "fdlist.cips", Type: event.PTCharbuf, Desc: "Client IP addresses of the sockets a poll call waits on, separated by commas."},
	{Name: "fdlist.sips", Type: event.PTCharbuf, Desc: "Server IP addresses of the sockets a poll call waits on, separated by commas."},
	{Name: "fdlist.cports", Type: event.PTCharbuf, Desc: "Client ports of the TCP and UDP sockets a poll call waits on, separated by commas."},
	{Name: "fdlist.sports", Type: event.PTCharbuf, Desc: "Server ports of the TCP and UDP sockets a poll call waits on, separated by commas."},
}
