package image

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"peregrine/internal/forensics/image/imagetest"
)

// rawLegacy writes a legacy archive by hand: a configuration whose
// diff_ids are those of layers, a manifest.json naming paths, the layers
// at those paths (unless extra holds a member of that name) and extra.
func rawLegacy(paths []string, layers [][]byte, extra ...M) []byte {
	var diffIDs []string
	for _, l := range layers {
		diffIDs = append(diffIDs, imagetest.Digest(l))
	}
	cfg, _ := json.Marshal(map[string]any{"os": "linux", "architecture": "amd64", "rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs}})
	cfgName := strings.TrimPrefix(imagetest.Digest(cfg), "sha256:") + ".json"
	manifest, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{"bad:1"}, "Layers": paths}})
	taken := map[string]bool{}
	for _, e := range extra {
		taken[e.Name] = true
	}
	var members []M
	for i, p := range paths {
		if !taken[p] && i < len(layers) {
			members = append(members, M{Name: p, Data: layers[i]})
		}
	}
	members = append(members, M{Name: cfgName, Data: cfg}, M{Name: "manifest.json", Data: manifest})
	return imagetest.Tar(append(members, extra...))
}

// oneLayer is a legacy archive with one layer made of entries.
func oneLayer(entries ...M) []byte {
	return rawLegacy([]string{"l0/layer.tar"}, [][]byte{imagetest.Tar(entries)})
}

func TestBadInput(t *testing.T) {
	good := legacyTar(t, plantedImage())
	plainOCI := ociTar(t, plantedImage(), false)
	zeros := make([]byte, 8<<20)
	bomb := &imagetest.Image{Layers: [][]M{{{Name: "zeros", Data: zeros}}}, History: []imagetest.Step{{CreatedBy: "x"}}}
	okLayer := imagetest.Tar([]M{{Name: "a", Data: []byte("a")}})
	for _, tc := range []struct {
		name string
		data []byte
		opt  Options
		want []string // substrings of the error
	}{
		{"corrupt tar", bytes.Repeat([]byte("not a tar "), 200), Options{}, []string{"invalid tar header"}},
		{"truncated tar", good[:3000], Options{}, []string{"layer.tar", "declares 8704 bytes but only"}},
		{"truncated layer", rawLegacy([]string{"l0/layer.tar"}, [][]byte{imagetest.Tar([]M{{Name: "big", Data: []byte("abc"), Size: 5000}})}),
			Options{}, []string{"layer 0", "l0/layer.tar", `member "big"`, "unexpected EOF"}},
		{"empty archive", imagetest.Tar(nil), Options{}, []string{"empty archive"}},
		{"not an image", imagetest.Tar([]M{{Name: "notes.txt", Data: []byte("hi")}}), Options{}, []string{"not a docker save archive or OCI image layout"}},
		{"traversal in archive", imagetest.Tar([]M{{Name: "../evil", Data: []byte("x")}}), Options{}, []string{`member "../evil"`, "climbs out of the archive"}},
		{"absolute path in archive", imagetest.Tar([]M{{Name: "/etc/evil", Data: []byte("x")}}), Options{}, []string{`member "/etc/evil"`, "absolute path"}},
		{"symlink out of archive", rawLegacy([]string{"l0/layer.tar"}, [][]byte{okLayer}, M{Name: "l0/layer.tar", Type: tar.TypeSymlink, Link: "../../etc/passwd"}),
			Options{}, []string{`member "l0/layer.tar"`, "points outside the archive"}},
		{"absolute symlink in archive", rawLegacy([]string{"l0/layer.tar"}, [][]byte{okLayer}, M{Name: "l0/layer.tar", Type: tar.TypeSymlink, Link: "/etc/passwd"}),
			Options{}, []string{`member "l0/layer.tar"`, "points outside the archive"}},
		{"huge member", imagetest.Tar([]M{{Name: "manifest.json", Data: []byte("[]"), Size: 1 << 40}}), Options{}, []string{`member "manifest.json" declares 1099511627776 bytes`}},
		{"huge layer entry", rawLegacy([]string{"l0/layer.tar"}, [][]byte{imagetest.Tar([]M{{Name: "huge", Data: []byte("x"), Size: 1 << 40}})}),
			Options{}, []string{`member "huge"`, "unexpected EOF"}},
		{"traversal in layer", oneLayer(M{Name: "../../etc/cron.d/evil", Data: []byte("x")}), Options{}, []string{"l0/layer.tar", `member "../../etc/cron.d/evil"`, "climbs out of the root"}},
		{"absolute path in layer", oneLayer(M{Name: "/etc/evil", Data: []byte("x")}), Options{}, []string{`member "/etc/evil"`, "absolute path in a layer"}},
		{"hard link out of layer", oneLayer(M{Name: "etc/x", Type: tar.TypeLink, Link: "../../../etc/shadow"}), Options{}, []string{`member "etc/x"`, "hard link"}},
		{"whiteout of nothing", oneLayer(M{Name: "etc/.wh.", Data: nil}), Options{}, []string{`member "etc/.wh."`, "whiteout names no file"}},
		{"missing layer", rawLegacy([]string{"l0/layer.tar", "l1/layer.tar"}, [][]byte{okLayer, okLayer}, M{Name: "l1/layer.tar", Type: tar.TypeDir}),
			Options{}, []string{"l1/layer.tar", "file does not exist"}},
		{"diff_ids short", rawLegacy([]string{"l0/layer.tar", "l1/layer.tar"}, [][]byte{okLayer}), Options{}, []string{"1 diff_ids for 2 layers"}},
		{"legacy digest mismatch", bytes.Replace(good, []byte("miner"), []byte("mineR"), 1), Options{}, []string{"layer.tar", "digest mismatch", "diff_id"}},
		{"oci blob digest mismatch", bytes.Replace(plainOCI, []byte("miner"), []byte("mineR"), 1), Options{}, []string{"blobs/sha256/", "digest mismatch", "the manifest says"}},
		{"config digest mismatch", bytes.Replace(good, []byte(`"os":"linux"`), []byte(`"os":"linuX"`), 1), Options{}, []string{".json: digest mismatch"}},
		{"layer over the size limit", ociTar(t, bomb, true), Options{MaxLayerBytes: 1 << 20}, []string{"layer 0", "blobs/sha256/", "layer too large", "more than 1048576"}},
		{"gzip bomb", ociTar(t, bomb, true), Options{MaxRatio: 50, ratioFloor: 1 << 20}, []string{"layer too large", "ratio over 50:1"}},
		// one path written again and again: the tree stays small, the
		// record of replaced files and of suspicious files must not grow
		{"replaced files past the bound", oneLayer(repeat(M{Name: "a", Data: []byte("a")}, 20)...), Options{MaxEntries: 10},
			[]string{`member "a"`, "more than 10 file system entries deleted or replaced"}},
		{"suspicious files past the bound", oneLayer(repeat(M{Name: "xmrig", Data: []byte("x")}, 20)...), Options{MaxEntries: 10},
			[]string{`member "xmrig"`, "more than 10 suspicious files"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "image.tar")
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(t.TempDir())
			r, err := Analyze(p, tc.opt)
			if err == nil {
				t.Fatalf("no error; report: %d findings", len(r.Findings))
			}
			for _, w := range append([]string{p}, tc.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			noNewFiles(t, dir, "image.tar")
			noNewFiles(t, ".")
		})
	}
}

// noNewFiles fails the test if dir holds anything but names.
func noNewFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != len(names) {
		var got []string
		for _, e := range ents {
			got = append(got, e.Name())
		}
		t.Errorf("%s holds %v, want only %v", dir, got, names)
	}
}

// TestHugeSizeDoesNotAllocate: headers that claim a terabyte cost no
// memory in proportion.
func TestHugeSizeDoesNotAllocate(t *testing.T) {
	for _, data := range [][]byte{
		imagetest.Tar([]M{{Name: "manifest.json", Data: []byte("[]"), Size: 1 << 40}}),
		rawLegacy([]string{"l0/layer.tar"}, [][]byte{imagetest.Tar([]M{{Name: "huge", Data: []byte("x"), Size: 1 << 40}})}),
		rawLegacy([]string{"l0/layer.tar"}, [][]byte{imagetest.Tar([]M{{Name: "huge", Data: bytes.Repeat([]byte("x"), 3<<20)}})}),
	} {
		p := save(t, "huge.tar", data)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		Analyze(p, Options{})
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
			t.Errorf("analysis allocated %d bytes", got)
		}
	}
}

// TestBadDirectory: an extracted image whose layer path is a symbolic
// link out of the directory is refused.
func TestBadDirectory(t *testing.T) {
	dir := extract(t, rawLegacy([]string{"l0/layer.tar"}, [][]byte{imagetest.Tar([]M{{Name: "a", Data: []byte("a")}})}))
	p := filepath.Join(dir, "l0", "layer.tar")
	os.Remove(p)
	if err := os.Symlink("/etc/passwd", p); err != nil {
		t.Fatal(err)
	}
	_, err := Analyze(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "l0/layer.tar") || !strings.Contains(err.Error(), "escapes") {
		t.Fatalf("error %v, want l0/layer.tar escaping the directory", err)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Analyze(fifo, Options{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("fifo: error %v", err)
	}
}

// repeat returns n copies of m.
func repeat(m M, n int) []M {
	out := make([]M, n)
	for i := range out {
		out[i] = m
	}
	return out
}
