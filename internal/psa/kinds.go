package psa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// Object is a Namespace or an object that carries a pod template.
type Object struct {
	Source
	APIVersion string
	Kind       string
	Name       string
	// Namespace is metadata.namespace, empty when the manifest leaves it
	// to the client (and for Namespaces themselves).
	Namespace string
	// Labels are the object's labels (used for Namespaces).
	Labels map[string]string
	// Pod is the pod template; nil for a Namespace.
	Pod *PodTemplate
}

// PodTemplate is the pod metadata and spec of an object, with the field
// paths that lead to them in the manifest.
type PodTemplate struct {
	Meta     *metav1.ObjectMeta
	Spec     *corev1.PodSpec
	MetaPath string // e.g. "spec.template.metadata"
	SpecPath string // e.g. "spec.template.spec"

	node nodeFunc // the object's YAML node, for Line
}

// envelope is what every document is first read as.
type envelope struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       json.RawMessage   `json:"spec"`
	Template   json.RawMessage   `json:"template"`
}

// podKind extracts the pod template of one kind from a document.
type podKind func(unmarshal unmarshalFunc) (*PodTemplate, error)

// unmarshalFunc decodes one object into v. For YAML it decodes the JSON
// conversion first, and when that fails (a YAML scalar such as yes or 8080
// in a string field) decodes the YAML text the way kubectl does, with
// scalars converted to the type of the field they land in.
type unmarshalFunc func(v any) error

// podKinds are the kinds that carry a pod template, with the path to it.
var podKinds = map[string]podKind{
	"Pod": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o corev1.Pod
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		return &PodTemplate{Meta: &o.ObjectMeta, Spec: &o.Spec, MetaPath: "metadata", SpecPath: "spec"}, nil
	},
	"Deployment": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o appsv1.Deployment
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"StatefulSet": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o appsv1.StatefulSet
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"DaemonSet": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o appsv1.DaemonSet
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"ReplicaSet": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o appsv1.ReplicaSet
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"Job": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o batchv1.Job
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"CronJob": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o batchv1.CronJob
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		return template(&o.Spec.JobTemplate.Spec.Template, "spec.jobTemplate.spec.template"), nil
	},
	"ReplicationController": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o corev1.ReplicationController
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		if o.Spec.Template == nil {
			return nil, errMissingTemplate
		}
		return template(o.Spec.Template, "spec.template"), nil
	},
	"PodTemplate": func(unmarshal unmarshalFunc) (*PodTemplate, error) {
		var o corev1.PodTemplate
		if err := unmarshal(&o); err != nil {
			return nil, err
		}
		return template(&o.Template, "template"), nil
	},
}

var errMissingTemplate = errors.New("no pod template")

func template(t *corev1.PodTemplateSpec, path string) *PodTemplate {
	return &PodTemplate{Meta: &t.ObjectMeta, Spec: &t.Spec, MetaPath: path + ".metadata", SpecPath: path + ".spec"}
}

// otherKinds are Kubernetes kinds that carry no pod template: they are
// skipped without complaint. Any kind outside this table and podKinds is
// an error, so that a typo or a custom resource is not silently passed.
var otherKinds = map[string]bool{
	"APIService": true, "Binding": true, "CSIDriver": true, "CSINode": true,
	"CSIStorageCapacity": true, "CertificateSigningRequest": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "ComponentStatus": true, "ConfigMap": true,
	"ControllerRevision": true, "CustomResourceDefinition": true, "Endpoints": true,
	"EndpointSlice": true, "Event": true, "FlowSchema": true, "HorizontalPodAutoscaler": true,
	"Ingress": true, "IngressClass": true, "Lease": true, "LimitRange": true,
	"MutatingWebhookConfiguration": true, "NetworkPolicy": true, "Node": true,
	"PersistentVolume": true, "PersistentVolumeClaim": true, "PodDisruptionBudget": true,
	"PriorityClass": true, "PriorityLevelConfiguration": true, "ResourceQuota": true,
	"Role": true, "RoleBinding": true, "RuntimeClass": true, "Secret": true, "Service": true,
	"ServiceAccount": true, "StorageClass": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionPolicyBinding": true, "ValidatingWebhookConfiguration": true,
	"VolumeAttachment": true,
}

// decodeDocument decodes one document into objects (several for a List).
func decodeDocument(d document) (objs []Object, skipped int, errs []*DecodeError) {
	fail := func(src Source, err error) {
		errs = append(errs, &DecodeError{Source: src, Err: err})
	}
	data, err := toJSON(d)
	if err != nil {
		fail(d.src, err)
		return nil, 0, errs
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		fail(d.src, errors.New("not a Kubernetes object: the document is not a mapping"))
		return nil, 0, errs
	}
	var kind struct {
		Kind  string            `json:"kind"`
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(data, &kind); err != nil {
		fail(d.src, fmt.Errorf("not a Kubernetes object: %w", err))
		return nil, 0, errs
	}
	add := func(src Source, data []byte, text func() []byte, node nodeFunc) {
		o, s, err := decodeObject(src, data, text)
		switch {
		case err != nil:
			fail(src, err)
		case s:
			skipped++
		default:
			if o.Pod != nil {
				o.Pod.node = node
			}
			objs = append(objs, o)
		}
	}
	var docText func() []byte
	if d.yaml {
		docText = func() []byte { return d.data }
	}
	if !isList(kind.Kind, kind.Items) {
		add(d.src, data, docText, documentNode(d))
		return objs, skipped, errs
	}
	lines, nodes := listItems(d, len(kind.Items))
	for i, item := range kind.Items {
		src := d.src
		src.Item, src.Line = i+1, lines[i]
		var text func() []byte
		if d.yaml && nodes != nil {
			node := nodes[i]
			text = func() []byte {
				out, err := yaml.Marshal(node)
				if err != nil {
					return nil
				}
				return out
			}
		}
		var node nodeFunc
		if nodes != nil {
			n, offset := nodes[i], lineOffset(d)
			node = func() (*yaml.Node, int) { return n, offset }
		}
		add(src, item, text, node)
	}
	return objs, skipped, errs
}

// yamlUnmarshal decodes YAML with sigs.k8s.io/yaml and drops the two
// prefixes its errors carry.
func yamlUnmarshal(data []byte, v any) error {
	err := sigsyaml.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	msg := strings.TrimPrefix(err.Error(), "error unmarshaling JSON: ")
	return errors.New(strings.TrimPrefix(msg, "while decoding JSON: "))
}

// listItems finds the line and the YAML node of each of the n items of a
// List document; lines fall back to the document's line, and nodes are
// nil when the items cannot be found.
func listItems(d document, n int) (lines []int, nodes []*yaml.Node) {
	lines = make([]int, n)
	for i := range lines {
		lines[i] = d.src.Line
	}
	var root yaml.Node
	if yaml.Unmarshal(d.data, &root) != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return lines, nil
	}
	offset := lineOffset(d)
	m := root.Content[0]
	for k := 0; k+1 < len(m.Content); k += 2 {
		seq := m.Content[k+1]
		if m.Content[k].Value != "items" || seq.Kind != yaml.SequenceNode || len(seq.Content) != n {
			continue
		}
		for i, item := range seq.Content {
			lines[i] = item.Line + offset
		}
		return lines, seq.Content
	}
	return lines, nil
}

// isList reports whether a document is a List (kubectl get -o yaml) or a
// typed list such as PodList.
func isList(kind string, items []json.RawMessage) bool {
	return kind == "List" || (strings.HasSuffix(kind, "List") && items != nil)
}

// decodeObject decodes one object; skip is true for kinds with no pod
// template.
func decodeObject(src Source, data []byte, text func() []byte) (o Object, skip bool, err error) {
	unmarshal := func(v any) error {
		err := json.Unmarshal(data, v)
		if err == nil || text == nil {
			return err
		}
		if t := text(); t != nil {
			return yamlUnmarshal(t, v)
		}
		return err
	}
	var env envelope
	if err := unmarshal(&env); err != nil {
		return o, false, fmt.Errorf("not a Kubernetes object: %w", err)
	}
	o = Object{
		Source:     src,
		APIVersion: env.APIVersion,
		Kind:       env.Kind,
		Name:       env.Metadata.Name,
		Namespace:  env.Metadata.Namespace,
		Labels:     env.Metadata.Labels,
	}
	switch {
	case env.Kind == "":
		return o, false, errors.New("no kind: not a Kubernetes object")
	case env.APIVersion == "":
		return o, false, fmt.Errorf("%s %q: no apiVersion", env.Kind, env.Metadata.Name)
	case env.Kind == "Namespace":
		if env.Metadata.Name == "" {
			return o, false, errors.New("kind Namespace: no metadata.name")
		}
		o.Namespace = ""
		return o, false, nil
	case otherKinds[env.Kind]:
		return o, true, nil
	}
	extract, ok := podKinds[env.Kind]
	if !ok {
		return o, false, fmt.Errorf("unknown kind %s (apiVersion %s): not audited", env.Kind, env.APIVersion)
	}
	name := fmt.Sprintf("%s %q", env.Kind, env.Metadata.Name)
	if env.Metadata.Name == "" && env.Metadata.GenerateName == "" {
		return o, false, fmt.Errorf("%s: no metadata.name", env.Kind)
	}
	if o.Name == "" {
		o.Name = env.Metadata.GenerateName
	}
	if env.Kind == "PodTemplate" {
		if len(env.Template) == 0 || string(env.Template) == "null" {
			return o, false, fmt.Errorf("%s: no template", name)
		}
	} else if len(env.Spec) == 0 || string(env.Spec) == "null" {
		return o, false, fmt.Errorf("%s: no spec", name)
	}
	pod, err := extract(unmarshal)
	if err != nil {
		return o, false, fmt.Errorf("%s: %w", name, err)
	}
	if len(pod.Spec.Containers) == 0 {
		return o, false, fmt.Errorf("%s: %s.containers is empty: no pod template to audit", name, pod.SpecPath)
	}
	o.Pod = pod
	return o, false, nil
}
