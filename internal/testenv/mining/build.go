package mining

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"peregrine/internal/testenv"
)

// Build compiles the fakeminer program, statically (CGO_ENABLED=0, so it
// runs in a busybox image too), into a temporary directory and links it
// there under each of names (e.g. "xmrig", "stratum-pool"). It returns
// the directory. The test fails if the build fails.
func Build(t testing.TB, names ...string) string {
	t.Helper()
	goTool := testenv.Tool(t, "go")
	dir := t.TempDir()
	bin := filepath.Join(dir, "fakeminer")
	cmd := exec.Command(goTool, "build", "-trimpath", "-o", bin, "peregrine/internal/testenv/mining/fakeminer")
	cmd.Dir = testenv.ModuleRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the fake miner: %v\n%s", err, out)
	}
	for _, n := range names {
		if err := os.Link(bin, filepath.Join(dir, n)); err != nil {
			t.Fatalf("name the fake miner %s: %v", n, err)
		}
	}
	return dir
}
