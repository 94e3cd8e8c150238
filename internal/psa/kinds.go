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
}

// envelope is what every document is first read as.
type envelope struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Items      []json.RawMessage `json:"items"`
	Spec       json.RawMessage   `json:"spec"`
	Template   json.RawMessage   `json:"template"`
}

// podKind extracts the pod template of one kind from a document.
type podKind func(data []byte) (*PodTemplate, error)

// podKinds are the kinds that carry a pod template, with the path to it.
var podKinds = map[string]podKind{
	"Pod": func(data []byte) (*PodTemplate, error) {
		var o corev1.Pod
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		return &PodTemplate{Meta: &o.ObjectMeta, Spec: &o.Spec, MetaPath: "metadata", SpecPath: "spec"}, nil
	},
	"Deployment": func(data []byte) (*PodTemplate, error) {
		var o appsv1.Deployment
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"StatefulSet": func(data []byte) (*PodTemplate, error) {
		var o appsv1.StatefulSet
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"DaemonSet": func(data []byte) (*PodTemplate, error) {
		var o appsv1.DaemonSet
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"ReplicaSet": func(data []byte) (*PodTemplate, error) {
		var o appsv1.ReplicaSet
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"Job": func(data []byte) (*PodTemplate, error) {
		var o batchv1.Job
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		return template(&o.Spec.Template, "spec.template"), nil
	},
	"CronJob": func(data []byte) (*PodTemplate, error) {
		var o batchv1.CronJob
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		return template(&o.Spec.JobTemplate.Spec.Template, "spec.jobTemplate.spec.template"), nil
	},
	"ReplicationController": func(data []byte) (*PodTemplate, error) {
		var o corev1.ReplicationController
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		if o.Spec.Template == nil {
			return nil, errMissingTemplate
		}
		return template(o.Spec.Template, "spec.template"), nil
	},
	"PodTemplate": func(data []byte) (*PodTemplate, error) {
		var o corev1.PodTemplate
		if err := json.Unmarshal(data, &o); err != nil {
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
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		fail(d.src, fmt.Errorf("not a Kubernetes object: %w", err))
		return nil, 0, errs
	}
	if isList(env) {
		lines := itemLines(d, len(env.Items))
		for i, item := range env.Items {
			src := d.src
			src.Item = i + 1
			src.Line = lines[i]
			o, s, err := decodeObject(src, item)
			switch {
			case err != nil:
				fail(src, err)
			case s:
				skipped++
			default:
				objs = append(objs, o)
			}
		}
		return objs, skipped, errs
	}
	o, s, err := decodeObject(d.src, data)
	switch {
	case err != nil:
		fail(d.src, err)
	case s:
		skipped++
	default:
		objs = append(objs, o)
	}
	return objs, skipped, errs
}

// itemLines finds the line of each item of a List document, falling back
// to the document's line.
func itemLines(d document, n int) []int {
	lines := make([]int, n)
	for i := range lines {
		lines[i] = d.src.Line
	}
	var root yaml.Node
	if yaml.Unmarshal(d.data, &root) != nil || len(root.Content) == 0 {
		return lines
	}
	offset := d.src.Line - 1
	if d.yaml {
		offset = chunkStart(d)
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return lines
	}
	for k := 0; k+1 < len(m.Content); k += 2 {
		if m.Content[k].Value != "items" || m.Content[k+1].Kind != yaml.SequenceNode {
			continue
		}
		for i, item := range m.Content[k+1].Content {
			if i < n {
				lines[i] = item.Line + offset
			}
		}
	}
	return lines
}

// isList reports whether a document is a List (kubectl get -o yaml) or a
// typed list such as PodList.
func isList(env envelope) bool {
	return env.Kind == "List" || (strings.HasSuffix(env.Kind, "List") && env.Items != nil)
}

// decodeObject decodes one object; skip is true for kinds with no pod
// template.
func decodeObject(src Source, data []byte) (o Object, skip bool, err error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
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
	pod, err := extract(data)
	if err != nil {
		return o, false, fmt.Errorf("%s: %w", name, err)
	}
	if len(pod.Spec.Containers) == 0 {
		return o, false, fmt.Errorf("%s: %s.containers is empty: no pod template to audit", name, pod.SpecPath)
	}
	o.Pod = pod
	return o, false, nil
}
