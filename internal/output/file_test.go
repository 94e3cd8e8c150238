package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFileRotation: logrotate renames the file; with keep_alive the
// alerts follow the open file until Reopen (SIGUSR1), then go to a new
// file at the path; without keep_alive they go to the new file at once.
func TestFileRotation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		keep     bool
		buffered bool
		reopen   bool
	}{
		{"keep alive", true, false, true},
		{"keep alive buffered", true, true, true},
		{"per alert", false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "events.txt")
			s, err := NewFile(FileOptions{Path: path, KeepAlive: tc.keep, Buffered: tc.buffered})
			if err != nil {
				t.Fatal(err)
			}
			o := New(Options{DropReportInterval: -1}, s)
			var before, after []string
			for i := range 10 {
				a := testAlert(i)
				before = append(before, a.Output)
				o.Send(a)
			}
			eventually(t, "the first alerts", func() bool { return o.Stats()[0].Sent == 10 })
			if err := os.Rename(path, path+".1"); err != nil {
				t.Fatal(err)
			}
			if tc.reopen {
				o.Reopen()
			}
			for i := 10; i < 20; i++ {
				a := testAlert(i)
				after = append(after, a.Output)
				o.Send(a)
			}
			if err := o.Close(closeCtx(t)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(before, readLines(t, path+".1")); diff != "" {
				t.Errorf("rotated file (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(after, readLines(t, path)); diff != "" {
				t.Errorf("new file (-want +got):\n%s", diff)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("new file mode %v, want 0600", fi.Mode().Perm())
			}
		})
	}
}

// TestFileAppends: an existing file is appended to, never truncated.
func TestFileAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.txt")
	os.WriteFile(path, []byte("earlier\n"), 0o644)
	s, err := NewFile(FileOptions{Path: path, KeepAlive: true})
	if err != nil {
		t.Fatal(err)
	}
	o := New(Options{DropReportInterval: -1}, s)
	o.Send(testAlert(1))
	o.Close(closeCtx(t))
	got := readLines(t, path)
	if len(got) != 2 || got[0] != "earlier" || alertIndex(got[1]) != 1 {
		t.Errorf("file %q", got)
	}
}

func TestNewFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ path, want string }{
		{"", "file output: no filename"},
		{filepath.Join(dir, "missing", "events.txt"), "file output: open " + filepath.Join(dir, "missing", "events.txt") + ": no such file"},
		{dir, "file output: open " + dir + ": is a directory"},
	} {
		_, err := NewFile(FileOptions{Path: tc.path})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("NewFile(%q): %v, want %q", tc.path, err, tc.want)
		}
	}
}
