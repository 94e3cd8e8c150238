package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// The checks below describe what is wrong with a value, or return "".

// checkHTTPURL: empty, or an http:// or https:// URL with a host.
func checkHTTPURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("%q is not a URL: %v", s, unwrapURLError(err))
	}
	if sc := strings.ToLower(u.Scheme); sc != "http" && sc != "https" {
		return fmt.Sprintf("%q is not an http:// or https:// URL", s)
	}
	if u.Host == "" {
		return fmt.Sprintf("%q has no host", s)
	}
	return checkPort(s, u.Port())
}

// checkSyslogAddress: empty (the local daemon), unix:///path (or
// unixgram://), udp://host[:port] or tcp://host[:port].
func checkSyslogAddress(s string) string {
	if s == "" {
		return ""
	}
	const want = "want unix:///path, udp://host[:port] or tcp://host[:port]"
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("%q is not an address (%s): %v", s, want, unwrapURLError(err))
	}
	switch u.Scheme {
	case "unix", "unixgram":
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return fmt.Sprintf("%q: a socket path must be absolute, as in unix:///dev/log", s)
		}
	case "udp", "tcp":
		if u.Hostname() == "" {
			return fmt.Sprintf("%q has no host", s)
		}
		if u.Path != "" && u.Path != "/" {
			return fmt.Sprintf("%q: a %s address has no path", s, u.Scheme)
		}
		return checkPort(s, u.Port())
	default:
		return fmt.Sprintf("%q is not a syslog address (%s)", s, want)
	}
	return ""
}

// checkDockerHost: empty, unix:///path, or tcp://, http:// or https://
// with a host.
func checkDockerHost(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("%q is not an address: %v", s, unwrapURLError(err))
	}
	switch u.Scheme {
	case "unix":
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return fmt.Sprintf("%q: a socket path must be absolute, as in unix:///var/run/docker.sock", s)
		}
	case "tcp", "http", "https":
		if u.Hostname() == "" {
			return fmt.Sprintf("%q has no host", s)
		}
		return checkPort(s, u.Port())
	default:
		return fmt.Sprintf("%q is not a Docker Engine address (unix:///path or tcp://host:port)", s)
	}
	return ""
}

// checkPort: empty or 1 to 65535.
func checkPort(s, port string) string {
	if port == "" {
		return ""
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("%q: port %s is out of range (1 to 65535)", s, port)
	}
	return ""
}

// unwrapURLError drops the repetition of the URL that url.Error adds.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// checkIP: an IPv4 or IPv6 address (Falco checks listen_address so).
func checkIP(s string) string {
	if net.ParseIP(s) == nil {
		return fmt.Sprintf("%q is not an IP address", s)
	}
	return ""
}

// checkURLPath: a path starting with /.
func checkURLPath(s string) string {
	if !strings.HasPrefix(s, "/") {
		return fmt.Sprintf("%q does not start with /", s)
	}
	return ""
}

// facilities are the syslog facilities by name, with their numbers.
var facilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7,
	"uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

// Facility returns the number of a syslog facility name (syslog_output.
// facility), and whether the name is one.
func Facility(name string) (int, bool) {
	n, ok := facilities[name]
	return n, ok
}

// checkFacility: a facility name.
func checkFacility(s string) string {
	if _, ok := facilities[s]; !ok {
		return fmt.Sprintf("%q is not a syslog facility (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, local0 to local7)", s)
	}
	return ""
}

// checkSyslogTag: 1 to 48 printable ASCII characters without spaces (an
// RFC 5424 APP-NAME, which RFC 3164 daemons also take).
func checkSyslogTag(s string) string {
	if s == "" || len(s) > 48 {
		return fmt.Sprintf("%q: want 1 to 48 characters", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return fmt.Sprintf("%q: want printable ASCII without spaces", s)
		}
	}
	return ""
}

// checkHeader: an HTTP header name (a token) and a value without line
// breaks.
func checkHeader(name, value string) string {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c > '~' || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return fmt.Sprintf("%q is not a header name", name)
		}
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Sprintf("the value of %q has a line break", name)
	}
	return ""
}
