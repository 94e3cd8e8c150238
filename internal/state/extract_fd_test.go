package state

import (
	"testing"

	"peregrine/internal/event"
)

func fdScenarios() []scenario {
	return []scenario{
		{
			name: "open of a known file",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, 3, openParams(3, "/etc/hosts", 1, 0))
			},
			cases: []fieldCase{
				{"fd.num", v("3")},
				{"fd.type", v("file")},
				{"fd.typechar", v("f")},
				{"fd.name", v("/etc/hosts")},
				{"fd.directory", v("/etc")},
				{"fd.filename", v("hosts")},
				{"fd.containername", v(":/etc/hosts")},
				{"fd.containerdirectory", v(":/etc")},
				{"fd.uid", v("174973")},
				{"fd.dev", v("2049")},
				{"fd.dev.major", v("8")},
				{"fd.dev.minor", v("1")},
				{"fd.ino", v("1234")},
				{"fd.is_upper_layer", v("false")},
				{"fd.is_lower_layer", v("true")},
				{"fd.connected", v("false")},
				{"fd.name_changed", v("false")},
				{"fd.l4proto", v("<NA>")},
				{"fd.sockfamily", nil},
				{"fd.is_server", v("false")},
				{"fd.nameraw", v("/etc/hosts")},
				{"fd.types[3]", v("file")},
				{"fd.types[1]", v("pipe")},
				{"fd.types[42]", nil},
				{"fd.types", v("directory", "file", "ipv4", "ipv6", "pipe", "unix")},
			},
		},
		{
			name: "failed open of a relative path: names from the call",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenX, 17497, -1, openParams(-2, "docs//notes.txt", 1, 0))
			},
			cases: []fieldCase{
				{"fd.num", nil},
				{"fd.type", nil},
				{"fd.typechar", v("f")},
				{"fd.name", v("/home/ubuntu/docs/notes.txt")},
				{"fd.directory", v("/home/ubuntu/docs")},
				{"fd.containername", v(":/home/ubuntu/docs/notes.txt")},
				{"fd.containerdirectory", v(":/home/ubuntu/docs")},
				{"fd.nameraw", v("/home/ubuntu/docs/notes.txt")},
				{"fd.filename", nil},
				{"fd.ino", nil},
			},
		},
		{
			name: "openat of an unopened file: the path as given stays raw",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenatNewX, 17497, -1, openatParams(-13, 8, "x//../y.txt", 1, 0))
			},
			cases: []fieldCase{
				{"fd.name", v("/tmp/y.txt")},
				{"fd.nameraw", v("x/../y.txt")},
				{"fd.directory", v("/tmp")},
			},
		},
		{
			name: "openat of a known file: the path as given",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeOpenatNewX, 17497, 3, openatParams(3, atFDCWD, "../..//etc/hosts", 1, 0))
			},
			cases: []fieldCase{
				{"fd.nameraw", v("../../etc/hosts")},
				{"fd.name", v("/etc/hosts")},
			},
		},
		{
			name: "a read: no raw name once opened",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17497, 3, ioParams(1, "x", 3))
			},
			cases: []fieldCase{{"fd.nameraw", nil}, {"fd.name", v("/etc/hosts")}},
		},
		{
			name: "a directory",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeCloseX, 17497, 8, func(b *event.Builder) {
					b.Int(event.PTErrno, 0)
					b.Int(event.PTFD, 8)
				})
			},
			cases: []fieldCase{
				{"fd.type", v("directory")},
				{"fd.typechar", v("d")},
				{"fd.directory", v("/tmp")},
				{"fd.filename", nil},
				{"evt.category", v("file")},
			},
		},
		{
			name: "a pipe",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeWriteX, 17497, 1, ioParams(2, "ok", 1))
			},
			cases: []fieldCase{
				{"fd.type", v("pipe")},
				{"fd.typechar", v("p")},
				{"fd.name", v("pipe:[4242]")},
				{"fd.directory", nil},
				{"fd.sockfamily", nil},
			},
		},
		{
			name: "an event on an fd the state does not know",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeReadX, 17497, 77, ioParams(1, "x", 77))
			},
			cases: []fieldCase{
				{"fd.num", v("77")},
				{"fd.uid", v("1749777")},
				{"fd.type", nil},
				{"fd.typechar", v("o")},
				{"fd.name", v("")},
				{"fd.nameraw", v("")},
				{"fd.l4proto", nil},
				{"fd.types", v("directory", "file", "ipv4", "ipv6", "pipe", "unix")},
			},
		},
		{
			name: "an event that is not about a descriptor",
			setup: func(t testing.TB, f *fixture) {
				f.at(t, typeProcinfoE, 17497, -1, func(b *event.Builder) {
					b.Uint(event.PTUint64, 1)
					b.Uint(event.PTUint64, 2)
				})
			},
			cases: []fieldCase{
				{"fd.num", nil},
				{"fd.name", nil},
				{"fd.typechar", nil},
				{"fd.types", nil},
				{"fd.uid", nil},
			},
		},
	}
}

// TestPathHelpers checks the name splitting and path joining rules.
func TestPathHelpers(t *testing.T) {
	names := []struct{ in, dir, base string }{
		{"/etc/hosts", "/etc", "hosts"},
		{"/hosts", "/", "hosts"},
		{"/etc/", "/etc/", "/etc/"},
		{"hosts", "/", "/"},
		{"", "/", "/"},
	}
	for _, n := range names {
		if got := dirName(n.in); got != n.dir {
			t.Errorf("dirName(%q) = %q, want %q", n.in, got, n.dir)
		}
		if got := baseName(n.in); got != n.base {
			t.Errorf("baseName(%q) = %q, want %q", n.in, got, n.base)
		}
	}
	joins := []struct{ dir, p, want string }{
		{"/home/u", "a.txt", "/home/u/a.txt"},
		{"/home/u/", "./a//b/../c", "/home/u/a/c"},
		{"/home/u", "/etc//x/", "/etc/x"},
		{"/", "../../x", "/x"},
		{"", "x", "/x"},
		{"/a/b", "", "/a/b"},
		{"/a/b", "..", "/a"},
		{"/a", "../..", "/"},
	}
	for _, j := range joins {
		if got := string(joinPath(nil, []byte(j.dir), []byte(j.p))); got != j.want {
			t.Errorf("joinPath(%q, %q) = %q, want %q", j.dir, j.p, got, j.want)
		}
	}
	if got := string(squeezeSlashes([]byte("//a///b/"))); got != "/a/b/" {
		t.Errorf("squeezeSlashes = %q", got)
	}
}
