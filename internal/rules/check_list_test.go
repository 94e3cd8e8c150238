package rules

import (
	"testing"

	"peregrine/internal/field"
)

// A list field is in a set when all its values are, and intersects it when
// one is.
func TestListFields(t *testing.T) {
	img := func(ss ...string) env { return env{"ka.req.pod.containers.image": strs(ss...)} }
	runTruth(t, field.SourceK8sAudit, []truthCase{
		{"ka.req.pod.containers.image in (a, b)", img("a"), true},
		{"ka.req.pod.containers.image in (a, b)", img("a", "b"), true},
		{"ka.req.pod.containers.image in (a, b)", img("b", "a", "b"), true},
		{"ka.req.pod.containers.image in (a, b)", img("a", "c"), false},
		{"ka.req.pod.containers.image in (a, b)", img(), false}, // no value: false
		{"ka.req.pod.containers.image intersects (a, b)", img("c", "a"), true},
		{"ka.req.pod.containers.image intersects (a, b)", img("c", "d"), false},
		{"ka.req.pod.containers.image intersects (a, b)", img(), false},
		{"ka.req.pod.containers.image exists", img("c"), true},
		{"ka.req.pod.containers.image exists", img(), false},
		{"ka.req.pod.containers.image[0] in (a)", env{"ka.req.pod.containers.image[0]": strs("a")}, true},
		{"ka.user.groups intersects (system:masters)", env{"ka.user.groups": strs("x", "system:masters")}, true},
	})
}

// Fields with several values that are not lists pass when one value does;
// the fields of both socket ends need all values for !=.
func TestMultiValuedFields(t *testing.T) {
	anames := func(ss ...string) env { return env{"proc.aname": strs(ss...)} }
	ends := func(k string, vs ...field.Value) env { return env{k: vs} }
	runTruth(t, field.SourceSyscall, []truthCase{
		{"proc.aname = bash", anames("sh", "bash", "init"), true},
		{"proc.aname = zsh", anames("sh", "bash", "init"), false},
		{"proc.aname != bash", anames("bash", "init"), true}, // any ancestor that is not bash
		{"proc.aname != bash", anames("bash"), false},
		{"proc.aname in (zsh, bash)", anames("sh", "bash"), true},
		{"proc.aname startswith ba", anames("sh", "bash"), true},
		{"proc.aname glob 'z*'", anames("sh", "bash"), false},
		{"proc.aname[2] = bash", env{"proc.aname[2]": strs("bash")}, true},
		{"proc.aname[2] = bash", env{"proc.aname": strs("bash")}, false},
		{"proc.apid = 1", env{"proc.apid": {i64(33), i64(1)}}, true},
		{"proc.apid > 100", env{"proc.apid": {i64(33), i64(1)}}, false},
		{"fd.ip = 10.0.0.1", ends("fd.ip", ip("192.168.0.1"), ip("10.0.0.1")), true},
		{"fd.ip = 10.0.0.2", ends("fd.ip", ip("192.168.0.1"), ip("10.0.0.1")), false},
		{"fd.ip != 10.0.0.1", ends("fd.ip", ip("192.168.0.1"), ip("10.0.0.1")), false},
		{"fd.ip != 10.0.0.2", ends("fd.ip", ip("192.168.0.1"), ip("10.0.0.1")), true},
		{"fd.ip in (10.0.0.1)", ends("fd.ip", ip("192.168.0.1"), ip("10.0.0.1")), true},
		{"fd.port = 80", ends("fd.port", u64(43210), u64(80)), true},
		{"fd.port != 80", ends("fd.port", u64(43210), u64(80)), false},
		{"fd.port != 22", ends("fd.port", u64(43210), u64(80)), true},
		{"fd.port < 1024", ends("fd.port", u64(43210), u64(80)), true},
		{"fd.port > 50000", ends("fd.port", u64(43210), u64(80)), false},
		{"fd.port in (22, 80)", ends("fd.port", u64(43210), u64(80)), true},
		{"fd.port = 80", ends("fd.port", u64(80)), true}, // a listening socket: one port
		{"fd.net = 10.0.0.0/8", ends("fd.net", ip("8.8.8.8"), ip("10.2.3.4")), true},
		{"fd.net != 10.0.0.0/8", ends("fd.net", ip("8.8.8.8"), ip("10.2.3.4")), false},
		{"fd.net != 10.0.0.0/8", ends("fd.net", ip("8.8.8.8"), ip("9.2.3.4")), true},
		{"fd.proto = 443", ends("fd.proto", u64(443), u64(5555)), true},
	})
}
