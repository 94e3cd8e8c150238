package testenv

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRootFS(t *testing.T) {
	fs := rootFS([]byte("BB"), []string{"sh", "cat", "busybox"}, map[string]string{
		"/srv/app/run.sh": "#!/bin/sh\necho hi\n",
		"etc/motd":        "hello\n",
	})
	archive, err := tarOf(fs)
	if err != nil {
		t.Fatal(err)
	}
	type file struct {
		Type byte
		Mode int64
		Link string
		Data string
	}
	got := map[string]file{}
	r := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		got[h.Name] = file{h.Typeflag, h.Mode, h.Linkname, string(data)}
	}
	dir := file{Type: tar.TypeDir, Mode: 0o755}
	want := map[string]file{
		"bin/": dir, "dev/": dir, "etc/": dir, "proc/": dir, "root/": dir, "sys/": dir,
		"srv/": dir, "srv/app/": dir, "var/": dir, "var/tmp/": dir,
		"tmp/":        {Type: tar.TypeDir, Mode: 0o1777},
		"bin/busybox": {Type: tar.TypeReg, Mode: 0o755, Data: "BB"},
		"bin/sh":      {Type: tar.TypeSymlink, Mode: 0o777, Link: "busybox"},
		"bin/cat":     {Type: tar.TypeSymlink, Mode: 0o777, Link: "busybox"},
		"etc/passwd": {Type: tar.TypeReg, Mode: 0o644,
			Data: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"},
		"etc/group":      {Type: tar.TypeReg, Mode: 0o644, Data: "root:x:0:\nnogroup:x:65534:\n"},
		"etc/motd":       {Type: tar.TypeReg, Mode: 0o644, Data: "hello\n"},
		"srv/app/run.sh": {Type: tar.TypeReg, Mode: 0o755, Data: "#!/bin/sh\necho hi\n"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("image root file system (-want +got):\n%s", diff)
	}
}

func TestDockerImage(t *testing.T) {
	d := Docker(t)
	files := map[string]string{"/etc/peregrine-test": "marker\n"}
	ref := d.Image(t, "testenv", files)
	if again := d.Image(t, "testenv", files); again != ref {
		t.Errorf("same content gave image %s, then %s", ref, again)
	}
	if other := d.Image(t, "testenv", map[string]string{"/etc/peregrine-test": "other\n"}); other == ref {
		t.Errorf("different content gave the same image %s", ref)
	}
	id := d.Run(t, nil, ref, "sleep", "60")
	if got := d.Exec(t, id, "cat", "/etc/peregrine-test"); got != "marker" {
		t.Errorf("cat in container = %q, want marker", got)
	}
	if got := d.Exec(t, id, "sh", "-c", "ls /sys/class/net"); got != "lo" {
		t.Errorf("network interfaces = %q, want only lo (--network none)", got)
	}
	if got := d.Docker(t, "inspect", "--format", "{{.State.Running}}", id); got != "true" {
		t.Errorf("running = %s", got)
	}
	d.Remove(t, id)
	if _, err := d.run(nil, "inspect", id); err == nil {
		t.Errorf("container %s still there after Remove", id)
	}
}
