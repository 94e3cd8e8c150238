package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"peregrine/internal/forensics/image"
	"peregrine/internal/forensics/image/imagetest"
)

// savedImage writes a small image with a miner, a secret and a script
// label to a docker save archive and returns its path.
func savedImage(t *testing.T, oci bool) string {
	t.Helper()
	im := &imagetest.Image{
		Tags: []string{"example/cli:1"},
		Layers: [][]imagetest.Member{{
			{Name: "tmp/", Type: tar.TypeDir, Mode: 0o1777},
			{Name: "tmp/xmrig", Mode: 0o755, Data: []byte("\x7fELF stratum+tcp://pool:3333 --donate-level=1")},
		}},
		History: []imagetest.Step{{CreatedBy: "/bin/sh -c #(nop) ADD file:x in /"}},
		Env:     []string{"DB_PASSWORD=hunter2"},
		Labels:  map[string]string{"note": "<script>alert(1)</script>"},
	}
	var buf bytes.Buffer
	write := im.WriteLegacy
	if oci {
		write = func(w io.Writer) error { return im.WriteOCI(w, true) }
	}
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "image.tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImageAnalyze(t *testing.T) {
	for _, oci := range []bool{false, true} {
		p := savedImage(t, oci)
		out, stderr, code := peregrine(t, "image", "analyze", p)
		if code != exitOK || !strings.Contains(out, "CRITICAL  miner-binary") || !strings.Contains(out, "example/cli:1") {
			t.Fatalf("text: exit %d: %s%s", code, out, stderr)
		}
		out, stderr, code = peregrine(t, "image", "analyze", p, "-o", "json")
		var r image.Report
		if err := json.Unmarshal([]byte(out), &r); code != exitOK || err != nil {
			t.Fatalf("json: exit %d, %v: %s%s", code, err, out, stderr)
		}
		rules := map[string]image.Severity{}
		for _, f := range r.Findings {
			rules[f.Rule+" "+f.Path+f.Where] = f.Severity
		}
		for k, sev := range map[string]image.Severity{
			"miner-binary /tmp/xmrig":                  image.Critical,
			"miner-content /tmp/xmrig":                 image.Critical,
			"executable-in-temp /tmp/xmrig":            image.High,
			"secret-in-config config.Env[DB_PASSWORD]": image.High,
			"runs-as-root config.User":                 image.Medium,
		} {
			if rules[k] != sev {
				t.Errorf("json: %s: %q, want %q (all: %v)", k, rules[k], sev, rules)
			}
		}
		if strings.Contains(out, "hunter2") {
			t.Error("json shows the password")
		}
		out, _, code = peregrine(t, "image", "analyze", "-o", "html", p)
		if code != exitOK || !strings.HasPrefix(out, "<!DOCTYPE html>") || strings.Contains(out, "<script>") ||
			!strings.Contains(out, "&lt;script&gt;") || strings.Contains(out, "hunter2") {
			t.Errorf("html: exit %d: %s", code, out)
		}
	}
}

func TestImageAnalyzeErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.tar")
	if err := os.WriteFile(corrupt, bytes.Repeat([]byte("x"), 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"image", "analyze", savedImage(t, false), "-o", "xml"}, exitUsage, `-o "xml"`},
		{[]string{"image", "analyze"}, exitUsage, "want one IMAGE.tar or DIR, got 0"},
		{[]string{"image", "analyze", filepath.Join(dir, "missing.tar")}, exitError, "no such file"},
		{[]string{"image", "analyze", corrupt}, exitError, "corrupt.tar: read tar header"},
		{[]string{"image", "analyze", "--image", "other:2", savedImage(t, true)}, exitError, `no image tagged "other:2"`},
	} {
		_, stderr, code := peregrine(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}
