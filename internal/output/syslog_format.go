package output

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"peregrine/internal/alert"
)

// Facility is a syslog facility (RFC 5424 §6.2.1). The zero value stands
// for [FacilityUser], Falco's: the kernel's facility is not for programs.
type Facility uint8

// The facilities, with their codes.
const (
	FacilityUser     Facility = 1
	FacilityMail     Facility = 2
	FacilityDaemon   Facility = 3
	FacilityAuth     Facility = 4
	FacilitySyslog   Facility = 5
	FacilityLPR      Facility = 6
	FacilityNews     Facility = 7
	FacilityUUCP     Facility = 8
	FacilityCron     Facility = 9
	FacilityAuthPriv Facility = 10
	FacilityFTP      Facility = 11
	FacilityLocal0   Facility = 16
	FacilityLocal1   Facility = 17
	FacilityLocal2   Facility = 18
	FacilityLocal3   Facility = 19
	FacilityLocal4   Facility = 20
	FacilityLocal5   Facility = 21
	FacilityLocal6   Facility = 22
	FacilityLocal7   Facility = 23
)

// facilityNames holds the names syslog.conf uses, indexed by code; codes
// 12 to 15 (ntp, security, console, clock) are seldom named the same way
// and are not offered.
var facilityNames = [...]string{
	1: "user", 2: "mail", 3: "daemon", 4: "auth", 5: "syslog", 6: "lpr", 7: "news", 8: "uucp",
	9: "cron", 10: "authpriv", 11: "ftp",
	16: "local0", 17: "local1", 18: "local2", 19: "local3", 20: "local4", 21: "local5", 22: "local6", 23: "local7",
}

// ParseFacility reads a facility name as syslog.conf writes it: "user",
// "daemon", "auth", "authpriv", "local0" ... "local7" and the others of
// [Facility], case-insensitively.
func ParseFacility(s string) (Facility, error) {
	for i, n := range facilityNames {
		if n != "" && strings.EqualFold(s, n) {
			return Facility(i), nil
		}
	}
	return 0, fmt.Errorf("unknown syslog facility %q (want user, daemon, auth, authpriv, local0 ... local7, ...)", s)
}

// String returns the facility's name.
func (f Facility) String() string {
	if f == 0 {
		f = FacilityUser
	}
	if int(f) < len(facilityNames) && facilityNames[f] != "" {
		return facilityNames[f]
	}
	return "facility(" + strconv.Itoa(int(f)) + ")"
}

// severity maps a priority to a syslog severity: Falco's priorities are
// syslog's severities, emergency (0) to debug (7).
func severity(p alert.Priority) int {
	if !p.Valid() {
		return int(alert.PriorityDebug)
	}
	return int(p)
}

// SyslogProtocol is the format of a syslog message.
type SyslogProtocol uint8

// The syslog formats.
const (
	// RFC3164 is BSD syslog: "<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG",
	// local time. Sent to the local daemon's socket the HOST is left out,
	// as syslog(3) does: the local daemon (journald, rsyslog) takes the
	// rest for a tag otherwise.
	RFC3164 SyslogProtocol = iota + 1
	// RFC5424 is "<PRI>1 TIMESTAMP HOST APP PID - - MSG" with an RFC 3339
	// UTC timestamp to the microsecond, no MSGID, no structured data, and
	// the message without a BOM.
	RFC5424
)

// ParseSyslogProtocol reads "rfc3164" (or "bsd") and "rfc5424".
func ParseSyslogProtocol(s string) (SyslogProtocol, error) {
	switch strings.ToLower(s) {
	case "rfc3164", "3164", "bsd":
		return RFC3164, nil
	case "rfc5424", "5424":
		return RFC5424, nil
	}
	return 0, fmt.Errorf("unknown syslog format %q (want rfc3164 or rfc5424)", s)
}

// String returns "rfc3164" or "rfc5424".
func (p SyslogProtocol) String() string {
	switch p {
	case RFC3164:
		return "rfc3164"
	case RFC5424:
		return "rfc5424"
	}
	return "syslog(" + strconv.Itoa(int(p)) + ")"
}

// header is what a syslog message says besides the alert.
type header struct {
	proto    SyslogProtocol
	facility Facility
	tag      string
	pid      string
}

// appendMessage appends the syslog message of an alert whose line is
// msg, with priority p, sent at now from host ("" leaves it out of an
// RFC 3164 message: the local daemon's form).
func (h *header) appendMessage(dst []byte, p alert.Priority, now time.Time, host string, msg []byte) []byte {
	f := h.facility
	if f == 0 {
		f = FacilityUser
	}
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(f)*8+int64(severity(p)), 10)
	dst = append(dst, '>')
	if h.proto == RFC5424 {
		dst = append(dst, "1 "...)
		dst = now.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000Z07:00")
		dst = append(dst, ' ')
		dst = appendToken(dst, host, 255)
		dst = append(dst, ' ')
		dst = appendToken(dst, h.tag, 48)
		dst = append(dst, ' ')
		dst = appendToken(dst, h.pid, 128)
		dst = append(dst, " - - "...)
	} else {
		dst = now.AppendFormat(dst, time.Stamp)
		dst = append(dst, ' ')
		if host != "" {
			dst = appendToken(dst, host, 255)
			dst = append(dst, ' ')
		}
		dst = append(dst, h.tag...)
		dst = append(dst, '[')
		dst = append(dst, h.pid...)
		dst = append(dst, "]: "...)
	}
	return append(dst, msg...)
}

// appendToken appends s as a header field: printable ASCII without
// spaces, at most max bytes, "-" when empty.
func appendToken(dst []byte, s string, max int) []byte {
	if s == "" {
		return append(dst, '-')
	}
	for i := 0; i < len(s) && i < max; i++ {
		c := s[i]
		if c <= ' ' || c > '~' {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// cleanTag makes a tag that RFC 3164 parsers read back: letters, digits
// and "-_./", at most 32 bytes.
func cleanTag(s string) string {
	b := []byte(s)
	if len(b) > 32 {
		b = b[:32]
	}
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./", c) >= 0
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}
