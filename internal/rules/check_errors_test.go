package rules

import (
	"errors"
	"testing"

	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// TestCheckErrors pins the text and the position of every compile error
// of a check, with and without a binder.
func TestCheckErrors(t *testing.T) {
	cases := []struct {
		source, cond, want string
	}{
		{"", "foo.bar = 1", `1:1: unknown field foo.bar`},
		{"", "proc.name[1] = x", `1:1: field proc.name takes no argument`},
		{"", "evt.arg exists", `1:1: field evt.arg needs an argument: evt.arg[...] or evt.arg.NAME`},
		{"", "k8smeta.pod.label exists", `1:1: field k8smeta.pod.label needs an argument: k8smeta.pod.label[...]`},
		{"", "proc.aname[x] = bash", `1:1: field proc.aname takes a number as argument, not "x"`},
		{"", "evt.arg.fd[1] exists", `1:1: field evt.arg.fd has an argument already (fd); it takes no second one in brackets`},
		{"", "evt.rawarg.nosuchparam = 1", `1:1: field evt.rawarg: no event has a parameter named "nosuchparam"`},
		{"", "evt.outputtime exists", `1:1: field evt.outputtime is for outputs only and cannot be used in a condition`},
		{"", "thread.nametid exists", `1:1: field thread.nametid is for sysdig tables only and cannot be used in rules`},
		{"", "proc.pid contains 1", `1:1: operator 'contains' does not apply to field proc.pid of type INT64`},
		{"", "proc.pid glob 1", `1:1: operator 'glob' does not apply to field proc.pid of type INT64`},
		{"", "proc.name bcontains 00", `1:1: operator 'bcontains' does not apply to field proc.name of type CHARBUF`},
		{"", "evt.buffer icontains x", `1:1: operator 'icontains' does not apply to field evt.buffer of type BYTEBUF`},
		{"", "evt.buffer < 1", `1:1: operator '<' does not apply to field evt.buffer of type BYTEBUF`},
		{"", "evt.is_open_write < 1", `1:1: operator '<' does not apply to field evt.is_open_write of type BOOL`},
		{"", "fd.cip startswith 1", `1:1: operator 'startswith' does not apply to field fd.cip of type IPADDR`},
		{"", "fd.net pmatch (/a)", `1:1: operator 'pmatch' does not apply to field fd.net of type IPNET`},
		{"", "len(proc.name) contains 1", `1:1: operator 'contains' does not apply to field len(proc.name) of type UINT64`},
		{"k8s_audit", "ka.user.groups = x", `1:1: operator '=' does not apply to field ka.user.groups of type CHARBUF (list)`},
		{"k8s_audit", "ka.user.groups pmatch (/x)", `1:1: operator 'pmatch' does not apply to field ka.user.groups of type CHARBUF (list)`},
		{"", "proc.pid = abc", `1:12: invalid value "abc" for proc.pid: not a decimal number`},
		{"", "proc.pid = 0x10", `1:12: invalid value "0x10" for proc.pid: not a decimal number`},
		{"", "proc.pid = 1.5", `1:12: invalid value "1.5" for proc.pid: not a decimal number`},
		{"", "proc.pid in (1, x)", `1:17: invalid value "x" for proc.pid: not a decimal number`},
		{"", "proc.pid = ''", `1:12: invalid value "" for proc.pid: not a decimal number`},
		{"", "user.uid = '1 '", `1:12: invalid value "1 " for user.uid: not a decimal number`},
		{"", "proc.fdusage = x1", `1:16: invalid value "x1" for proc.fdusage: not a number`},
		{"", "evt.is_open_write = yes", `1:21: invalid value "yes" for evt.is_open_write: not true or false`},
		{"", "evt.is_open_write = TRUE", `1:21: invalid value "TRUE" for evt.is_open_write: not true or false`},
		{"", "evt.is_open_write = 1", `1:21: invalid value "1" for evt.is_open_write: not true or false`},
		{"", "fd.cip = 1.2.3", `1:10: invalid value "1.2.3" for fd.cip: not an IPv4 address`},
		{"", "fd.cip = 10.0.0.0/8", `1:10: invalid value "10.0.0.0/8" for fd.cip: not an IPv4 address`},
		{"", "fd.cip = 01.2.3.4", `1:10: invalid value "01.2.3.4" for fd.cip: not an IPv4 address`},
		{"", "fd.cip = ::ffff:1.2.3.4", `1:10: invalid value "::ffff:1.2.3.4" for fd.cip: not an IPv4 address`},
		{"", "fd.cip = fe80::1%eth0", `1:10: invalid value "fe80::1%eth0" for fd.cip: not an IPv6 address`},
		{"", "fd.cip = localhost", `1:10: invalid value "localhost" for fd.cip: not an IPv6 address`},
		{"", "fd.net = 10.0.0.0", `1:10: invalid value "10.0.0.0" for fd.net: not a network in CIDR form (address/bits)`},
		{"", "fd.net = 10.0.0/8", `1:10: invalid value "10.0.0/8" for fd.net: not an IPv4 network`},
		{"", "fd.net = 10.0.0.0/33", `1:10: invalid value "10.0.0.0/33" for fd.net: invalid netmask 33`},
		{"", "fd.net = 10.0.0.0/x", `1:10: invalid value "10.0.0.0/x" for fd.net: netmask "x" is not a number`},
		{"", "fd.net = ::/0", `1:10: invalid value "::/0" for fd.net: invalid netmask 0`},
		{"", "fd.net = ::/129", `1:10: invalid value "::/129" for fd.net: invalid netmask 129`},
		{"", "fd.sport = nosuchservice", `1:12: invalid value "nosuchservice" for fd.sport: not a port number or a known service name`},
		{"", "fd.sport = 99999999999", `1:12: invalid value "99999999999" for fd.sport: port number out of range`},
		{"", "evt.buffer bcontains 7f4", `1:22: invalid value "7f4" for evt.buffer: operator 'bcontains' takes hex bytes`},
		{"", "evt.buffer bstartswith xy", `1:24: invalid value "xy" for evt.buffer: operator 'bstartswith' takes hex bytes`},
		{"", "proc.name regex '['", `1:17: invalid regex "[": missing closing ]: "["`},
		{"", `proc.name regex 'a\\d'`, `1:17: invalid regex "a\\d": invalid escape sequence: "\\d"`},
		{"", `proc.name regex 'a\\b'`, `1:17: invalid regex "a\\b": invalid escape sequence: "\\b"`},
		{"", "proc.name regex '(?i)a'", `1:17: invalid regex "(?i)a": missing argument to repetition operator: "?"`},
		{"", "proc.name regex 'a{2,1}'", `1:17: invalid regex "a{2,1}": invalid repeat count: "{2,1}"`},
		{"", "proc.name regex anyof (a, '(')", `1:27: invalid regex "(": missing closing ): "("`},
		{"", "proc.name in my_list", `1:14: unknown list my_list`},
		{"", "proc.name pmatch val(proc.pname)", `1:18: 'pmatch' takes no field on its right-hand side`},
		{"", "proc.name regex tolower(proc.pname)", `1:17: 'regex' takes no field on its right-hand side`},
		{"", "fd.snet = val(fd.cnet)", `1:11: field fd.snet of type IPNET cannot be compared with another field`},
		{"", "proc.aname = val(proc.pname)", `1:14: field proc.aname cannot be compared with another field`},
		{"", "proc.name = val(fd.ip)", `1:17: field fd.ip cannot be used on the right-hand side of a comparison`},
		{"", "proc.name = val(proc.aname)", `1:17: field proc.aname cannot be used on the right-hand side of a comparison`},
		{"", "proc.pid = val(user.uid)", `1:12: field proc.pid of type INT64 cannot be compared with user.uid of type UINT32`},
		{"", "proc.name = len(proc.pname)", `1:13: field proc.name of type CHARBUF cannot be compared with len(proc.pname) of type UINT64`},
		{"k8s_audit", "ka.user.groups in val(ka.user.name)", `1:19: field ka.user.groups of type CHARBUF (list) cannot be compared with ka.user.name of type CHARBUF`},
		{"", "tolower(proc.pid) = 1", `1:1: transformer tolower applies to strings, not to proc.pid`},
		{"", "toupper(evt.buffer) = 1", `1:1: transformer toupper applies to strings, not to evt.buffer`},
		{"", "basename(proc.pid) = 1", `1:1: transformer basename applies to strings, not to proc.pid`},
		{"", "b64(proc.pid) = 1", `1:1: transformer b64 applies to strings and byte buffers, not to proc.pid`},
		{"", "len(proc.pid) = 1", `1:1: transformer len applies to strings, byte buffers and lists, not to proc.pid`},
		{"", "tolower(len(proc.name)) = 1", `1:1: transformer tolower applies to strings, not to len(proc.name)`},
		{"", "tolower(proc.aname) = x", `1:9: field proc.aname does not support transformers`},
		{"", "tolower(fd.ip) = x", `1:9: field fd.ip does not support transformers`},
		{"", "tolower(evt.rawarg.fd) = x", `1:9: field evt.rawarg does not support transformers`},
		{"", "tolower(proc.name, proc.pname) = x", `1:1: transformer tolower takes one argument, not 2`},
		{"", `tolower("x") = x`, `1:9: transformer tolower takes a field or a transformer here, not "x"`},
		{"", `tolower(proc.name)[1] = x`, `1:1: transformer tolower takes no index`},
		{"", `tolower(nosuch.field) = x`, `1:9: unknown field nosuch.field`},
		{"", `join(proc.name) = x`, `1:1: transformer join takes a separator and a list: join(",", ka.req.pod.containers.image)`},
		{"", `join(",", (proc.name, nosuch.x)) = x`, `1:23: unknown field nosuch.x`},
		{"k8s_audit", `concat(ka.user.groups, "x") = x`, `1:8: transformer concat takes single values, and ka.user.groups is a list`},
		{"", `getopt(proc.args, "c:") = x`, `1:1: transformer getopt takes arguments, an option string and an option: getopt(proc.args, "c:")[c]`},
		{"", `getopt(proc.args)[c] = x`, `1:1: transformer getopt takes arguments, an option string and an option: getopt(proc.args, "c:")[c]`},
		{"", `getopt(proc.args, "c:")[x] = x`, `1:1: transformer getopt: option "x" is not one of "c:"`},
		{"", `getopt(proc.pid, "c:")[c] = x`, `1:1: transformer getopt applies to strings, not to proc.pid`},
	}
	for _, tc := range cases {
		src := tc.source
		if src == "" {
			src = field.SourceSyscall
		}
		for _, withBinder := range []bool{false, true} {
			var b field.Binder
			if withBinder {
				b = newFakeBinder()
			}
			_, err := compileCond(src, tc.cond, b)
			if err == nil {
				t.Errorf("%s (binder %v): no error, want %q", tc.cond, withBinder, tc.want)
				continue
			}
			var pe *posError
			if !errors.As(err, &pe) {
				t.Errorf("%s: error %v is not a *posError", tc.cond, err)
			}
			if err.Error() != tc.want {
				t.Errorf("%s (binder %v):\n got %s\nwant %s", tc.cond, withBinder, err, tc.want)
			}
		}
	}
}

// A binder that cannot give a field makes the check fail to compile, at
// the field.
func TestBindError(t *testing.T) {
	b := newFakeBinder()
	b.refuse["proc.name"] = true
	_, err := compileCond(field.SourceSyscall, "proc.pid = 1 ", b)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	_, err = compileCond(field.SourceSyscall, "tolower(proc.name) = x", b)
	if want := "1:9: field proc.name: not available from this source"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// Outputs may print every field but the filter-only and table-only ones.
func TestOperandUse(t *testing.T) {
	c := &checkCompiler{cat: testCatalog, source: field.SourceSyscall}
	cases := []struct {
		text string
		use  operandUse
		want string
	}{
		{"fd.ip", useOutput, "1:2: field fd.ip is for conditions only and cannot be printed in an output"},
		{"evt.around[1]", useOutput, "1:2: field evt.around is for conditions only and cannot be printed in an output"},
		{"evt.outputtime", useOutput, ""},
		{"thread.vmsize.b", useOutput, "1:2: field thread.vmsize.b is for sysdig tables only and cannot be used in rules"},
		{"fd.ip", useCondition, ""},
		{"fd.ip", useRHS, "1:2: field fd.ip cannot be used on the right-hand side of a comparison"},
		{"tolower(proc.name)", useOutput, ""},
		{"proc.aname", useOutput, ""},
		{"proc.aname[2]", useOutput, ""},
	}
	for _, tc := range cases {
		f, err := syntax.ParseFormat("%" + tc.text)
		if err != nil {
			t.Fatalf("parse %q: %v", tc.text, err)
		}
		_, err = c.operand(f.Parts[0].Operand, tc.use)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s as %d: got %q, want %q", tc.text, tc.use, got, tc.want)
		}
	}
}
