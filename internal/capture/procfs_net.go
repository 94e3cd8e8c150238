package capture

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"peregrine/internal/event"
)

// socketTable maps the socket inodes of one network namespace to what
// their descriptors list: type, addresses, ports, protocol, unix path.
type socketTable map[uint64]event.FD

// The socket tables of /proc/<pid>/net a scan reads, as libs reads them:
// IPv4 and IPv6 TCP, UDP and raw sockets, unix and netlink sockets.
var socketFiles = [...]struct {
	name  string
	kind  byte // '4', '6', 'u' (unix), 'n' (netlink)
	proto uint8
}{
	{"tcp", '4', event.L4TCP}, {"udp", '4', event.L4UDP}, {"raw", '4', event.L4Raw},
	{"unix", 'u', 0}, {"netlink", 'n', 0},
	{"tcp6", '6', event.L4TCP}, {"udp6", '6', event.L4UDP}, {"raw6", '6', event.L4Raw},
}

// maxSocketLine bounds one line of a socket table (a unix path is at most
// 108 bytes; the longest inet line is under 200).
const maxSocketLine = 4096

// readSockets reads the socket tables of the network namespace that
// netDir (a /proc/<pid>/net directory) shows. A table that does not exist
// (IPv6 disabled, say) is skipped; the first other error is returned with
// what could be read.
func readSockets(netDir string) (socketTable, error) {
	t := socketTable{}
	var first error
	for _, f := range socketFiles {
		err := t.readFile(netDir+"/"+f.name, f.kind, f.proto)
		if err != nil && !errors.Is(err, fs.ErrNotExist) && first == nil {
			first = err
		}
	}
	return t, first
}

func (t socketTable) readFile(path string, kind byte, proto uint8) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), maxSocketLine)
	header := true
	for sc.Scan() {
		if header {
			header = false
			continue
		}
		line := sc.Text()
		switch kind {
		case '4', '6':
			t.addInet(line, kind == '6', proto)
		case 'u':
			t.addUnix(line)
		case 'n':
			t.addNetlink(line)
		}
	}
	return sc.Err()
}

// addInet takes a tcp, udp or raw line: "sl: local remote st queues timer
// retransmits uid timeout inode ...". A socket without a remote address
// is a server socket (listening, or bound), as libs decides.
func (t socketTable) addInet(line string, v6 bool, proto uint8) {
	f := strings.Fields(line)
	if len(f) < 10 {
		return
	}
	ino, err := strconv.ParseUint(f[9], 10, 64)
	if err != nil || ino == 0 {
		return
	}
	sip, sport, ok1 := parseInetEndpoint(f[1], v6)
	dip, dport, ok2 := parseInetEndpoint(f[2], v6)
	if !ok1 || !ok2 {
		return
	}
	fd := event.FD{Ino: ino, L4Proto: proto}
	switch {
	case dip.IsUnspecified() && v6:
		fd.Type, fd.ServerIP, fd.ServerPort = event.FDIPv6ServSock, sip, sport
	case dip.IsUnspecified():
		fd.Type, fd.ServerIP, fd.ServerPort = event.FDIPv4ServSock, sip, sport
	case v6:
		fd.Type, fd.SIP, fd.SPort, fd.DIP, fd.DPort = event.FDIPv6Sock, sip, sport, dip, dport
	default:
		fd.Type, fd.SIP, fd.SPort, fd.DIP, fd.DPort = event.FDIPv4Sock, sip, sport, dip, dport
	}
	t[ino] = fd
}

// parseInetEndpoint parses "0100007F:1F90": the address as the kernel
// prints it (each 32-bit word in host byte order, in hex), then the port.
func parseInetEndpoint(s string, v6 bool) (netip.Addr, uint16, bool) {
	addr, port, ok := strings.Cut(s, ":")
	n := 8
	if v6 {
		n = 32
	}
	if !ok || len(addr) != n {
		return netip.Addr{}, 0, false
	}
	raw, err := hex.DecodeString(addr)
	if err != nil {
		return netip.Addr{}, 0, false
	}
	p, err := strconv.ParseUint(port, 16, 16)
	if err != nil {
		return netip.Addr{}, 0, false
	}
	var b [16]byte
	for i := 0; i < len(raw); i += 4 {
		// The kernel printed the word as a host-order number; put its
		// bytes back in memory (network) order.
		binary.NativeEndian.PutUint32(b[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	if !v6 {
		return netip.AddrFrom4([4]byte(b[:4])), uint16(p), true
	}
	return netip.AddrFrom16(b), uint16(p), true
}

// addUnix takes a line of the unix table: "Num: RefCount Protocol Flags
// Type St Inode [Path]". Num, the kernel address of the socket (hashed
// unless kptr_restrict allows it), becomes the source; the peer is not
// listed, so the destination stays 0, as in libs. The path runs to the end
// of the line (libs stops at its first space).
func (t socketTable) addUnix(line string) {
	rest := line
	var f [7]string
	for i := range f {
		rest = strings.TrimLeft(rest, " \t")
		end := strings.IndexAny(rest, " \t")
		if end < 0 {
			end = len(rest)
		}
		f[i], rest = rest[:end], rest[end:]
	}
	ino, err := strconv.ParseUint(f[6], 10, 64)
	if err != nil || ino == 0 {
		return
	}
	src, err := strconv.ParseUint(strings.TrimSuffix(f[0], ":"), 16, 64)
	if err != nil {
		return
	}
	path := strings.TrimSpace(rest)
	t[ino] = event.FD{Ino: ino, Type: event.FDUnixSock, UnixSource: src, Name: truncate(path, pathMax)}
}

// addNetlink takes a line of the netlink table: "sk Eth Pid Groups Rmem
// Wmem Dump Locks Drops Inode". libs lists these sockets as unix sockets
// without a path; they are netlink sockets, and are listed as such here.
func (t socketTable) addNetlink(line string) {
	f := strings.Fields(line)
	if len(f) < 10 {
		return
	}
	ino, err := strconv.ParseUint(f[9], 10, 64)
	if err != nil || ino == 0 {
		return
	}
	t[ino] = event.FD{Ino: ino, Type: event.FDNetlink}
}
