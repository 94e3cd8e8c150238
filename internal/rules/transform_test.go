package rules

import (
	"testing"

	"peregrine/internal/field"
)

func TestTransformers(t *testing.T) {
	runTruth(t, field.SourceSyscall, []truthCase{
		{"tolower(proc.name) = bash", env{"proc.name": strs("BaSh")}, true},
		{"tolower(proc.name) = bash", env{"proc.name": strs("BASHX")}, false},
		{"tolower(proc.name) = é", env{"proc.name": strs("É")}, false}, // ASCII only
		{"toupper(proc.name) = BASH", env{"proc.name": strs("bAsh")}, true},
		{"basename(proc.exepath) = cat", env{"proc.exepath": strs("/usr/bin/cat")}, true},
		{"basename(proc.exepath) = cat", env{"proc.exepath": strs("cat")}, true},
		{`basename(proc.exepath) = ""`, env{"proc.exepath": strs("/")}, true},
		{`basename(proc.exepath) = ""`, env{"proc.exepath": strs("/usr/bin/")}, true},
		{"tolower(basename(proc.exe)) = ls", env{"proc.exe": strs("/BIN/LS")}, true},
		{"basename(tolower(proc.exe)) in (ls, cat)", env{"proc.exe": strs("/Bin/Cat")}, true},
		{"b64(proc.name) = hello", env{"proc.name": strs("aGVsbG8=")}, true},
		{"b64(proc.name) = hello", env{"proc.name": strs("aGVsbG8")}, true},
		{`b64(proc.name) = "world !"`, env{"proc.name": strs("d29ybGQgIQ==")}, true},
		{`b64(proc.name) = ""`, env{"proc.name": strs("")}, true},
		{"b64(proc.name) exists", env{"proc.name": strs("!!!")}, false}, // invalid: no value
		{"b64(proc.name) exists", env{"proc.name": strs("aGVs\nbG8=")}, false},
		{"b64(evt.buffer) bcontains 68656c6c6f", env{"evt.buffer": {bin("aGVsbG8=")}}, true},
		{"len(proc.name) = 4", env{"proc.name": strs("bash")}, true},
		{"len(proc.name) > 3", env{"proc.name": strs("sh")}, false},
		{"len(proc.name) = 1", env{"proc.name": strs("a\x00b")}, true}, // strnlen
		{"len(evt.buffer) = 3", env{"evt.buffer": {bin("a\x00b")}}, true},
		{"len(proc.name) = 0", env{"proc.name": strs("")}, true},
		{"len(tolower(proc.name)) < 5", env{"proc.name": strs("BASH")}, true},
		{"concat(proc.name, '-', proc.pid) = bash-42", env{"proc.name": strs("bash"), "proc.pid": {i64(42)}}, true},
		{"concat(proc.name, '-', proc.pid) exists", env{"proc.name": strs("bash")}, false},
		{"concat(fd.cip, ':', fd.cport) in ('8.8.8.8:53')", env{"fd.cip": {ip("8.8.8.8")}, "fd.cport": {u64(53)}}, true},
		{"join(',', (proc.name, proc.pname)) = 'a,b'", env{"proc.name": strs("a"), "proc.pname": strs("b")}, true},
		{"join('/', (proc.name, 'x', 3)) = a/x/3", env{"proc.name": strs("a")}, true},
		{`getopt(proc.args, "c:")[c] = ls`, env{"proc.args": strs("-x -c ls")}, true},
		{`getopt(proc.args, "c:")[c] = ls`, env{"proc.args": strs("-cls")}, true},
		{`getopt(proc.args, "xc:")[c] = ls`, env{"proc.args": strs("-xcls")}, true},
		{`getopt(proc.args, "c:")[c] = ls`, env{"proc.args": strs("script.sh -c ls")}, true}, // GNU: options after operands
		{`getopt(proc.args, "+c:")[c] exists`, env{"proc.args": strs("script.sh -c ls")}, false},
		{`getopt(proc.args, "c:")[c] exists`, env{"proc.args": strs("-- -c ls")}, false},
		{`getopt(proc.args, "c:")[c] exists`, env{"proc.args": strs("-c")}, false}, // missing argument
		{`getopt(proc.args, "xc:")[x] = ""`, env{"proc.args": strs("-x")}, true},
		{`getopt(proc.args, "c:")[c] = b`, env{"proc.args": strs("-c a -c b")}, true}, // the last one wins
	})
	runTruth(t, field.SourceK8sAudit, []truthCase{
		{"len(ka.user.groups) = 3", env{"ka.user.groups": strs("a", "b", "c")}, true},
		{"len(ka.user.groups) exists", env{}, false},
		{"join(';', ka.user.groups) = a;b", env{"ka.user.groups": strs("a", "b")}, true},
		{"tolower(ka.user.groups) intersects (admins)", env{"ka.user.groups": strs("x", "Admins")}, true},
		{"tolower(ka.user.groups) in (admins)", env{"ka.user.groups": strs("x", "Admins")}, false},
	})
}

func TestFieldComparisons(t *testing.T) {
	runTruth(t, field.SourceSyscall, []truthCase{
		{"proc.name = val(proc.pname)", env{"proc.name": strs("sh"), "proc.pname": strs("sh")}, true},
		{"proc.name = val(proc.pname)", env{"proc.name": strs("sh"), "proc.pname": strs("bash")}, false},
		{"proc.name != val(proc.pname)", env{"proc.name": strs("sh"), "proc.pname": strs("bash")}, true},
		{"proc.name contains val(proc.pname)", env{"proc.name": strs("bash"), "proc.pname": strs("as")}, true},
		{"proc.name glob val(proc.pname)", env{"proc.name": strs("bash"), "proc.pname": strs("b*")}, true},
		{"proc.name in val(proc.pname)", env{"proc.name": strs("bash"), "proc.pname": strs("bash")}, true},
		{"proc.pid < val(proc.ppid)", env{"proc.pid": {i64(5)}, "proc.ppid": {i64(7)}}, true},
		{"proc.pid > val(proc.ppid)", env{"proc.pid": {i64(5)}, "proc.ppid": {i64(7)}}, false},
		{"proc.name = tolower(proc.pname)", env{"proc.name": strs("sh"), "proc.pname": strs("SH")}, true},
		{"tolower(proc.name) = tolower(proc.pname)", env{"proc.name": strs("Sh"), "proc.pname": strs("sH")}, true},
		{"len(proc.name) = len(proc.pname)", env{"proc.name": strs("ab"), "proc.pname": strs("cd")}, true},
		{"fd.cip = val(fd.sip)", env{"fd.cip": {ip("1.2.3.4")}, "fd.sip": {ip("1.2.3.4")}}, true},
	})
	runTruth(t, field.SourceK8sAudit, []truthCase{
		{"ka.user.groups intersects val(ka.req.binding.subjects)",
			env{"ka.user.groups": strs("a", "b"), "ka.req.binding.subjects": strs("c", "b")}, true},
		{"ka.user.groups in val(ka.req.binding.subjects)",
			env{"ka.user.groups": strs("a", "b"), "ka.req.binding.subjects": strs("c", "b")}, false},
		{"ka.user.groups in val(ka.req.binding.subjects)",
			env{"ka.user.groups": strs("b"), "ka.req.binding.subjects": strs("c", "b")}, true},
	})
}
