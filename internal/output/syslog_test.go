package output

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"peregrine/internal/alert"
)

// syslogMsg is a syslog message taken apart by the test's own parser.
type syslogMsg struct {
	pri  int
	ts   time.Time
	host string // "" when the message has none
	app  string
	pid  string
	msg  string
}

var (
	// <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
	re5424 = regexp.MustCompile(`(?s)^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) (.*)$`)
	// <PRI>Mmm dd hh:mm:ss [HOSTNAME ]TAG[PID]: MSG
	re3164 = regexp.MustCompile(`(?s)^<(\d{1,3})>([A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d) (\S+) ([^\s\[]+)\[(\d+)\]: (.*)$`)
	// <PRI>Mmm dd hh:mm:ss TAG[PID]: MSG (syslog(3) to the local daemon)
	re3164Local = regexp.MustCompile(`(?s)^<(\d{1,3})>([A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d) ([^\s\[]+)\[(\d+)\]: (.*)$`)
)

// parseSyslog checks the syntax of one message; withHost says whether an
// RFC 3164 message carries a HOSTNAME.
func parseSyslog(s string, proto SyslogProtocol, withHost bool) (syslogMsg, error) {
	var m syslogMsg
	var err error
	if proto == RFC5424 {
		g := re5424.FindStringSubmatch(s)
		if g == nil {
			return m, fmt.Errorf("not RFC 5424: %q", s)
		}
		m.pri, _ = strconv.Atoi(g[1])
		if m.ts, err = time.Parse(time.RFC3339Nano, g[2]); err != nil {
			return m, err
		}
		m.host, m.app, m.pid, m.msg = g[3], g[4], g[5], g[8]
		if g[6] != "-" || g[7] != "-" {
			return m, fmt.Errorf("MSGID %q, SD %q, want none", g[6], g[7])
		}
		return m, nil
	}
	if withHost {
		g := re3164.FindStringSubmatch(s)
		if g == nil {
			return m, fmt.Errorf("not RFC 3164 with a host: %q", s)
		}
		m.pri, _ = strconv.Atoi(g[1])
		m.ts, err = time.ParseInLocation(time.Stamp, g[2], time.Local)
		m.host, m.app, m.pid, m.msg = g[3], g[4], g[5], g[6]
		return m, err
	}
	g := re3164Local.FindStringSubmatch(s)
	if g == nil {
		return m, fmt.Errorf("not RFC 3164 without a host: %q", s)
	}
	m.pri, _ = strconv.Atoi(g[1])
	m.ts, err = time.ParseInLocation(time.Stamp, g[2], time.Local)
	m.app, m.pid, m.msg = g[3], g[4], g[5]
	return m, err
}

// syslogServer is a syslog daemon for one network: it collects raw
// messages, unframed.
type syslogServer struct {
	network, addr string
	msgs          chan string
	close         func()
}

func startSyslogServer(t *testing.T, network string) *syslogServer {
	s := &syslogServer{network: network, msgs: make(chan string, 100)}
	switch network {
	case "unixgram", "udp":
		addr := filepath.Join(t.TempDir(), "log")
		if network == "udp" {
			addr = "127.0.0.1:0"
		}
		c, err := net.ListenPacket(network, addr)
		if err != nil {
			t.Fatal(err)
		}
		s.addr, s.close = c.LocalAddr().String(), func() { c.Close() }
		go func() {
			buf := make([]byte, 1<<16)
			for {
				n, _, err := c.ReadFrom(buf)
				if err != nil {
					return
				}
				s.msgs <- string(buf[:n])
			}
		}()
	case "unix", "tcp", "tcp-newline":
		n, addr := "unix", filepath.Join(t.TempDir(), "log")
		if network != "unix" {
			n, addr = "tcp", "127.0.0.1:0"
		}
		l, err := net.Listen(n, addr)
		if err != nil {
			t.Fatal(err)
		}
		s.addr, s.close = l.Addr().String(), func() { l.Close() }
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go s.readStream(c, network == "tcp")
			}
		}()
	}
	t.Cleanup(s.close)
	return s
}

// readStream splits a stream into messages: octet counting (RFC 6587
// §3.4.1) or one message per line.
func (s *syslogServer) readStream(c net.Conn, octets bool) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		if !octets {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			s.msgs <- strings.TrimSuffix(line, "\n")
			continue
		}
		lenText, err := r.ReadString(' ')
		if err != nil {
			return
		}
		n, err := strconv.Atoi(strings.TrimSuffix(lenText, " "))
		if err != nil {
			s.msgs <- "bad frame length " + lenText
			return
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(r, msg); err != nil {
			return
		}
		s.msgs <- string(msg)
	}
}

func (s *syslogServer) next(t *testing.T) string {
	t.Helper()
	select {
	case m := <-s.msgs:
		return m
	case <-time.After(20 * time.Second):
		t.Fatal("no syslog message")
		return ""
	}
}

// TestSyslogMessages sends alerts of every priority to syslog servers of
// each kind and parses what they receive.
func TestSyslogMessages(t *testing.T) {
	tests := []struct {
		server   string // network of the server
		network  string // of the sink: "" is the local daemon
		proto    SyslogProtocol
		facility Facility
		json     bool
		withHost bool
	}{
		{server: "unixgram", network: "", proto: 0, withHost: false}, // syslog(3)'s form
		{server: "unixgram", network: "", proto: RFC5424, facility: FacilityLocal3, withHost: true},
		{server: "unix", network: "", proto: RFC3164, facility: FacilityDaemon, json: true},
		{server: "unix", network: "unix", proto: RFC5424, withHost: true},
		{server: "udp", network: "udp", proto: RFC3164, facility: FacilityAuthPriv, withHost: true},
		{server: "udp", network: "udp", proto: 0, facility: FacilityLocal7, withHost: true}, // RFC 5424
		{server: "tcp", network: "tcp", proto: RFC5424, facility: FacilityLocal0, json: true, withHost: true},
		{server: "tcp-newline", network: "tcp", proto: RFC3164, withHost: true},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%s/%s/%v/json=%v", tc.server, tc.network, tc.proto, tc.json)
		t.Run(name, func(t *testing.T) {
			srv := startSyslogServer(t, tc.server)
			s, err := NewSyslog(SyslogOptions{Network: tc.network, Address: srv.addr, Protocol: tc.proto,
				Facility: tc.facility, NewlineFraming: tc.server == "tcp-newline",
				Format: Format{JSON: tc.json, JSONOptions: alert.DefaultJSON()}})
			if err != nil {
				t.Fatal(err)
			}
			o := New(Options{DropReportInterval: -1}, s)
			proto := tc.proto
			if proto == 0 {
				proto = RFC3164
				if tc.network != "" && tc.network != "unix" && tc.network != "unixgram" {
					proto = RFC5424
				}
			}
			fac := tc.facility
			if fac == 0 {
				fac = FacilityUser
			}
			for i := range 8 { // every priority, emergency to debug
				a := testAlert(i)
				a.Output += "\n" // a trailing newline is not part of the message
				o.Send(a)
				raw := srv.next(t)
				m, err := parseSyslog(raw, proto, tc.withHost)
				if err != nil {
					t.Fatal(err)
				}
				if want := int(fac)*8 + i; m.pri != want {
					t.Errorf("PRI %d, want %d (facility %v, severity %d)", m.pri, want, fac, i)
				}
				if d := time.Since(m.ts); proto == RFC5424 && (d < -time.Hour || d > time.Hour) {
					t.Errorf("timestamp %v is not now", m.ts)
				}
				if proto == RFC3164 && (m.ts.Month() != time.Now().Month() || m.ts.Day() != time.Now().Day()) {
					t.Errorf("timestamp %v is not today", m.ts)
				}
				wantHost := ""
				if tc.withHost {
					wantHost = "testhost"
				}
				if m.host != wantHost || m.app != "peregrine" || m.pid != strconv.Itoa(os.Getpid()) {
					t.Errorf("host %q, app %q, pid %q; want %q, peregrine, %d", m.host, m.app, m.pid, wantHost, os.Getpid())
				}
				if tc.json {
					var j struct{ Rule, Output string }
					if err := json.Unmarshal([]byte(m.msg), &j); err != nil || j.Rule != a.Rule {
						t.Errorf("message %q: want the alert's JSON (%v)", m.msg, err)
					}
				} else if want := strings.TrimSuffix(a.Output, "\n"); m.msg != want {
					t.Errorf("message %q, want %q", m.msg, want)
				}
			}
			if err := o.Close(closeCtx(t)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSyslogReconnect: the daemon restarts between two alerts; the sink
// connects again and loses nothing.
func TestSyslogReconnect(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	listen := func() net.PacketConn {
		c, err := net.ListenPacket("unixgram", path)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	read := func(c net.PacketConn) string {
		buf := make([]byte, 4096)
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		return string(buf[:n])
	}
	c := listen()
	s, err := NewSyslog(SyslogOptions{Address: path})
	if err != nil {
		t.Fatal(err)
	}
	o := New(Options{DropReportInterval: -1}, s)
	o.Send(testAlert(1))
	if m := read(c); alertIndex(m) != 1 {
		t.Fatalf("got %q", m)
	}
	c.Close()
	os.Remove(path)
	c = listen()
	defer c.Close()
	o.Send(testAlert(2))
	if m := read(c); alertIndex(m) != 2 {
		t.Fatalf("got %q after the restart", m)
	}
	if err := o.Close(closeCtx(t)); err != nil {
		t.Fatal(err)
	}
	if st := o.Stats()[0]; st.Sent != 2 || st.Lost() != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestNewSyslogErrors(t *testing.T) {
	tests := []struct {
		o    SyslogOptions
		want string
	}{
		{SyslogOptions{Network: "sctp", Address: "h:1"}, `syslog output: unknown network "sctp"`},
		{SyslogOptions{Network: "udp"}, "syslog output: network udp needs an address"},
		{SyslogOptions{Network: "tcp", Address: "h:99999"}, `syslog output: address "h:99999": want host:port`},
		{SyslogOptions{Network: "tcp", Address: ":514"}, `syslog output: address ":514": want host:port`},
		{SyslogOptions{Network: "unix"}, "syslog output: network unix needs a socket path"},
		{SyslogOptions{Facility: 12}, "syslog output: unknown facility 12"},
		{SyslogOptions{Protocol: 9}, "syslog output: unknown protocol 9"},
	}
	for _, tc := range tests {
		_, err := NewSyslog(tc.o)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("NewSyslog(%+v): %v, want %q", tc.o, err, tc.want)
		}
	}
	s, err := NewSyslog(SyslogOptions{Network: "udp", Address: "loghost"})
	if err != nil || s.addrs[0] != "loghost:514" {
		t.Errorf("default port: %v %v", s, err)
	}
}

func TestParseFacility(t *testing.T) {
	for name, want := range map[string]Facility{"user": 1, "DAEMON": 3, "authpriv": 10, "local0": 16, "local7": 23} {
		f, err := ParseFacility(name)
		if err != nil || f != want {
			t.Errorf("ParseFacility(%q) = %v, %v; want %d", name, f, err, want)
		}
		if !strings.EqualFold(f.String(), name) {
			t.Errorf("%d.String() = %q", f, f.String())
		}
	}
	for _, bad := range []string{"", "kern", "local8", "ntp"} {
		if _, err := ParseFacility(bad); err == nil {
			t.Errorf("ParseFacility(%q): no error", bad)
		}
	}
}
