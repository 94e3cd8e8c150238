// Package testenv lets tests find what they need outside the project (the
// shared test data, external tools such as sysdig and tshark, root) and
// decides what happens when it is missing: the test skips on a developer
// machine, and fails when PEREGRINE_CI is set, so that CI can never pass by
// skipping.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// CIVar is the environment variable that turns skips into failures.
const CIVar = "PEREGRINE_CI"

// Strict reports whether missing prerequisites fail tests instead of
// skipping them.
func Strict() bool { return os.Getenv(CIVar) != "" }

// Missing skips the test with the reason, or fails it when [Strict].
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Strict() {
		t.Fatalf("prerequisite missing under "+CIVar+": "+format, args...)
	}
	t.Skipf("skipped: "+format, args...)
}

// Tool returns the path of the named program, or skips (fails under
// [Strict]) when it is not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not installed", name)
	}
	return p
}

// Root skips (fails under [Strict]) unless the test runs as root.
func Root(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "needs root")
	}
}

// ModuleRoot returns the directory that holds go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testenv: cannot locate source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Shared returns the path of name inside ../shared (the read-only data
// beside the project: captures, reference tables, upstream rules). The test
// skips (fails under [Strict]) when the file is absent.
func Shared(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(ModuleRoot(t), "..", "shared", name)
	if _, err := os.Stat(p); err != nil {
		Missing(t, "shared data %s: %v", name, err)
	}
	return p
}

// Captures returns the paths of the real captures in ../shared/captures.
func Captures(t testing.TB) []string {
	t.Helper()
	dir := Shared(t, "captures")
	m, err := filepath.Glob(filepath.Join(dir, "*.scap"))
	if err != nil || len(m) == 0 {
		Missing(t, "no captures in %s", dir)
	}
	return m
}
