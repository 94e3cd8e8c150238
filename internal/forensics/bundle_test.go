package forensics

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/testenv"
)

// sampleBundle writes and seals a small bundle and returns its directory.
func sampleBundle(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "case")
	b, err := CreateBundle(dir, "tester")
	if err != nil {
		t.Fatal(err)
	}
	writes := map[string]string{
		"host/a.txt":           "alpha\n",
		"containers/x/b.bin":   strings.Repeat("\x00\x01binary", 1000),
		"containers/x/empty":   "",
		"containers/x/p/q.txt": "nested",
	}
	for p, content := range writes {
		if _, err := b.Write(p, "test "+p, func(w io.Writer) error { _, err := io.WriteString(w, content); return err }); err != nil {
			t.Fatal(err)
		}
	}
	a, err := b.Write("containers/x/partial", "a source that fails", func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("connection reset")
	})
	if err == nil || a.Error == "" || a.Size != 4 {
		t.Fatalf("failed artifact: %+v, %v", a, err)
	}
	for _, bad := range []string{"../escape", "..", ".", "", "/abs", "a/../../b", "a//b", "a/./b", "a/", SumsFile, "host/a.txt"} {
		if _, err := b.Create(bad, "x"); err == nil {
			t.Errorf("artifact %q accepted", bad)
		}
	}
	if err := b.Seal(&Manifest{Case: "C-1"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBundleSealed(t *testing.T) {
	dir := sampleBundle(t)
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Case != "C-1" || len(m.Artifacts) != 5 {
		t.Fatalf("manifest: case %q, %d artifacts", m.Case, len(m.Artifacts))
	}
	for _, a := range m.Artifacts {
		sum, size, err := hashFile(filepath.Join(dir, a.Path))
		if err != nil || sum != a.SHA256 || size != a.Size {
			t.Errorf("%s: manifest %s %d, file %s %d %v", a.Path, a.SHA256, a.Size, sum, size, err)
		}
		if (a.Error != "") != (a.Path == "containers/x/partial") || a.Started.IsZero() || a.Finished.Before(a.Started) {
			t.Errorf("%+v", a)
		}
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o440)
		if d.IsDir() {
			want = 0o550
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := CheckCustody(filepath.Join(dir, CustodyFile))
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, e := range entries {
		events = append(events, e.Event)
		if e.Operator != "tester" {
			t.Errorf("operator %q", e.Operator)
		}
	}
	if events[len(events)-1] != "seal" || !strings.Contains(strings.Join(events, " "), "error") {
		t.Errorf("events %v", events)
	}
}

// sha256sum itself accepts SHA256SUMS.
func TestBundleSHA256SUMS(t *testing.T) {
	dir := sampleBundle(t)
	tool := testenv.Tool(t, "sha256sum")
	cmd := exec.Command(tool, "--strict", "-c", SumsFile)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sha256sum -c: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), ": OK"); n != 5 {
		t.Errorf("%d files OK:\n%s", n, out)
	}
}

func TestCreateBundleRefusesNonEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateBundle(dir, "t"); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("got %v, want ErrNotEmpty", err)
	}
	empty := t.TempDir()
	b, err := CreateBundle(empty, "t")
	if err != nil {
		t.Fatalf("empty existing directory: %v", err)
	}
	b.Custody().Close()
}

// copyBundle copies a sealed bundle to a writable place.
func copyBundle(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if out, err := exec.Command("cp", "-a", dir, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	if out, err := exec.Command("chmod", "-R", "u+w", dst).CombinedOutput(); err != nil {
		t.Fatalf("chmod: %v %s", err, out)
	}
	return dst
}

func TestVerify(t *testing.T) {
	sealed := sampleBundle(t)
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		want   VerifyReport // Dir, Case and Checked are not compared
	}{
		{name: "untouched", change: func(*testing.T, string) {}},
		{name: "one byte changed", change: func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, "containers/x/b.bin"), 500) },
			want: VerifyReport{Changed: []Mismatch{{Path: "containers/x/b.bin"}}}},
		{name: "file removed", change: func(t *testing.T, dir string) { mustDo(t, os.Remove(filepath.Join(dir, "host/a.txt"))) },
			want: VerifyReport{Missing: []string{"host/a.txt"}}},
		{name: "file added", change: func(t *testing.T, dir string) {
			mustDo(t, os.WriteFile(filepath.Join(dir, "containers/x/planted"), []byte("x"), 0o644))
		}, want: VerifyReport{Extra: []string{"containers/x/planted"}}},
		{name: "SHA256SUMS hash edited", change: func(t *testing.T, dir string) { editSums(t, dir, 0) },
			want: VerifyReport{Problems: []string{"SHA256SUMS:", "containers/x/b.bin:"}}},
		{name: "SHA256SUMS line broken", change: func(t *testing.T, dir string) { editSums(t, dir, 70) },
			want: VerifyReport{Problems: []string{"SHA256SUMS", "SHA256SUMS:", "the"}}},
		{name: "custody log line removed", change: func(t *testing.T, dir string) {
			p := filepath.Join(dir, CustodyFile)
			data, err := os.ReadFile(p)
			mustDo(t, err)
			lines := strings.SplitAfter(string(data), "\n")
			mustDo(t, os.WriteFile(p, []byte(strings.Join(append(lines[:2], lines[3:]...), "")), 0o644))
		}, want: VerifyReport{Problems: []string{"custody"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyBundle(t, sealed)
			tt.change(t, dir)
			r, err := Verify(dir)
			if err != nil {
				t.Fatal(err)
			}
			if r.Case != "C-1" || r.Checked+len(r.Missing) != 5 {
				t.Errorf("case %q, checked %d", r.Case, r.Checked)
			}
			// Compare paths, and only the first word of problems.
			var got VerifyReport
			got.Missing, got.Extra = r.Missing, r.Extra
			for _, c := range r.Changed {
				got.Changed = append(got.Changed, Mismatch{Path: c.Path})
				if c.GotSHA256 == c.WantSHA256 {
					t.Errorf("changed %s with the same hash", c.Path)
				}
			}
			for _, p := range r.Problems {
				got.Problems = append(got.Problems, strings.Fields(p)[0])
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("report (-want +got):\n%s\n%+v", diff, r)
			}
			if r.OK() != (tt.name == "untouched") {
				t.Errorf("OK() = %v", r.OK())
			}
		})
	}
}

func TestVerifyNoManifest(t *testing.T) {
	if _, err := Verify(t.TempDir()); err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Errorf("got %v", err)
	}
}

// editSums changes the character at off of SHA256SUMS's first line into
// another hex digit (off 0) or a space.
func editSums(t *testing.T, dir string, off int) {
	t.Helper()
	p := filepath.Join(dir, SumsFile)
	data, err := os.ReadFile(p)
	mustDo(t, err)
	switch {
	case off > 0:
		data[64] = 'X'
	case data[off] == '0':
		data[off] = '1'
	default:
		data[off] = '0'
	}
	mustDo(t, os.WriteFile(p, data, 0o644))
}

// flipByte inverts the byte at off of the file at p.
func flipByte(t *testing.T, p string, off int) {
	t.Helper()
	data, err := os.ReadFile(p)
	mustDo(t, err)
	data[off] ^= 0xff
	mustDo(t, os.WriteFile(p, data, 0o644))
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBundleStaysInside: a symbolic link planted in the bundle while it
// is written (by whoever else can write there) does not lead artifacts,
// the seal or the read-only pass out of the bundle.
func TestBundleStaysInside(t *testing.T) {
	top := t.TempDir()
	dir, outside := filepath.Join(top, "case"), filepath.Join(top, "outside")
	mustDo(t, os.Mkdir(outside, 0o755))
	mustDo(t, os.WriteFile(filepath.Join(outside, "victim"), []byte("x"), 0o600))
	b, err := CreateBundle(dir, "tester")
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, os.Symlink(outside, filepath.Join(dir, "containers")))
	mustDo(t, os.Symlink(filepath.Join(outside, "victim"), filepath.Join(dir, "link")))
	for _, rel := range []string{"containers/x/top.json", "containers/new"} {
		if _, err := b.Write(rel, "test", func(w io.Writer) error { _, err := io.WriteString(w, "data"); return err }); err == nil {
			t.Errorf("%s written through a link out of the bundle", rel)
		}
	}
	if err := b.Seal(&Manifest{Case: "C-1"}); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(outside)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 {
		t.Errorf("outside the bundle: %d entries, want only victim", len(ents))
	}
	if fi, err := os.Stat(filepath.Join(outside, "victim")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("victim outside the bundle: %v %v", fi.Mode(), err)
	}
}
