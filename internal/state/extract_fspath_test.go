package state

import (
	"testing"

	"peregrine/internal/event"
)

func fsPathScenarios() []scenario {
	return []scenario{
		{
			name: "successful renameat2",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeRenameat2X, 17497, -1, renameat2Params(0, atFDCWD, "a.txt", 8, "../b.txt"))
			},
			cases: []fieldCase{
				{"fs.path.source", v("/home/ubuntu/a.txt")},
				{"fs.path.sourceraw", v("a.txt")},
				// libsinsp resolves against the working directory, not
				// the directory descriptor.
				{"fs.path.target", v("/home/b.txt")},
				{"fs.path.targetraw", v("../b.txt")},
				{"fs.path.name", nil},
				{"fs.path.nameraw", nil},
			},
		},
		{
			name: "failed renameat2",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeRenameat2X, 17497, -1, renameat2Params(-2, atFDCWD, "a.txt", 8, "b.txt"))
			},
			cases: []fieldCase{{"fs.path.source", nil}, {"fs.path.target", nil}},
		},
		{
			name: "open: absolute path, success by fd",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
			},
			cases: []fieldCase{
				{"fs.path.name", v("/etc/hosts")},
				{"fs.path.nameraw", v("/etc/hosts")},
				{"fs.path.source", nil},
			},
		},
		{
			name: "failed open: only fd -1 counts as failure, as in libsinsp",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, -1, openParams(-2, "x/../notes.txt", 1, 0))
			},
			cases: []fieldCase{
				{"fs.path.name", v("/home/ubuntu/notes.txt")},
				{"fs.path.nameraw", v("x/../notes.txt")},
			},
		},
		{
			name: "fchmod: the path of the descriptor",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeFchmodX, 17497, 3, func(b *event.Builder) {
					b.Int(event.PTErrno, 0)
					b.Int(event.PTFD, 3)
					b.Uint(event.PTMode, 0o600)
				})
			},
			cases: []fieldCase{{"fs.path.name", v("/etc/hosts")}, {"fs.path.nameraw", v("/etc/hosts")}},
		},
	}
}
