package state

import (
	"testing"

	"peregrine/internal/rules"
)

// TestBinderWithRules compiles conditions with the rules engine against
// the binder and evaluates them on the fixture's events: the multi-value
// fields (both socket ends, every ancestor), networks, lists and the
// operators meet the extractors here.
func TestBinderWithRules(t *testing.T) {
	tests := []struct {
		cond string
		tid  int64
		fd   int64
		want bool
	}{
		// fd 4: TCP client 10.0.0.1:40000 -> 93.184.216.34:443.
		{"fd.net = 10.0.0.0/8", 17497, 4, true},
		{"fd.net = 192.168.0.0/16", 17497, 4, false},
		{"fd.net != 10.0.0.0/8", 17497, 4, false}, // != needs both ends outside
		{"fd.net != 192.168.0.0/16", 17497, 4, true},
		{"fd.snet = 93.184.0.0/16", 17497, 4, true},
		{"fd.cnet = 93.184.0.0/16", 17497, 4, false},
		{"fd.lnet = 10.0.0.0/8", 17497, 4, true},
		{"fd.rnet in (93.184.216.0/24, 1.1.1.0/24)", 17497, 4, true},
		{"fd.ip = 93.184.216.34", 17497, 4, true},
		{"fd.ip != 93.184.216.34", 17497, 4, false},
		{"fd.port = 443", 17497, 4, true},
		{"fd.port in (22, 40000)", 17497, 4, true},
		{"fd.port > 50000", 17497, 4, false},
		{"fd.proto = https", 17497, 4, true},
		{"fd.sip = 93.184.216.34 and fd.sport = 443", 17497, 4, true},
		{"fd.l4proto = tcp and fd.is_server = false", 17497, 4, true},
		// fd 5: IPv6 UDP, server side.
		{"fd.net = 2001:db8::/32", 17497, 5, true},
		{"fd.lip = 2001:db8::1 and fd.is_server = true", 17497, 5, true},
		// fd 3: a file.
		{"fd.name pmatch (/etc, /usr)", 17497, 3, true},
		{"fd.directory = /etc and fd.filename = hosts", 17497, 3, true},
		{"fd.types intersects (ipv4, netlink)", 17497, 3, true},
		{"fd.types in (file, pipe)", 17497, 3, false},
		{"fd.types[3] in (file)", 17497, 3, true},
		{"fd.ip = 10.0.0.1", 17497, 3, false},
		// Ancestors: bash, sshd, systemd.
		{"proc.aname = sshd", 17497, 3, true},
		{"proc.aname = curl", 17497, 3, false}, // the process itself is not an ancestor
		{"proc.aname[0] = curl", 17497, 3, true},
		{"proc.aname[2] = sshd", 17497, 3, true},
		{"proc.aname in (nginx, systemd)", 17497, 3, true},
		{"proc.aname endswith sh", 17497, 3, true},
		{"proc.apid = 800", 17497, 3, true},
		{"proc.acmdline contains -D", 17497, 3, true},
		{"proc.aexepath = /usr/lib/systemd/systemd", 17497, 3, true},
		{"proc.aenv contains SHELL", 17497, 3, true},
		// Process, user, container, event.
		{"proc.name = curl and proc.pname = bash and user.name = ubuntu", 17497, 3, true},
		{"proc.cmdline glob 'curl * http://*'", 17497, 3, true},
		{"proc.env[TERM] = xterm", 17497, 3, true},
		{"proc.is_exe_upper_layer = true and thread.cap_effective contains CAP_SYS_ADMIN", 17497, 3, true},
		{"container.id = host and not container.privileged = true", 17497, 3, true},
		{"container.privileged exists", 17497, 3, false},
		{"evt.type = open and evt.is_open_read = true and evt.rawres >= 0", 17497, 3, true},
		{"evt.rawarg.flags > 0 and evt.arg.name = /etc/hosts", 17497, 3, true},
		{"user.loginuid >= 0 and user.loginname = ubuntu", 17497, 3, true},
		{"container.image.repository = nginx and container.mount.dest[/var/run/docker.sock] exists", 5000, 3, true},
		{"k8s.ns.name = prod and k8s.pod.name startswith web", 5000, 3, true},
		{"user.name = nginx and proc.vpid = 1", 5000, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			f := newFixture(t)
			flt, err := rules.CompileFilter(tt.cond, rules.Options{Binder: f.b})
			if err != nil {
				t.Fatal(err)
			}
			f.at(t, typeReadX, tt.tid, tt.fd, ioParams(1, "x", tt.fd))
			if tt.fd == 3 {
				f.at(t, typeOpenX, tt.tid, 3, openParams(3, "/etc/hosts", 1, 0))
			}
			if got := flt.Match(f.s.cur.ev.Type()); got != tt.want {
				t.Errorf("%s = %v, want %v", tt.cond, got, tt.want)
			}
		})
	}
}
