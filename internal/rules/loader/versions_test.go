package loader

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/rules"
)

func TestEngineAndPluginVersions(t *testing.T) {
	tests := []struct {
		name, text string
		engine     rules.Version // the loader's; zero for the default
		want       rules.Version
		errs       []string
	}{
		{"legacy integer", "- required_engine_version: 15\n", rules.Version{}, rules.Version{Major: 0, Minor: 15, Patch: 0}, nil},
		{"quoted integer is still an integer", "- required_engine_version: \"15\"\n", rules.Version{}, rules.Version{Major: 0, Minor: 15, Patch: 0}, nil},
		{"semver", "- required_engine_version: 0.57.0\n", rules.Version{}, rules.Version{Major: 0, Minor: 57, Patch: 0}, nil},
		{"the highest is kept", "- required_engine_version: 0.57.0\n- required_engine_version: 10\n- required_engine_version: 0.58.1\n",
			rules.Version{}, rules.Version{Major: 0, Minor: 58, Patch: 1}, nil},
		{"too new", "- required_engine_version: 0.63.0\n", rules.Version{}, rules.Version{},
			[]string{`f1.yaml:1:28: error: required_engine_version: the rules require engine version 0.63.0, but the engine version is 0.62.0`}},
		{"other major", "- required_engine_version: 1.0.0\n", rules.Version{}, rules.Version{},
			[]string{`f1.yaml:1:28: error: required_engine_version: the rules require engine version 1.0.0, but the engine version is 0.62.0`}},
		{"legacy integer too new", "- required_engine_version: 70\n", rules.Version{}, rules.Version{},
			[]string{`f1.yaml:1:28: error: required_engine_version: the rules require engine version 0.70.0, but the engine version is 0.62.0`}},
		{"loader's engine version", "- required_engine_version: 0.70.0\n", rules.Version{Major: 0, Minor: 71, Patch: 0}, rules.Version{Major: 0, Minor: 70, Patch: 0}, nil},
		{"not a version", "- required_engine_version: seven\n", rules.Version{}, rules.Version{},
			[]string{`f1.yaml:1:28: error: required_engine_version: cannot parse engine version "seven": expected a "x.y.z" version or an integer`}},
		{"empty", "- required_engine_version:\n", rules.Version{}, rules.Version{},
			[]string{`f1.yaml:1:27: error: required_engine_version: key "required_engine_version" has no value`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Loader{EngineVersion: tt.engine}
			spec, diags, _ := l.LoadFiles(File{Name: "f1.yaml", Data: []byte(tt.text)})
			var errs []string
			for _, d := range diags {
				errs = append(errs, d.String())
			}
			if d := cmp.Diff(tt.errs, errs); d != "" {
				t.Errorf("diagnostics (-want +got):\n%s", d)
			}
			if spec.RequiredEngineVersion.Version != tt.want {
				t.Errorf("required %v, want %v", spec.RequiredEngineVersion.Version, tt.want)
			}
		})
	}
}

func TestPluginVersions(t *testing.T) {
	spec, diags := loadStrings(t, `
- required_plugin_versions:
  - name: k8saudit
    version: 0.18.0
    alternatives:
      - name: k8saudit-eks
        version: 0.12.0
  - name: json
    version: 0.7.0
- required_plugin_versions:
  - name: bad
    version: one
  - name: dup
    version: 1.0.0
    alternatives:
      - name: dup
        version: 2.0.0
  - name: x
`)
	want := []rules.PluginRequirement{
		{Name: "k8saudit", Version: "0.18.0", Alternatives: []rules.PluginVersion{{Name: "k8saudit-eks", Version: "0.12.0"}},
			Pos: rules.Position{File: "f1.yaml", Line: 3, Column: 5}},
		{Name: "json", Version: "0.7.0", Pos: rules.Position{File: "f1.yaml", Line: 8, Column: 5}},
	}
	if d := cmp.Diff(want, spec.RequiredPlugins); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	wantErrs := []string{
		`f1.yaml:11:5: error: required plugin "bad": invalid required version "one" for plugin "bad"`,
		`f1.yaml:13:5: error: required plugin "dup": plugin "dup" has more than one version requirement among its alternatives`,
		`f1.yaml:18:5: error: required plugin "x": missing required key "version"`,
	}
	if d := cmp.Diff(wantErrs, diags); d != "" {
		t.Errorf("diagnostics (-want +got):\n%s", d)
	}
}
