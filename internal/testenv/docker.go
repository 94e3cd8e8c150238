package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path"
	"sort"
	"strings"
	"testing"
	"time"
)

// DockerSocket is where scripts/test.sh starts the test suite's own Docker
// engine (dockerd --host unix://DockerSocket ...).
const DockerSocket = "/run/peregrine-test-docker.sock"

// BusyboxPath is the statically linked busybox (Debian's busybox-static)
// that test images are made of.
const BusyboxPath = "/bin/busybox"

// DockerEnv is a running Docker engine that tests may use, driven through
// the docker command.
type DockerEnv struct {
	Host string // the engine's address, e.g. "unix:///run/peregrine-test-docker.sock"
	cli  string // the docker program
}

// Docker returns the test Docker engine: the one $DOCKER_HOST names, else
// the one at [DockerSocket]. The test skips (fails under [Strict]) when
// there is none, the docker program is missing or the engine does not
// answer.
func Docker(t testing.TB) *DockerEnv {
	t.Helper()
	cli := Tool(t, "docker")
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		if _, err := os.Stat(DockerSocket); err != nil {
			Missing(t, "no Docker engine: DOCKER_HOST is unset and %s is absent (scripts/test.sh starts one as root)", DockerSocket)
		}
		host = "unix://" + DockerSocket
	}
	d := &DockerEnv{Host: host, cli: cli}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := d.Command(ctx, "version", "--format", "{{.Server.APIVersion}}").CombinedOutput()
	if err != nil {
		Missing(t, "Docker engine at %s does not answer: %v: %s", host, err, bytes.TrimSpace(out))
	}
	return d
}

// Command returns the docker program with args, aimed at the engine.
func (d *DockerEnv) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, d.cli, args...)
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+d.Host)
	return cmd
}

// Docker runs the docker program with args (for at most two minutes) and
// returns its standard output without surrounding white space; the test
// fails if it fails.
func (d *DockerEnv) Docker(t testing.TB, args ...string) string {
	t.Helper()
	out, err := d.run(nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// run runs docker with args and stdin, returning its trimmed output.
func (d *DockerEnv) run(stdin []byte, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := d.Command(ctx, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// Image returns a tiny image "peregrine-test/<name>:<hash>" whose root
// file system holds the static busybox at /bin/busybox with a link for
// each of its applets in /bin (sh, cat, ls, sleep, nc ...), the usual
// empty directories, a root user in /etc/passwd and /etc/group, and
// files (absolute path -> content; mode 0755 for content that starts with
// "#!" or is an ELF program, else 0644). It is made with "docker import"
// the first time and found by its content-derived tag after that. Its
// default command is /bin/sh. The test skips (fails under [Strict])
// without a static busybox.
func (d *DockerEnv) Image(t testing.TB, name string, files map[string]string) string {
	t.Helper()
	if !validImageName(name) {
		t.Fatalf("image name %q: want lower-case letters, digits, '-', '_' and '.'", name)
	}
	bb, err := os.ReadFile(BusyboxPath)
	if err != nil {
		Missing(t, "busybox-static: %v", err)
	}
	if !isStatic(BusyboxPath) {
		Missing(t, "%s is not statically linked (install busybox-static)", BusyboxPath)
	}
	applets, err := exec.Command(BusyboxPath, "--list").Output()
	if err != nil {
		t.Fatalf("busybox --list: %v", err)
	}
	fs := rootFS(bb, strings.Fields(string(applets)), files)
	sum := sha256.New()
	for _, f := range fs {
		fmt.Fprintf(sum, "%s\x00%o\x00%s\x00%d\x00", f.path, f.mode, f.link, len(f.data))
		sum.Write(f.data)
	}
	ref := "peregrine-test/" + name + ":" + hex.EncodeToString(sum.Sum(nil))[:16]
	if _, err := d.run(nil, "image", "inspect", "--format", "{{.Id}}", ref); err == nil {
		return ref
	}
	archive, err := tarOf(fs)
	if err != nil {
		t.Fatalf("image %s: %v", ref, err)
	}
	if _, err := d.run(archive, "import", "--change", `CMD ["/bin/sh"]`, "-", ref); err != nil {
		t.Fatalf("image %s: %v", ref, err)
	}
	return ref
}

// validImageName reports whether name can be the last part of an image
// repository.
func validImageName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// isStatic reports whether the ELF program at p needs no interpreter.
func isStatic(p string) bool {
	f, err := elf.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}

// fsEntry is one file, directory or symbolic link of a root file system.
type fsEntry struct {
	path string // absolute
	mode int64  // permission bits
	dir  bool
	link string // target of a symbolic link
	data []byte
}

// rootFS lays out the root file system of a test image, sorted by path,
// parents first.
func rootFS(busybox []byte, applets []string, files map[string]string) []fsEntry {
	byPath := map[string]fsEntry{}
	var addDir func(p string)
	addDir = func(p string) {
		if p == "/" || p == "." {
			return
		}
		if _, ok := byPath[p]; ok {
			return
		}
		addDir(path.Dir(p))
		mode := int64(0o755)
		if p == "/tmp" {
			mode = 0o1777
		}
		byPath[p] = fsEntry{path: p, mode: mode, dir: true}
	}
	for _, dir := range []string{"/bin", "/dev", "/etc", "/proc", "/root", "/sys", "/tmp", "/var/tmp"} {
		addDir(dir)
	}
	add := func(e fsEntry) {
		addDir(path.Dir(e.path))
		byPath[e.path] = e
	}
	add(fsEntry{path: BusyboxPath, mode: 0o755, data: busybox})
	for _, a := range applets {
		if p := "/bin/" + path.Base(a); p != BusyboxPath {
			add(fsEntry{path: p, mode: 0o777, link: "busybox"})
		}
	}
	add(fsEntry{path: "/etc/passwd", mode: 0o644, data: []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")})
	add(fsEntry{path: "/etc/group", mode: 0o644, data: []byte("root:x:0:\nnogroup:x:65534:\n")})
	for p, content := range files {
		mode := int64(0o644)
		if strings.HasPrefix(content, "#!") || strings.HasPrefix(content, "\x7fELF") {
			mode = 0o755
		}
		add(fsEntry{path: path.Clean("/" + p), mode: mode, data: []byte(content)})
	}
	out := make([]fsEntry, 0, len(byPath))
	for _, e := range byPath {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// tarOf writes a root file system as a tar archive.
func tarOf(fs []fsEntry) ([]byte, error) {
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	for _, e := range fs {
		h := &tar.Header{Name: strings.TrimPrefix(e.path, "/"), Mode: e.mode, ModTime: epoch, Format: tar.FormatPAX}
		switch {
		case e.dir:
			h.Typeflag, h.Name = tar.TypeDir, h.Name+"/"
		case e.link != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, e.link
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := w.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("tar %s: %w", e.path, err)
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, fmt.Errorf("tar %s: %w", e.path, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("tar: %w", err)
	}
	return buf.Bytes(), nil
}

// Run starts a container of image in the background ("docker run -d
// --network none", then flags, the image and cmd) and returns its full
// id. The container is removed (killed if running) when the test ends.
func (d *DockerEnv) Run(t testing.TB, flags []string, image string, cmd ...string) string {
	t.Helper()
	args := append([]string{"run", "-d", "--network", "none"}, flags...)
	args = append(append(args, image), cmd...)
	id, err := d.run(nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Remove(t, id) })
	return id
}

// Exec runs cmd in container id ("docker exec") and returns its output;
// the test fails if it fails.
func (d *DockerEnv) Exec(t testing.TB, id string, cmd ...string) string {
	t.Helper()
	return d.Docker(t, append([]string{"exec", id}, cmd...)...)
}

// Remove kills and removes container id, with its anonymous volumes. A
// container already gone is not an error.
func (d *DockerEnv) Remove(t testing.TB, id string) {
	t.Helper()
	if _, err := d.run(nil, "rm", "-f", "-v", id); err != nil && !strings.Contains(err.Error(), "No such container") {
		t.Errorf("remove container: %v", err)
	}
}
