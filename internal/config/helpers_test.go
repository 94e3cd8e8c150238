package config

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// regexpMatch reports whether s matches the regular expression re.
func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// result is what a load gave, as strings.
type result struct {
	cfg      *Config
	warnings []string
	errs     []string
}

// load runs [Load] on files written to a fresh directory that becomes the
// working directory, so that positions read "peregrine.yaml:3:1". files
// maps names (with directories) to content; main names the main file ("":
// the default path, which is peregrine.yaml in that directory).
func load(t *testing.T, files map[string]string, main string, sets ...string) result {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l := &loader{lookupEnv: os.LookupEnv, defaultPath: "peregrine.yaml"}
	cfg, warnings, err := l.load(main, sets)
	var r result
	r.cfg = cfg
	for _, w := range warnings {
		r.warnings = append(r.warnings, w.String())
	}
	for _, e := range Errors(err) {
		r.errs = append(r.errs, e.Error())
	}
	if err != nil && cfg != nil {
		t.Errorf("Load returned a Config and an error")
	}
	if err == nil && cfg == nil {
		t.Errorf("Load returned neither a Config nor an error")
	}
	return r
}

// loadYAML loads one main file, peregrine.yaml, with content y.
func loadYAML(t *testing.T, y string, sets ...string) result {
	t.Helper()
	return load(t, map[string]string{"peregrine.yaml": y}, "peregrine.yaml", sets...)
}
