package k8saudit

import (
	"fmt"
	"strings"

	"github.com/tidwall/gjson"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
)

// binder makes the extractors of the ka.* fields.
type binder struct {
	cluster string
}

// scalarPaths are the fields that read one value at one place of the
// event (gjson paths: dots separate keys, \. is a dot inside a key).
var scalarPaths = map[string]string{
	"ka.auditid":                              "auditID",
	"ka.stage":                                "stage",
	"ka.auth.decision":                        `annotations.authorization\.k8s\.io/decision`,
	"ka.auth.reason":                          `annotations.authorization\.k8s\.io/reason`,
	"ka.auth.openshift.decision":              `annotations.authentication\.openshift\.io/decision`,
	"ka.auth.openshift.username":              `annotations.authentication\.openshift\.io/username`,
	"ka.validations.admission.policy.failure": `annotations.validation\.policy\.admission\.k8s\.io/validation_failure`,
	"ka.security.pod.violations":              `annotations.pod-security\.kubernetes\.io/audit-violations`,
	"ka.user.name":                            "user.username",
	"ka.impuser.name":                         "impersonatedUser.username",
	"ka.verb":                                 "verb",
	"ka.uri":                                  "requestURI",
	"ka.target.name":                          "objectRef.name",
	"ka.target.namespace":                     "objectRef.namespace",
	"ka.target.resource":                      "objectRef.resource",
	"ka.target.subresource":                   "objectRef.subresource",
	"ka.req.binding.role":                     "requestObject.roleRef.name",
	"ka.req.configmap.name":                   "objectRef.name",
	"ka.req.configmap.obj":                    "requestObject.data",
	"ka.req.pod.host_ipc":                     "requestObject.spec.hostIPC",
	"ka.req.pod.host_network":                 "requestObject.spec.hostNetwork",
	"ka.req.container.host_network":           "requestObject.spec.hostNetwork",
	"ka.req.pod.host_pid":                     "requestObject.spec.hostPID",
	"ka.req.pod.run_as_user":                  "requestObject.spec.securityContext.runAsUser",
	"ka.req.pod.run_as_group":                 "requestObject.spec.securityContext.runAsGroup",
	"ka.req.pod.fs_group":                     "requestObject.spec.securityContext.fsGroup",
	"ka.req.service.type":                     "requestObject.spec.type",
	"ka.resp.name":                            "responseObject.metadata.name",
	"ka.response.code":                        "responseStatus.code",
	"ka.response.reason":                      "responseStatus.reason",
	"ka.useragent":                            "userAgent",
}

// arrayPaths are the list fields that give each element of one array.
var arrayPaths = map[string]string{
	"ka.user.groups":                 "user.groups",
	"ka.req.binding.subjects":        "requestObject.subjects",
	"ka.req.role.rules":              "requestObject.rules",
	"ka.req.pod.supplemental_groups": "requestObject.spec.securityContext.supplementalGroups",
	"ka.sourceips":                   "sourceIPs",
	"ka.req.service.ports":           "requestObject.spec.ports",
}

// Compiled paths the extractors share (read-only).
var (
	pathObjectRef    = docsrc.CompilePath("objectRef")
	pathFirstImage   = docsrc.CompilePath("requestObject.spec.containers.0.image")
	pathContainers   = docsrc.CompilePath("requestObject.spec.containers")
	pathOldEphemeral = docsrc.CompilePath("requestObject.ephemeralContainers")
	pathVolumes      = docsrc.CompilePath("requestObject.spec.volumes")
	pathSubjects     = docsrc.CompilePath("requestObject.subjects")
	pathRules        = docsrc.CompilePath("requestObject.rules")
	pathURI          = docsrc.CompilePath("requestURI")
)

// containerKeys are, for each per-container field (after
// ka.req.pod.<kind>.), the path of its value in a container.
var containerKeys = map[string]string{
	"name":                       "name",
	"image":                      "image",
	"image.repository":           "image",
	"command":                    "command",
	"args":                       "args",
	"privileged":                 "securityContext.privileged",
	"allow_privilege_escalation": "securityContext.allowPrivilegeEscalation",
	"read_only_fs":               "securityContext.readOnlyRootFilesystem",
	"run_as_user":                "securityContext.runAsUser",
	"eff_run_as_user":            "securityContext.runAsUser",
	"run_as_group":               "securityContext.runAsGroup",
	"eff_run_as_group":           "securityContext.runAsGroup",
	"proc_mount":                 "securityContext.procMount",
	"add_capabilities":           "securityContext.capabilities.add",
	"host_port":                  "ports",
}

// bind makes the extractor of one ka.* field use.
func (b binder) bind(c *docsrc.Cursor, f *field.Field, arg field.Arg) (field.Extractor, error) {
	name := f.Name
	idx, err := docsrc.IndexArg(f, arg)
	if err != nil {
		return nil, err
	}
	if p, ok := scalarPaths[name]; ok {
		return docsrc.Member(c, docsrc.CompilePath(p)), nil
	}
	if p, ok := arrayPaths[name]; ok {
		return array(c, p, idx), nil
	}
	for _, kind := range []string{"containers", "initContainers", "ephemeralContainers"} {
		prefix := "ka.req.pod." + kind + "."
		if sub, ok := strings.CutPrefix(name, prefix); ok {
			if _, known := containerKeys[sub]; known {
				return containerField(c, kind, sub, idx), nil
			}
		}
	}
	switch name {
	case "ka.uri.param":
		return uriParam(c, arg.Text), nil
	case "ka.target.pod.name":
		return targetPod(c), nil
	case "ka.cluster.name":
		return constant(c, b.cluster), nil
	case "ka.req.binding.subject.has_name":
		// The plugin answers true whatever the argument.
		return constant(c, "true"), nil
	case "ka.req.binding.subjects.user_names":
		return subjects(c, "User", false), nil
	case "ka.req.binding.subjects.serviceaccount_names":
		return subjects(c, "ServiceAccount", false), nil
	case "ka.req.binding.subjects.serviceaccount_ns_names":
		return subjects(c, "ServiceAccount", true), nil
	case "ka.req.binding.subjects.group_names":
		return subjects(c, "Group", false), nil
	case "ka.req.role.rules.apiGroups", "ka.req.role.rules.nonResourceURLs", "ka.req.role.rules.verbs", "ka.req.role.rules.resources":
		return roleRules(c, strings.TrimPrefix(name, "ka.req.role.rules."), idx), nil
	case "ka.req.container.image":
		return firstContainer(c, false), nil
	case "ka.req.container.image.repository":
		return firstContainer(c, true), nil
	case "ka.req.container.privileged":
		return anyPrivileged(c), nil
	case "ka.req.pod.volumes.hostpath":
		return volumes(c, "hostPath.path", idx), nil
	case "ka.req.pod.volumes.flexvolume_driver":
		return volumes(c, "flexVolume.driver", idx), nil
	case "ka.req.pod.volumes.volume_type":
		return volumeTypes(c, idx), nil
	case "ka.req.volume.hostpath":
		return hostPathUnder(c, arg.Text), nil
	}
	return nil, fmt.Errorf("%s: no value in k8s_audit events", name)
}

// array gives each element of the array at path (only element idx when
// idx >= 0); no value when there is no array there.
func array(c *docsrc.Cursor, path string, idx int) field.Extractor {
	p := docsrc.CompilePath(path)
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		r := c.Lookup(p)
		if !r.IsArray() {
			return dst
		}
		return appendElems(dst, r, idx, func(dst []field.Value, v gjson.Result) []field.Value {
			return append(dst, docsrc.Value(v))
		})
	}
}

// appendElems calls fn for each element of the array arr, or for element
// idx only when idx >= 0.
func appendElems(dst []field.Value, arr gjson.Result, idx int, fn func([]field.Value, gjson.Result) []field.Value) []field.Value {
	i := 0
	arr.ForEach(func(_, v gjson.Result) bool {
		if idx < 0 || i == idx {
			dst = fn(dst, v)
		}
		i++
		return idx < 0 || i <= idx
	})
	return dst
}

// constant gives s for every event ("" gives no value).
func constant(c *docsrc.Cursor, s string) field.Extractor {
	v := docsrc.Str(s)
	return func(dst []field.Value) []field.Value {
		if !c.Valid() || s == "" {
			return dst
		}
		return append(dst, v)
	}
}

// targetPod gives the target's name when the target is a pod.
func targetPod(c *docsrc.Cursor) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		ref := c.Lookup(pathObjectRef)
		if ref.Get("resource").Str != "pods" {
			return dst
		}
		if n := ref.Get("name"); n.Exists() {
			dst = append(dst, docsrc.Value(n))
		}
		return dst
	}
}

// firstContainer gives the image (or its repository) of the first
// container of the pod in the request.
func firstContainer(c *docsrc.Cursor, repo bool) field.Extractor {
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		img := c.Lookup(pathFirstImage)
		if img.Type != gjson.String {
			return dst
		}
		if repo {
			return append(dst, docsrc.Str(repository(img.Str)))
		}
		return append(dst, docsrc.Str(img.Str))
	}
}

// anyPrivileged gives true when some container of the pod in the request
// is privileged, false when none is.
func anyPrivileged(c *docsrc.Cursor) field.Extractor {
	yes, no := docsrc.Str("true"), docsrc.Str("false")
	return func(dst []field.Value) []field.Value {
		if !c.Valid() {
			return dst
		}
		arr := c.Lookup(pathContainers)
		if !arr.IsArray() {
			return dst
		}
		priv := false
		arr.ForEach(func(_, ct gjson.Result) bool {
			priv = ct.Get("securityContext.privileged").Type == gjson.True
			return !priv
		})
		if priv {
			return append(dst, yes)
		}
		return append(dst, no)
	}
}

// repository returns an image reference without its digest and tag:
// registry:5000/team/app:1.2@sha256:... gives registry:5000/team/app.
func repository(img string) string {
	if i := strings.IndexByte(img, '@'); i >= 0 {
		img = img[:i]
	}
	if i := strings.LastIndexByte(img, ':'); i > strings.LastIndexByte(img, '/') {
		img = img[:i]
	}
	return img
}
