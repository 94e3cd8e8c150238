// Package deploy checks the deployment files: the Kubernetes manifests
// decode with the fields Kubernetes knows and refer to each other
// correctly, the systemd unit and the Dockerfile run the binary with
// flags it has, the configuration they ship validates, and the
// Dockerfile's build gives a static binary.
package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// object is what every manifest has.
type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
	doc  *yaml.Node
	file string
}

// namespace is where the agent's namespaced objects live.
const namespace = "peregrine"

// kinds are the objects deploy/kubernetes may hold, with whether they
// are namespaced.
var kinds = map[string]bool{
	"v1/Namespace":      false,
	"v1/ServiceAccount": true,
	"v1/ConfigMap":      true,
	"rbac.authorization.k8s.io/v1/ClusterRole":        false,
	"rbac.authorization.k8s.io/v1/ClusterRoleBinding": false,
	"apps/v1/DaemonSet":                               true,
	"kustomize.config.k8s.io/v1beta1/Kustomization":   false,
}

// manifests decodes every document of every file in deploy/kubernetes.
func manifests(t *testing.T) []object {
	t.Helper()
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	var objs []object
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var o object
			if err := doc.Decode(&o); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			o.doc, o.file = &doc, f
			objs = append(objs, o)
		}
	}
	return objs
}

// find returns the object of kind and name.
func find(t *testing.T, objs []object, kind, name string) object {
	t.Helper()
	for _, o := range objs {
		if o.Kind == kind && o.Metadata.Name == name {
			return o
		}
	}
	t.Fatalf("no %s %q in deploy/kubernetes", kind, name)
	return object{}
}

// strict decodes o into v, refusing fields v does not have.
func strict(t *testing.T, o object, v any) {
	t.Helper()
	b, err := yaml.Marshal(o.doc)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s %s (%s): %v", o.Kind, o.Metadata.Name, o.file, err)
	}
}

func TestManifestKinds(t *testing.T) {
	objs := manifests(t)
	seen := map[string]bool{}
	for _, o := range objs {
		key := o.APIVersion + "/" + o.Kind
		namespaced, ok := kinds[key]
		switch {
		case !ok:
			t.Errorf("%s: unexpected %s", o.file, key)
		case o.Kind == "Kustomization":
		case o.Metadata.Name == "":
			t.Errorf("%s: %s without a name", o.file, key)
		case namespaced && o.Metadata.Namespace != namespace:
			t.Errorf("%s: %s %s in namespace %q, want %q", o.file, o.Kind, o.Metadata.Name, o.Metadata.Namespace, namespace)
		case !namespaced && o.Metadata.Namespace != "":
			t.Errorf("%s: cluster-wide %s %s has namespace %q", o.file, o.Kind, o.Metadata.Name, o.Metadata.Namespace)
		}
		seen[o.Kind] = true
	}
	for _, k := range []string{"Namespace", "ServiceAccount", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "DaemonSet", "Kustomization"} {
		if !seen[k] {
			t.Errorf("no %s", k)
		}
	}
	find(t, objs, "Namespace", namespace)

	// The kustomization lists every other file.
	var k struct {
		APIVersion string   `yaml:"apiVersion"`
		Kind       string   `yaml:"kind"`
		Resources  []string `yaml:"resources"`
	}
	for _, o := range objs {
		if o.Kind == "Kustomization" {
			strict(t, o, &k)
		}
	}
	files, _ := filepath.Glob("kubernetes/*.yaml")
	var want []string
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" {
			want = append(want, b)
		}
	}
	slices.Sort(k.Resources)
	if !slices.Equal(k.Resources, want) {
		t.Errorf("kustomization resources %v, want %v", k.Resources, want)
	}
}

func TestRBAC(t *testing.T) {
	objs := manifests(t)
	var role struct {
		APIVersion string         `yaml:"apiVersion"`
		Kind       string         `yaml:"kind"`
		Metadata   map[string]any `yaml:"metadata"`
		Rules      []struct {
			APIGroups []string `yaml:"apiGroups"`
			Resources []string `yaml:"resources"`
			Verbs     []string `yaml:"verbs"`
		} `yaml:"rules"`
	}
	strict(t, find(t, objs, "ClusterRole", "peregrine"), &role)
	for _, r := range role.Rules {
		for _, v := range r.Verbs {
			if v != "get" && v != "list" && v != "watch" {
				t.Errorf("ClusterRole grants %q on %v: the agent only reads", v, r.Resources)
			}
		}
	}
	var binding struct {
		APIVersion string         `yaml:"apiVersion"`
		Kind       string         `yaml:"kind"`
		Metadata   map[string]any `yaml:"metadata"`
		RoleRef    struct {
			APIGroup string `yaml:"apiGroup"`
			Kind     string `yaml:"kind"`
			Name     string `yaml:"name"`
		} `yaml:"roleRef"`
		Subjects []struct {
			Kind      string `yaml:"kind"`
			Name      string `yaml:"name"`
			Namespace string `yaml:"namespace"`
		} `yaml:"subjects"`
	}
	strict(t, find(t, objs, "ClusterRoleBinding", "peregrine"), &binding)
	find(t, objs, binding.RoleRef.Kind, binding.RoleRef.Name)
	if len(binding.Subjects) != 1 {
		t.Fatalf("binding subjects %v", binding.Subjects)
	}
	s := binding.Subjects[0]
	sa := find(t, objs, s.Kind, s.Name)
	if s.Namespace != sa.Metadata.Namespace {
		t.Errorf("binding names %s in %q, it is in %q", s.Name, s.Namespace, sa.Metadata.Namespace)
	}
}
