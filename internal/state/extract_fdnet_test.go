package state

import (
	"testing"

	"peregrine/internal/event"
)

func fdNetScenarios() []scenario {
	readOn := func(fd int64) func(t testing.TB, f *fixture) {
		return func(t testing.TB, f *fixture) { f.at(t, typeReadX, 17497, fd, ioParams(1, "x", fd)) }
	}
	return []scenario{
		{
			name:  "TCP client socket",
			setup: readOn(4),
			cases: []fieldCase{
				{"fd.type", v("ipv4")},
				{"fd.typechar", v("4")},
				{"fd.name", v("10.0.0.1:40000->93.184.216.34:443")},
				{"fd.cip", v("10.0.0.1")},
				{"fd.sip", v("93.184.216.34")},
				{"fd.lip", v("10.0.0.1")},
				{"fd.rip", v("93.184.216.34")},
				{"fd.cnet", v("10.0.0.1")},
				{"fd.snet", v("93.184.216.34")},
				{"fd.lnet", v("10.0.0.1")},
				{"fd.rnet", v("93.184.216.34")},
				{"fd.cport", v("40000")},
				{"fd.sport", v("443")},
				{"fd.lport", v("40000")},
				{"fd.rport", v("443")},
				{"fd.cproto", v("40000")},
				{"fd.sproto", v("443")},
				{"fd.lproto", v("40000")},
				{"fd.rproto", v("443")},
				{"fd.ip", v("10.0.0.1", "93.184.216.34")},
				{"fd.net", v("10.0.0.1", "93.184.216.34")},
				{"fd.port", v("40000", "443")},
				{"fd.proto", v("40000", "443")},
				{"fd.l4proto", v("tcp")},
				{"fd.sockfamily", v("ip")},
				{"fd.is_server", v("false")},
				{"fd.connected", v("true")},
				{"fd.directory", nil},
				{"fd.filename", nil},
				{"fd.containername", v(":10.0.0.1:40000->93.184.216.34:443")},
			},
		},
		{
			name:  "UDP socket on the server side",
			setup: readOn(5),
			cases: []fieldCase{
				{"fd.type", v("ipv6")},
				{"fd.typechar", v("6")},
				{"fd.cip", v("2001:db8::2")},
				{"fd.sip", v("2001:db8::1")},
				{"fd.lip", v("2001:db8::1")},
				{"fd.rip", v("2001:db8::2")},
				{"fd.lport", v("53")},
				{"fd.rport", v("53000")},
				{"fd.lproto", v("53")},
				{"fd.rproto", v("53000")},
				{"fd.l4proto", v("udp")},
				{"fd.is_server", v("true")},
				{"fd.name_changed", v("true")},
			},
		},
		{
			name: "listening socket",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeCloseX, 17497, 6, func(b *event.Builder) {
					b.Int(event.PTErrno, 0)
					b.Int(event.PTFD, 6)
				})
			},
			cases: []fieldCase{
				{"fd.sip", v("0.0.0.0")},
				{"fd.sport", v("8080")},
				{"fd.sproto", v("")},
				{"fd.cip", nil},
				{"fd.cport", nil},
				{"fd.lip", nil},
				{"fd.lport", nil},
				{"fd.cproto", nil},
				{"fd.ip", v("0.0.0.0")},
				{"fd.port", v("8080")},
				{"fd.is_server", v("true")},
				{"fd.l4proto", v("tcp")},
				{"fd.sockfamily", v("ip")},
				{"fd.typechar", v("4")},
				{"evt.category", v("net")},
			},
		},
		{
			name: "socket not connected yet",
			setup: func(t testing.TB, f *fixture) {
				readOn(4)(t, f)
				f.s.cur.fd.Role = RoleNone
			},
			cases: []fieldCase{
				{"fd.cip", nil},
				{"fd.sip", nil},
				{"fd.lip", nil},
				{"fd.sport", nil},
				{"fd.ip", v("10.0.0.1", "93.184.216.34")},
				{"fd.l4proto", v("<NA>")},
				{"fd.is_server", v("false")},
			},
		},
		{
			name:  "unix socket",
			setup: readOn(7),
			cases: []fieldCase{
				{"fd.type", v("unix")},
				{"fd.typechar", v("u")},
				{"fd.sockfamily", v("unix")},
				{"fd.cip", nil},
				{"fd.ip", nil},
				{"fd.port", nil},
				{"fd.l4proto", v("<NA>")},
			},
		},
		{
			name: "failed connect: the tuple the call gave",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeConnectX, 17497, 4, func(b *event.Builder) {
					b.Int(event.PTErrno, -111)
					b.Raw([]byte{2, 10, 0, 0, 1, 0x40, 0x9c, 10, 0, 0, 9, 0x50, 0})
					b.Int(event.PTFD, 4)
					b.Empty()
				})
			},
			cases: []fieldCase{
				{"fd.name", v("10.0.0.1:40000->10.0.0.9:80")},
				{"fd.containername", v(":10.0.0.1:40000->10.0.0.9:80")},
				{"fd.directory", nil}, // a socket has none, whatever the call tried
				{"fd.cip", v("10.0.0.1")},
				{"evt.res", v("ECONNREFUSED")},
				{"evt.count.error.net", v("1")},
			},
		},
	}
}

func fdListScenarios() []scenario {
	return []scenario{
		{
			name: "poll on sockets, a pipe and an unknown fd",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typePollX, 17497, -1, func(b *event.Builder) {
					b.Int(event.PTErrno, 2)
					b.Raw(pollFDList(4, 5, 1, 99))
					b.Int(event.PTInt64, 1000)
				})
			},
			cases: []fieldCase{
				{"fdlist.nums", v("4,5,1,99")},
				{"fdlist.names", v("10.0.0.1:40000->93.184.216.34:443,2001:db8::1:5353->2001:db8::2:53,pipe:[4242],<NA>")},
				{"fdlist.cips", v("10.0.0.1,2001:db8::2")},
				{"fdlist.sips", v("93.184.216.34,2001:db8::1")},
				{"fdlist.cports", v("40000,53000")},
				{"fdlist.sports", v("443,53")},
			},
		},
		{
			name: "poll on no socket",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typePollX, 17497, -1, func(b *event.Builder) {
					b.Int(event.PTErrno, 0)
					b.Raw(pollFDList(0, 8))
					b.Int(event.PTInt64, 0)
				})
			},
			cases: []fieldCase{
				{"fdlist.nums", v("0,8")},
				{"fdlist.names", v("/dev/pts/1,/tmp")},
				{"fdlist.cips", nil},
				{"fdlist.sports", nil},
			},
		},
		{
			name: "not a poll",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17497, 4, ioParams(1, "x", 4))
			},
			cases: []fieldCase{{"fdlist.nums", nil}},
		},
	}
}
