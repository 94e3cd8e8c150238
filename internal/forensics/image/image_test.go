package image

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"peregrine/internal/forensics/image/imagetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

type M = imagetest.Member

// plantedImage has one of each finding the analysis knows, spread over
// three layers and five build steps.
func plantedImage() *imagetest.Image {
	return &imagetest.Image{
		Tags: []string{"example/planted:1"},
		Layers: [][]M{
			{ // base
				{Name: "bin/", Type: tar.TypeDir},
				{Name: "bin/busybox", Mode: 0o755, Data: []byte("\x7fELF fake busybox")},
				{Name: "bin/su", Mode: 0o4755, Data: []byte("\x7fELF su")},
				{Name: "bin/sh", Type: tar.TypeSymlink, Link: "busybox", Mode: 0o777},
				{Name: "etc/", Type: tar.TypeDir},
				{Name: "etc/passwd", Data: []byte("root:x:0:0:root:/root:/bin/sh\n")},
				{Name: "etc/app/", Type: tar.TypeDir},
				{Name: "etc/app/old.conf", Data: []byte("debug=1\n")},
				{Name: "etc/app/.env", Data: []byte("DB_PASSWORD=hunter2\n")},
				{Name: "tmp/", Type: tar.TypeDir, Mode: 0o1777},
			},
			{ // the miner and friends
				{Name: "opt/.cache/xmrig", Mode: 0o755, Data: []byte("\x7fELF miner")},
				{Name: "opt/miner/config.json", Data: []byte(`{"pools":[{"url":"stratum+tcp://pool:3333"}],"donate-level":1}`)},
				{Name: "tmp/run.sh", Mode: 0o755, Data: []byte("#!/bin/sh\nexec /opt/.cache/xmrig --donate-level=0\n")},
				{Name: "usr/local/bin/helper", Mode: 0o4755, Data: []byte("\x7fELF helper")},
				{Name: "var/www/", Type: tar.TypeDir, Mode: 0o777},
				{Name: "var/www/index.html", Mode: 0o666, Data: []byte("<p>hi</p>")},
				{Name: "root/.ssh/id_rsa", Mode: 0o600, Data: []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n")},
				{Name: "srv/escape", Type: tar.TypeSymlink, Link: "../../../etc/shadow", Mode: 0o777},
				{Name: "srv/hard", Type: tar.TypeLink, Link: "etc/passwd"},
			},
			{ // the cleanup that does not clean
				{Name: "root/.ssh/.wh.id_rsa"},
				{Name: "etc/app/.wh..wh..opq"},
				{Name: "etc/app/new.conf", Data: []byte("debug=0\n")},
				{Name: "etc/passwd", Data: []byte("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n")},
			},
		},
		History: []imagetest.Step{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:base in / "},
			{CreatedBy: "|1 DB_PASSWORD=hunter2 /bin/sh -c install-miner"},
			{CreatedBy: "/bin/sh -c #(nop)  ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", EmptyLayer: true},
			{CreatedBy: "/bin/sh -c rm -rf /root/.ssh/id_rsa /etc/app/* && echo app >> /etc/passwd"},
			{CreatedBy: `/bin/sh -c #(nop)  CMD ["/bin/sh"]`, EmptyLayer: true},
		},
		Env:          []string{"PATH=/bin", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "API_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz", "MYSQL_PASSWORD_FILE=/run/secrets/db"},
		Cmd:          []string{"/bin/sh"},
		WorkingDir:   "/srv",
		ExposedPorts: []string{"8080/tcp", "3333/tcp"},
		Volumes:      []string{"/data"},
		Labels:       map[string]string{"maintainer": "<ops@example.com>", "deploy.token": "abcdefabcdefabcdef"},
	}
}

// cleanImage is a small image with nothing to report above INFO.
func cleanImage() *imagetest.Image {
	return &imagetest.Image{
		Tags: []string{"example/clean:1"},
		Layers: [][]M{{
			{Name: "bin/", Type: tar.TypeDir},
			{Name: "bin/busybox", Mode: 0o755, Data: []byte("\x7fELF fake busybox")},
			{Name: "bin/su", Mode: 0o4755, Data: []byte("\x7fELF su")},
			{Name: "tmp/", Type: tar.TypeDir, Mode: 0o1777},
			{Name: "etc/passwd", Data: []byte("root:x:0:0:root:/root:/bin/sh\n")},
		}},
		History: []imagetest.Step{{CreatedBy: "/bin/sh -c #(nop) ADD file:clean in / "}, {CreatedBy: "/bin/sh -c #(nop)  USER 1000", EmptyLayer: true}},
		User:    "1000",
		Cmd:     []string{"/bin/sh"},
	}
}

// save writes an archive to a new temporary file and returns its path.
func save(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func legacyTar(t testing.TB, im *imagetest.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := im.WriteLegacy(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ociTar(t testing.TB, im *imagetest.Image, gz bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := im.WriteOCI(&buf, gz); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// extract unpacks a (test-made, trusted) archive into a new directory.
func extract(t testing.TB, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		p := filepath.Join(dir, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			os.MkdirAll(p, 0o755)
		case tar.TypeReg:
			os.MkdirAll(filepath.Dir(p), 0o755)
			var b bytes.Buffer
			b.ReadFrom(tr)
			if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func analyzeOK(t testing.TB, p string) *Report {
	t.Helper()
	r, err := Analyze(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// golden compares r's JSON form with testdata/name (rewritten with
// -update).
func golden(t *testing.T, name string, r *Report) {
	t.Helper()
	r.Source = name
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	p := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", p, d)
	}
}

// key is what identifies a finding across layouts and runs.
type key struct {
	Severity Severity
	Rule     string
	At       string
}

func keys(r *Report) []key {
	var ks []key
	for _, f := range r.Findings {
		ks = append(ks, key{f.Severity, f.Rule, f.Path + f.Where})
	}
	return ks
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		im   *imagetest.Image
	}{
		{"planted", plantedImage()},
		{"clean", cleanImage()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, analyzeOK(t, save(t, tc.name+".tar", legacyTar(t, tc.im))))
		})
	}
}

// TestLayouts: the legacy tar, the OCI tar (plain and gzip layers) and
// their extracted directories give the same report but for where the
// layers are stored.
func TestLayouts(t *testing.T) {
	im := plantedImage()
	legacy := legacyTar(t, im)
	want := analyzeOK(t, save(t, "legacy.tar", legacy))
	ignore := cmp.Options{
		cmpopts.IgnoreFields(Report{}, "Source", "Layout"),
		cmpopts.IgnoreFields(Layer{}, "Blob", "BlobDigest", "Compressed", "StoredSize"),
	}
	oci := ociTar(t, im, true)
	for _, tc := range []struct {
		name, path, layout string
	}{
		{"legacy dir", extract(t, legacy), LayoutDocker},
		{"oci gzip tar", save(t, "oci.tar", oci), LayoutOCI},
		{"oci plain tar", save(t, "oci-plain.tar", ociTar(t, im, false)), LayoutOCI},
		{"oci dir", extract(t, oci), LayoutOCI},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := analyzeOK(t, tc.path)
			if got.Layout != tc.layout {
				t.Errorf("layout %q, want %q", got.Layout, tc.layout)
			}
			if d := cmp.Diff(want, got, ignore); d != "" {
				t.Errorf("report differs from the legacy layout's (-legacy +got):\n%s", d)
			}
		})
	}
	got := analyzeOK(t, save(t, "oci.tar", oci))
	for i, l := range got.Layers {
		if !l.Compressed || l.BlobDigest == "" || !strings.HasPrefix(l.Blob, "blobs/sha256/") {
			t.Errorf("layer %d: %+v, want a gzip blob with its digest", i, l)
		}
	}
}

// TestPlanted names the findings the planted image must raise.
func TestPlanted(t *testing.T) {
	r := analyzeOK(t, save(t, "planted.tar", legacyTar(t, plantedImage())))
	want := []key{
		{Critical, "miner-binary", "/opt/.cache/xmrig"},
		{Critical, "miner-content", "/opt/miner/config.json"},
		{Critical, "private-key", "/root/.ssh/id_rsa"},
		{Critical, "secret-file", "/etc/app/.env"},
		{Critical, "secret-file", "/root/.ssh/id_rsa"},
		{Critical, "secret-in-config", "config.Env[AWS_ACCESS_KEY_ID]"},
		{Critical, "secret-in-history", "history[2]"},
		{High, "executable-in-temp", "/tmp/run.sh"},
		{High, "miner-content", "/tmp/run.sh"},
		{High, "secret-in-config", "config.Env[API_TOKEN]"},
		{High, "secret-in-config", "config.Labels[deploy.token]"},
		{High, "secret-in-history", "history[1]"},
		{High, "setuid", "/usr/local/bin/helper"},
		{High, "symlink-outside-root", "/srv/escape"},
		{Medium, "executable-in-hidden-dir", "/opt/.cache/xmrig"},
		{Medium, "runs-as-root", "config.User"},
		{Medium, "world-writable", "/var/www"},
		{Medium, "world-writable", "/var/www/index.html"},
		{Info, "recoverable-files", ""},
		{Info, "setuid", "/bin/su"},
	}
	if d := cmp.Diff(want, keys(r)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	for _, f := range r.Findings {
		if f.Rule == "secret-file" && f.DeletedIn == nil {
			t.Errorf("%s: no deleted_in: %+v", f.Path, f)
		}
	}
	out, _ := json.Marshal(r)
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "ghp_0123456789abcdef", "hunter2", "abcdefabcdefabcdef"} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("the report shows the secret %q", secret)
		}
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "hunter2"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("text or HTML shows the secret %q", secret)
		}
	}
	if !strings.Contains(buf.String(), "&lt;ops@example.com&gt;") {
		t.Error("HTML does not escape the maintainer label")
	}
	// the layers line up with the non-empty steps
	var made []int
	for _, l := range r.Layers {
		made = append(made, *l.History)
	}
	if d := cmp.Diff([]int{0, 1, 3}, made); d != "" {
		t.Errorf("layer -> history step (-want +got):\n%s", d)
	}
}

func TestClean(t *testing.T) {
	r := analyzeOK(t, save(t, "clean.tar", legacyTar(t, cleanImage())))
	for _, f := range r.Findings {
		if f.Severity.Rank() > Low.Rank() {
			t.Errorf("clean image: %+v", f)
		}
	}
}
