package rules

import (
	"testing"

	"peregrine/internal/field"
	"peregrine/internal/rules/syntax"
)

// FuzzCompileCheck compiles the checks of arbitrary conditions with a
// binder that gives every field a few values, and evaluates them: no
// input may make the compiler or a compiled check panic, and a check that
// compiles with a binder must compile without one.
func FuzzCompileCheck(f *testing.F) {
	for _, s := range []string{
		"proc.name = bash", "proc.pid in (1, 2)", "fd.name pmatch (/etc, '/usr/*/lib')",
		"fd.cnet = 10.0.0.0/8", "evt.buffer bcontains 7f45", "proc.name regex 'a|b*'",
		"tolower(basename(proc.exe)) glob '*sh'", "proc.name = val(proc.pname)",
		`concat(proc.name, "-", proc.pid) = x`, `join(",", (proc.name, 3)) = x`,
		`getopt(proc.args, "c:")[c] = ls`, "proc.name contains anyof (a, b)",
		"len(evt.buffer) > 3", "b64(proc.cmdline) icontains x", "fd.port != 80",
		"proc.aname[2] startswith s", "evt.rawarg.fd < 3", "fd.cip = ::1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cond string) {
		e, err := syntax.Parse(cond)
		if err != nil {
			return
		}
		b := newFakeBinder()
		for _, k := range []string{"proc.name", "proc.pname", "proc.exe", "proc.args", "proc.cmdline", "fd.name"} {
			b.set(k, strs("/usr/bin/bash", "-c ls")...)
		}
		b.set("proc.pid", i64(42))
		b.set("fd.cnet", ip("10.1.1.1"))
		b.set("fd.port", u64(80), u64(443))
		b.set("evt.buffer", bin("\x7fELF"))
		bound := &checkCompiler{cat: testCatalog, source: field.SourceSyscall, binder: b}
		plain := &checkCompiler{cat: testCatalog, source: field.SourceSyscall}
		syntax.Inspect(e, func(n syntax.Node) bool {
			chk, ok := n.(*syntax.Check)
			if !ok {
				return true
			}
			p, err := bound.check(chk)
			_, err2 := plain.check(chk)
			if (err == nil) != (err2 == nil) {
				t.Fatalf("%s: with binder %v, without %v", chk, err, err2)
			}
			if err == nil {
				p()
			}
			return false
		})
	})
}
