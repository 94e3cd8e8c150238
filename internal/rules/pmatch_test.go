package rules

import "testing"

func TestPathSet(t *testing.T) {
	cases := []struct {
		paths []string
		path  string
		want  bool
	}{
		{[]string{"/var/run"}, "/var/run/docker", true},
		{[]string{"/var/run"}, "/var/run", true},
		{[]string{"/var/run"}, "/var/run/", true},
		{[]string{"/var/run"}, "/var/runx", false},
		{[]string{"/var/run"}, "/var", false}, // /var is not under /var/run
		{[]string{"/var/run"}, "/var/lib/messages", false},
		{[]string{"/var/run", "/etc", "/lib", "/usr/lib"}, "/boot", false},
		{[]string{"/var/run", "/etc", "/lib", "/usr/lib"}, "/usr/lib/x.so", true},
		{[]string{"/var/run", "/etc", "/lib", "/usr/lib"}, "/usr", false},
		{[]string{"/"}, "/anything/at/all", true},
		{[]string{"/"}, "/", true},
		{[]string{"/"}, "relative", true},
		{[]string{""}, "/x", true},
		{[]string{"/usr/lib", "/usr"}, "/usr/share", true}, // the shorter path wins
		{[]string{"/usr", "/usr/lib"}, "/usr/share", true},
		{[]string{"//var///run//"}, "/var/run/x", true}, // empty components are dropped
		{[]string{"/var/run"}, "var/run/x", true},       // so is the leading '/'
		{[]string{"/opt/dir"}, "/opt/dir/subdir/file.txt", true},
		{[]string{"/opt/dir/subdir"}, "/opt/dir/subdir/file.txt", true},
		{[]string{"/opt/dir2"}, "/opt/dir/subdir/file.txt", false},
		{[]string{"/opt/dir3", "/opt/dir2"}, "/opt/dir/subdir/file.txt", false},
		{[]string{"/opt/*"}, "/opt/dir/subdir/file.txt", true},
		{[]string{"/opt/*/subdir"}, "/opt/dir/subdir/file.txt", true},
		{[]string{"/opt/di?/subdir"}, "/opt/dir/subdir/file.txt", true},
		{[]string{"/opt/dii?/subdir"}, "/opt/dir/subdir/file.txt", false},
		{[]string{"/opt/di[r]/subdir"}, "/opt/dir/subdir/file.txt", true},
		{[]string{"/opt/di[!r]/subdir"}, "/opt/dir/subdir/file.txt", false},
		{[]string{"/opt/di/subdir"}, "/opt/dir/subdir/file.txt", false},
		{[]string{"/opt/*/subdir2"}, "/opt/dir/subdir/file.txt", false},
		{[]string{"/opt/*/*"}, "/opt/dir/subdir/file.txt", true},
		{[]string{"/opt/*/*/subsubdir"}, "/opt/dir/subdir/file.txt", false},
		{[]string{"/opt/*"}, "/opt/a/b", true},
		{[]string{"/opt/*"}, "/opt", false},
		{[]string{"/opt/dir/x", "/opt/*/subdir"}, "/opt/dir/subdir/f", true}, // a literal miss falls back to globs
		{[]string{"/Opt"}, "/opt/x", false},                                  // case-sensitive
		{nil, "/x", false},
	}
	for _, tc := range cases {
		var s pathSet
		for _, p := range tc.paths {
			s.add([]byte(p))
		}
		if got := s.match([]byte(tc.path)); got != tc.want {
			t.Errorf("%q pmatch %q = %v, want %v", tc.path, tc.paths, got, tc.want)
		}
	}
}

func TestPmatchCheck(t *testing.T) {
	e := env{"fd.name": strs("/var/run/docker.sock")}
	cases := map[string]bool{
		"fd.name pmatch (/var/run)":               true,
		"fd.name pmatch (/var/ru)":                false,
		"fd.name pmatch (/etc, /var/run/)":        true,
		"fd.name pmatch ()":                       false,
		"fd.name pmatch (/var/run/docker.sock/x)": false,
	}
	for cond, want := range cases {
		if got := eval(t, cond, e); got != want {
			t.Errorf("%s = %v, want %v", cond, got, want)
		}
	}
}
