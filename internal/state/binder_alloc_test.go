package state

import (
	"testing"

	"peregrine/internal/field"
)

// TestExtractorsDoNotAllocate binds every field use of every scenario and
// checks that extracting them all, once their buffers have grown, does
// not allocate.
func TestExtractorsDoNotAllocate(t *testing.T) {
	for _, sc := range allScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			f := newFixture(t)
			sc.setup(t, f)
			exts := make([]field.Extractor, 0, len(sc.cases))
			for _, c := range sc.cases {
				fl, arg := fieldUse(t, c.use)
				ext, err := f.b.Bind(fl, arg)
				if err != nil {
					t.Fatalf("bind %s: %v", c.use, err)
				}
				exts = append(exts, ext)
			}
			dst := make([]field.Value, 0, 16)
			extractAll := func() {
				for _, ext := range exts {
					dst = ext(dst[:0])
				}
			}
			extractAll()
			if n := testing.AllocsPerRun(50, extractAll); n != 0 {
				t.Errorf("%v allocations per extraction of %d fields", n, len(exts))
			}
		})
	}
}

// benchFields are the fields the upstream stable rules use most, in
// conditions and outputs.
var benchFields = []string{
	"evt.type", "evt.res", "evt.rawres", "evt.arg.flags", "evt.is_open_read", "evt.is_open_write",
	"proc.name", "proc.pname", "proc.cmdline", "proc.pcmdline", "proc.args", "proc.exe", "proc.pexe",
	"proc.exepath", "proc.aname[2]", "proc.aname[3]", "proc.aname", "proc.tty", "proc.cwd", "proc.sname",
	"fd.name", "fd.directory", "fd.filename", "fd.typechar", "fd.num", "fd.nameraw",
	"user.name", "user.uid", "user.loginuid", "container.id", "container.image.repository", "k8s.ns.name",
}

// BenchmarkExtract extracts the fields the upstream rules use most on an
// open exit event: ns/op is per field.
func BenchmarkExtract(b *testing.B) {
	f := newFixture(b)
	f.at(b, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
	exts := make([]field.Extractor, 0, len(benchFields))
	for _, use := range benchFields {
		fl, arg := fieldUse(b, use)
		ext, err := f.b.Bind(fl, arg)
		if err != nil {
			b.Fatalf("bind %s: %v", use, err)
		}
		exts = append(exts, ext)
	}
	dst := make([]field.Value, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ext := exts[i%len(exts)]
		dst = ext(dst[:0])
	}
}
