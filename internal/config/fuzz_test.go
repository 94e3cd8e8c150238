package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad loads arbitrary files with arbitrary --set options: no panic,
// and either a Config or an error, never both.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("priority: debug\nhttp_output:\n  enabled: true\n  url: http://x/\n"), "rules_files[]=/a.yaml")
	f.Add([]byte("a: &a [*a]\nappend_output: &b [{match: *b, extra_fields: [{x: y}, z]}]\n"), "append_output[0].match.tags[0]=x")
	f.Add([]byte("config_files: [{path: x, strategy: add-only}]\nstatic_fields: {a: ${HOME}, b: $${X}}\n"), "static_fields={a: [1]}")
	f.Add([]byte("metrics: {interval: 1y2w3d4h5m6s7ms}\nwebserver: [1]\n---\nx: 1\n"), "webserver.listen_port=")
	f.Add([]byte(""), "a[0][1].b[]=[x, {y: z}]")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		path := filepath.Join(dir, "peregrine.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		l := &loader{lookupEnv: func(string) (string, bool) { return "v", true }, defaultPath: path}
		cfg, _, err := l.load(path, []string{set})
		if (cfg == nil) == (err == nil) {
			t.Fatalf("config %v and error %v", cfg != nil, err)
		}
	})
}
