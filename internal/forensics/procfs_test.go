package forensics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The test's own process, collected from /proc: its program's bytes, its
// command line and an open file it holds.
func TestCollectProcessSelf(t *testing.T) {
	held, err := os.CreateTemp(t.TempDir(), "held-open-*")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	b, err := CreateBundle(filepath.Join(t.TempDir(), "b"), "t")
	if err != nil {
		t.Fatal(err)
	}
	pid := os.Getpid()
	dir := "proc/" + strconv.Itoa(pid)
	if errs := collectProcess(b, "/proc", pid, dir); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if err := b.Seal(&Manifest{Case: "self"}); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := hashFile(self)
	if err != nil {
		t.Fatal(err)
	}
	arts := map[string]Artifact{}
	for _, a := range b.Artifacts() {
		arts[a.Path] = a
	}
	if got := arts[dir+"/exe"]; got.SHA256 != want || got.Source != "/proc/"+strconv.Itoa(pid)+"/exe" {
		t.Errorf("exe artifact %+v, want sha256 %s", got, want)
	}
	for _, name := range append([]string{"fds.json", "links.json"}, procCopies...) {
		if _, ok := arts[dir+"/"+name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	cmdline, err := os.ReadFile(filepath.Join(b.Dir(), dir, "cmdline"))
	if err != nil || !strings.HasPrefix(string(cmdline), os.Args[0]+"\x00") {
		t.Errorf("cmdline %q, %v", cmdline, err)
	}
	data, err := os.ReadFile(filepath.Join(b.Dir(), dir, "fds.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fds []FDEntry
	if err := json.Unmarshal(data, &fds); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, fd := range fds {
		found = found || fd.Target == held.Name()
	}
	if !found {
		t.Errorf("%s not among the descriptors %v", held.Name(), fds)
	}
}

// A process that is gone: every artifact fails, and each failure is
// reported and recorded.
func TestCollectProcessGone(t *testing.T) {
	b, err := CreateBundle(filepath.Join(t.TempDir(), "b"), "t")
	if err != nil {
		t.Fatal(err)
	}
	errs := collectProcess(b, t.TempDir(), 4242, "proc/4242")
	if len(errs) != 1+len(procCopies)+1 {
		t.Errorf("%d errors: %v", len(errs), errs)
	}
	for _, a := range b.Artifacts() {
		if a.Path != "proc/4242/links.json" && a.Error == "" {
			t.Errorf("%s: no error recorded", a.Path)
		}
	}
	b.Custody().Close()
}
