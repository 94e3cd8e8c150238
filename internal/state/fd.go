package state

import (
	"net/netip"

	"peregrine/internal/event"
)

// FD is an open file descriptor.
type FD struct {
	Num  int64
	Type event.FDType // file, directory, IPv4/IPv6 socket, unix socket, pipe, ...
	// Name is what fd.name shows: the path of a file, directory or unix
	// socket, the "cip:cport->sip:sport" tuple of a connected IP socket
	// ("ip:port" while only bound or listening), the pipe's inode for a
	// pipe, the memfd's name, and so on. "" when unknown.
	Name      string
	OpenFlags uint32 // PPM_O_* flags of open*, creat
	Dev       uint32
	Ino       uint64

	// IP sockets. The client and server ends: for a socket that
	// connected, the client is the local end; for one that accepted, the
	// server is. Role says which end is local.
	L4Proto    uint8 // event.L4TCP, L4UDP, ...
	ClientIP   netip.Addr
	ServerIP   netip.Addr
	ClientPort uint16
	ServerPort uint16
	Role       SockRole

	// Unix sockets: the kernel addresses of the two ends.
	UnixSource, UnixDest uint64

	// Flags record how the descriptor came to be and what happened to it.
	Flags FDFlags
}

// SockRole says which end of a connection an IP socket is.
type SockRole uint8

// Socket roles.
const (
	RoleNone   SockRole = iota // not known (not connected, or not a socket)
	RoleClient                 // the local end connected: fd.is_server is false
	RoleServer                 // the local end accepted or listens: fd.is_server is true
)

// FDFlags are properties of a descriptor.
type FDFlags uint8

// FD flags.
const (
	Connected   FDFlags = 1 << iota // a socket that connected or accepted (fd.connected)
	NameChanged                     // the name changed during the event (fd.name_changed)
	UpperLayer                      // a file on an overlayfs upper layer
	LowerLayer                      // a file on an overlayfs lower layer
)

// FDTable is the descriptor table of a process.
type FDTable struct {
	fds map[int64]*FD
}

// NewFDTable returns an empty table.
func NewFDTable() *FDTable { return &FDTable{fds: map[int64]*FD{}} }

// Get returns descriptor n, or nil.
func (t *FDTable) Get(n int64) *FD { return t.fds[n] }

// Len returns the number of open descriptors.
func (t *FDTable) Len() int { return len(t.fds) }

// Each calls f for each descriptor, in no particular order, until f
// returns false.
func (t *FDTable) Each(f func(*FD) bool) {
	for _, fd := range t.fds {
		if !f(fd) {
			return
		}
	}
}
