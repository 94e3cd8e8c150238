package output

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"peregrine/internal/alert"
)

// SyslogOptions configure a [Syslog] sink (Falco's syslog_output, and
// more: Falco only has syslog(3)).
type SyslogOptions struct {
	Name string // default "syslog"
	// Network is "" for the local daemon, or "unixgram", "unix", "udp"
	// or "tcp" (udp4, tcp6 ... too).
	Network string
	// Address is the socket path (local: default /dev/log, else
	// /var/run/syslog, /var/run/log) or host:port (port 514 when left
	// out).
	Address string
	Format  Format
	// Protocol is the message format: default RFC3164 for the local
	// daemon (what syslog(3) sends), RFC5424 for a remote one.
	Protocol SyslogProtocol
	Facility Facility // default user
	Tag      string   // the program name (APP-NAME), default "peregrine"
	// Hostname in the messages: default the alert's, else this host's.
	Hostname string
	// NewlineFraming ends each message with a newline on TCP instead of
	// the default octet counting ("LEN MSG", RFC 6587 §3.4.1), which
	// keeps messages whole whatever they contain. Unix stream sockets
	// always end messages with a newline; datagrams need no framing.
	NewlineFraming bool
	// DialTimeout and WriteTimeout bound a connection and one write
	// (default 5 s each).
	DialTimeout, WriteTimeout time.Duration
}

// localSyslog are the sockets tried for the local daemon.
var localSyslog = [...]string{"/dev/log", "/var/run/syslog", "/var/run/log"}

// Syslog sends one syslog message per alert, with the alert's priority as
// the severity. A connection that fails is dialled again once for the
// same alert; after that the alert fails and the next one dials anew.
type Syslog struct {
	name     string
	network  string
	addrs    []string
	hdr      header
	fm       *formatter
	host     string // fixed host name, or "" for the alert's
	thisHost string // when the alert has none
	omitHost bool   // RFC 3164 to the local daemon
	octets   bool   // frame TCP with octet counting, else with "\n"
	dialTO   time.Duration
	writeTO  time.Duration

	conn   net.Conn
	stream bool // conn is a stream
	line   []byte
	msg    []byte
	frame  []byte
}

// NewSyslog checks o and returns a [Syslog] sink. It connects on the
// first alert, so a daemon that starts later is fine.
func NewSyslog(o SyslogOptions) (*Syslog, error) {
	if o.Name == "" {
		o.Name = "syslog"
	}
	s := &Syslog{name: o.Name, network: o.Network, fm: newFormatter(o.Format), host: o.Hostname,
		dialTO: o.DialTimeout, writeTO: o.WriteTimeout}
	if s.dialTO <= 0 {
		s.dialTO = 5 * time.Second
	}
	if s.writeTO <= 0 {
		s.writeTO = 5 * time.Second
	}
	local := false
	switch o.Network {
	case "":
		local = true
		if o.Address != "" {
			s.addrs = []string{o.Address}
		} else {
			s.addrs = localSyslog[:]
		}
	case "unix", "unixgram":
		local = true
		if o.Address == "" {
			return nil, fmt.Errorf("syslog output: network %s needs a socket path", o.Network)
		}
		s.addrs = []string{o.Address}
	case "udp", "udp4", "udp6", "tcp", "tcp4", "tcp6":
		if o.Address == "" {
			return nil, fmt.Errorf("syslog output: network %s needs an address (host:port)", o.Network)
		}
		addr := o.Address
		if _, _, err := net.SplitHostPort(addr); err != nil {
			addr = net.JoinHostPort(strings.Trim(addr, "[]"), "514")
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("syslog output: address %q: %w", o.Address, err)
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 || host == "" {
			return nil, fmt.Errorf("syslog output: address %q: want host:port", o.Address)
		}
		s.addrs = []string{addr}
		s.octets = strings.HasPrefix(o.Network, "tcp") && !o.NewlineFraming
	default:
		return nil, fmt.Errorf("syslog output: unknown network %q (want unixgram, unix, udp or tcp, or none for the local daemon)", o.Network)
	}
	proto := o.Protocol
	switch {
	case proto == 0 && local:
		proto = RFC3164
	case proto == 0:
		proto = RFC5424
	case proto != RFC3164 && proto != RFC5424:
		return nil, fmt.Errorf("syslog output: unknown protocol %d", proto)
	}
	if o.Facility != 0 && (o.Facility > FacilityLocal7 || facilityNames[o.Facility] == "") {
		return nil, fmt.Errorf("syslog output: unknown facility %d", o.Facility)
	}
	tag := o.Tag
	if tag == "" {
		tag = "peregrine"
	}
	s.hdr = header{proto: proto, facility: o.Facility, tag: cleanTag(tag), pid: strconv.Itoa(os.Getpid())}
	s.thisHost, _ = os.Hostname()
	s.omitHost = local && proto == RFC3164

	return s, nil
}

// Name implements [Sink].
func (s *Syslog) Name() string { return s.name }

// Write implements [Sink].
func (s *Syslog) Write(ctx context.Context, a *alert.Alert) error {
	s.line = s.fm.appendLine(s.line[:0], a)
	for len(s.line) > 0 && (s.line[len(s.line)-1] == '\n' || s.line[len(s.line)-1] == '\r') {
		s.line = s.line[:len(s.line)-1]
	}
	var host string
	if !s.omitHost {
		host = s.host
		if host == "" {
			host = a.Hostname
		}
		if host == "" {
			host = s.thisHost
		}
	}
	s.msg = s.hdr.appendMessage(s.msg[:0], a.Priority, time.Now(), host, s.line)
	err := s.send(ctx)
	if err != nil && ctx.Err() == nil {
		s.hangUp() // the daemon restarted, or a stale connection: once more
		err = s.send(ctx)
	}
	if err != nil {
		s.hangUp()
		return fmt.Errorf("syslog output: %w", err)
	}
	return nil
}

// send writes s.msg, framed, on the connection (dialled when needed).
func (s *Syslog) send(ctx context.Context) error {
	if s.conn == nil {
		if err := s.dial(ctx); err != nil {
			return err
		}
	}
	out := s.msg
	switch {
	case s.stream && s.octets:
		s.frame = strconv.AppendInt(s.frame[:0], int64(len(s.msg)), 10)
		s.frame = append(append(s.frame, ' '), s.msg...)
		out = s.frame
	case s.stream:
		s.frame = append(append(s.frame[:0], s.msg...), '\n')
		out = s.frame
	}
	s.conn.SetWriteDeadline(time.Now().Add(s.writeTO))
	stop := interruptWrites(ctx, s.conn)
	defer stop()
	_, err := s.conn.Write(out)
	return err
}

// dial connects; for the local daemon it tries each socket, as a datagram
// socket first and then as a stream.
func (s *Syslog) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: s.dialTO}
	var errs []error
	for _, addr := range s.addrs {
		nets := []string{s.network}
		if s.network == "" {
			nets = []string{"unixgram", "unix"}
		}
		for _, n := range nets {
			c, err := d.DialContext(ctx, n, addr)
			if err == nil {
				s.conn = c
				s.stream = n == "unix" || strings.HasPrefix(n, "tcp")
				return nil
			}
			errs = append(errs, err)
			if ctx.Err() != nil {
				return errors.Join(errs...)
			}
		}
	}
	return errors.Join(errs...)
}

func (s *Syslog) hangUp() {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// Reopen implements [Reopener]: the next alert connects anew.
func (s *Syslog) Reopen() error {
	s.hangUp()
	return nil
}

// Close implements [Sink].
func (s *Syslog) Close() error {
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}
