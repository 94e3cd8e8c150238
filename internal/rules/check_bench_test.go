package rules

import (
	"fmt"
	"strings"
	"testing"
)

// benchChecks are typical compiled checks, each with values that match and
// values that do not.
func benchChecks() []struct {
	name, source, cond string
	match, miss        env
} {
	var items, prefixes []string
	for i := range 100 {
		items = append(items, fmt.Sprintf("binary%d", i))
	}
	for i := range 20 {
		prefixes = append(prefixes, fmt.Sprintf("/opt/app%d/bin", i))
	}
	prefixes = append(prefixes, "/usr/*/lib")
	name := func(s string) env { return env{"proc.name": strs(s)} }
	fd := func(s string) env { return env{"fd.name": strs(s)} }
	return []struct {
		name, source, cond string
		match, miss        env
	}{
		{"eq", "syscall", "proc.name = bash", name("bash"), name("zsh")},
		{"in100", "syscall", "proc.name in (" + strings.Join(items, ", ") + ")", name("binary57"), name("binary570")},
		{"pmatch21", "syscall", "fd.name pmatch (" + strings.Join(prefixes, ", ") + ")",
			fd("/opt/app13/bin/tool"), fd("/opt/app13/binx/tool")},
		{"contains", "syscall", "fd.name contains /.ssh/", fd("/home/u/.ssh/id_rsa"), fd("/home/u/.bashrc")},
		{"icontains", "syscall", "proc.name icontains MINER", name("xmrig-miner"), name("bash")},
		{"startswith", "syscall", "fd.name startswith /etc/", fd("/etc/shadow"), fd("/tmp/x")},
		{"glob", "syscall", "fd.name glob '/etc/*/*.conf'", fd("/etc/nginx/nginx.conf"), fd("/etc/nginx/nginx.cfg")},
		{"regex", "syscall", "proc.name regex '(ba|z|c)?sh[0-9]*'", name("bash5"), name("python3")},
		{"cidr", "syscall", "fd.cnet = 10.0.0.0/8", env{"fd.cnet": {ip("10.1.2.3")}}, env{"fd.cnet": {ip("11.1.2.3")}}},
		{"cidr6in", "syscall", "fd.cnet in (fc00::/7, fe80::/10, 10.0.0.0/8)", env{"fd.cnet": {ip("fe80::1")}}, env{"fd.cnet": {ip("2001:db8::1")}}},
		{"int<", "syscall", "proc.pid < 100", env{"proc.pid": {i64(42)}}, env{"proc.pid": {i64(420)}}},
		{"ip=", "syscall", "fd.cip = 192.168.0.1", env{"fd.cip": {ip("192.168.0.1")}}, env{"fd.cip": {ip("192.168.0.2")}}},
		{"anyof", "syscall", "proc.name contains anyof (miner, xmrig, cpuminer)", name("xmrig"), name("bash")},
		{"tolower", "syscall", "tolower(proc.name) in (bash, sh)", name("BASH"), name("ZSH")},
		{"basename", "syscall", "basename(proc.exe) = ls", env{"proc.exe": strs("/bin/ls")}, env{"proc.exe": strs("/bin/cat")}},
		{"aname", "syscall", "proc.aname = sshd", env{"proc.aname": strs("bash", "sshd", "init")}, env{"proc.aname": strs("bash", "systemd")}},
		{"listin", "k8s_audit", "ka.req.pod.containers.image in (a, b, c)", env{"ka.req.pod.containers.image": strs("a", "c")}, env{"ka.req.pod.containers.image": strs("a", "d")}},
		{"val", "syscall", "proc.name = val(proc.pname)", env{"proc.name": strs("sh"), "proc.pname": strs("sh")}, env{"proc.name": strs("sh"), "proc.pname": strs("bash")}},
		{"missing", "syscall", "proc.name = bash", env{"proc.name": nil}, env{"proc.name": nil}},
	}
}

// compileBench compiles a benchmark check and returns it with its binder.
func compileBench(tb testing.TB, source, cond string) (pred, *fakeBinder) {
	tb.Helper()
	b := newFakeBinder()
	p, err := compileCond(source, cond, b)
	if err != nil {
		tb.Fatalf("compile %q: %v", cond, err)
	}
	return p, b
}

func setEnv(b *fakeBinder, e env) {
	for k, v := range e {
		b.set(k, v...)
	}
}

// TestChecksDoNotAllocate holds the hot-path promise: evaluating a
// compiled check allocates nothing, matching or not.
func TestChecksDoNotAllocate(t *testing.T) {
	for _, bc := range benchChecks() {
		p, b := compileBench(t, bc.source, bc.cond)
		for _, e := range []env{bc.match, bc.miss} {
			setEnv(b, e)
			p() // let scratch buffers grow once
			if n := testing.AllocsPerRun(100, func() { p() }); n != 0 {
				t.Errorf("%s: %v allocations per evaluation", bc.name, n)
			}
		}
		if bc.name != "missing" {
			setEnv(b, bc.match)
			if !p() {
				t.Errorf("%s: match case does not match", bc.name)
			}
			setEnv(b, bc.miss)
			if p() {
				t.Errorf("%s: miss case matches", bc.name)
			}
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	for _, bc := range benchChecks() {
		for _, side := range []string{"match", "miss"} {
			b.Run(bc.name+"/"+side, func(b *testing.B) {
				p, fb := compileBench(b, bc.source, bc.cond)
				e := bc.match
				if side == "miss" {
					e = bc.miss
				}
				setEnv(fb, e)
				b.ReportAllocs()
				for b.Loop() {
					p()
				}
			})
		}
	}
}
