package psa

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	"k8s.io/pod-security-admission/api"
)

func TestPlan(t *testing.T) {
	e := newTestEvaluator(t)
	in, err := Load([]string{"testdata/manifests/namespaces.yaml", "testdata/manifests/kinds.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opt  PlanOptions
		want map[string][]string // namespace -> rejected workloads
	}{
		{
			name: "restricted on the production namespaces",
			opt:  PlanOptions{Level: api.LevelRestricted, Version: api.LatestVersion(), Patterns: []string{"prod-*"}},
			want: map[string][]string{"prod-batch": {"nightly"}, "prod-payments": {"ledger"}, "prod-web": {"frontend"}},
		},
		{
			name: "baseline everywhere",
			opt:  PlanOptions{Level: api.LevelBaseline, Version: api.LatestVersion()},
			want: map[string][]string{
				"default": nil, "dev": nil, "elsewhere": nil, "prod-payments": nil, "prod-web": nil,
				"kinds":      {"web", "agent", "cache", "migrate", "worker", "standalone"},
				"legacy":     nil, // the annotation counts at v1.18 only
				"prod-batch": {"nightly"},
			},
		},
		{
			name: "named namespace",
			opt:  PlanOptions{Level: api.LevelBaseline, Version: api.MajorMinorVersion(1, 18), Namespaces: []string{"legacy"}},
			want: map[string][]string{"legacy": {"old-seccomp"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := e.Plan(in, tc.opt)
			got := map[string][]string{}
			for _, ns := range p.Namespaces {
				got[ns.Name] = nil
				for _, w := range ns.Rejected {
					got[ns.Name] = append(got[ns.Name], w.Name)
					if len(w.Violations) == 0 {
						t.Errorf("%s: rejected without a violation", w.Name)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rejected (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlanYAML: the YAML plan is a stream of Namespace patches that carry
// exactly the enforce labels.
func TestPlanYAML(t *testing.T) {
	e := newTestEvaluator(t)
	in, err := Load([]string{"testdata/manifests/namespaces.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lv := api.LevelVersion{Level: api.LevelRestricted, Version: api.MajorMinorVersion(1, 30)}
	p := e.Plan(in, PlanOptions{Level: lv.Level, Version: lv.Version, Patterns: []string{"prod-*"}})
	var buf bytes.Buffer
	if err := WritePlan(&buf, p, "yaml", lv); err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(&buf)
	var names []string
	for {
		var ns struct {
			APIVersion string `yaml:"apiVersion"`
			Kind       string `yaml:"kind"`
			Metadata   struct {
				Name   string            `yaml:"name"`
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
		}
		err := dec.Decode(&ns)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("plan is not YAML: %v\n%s", err, buf.String())
		}
		names = append(names, ns.Metadata.Name)
		want := map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30"}
		if ns.APIVersion != "v1" || ns.Kind != "Namespace" || !cmp.Equal(want, ns.Metadata.Labels) {
			t.Errorf("patch %+v", ns)
		}
	}
	if diff := cmp.Diff([]string{"prod-batch", "prod-payments", "prod-web"}, names); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
}
