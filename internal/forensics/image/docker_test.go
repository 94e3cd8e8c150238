package image

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/forensics/image/imagetest"
	"peregrine/internal/testenv"
)

// dockerBuild builds the Dockerfile in a new context holding files (name
// -> mode and content) with Docker's classic builder (it works without a
// registry or network), tags the image ref, removes it when the test ends,
// and returns the docker save archive of it.
func dockerBuild(t *testing.T, d *testenv.DockerEnv, ref, dockerfile string, files map[string]ctxFile) []byte {
	t.Helper()
	dir := t.TempDir()
	files["Dockerfile"] = ctxFile{0o644, dockerfile}
	for name, f := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(f.data), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := d.Command(ctx, "build", "--network", "none", "--rm", "--force-rm", "-q", "-t", ref, dir)
	cmd.Env = append(cmd.Env, "DOCKER_BUILDKIT=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v: %s", err, out)
	}
	t.Cleanup(func() { d.Docker(t, "rmi", "-f", ref) })
	archive := filepath.Join(t.TempDir(), "saved.tar")
	d.Docker(t, "save", "-o", archive, ref)
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type ctxFile struct {
	mode os.FileMode
	data string
}

// TestDockerImages builds images with the test Docker engine, saves them
// and analyses the archives: the legacy tar Docker 20.10 writes, the
// directory it extracts to and the same image rewritten in the OCI layout
// with gzip layers must all give the planted findings, and a clean image
// none above LOW.
func TestDockerImages(t *testing.T) {
	d := testenv.Docker(t)
	base := d.Image(t, "image-analyze-base", nil)
	planted := dockerBuild(t, d, "peregrine-test/image-analyze:planted", `FROM `+base+`
COPY xmrig /opt/.cache/xmrig
COPY config.json /opt/miner/config.json
COPY run.sh /tmp/run.sh
RUN mkdir -p /usr/local/bin && cp /bin/busybox /usr/local/bin/helper && chmod 4755 /usr/local/bin/helper
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE API_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz
COPY id_rsa /root/.ssh/id_rsa
RUN rm /root/.ssh/id_rsa
`, map[string]ctxFile{
		"xmrig":       {0o755, "\x7fELF not really xmrig\n"},
		"config.json": {0o644, `{"autosave":true,"pools":[{"url":"stratum+tcp://pool:3333","user":"4wallet"}],"args":"--donate-level 1"}`},
		"run.sh":      {0o755, "#!/bin/sh\nexec /opt/.cache/xmrig -c /opt/miner/config.json\n"},
		"id_rsa":      {0o600, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"},
	})
	want := []key{
		{Critical, "miner-binary", "/opt/.cache/xmrig"},
		{Critical, "miner-content", "/opt/miner/config.json"},
		{Critical, "private-key", "/root/.ssh/id_rsa"},
		{Critical, "secret-file", "/root/.ssh/id_rsa"},
		{Critical, "secret-in-config", "config.Env[AWS_ACCESS_KEY_ID]"},
		{Critical, "secret-in-history", "history[5]"},
		{High, "executable-in-temp", "/tmp/run.sh"},
		{High, "secret-in-config", "config.Env[API_TOKEN]"},
		{High, "secret-in-history", "history[5]"},
		{High, "setuid", "/usr/local/bin/helper"},
		{Medium, "executable-in-hidden-dir", "/opt/.cache/xmrig"},
		{Medium, "runs-as-root", "config.User"},
		{Info, "recoverable-files", ""},
	}
	legacy := analyzeOK(t, save(t, "planted.tar", planted))
	if legacy.Layout != LayoutDocker {
		t.Errorf("layout %q", legacy.Layout)
	}
	if d := cmp.Diff(want, keys(legacy)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	for _, f := range legacy.Findings {
		if f.Rule == "secret-file" && (f.DeletedIn == nil || *f.DeletedIn != len(legacy.Layers)-1 || !strings.Contains(legacy.Layers[*f.Layer].CreatedBy, "COPY file:")) {
			t.Errorf("secret file not traced to its COPY layer and the last layer's rm: %+v", f)
		}
	}
	// every layer lines up with the step that made it
	steps := []string{"", "COPY file:", "COPY file:", "COPY file:", "chmod 4755", "COPY file:", "rm /root/.ssh/id_rsa"}
	if len(legacy.Layers) != len(steps) {
		t.Fatalf("%d layers, want %d", len(legacy.Layers), len(steps))
	}
	for i, l := range legacy.Layers {
		if !strings.Contains(l.CreatedBy, steps[i]) || l.History == nil || legacy.History[*l.History].Layer == nil || *legacy.History[*l.History].Layer != i {
			t.Errorf("layer %d made by %q (history %v), want a step with %q", i, l.CreatedBy, l.History, steps[i])
		}
	}
	if h := legacy.History[5]; !h.EmptyLayer || !strings.Contains(h.CreatedBy, "ENV AWS_ACCESS_KEY_ID=AKIA…[redacted]") {
		t.Errorf("history[5] = %+v", h)
	}
	if legacy.Image.Tags[0] != "peregrine-test/image-analyze:planted" || !strings.HasPrefix(legacy.Image.ID, "sha256:") {
		t.Errorf("image %+v", legacy.Image)
	}

	var oci bytes.Buffer
	if err := imagetest.LegacyToOCI(planted, &oci); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]string{
		"directory":  extract(t, planted),
		"OCI layout": save(t, "planted-oci.tar", oci.Bytes()),
	} {
		got := analyzeOK(t, p)
		if d := cmp.Diff(legacy.Findings, got.Findings); d != "" {
			t.Errorf("%s: findings differ from the legacy archive's (-legacy +got):\n%s", name, d)
		}
		if d := cmp.Diff(legacy.History, got.History); d != "" {
			t.Errorf("%s: history differs (-legacy +got):\n%s", name, d)
		}
	}

	cleanBase := d.Image(t, "image-analyze-clean", nil)
	clean := dockerBuild(t, d, "peregrine-test/image-analyze:clean", "FROM "+cleanBase+"\nUSER 1000\n", map[string]ctxFile{})
	for _, f := range analyzeOK(t, save(t, "clean.tar", clean)).Findings {
		if f.Severity.Rank() > Low.Rank() {
			t.Errorf("clean image: %+v", f)
		}
	}
}
