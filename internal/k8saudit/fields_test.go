package k8saudit_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/docsrc"
	"peregrine/internal/field"
	"peregrine/internal/k8saudit"
)

// extract binds one field use ("ka.uri.param[command]") of the k8s_audit
// catalog and returns its values for doc as text, nil for no value.
func extract(t *testing.T, use, doc string) []string {
	t.Helper()
	name, arg := use, field.Arg{}
	if i := strings.IndexByte(use, '['); i >= 0 {
		name, arg.Text = use[:i], strings.TrimSuffix(use[i+1:], "]")
	}
	f, dotted, ok := field.Default().Lookup(field.SourceK8sAudit, name)
	if !ok {
		t.Fatalf("%s: not in the k8s_audit catalog", use)
	}
	if dotted.Present() {
		arg = dotted
	}
	var cur docsrc.Cursor
	ex, err := docsrc.NewBinder(k8saudit.Def("prod-eu-1"), &cur, "node-1").Bind(f, arg)
	if err != nil {
		t.Fatalf("bind %s: %v", use, err)
	}
	if vals := ex(nil); len(vals) != 0 {
		t.Errorf("%s: values %v before any document", use, vals)
	}
	cur.Set([]byte(doc), time.Date(2026, 11, 20, 10, 0, 1, 500, time.UTC))
	var out []string
	for _, v := range ex(nil) {
		switch v.Kind {
		case field.KindString:
			out = append(out, string(v.B))
		default:
			out = append(out, v.Kind.String())
		}
	}
	return out
}

// podEvent is a pod creation with most of what the pod fields read.
const podEvent = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"id-1","stage":"ResponseComplete",
"requestURI":"/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&container=web&x=a%20b\u0026tty=true","verb":"create",
"user":{"username":"alice","groups":["dev","system:authenticated"]},"impersonatedUser":{"username":"bob"},
"sourceIPs":["10.0.0.1","10.0.0.2"],"userAgent":"kubectl/v1.30",
"objectRef":{"resource":"pods","namespace":"default","name":"web","subresource":"exec"},
"responseStatus":{"metadata":{},"code":201,"reason":"Created"},
"requestObject":{"kind":"Pod","spec":{"hostNetwork":true,"hostPID":false,
 "securityContext":{"runAsUser":1000,"fsGroup":2000,"supplementalGroups":[3,4]},
 "containers":[
  {"name":"a","image":"registry:5000/team/app:1.2@sha256:abcd","command":["sh","-c"],"args":["run"],
   "securityContext":{"privileged":true,"runAsUser":0,"capabilities":{"add":["NET_ADMIN","SYS_TIME"]},"procMount":"Unmasked"},
   "ports":[{"containerPort":80,"hostPort":8080},{"containerPort":9090}]},
  {"name":"b","image":"nginx","securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true}}],
 "initContainers":[{"name":"init","image":"busybox:1.36","securityContext":{"privileged":false}}],
 "volumes":[{"name":"root","hostPath":{"path":"/etc/kubernetes","type":"Directory"}},{"name":"cfg","configMap":{"name":"x"}},
  {"name":"fv","flexVolume":{"driver":"vendor/cifs"}}]}},
"responseObject":{"metadata":{"name":"web"}},
"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: ok",
 "pod-security.kubernetes.io/audit-violations":"privileged (container \"a\" must not set securityContext.privileged=true)"},
"stageTimestamp":"2026-11-20T10:00:01.000000500Z"}`

// bindingEvent creates a cluster role binding and a role.
const bindingEvent = `{"kind":"Event","auditID":"id-2","verb":"create","objectRef":{"resource":"clusterrolebindings","name":"ops"},
"requestObject":{"subjects":[{"kind":"User","name":"eve"},{"kind":"ServiceAccount","name":"builder","namespace":"ci"},
 {"kind":"Group","name":"ops"},{"kind":"ServiceAccount","name":"deployer","namespace":"cd"}],"roleRef":{"kind":"ClusterRole","name":"cluster-admin"},
 "data":{"password":"x"},
 "rules":[{"apiGroups":[""],"resources":["pods","pods/exec"],"verbs":["get","create"]},{"apiGroups":["*"],"resources":["*"],"verbs":["*"],"nonResourceURLs":["/metrics"]}]},
"stageTimestamp":"2026-11-20T10:00:01Z"}`

func TestFields(t *testing.T) {
	for _, tc := range []struct {
		use, doc string
		want     []string
	}{
		{"ka.auditid", podEvent, []string{"id-1"}},
		{"ka.stage", podEvent, []string{"ResponseComplete"}},
		{"ka.auth.decision", podEvent, []string{"allow"}},
		{"ka.auth.reason", podEvent, []string{"RBAC: ok"}},
		{"ka.security.pod.violations", podEvent, []string{`privileged (container "a" must not set securityContext.privileged=true)`}},
		{"ka.auth.openshift.decision", podEvent, nil},
		{"ka.user.name", podEvent, []string{"alice"}},
		{"ka.user.groups", podEvent, []string{"dev", "system:authenticated"}},
		{"ka.impuser.name", podEvent, []string{"bob"}},
		{"ka.verb", podEvent, []string{"create"}},
		{"ka.uri", podEvent, []string{"/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&container=web&x=a%20b&tty=true"}},
		{"ka.uri.param[command]", podEvent, []string{"sh"}},
		{"ka.uri.param[x]", podEvent, []string{"a b"}},
		{"ka.uri.param[tty]", podEvent, []string{"true"}},
		{"ka.uri.param[stdin]", podEvent, nil},
		{"ka.target.name", podEvent, []string{"web"}},
		{"ka.target.namespace", podEvent, []string{"default"}},
		{"ka.target.resource", podEvent, []string{"pods"}},
		{"ka.target.subresource", podEvent, []string{"exec"}},
		{"ka.target.pod.name", podEvent, []string{"web"}},
		{"ka.target.pod.name", bindingEvent, nil},
		{"ka.resp.name", podEvent, []string{"web"}},
		{"ka.response.code", podEvent, []string{"201"}},
		{"ka.response.reason", podEvent, []string{"Created"}},
		{"ka.useragent", podEvent, []string{"kubectl/v1.30"}},
		{"ka.sourceips", podEvent, []string{"10.0.0.1", "10.0.0.2"}},
		{"ka.sourceips[1]", podEvent, []string{"10.0.0.2"}},
		{"ka.cluster.name", podEvent, []string{"prod-eu-1"}},
		{"ka.req.pod.host_network", podEvent, []string{"true"}},
		{"ka.req.container.host_network", podEvent, []string{"true"}},
		{"ka.req.pod.host_pid", podEvent, []string{"false"}},
		{"ka.req.pod.host_ipc", podEvent, nil},
		{"ka.req.pod.containers.name", podEvent, []string{"a", "b"}},
		{"ka.req.pod.containers.image", podEvent, []string{"registry:5000/team/app:1.2@sha256:abcd", "nginx"}},
		{"ka.req.pod.containers.image[1]", podEvent, []string{"nginx"}},
		{"ka.req.pod.containers.image[2]", podEvent, nil},
		{"ka.req.pod.containers.image.repository", podEvent, []string{"registry:5000/team/app", "nginx"}},
		{"ka.req.container.image", podEvent, []string{"registry:5000/team/app:1.2@sha256:abcd"}},
		{"ka.req.container.image.repository", podEvent, []string{"registry:5000/team/app"}},
		{"ka.req.pod.containers.command", podEvent, []string{`["sh","-c"]`}},
		{"ka.req.pod.containers.args", podEvent, []string{`["run"]`}},
		{"ka.req.pod.containers.privileged", podEvent, []string{"true"}},
		{"ka.req.container.privileged", podEvent, []string{"true"}},
		{"ka.req.pod.containers.allow_privilege_escalation", podEvent, []string{"false"}},
		{"ka.req.pod.containers.read_only_fs", podEvent, []string{"true"}},
		{"ka.req.pod.containers.run_as_user", podEvent, []string{"0"}},
		{"ka.req.pod.containers.eff_run_as_user", podEvent, []string{"0", "1000"}},
		{"ka.req.pod.containers.eff_run_as_group", podEvent, []string{"0", "0"}},
		{"ka.req.pod.containers.proc_mount", podEvent, []string{"Unmasked"}},
		{"ka.req.pod.containers.add_capabilities", podEvent, []string{"NET_ADMIN", "SYS_TIME"}},
		{"ka.req.pod.containers.host_port", podEvent, []string{"8080", "9090"}},
		{"ka.req.pod.run_as_user", podEvent, []string{"1000"}},
		{"ka.req.pod.fs_group", podEvent, []string{"2000"}},
		{"ka.req.pod.supplemental_groups", podEvent, []string{"3", "4"}},
		{"ka.req.pod.initContainers.image", podEvent, []string{"busybox:1.36"}},
		{"ka.req.pod.initContainers.privileged", podEvent, []string{"false"}},
		{"ka.req.pod.ephemeralContainers.image", podEvent, nil},
		{"ka.req.pod.volumes.hostpath", podEvent, []string{"/etc/kubernetes"}},
		{"ka.req.pod.volumes.flexvolume_driver", podEvent, []string{"vendor/cifs"}},
		{"ka.req.pod.volumes.volume_type", podEvent, []string{"hostPath", "configMap", "flexVolume"}},
		{"ka.req.pod.volumes.volume_type[1]", podEvent, []string{"configMap"}},
		{"ka.req.volume.hostpath[/etc/kubernetes]", podEvent, []string{"true"}},
		{"ka.req.volume.hostpath[/etc*]", podEvent, []string{"true"}},
		{"ka.req.volume.hostpath[/proc]", podEvent, []string{"false"}},
		{"ka.req.volume.hostpath[/proc]", bindingEvent, nil},
		{"ka.req.binding.role", bindingEvent, []string{"cluster-admin"}},
		{"ka.req.binding.subjects", bindingEvent, []string{`{"kind":"User","name":"eve"}`, `{"kind":"ServiceAccount","name":"builder","namespace":"ci"}`, `{"kind":"Group","name":"ops"}`, `{"kind":"ServiceAccount","name":"deployer","namespace":"cd"}`}},
		{"ka.req.binding.subjects.user_names", bindingEvent, []string{"eve"}},
		{"ka.req.binding.subjects.serviceaccount_names", bindingEvent, []string{"builder", "deployer"}},
		{"ka.req.binding.subjects.serviceaccount_ns_names", bindingEvent, []string{"ci:builder", "cd:deployer"}},
		{"ka.req.binding.subjects.group_names", bindingEvent, []string{"ops"}},
		{"ka.req.binding.subject.has_name[eve]", bindingEvent, []string{"true"}},
		{"ka.req.configmap.name", bindingEvent, []string{"ops"}},
		{"ka.req.configmap.obj", bindingEvent, []string{`{"password":"x"}`}},
		{"ka.req.role.rules.verbs", bindingEvent, []string{"get", "create", "*"}},
		{"ka.req.role.rules.resources[0]", bindingEvent, []string{"pods", "pods/exec"}},
		{"ka.req.role.rules.apiGroups", bindingEvent, []string{"", "*"}},
		{"ka.req.role.rules.nonResourceURLs", bindingEvent, []string{"/metrics"}},
		{"ka.req.pod.containers.image", bindingEvent, nil},
		{"ka.req.container.privileged", bindingEvent, nil},
		// The json plugin's fields and the generic ones.
		{"jevt.value[/stage]", podEvent, []string{"ResponseComplete"}},
		{"json.value[/requestObject/spec/containers/1/name]", podEvent, []string{"b"}},
		{"jevt.value[/annotations/authorization.k8s.io~1decision]", podEvent, []string{"allow"}},
		{"jevt.value[/requestObject/spec/securityContext/supplementalGroups]", podEvent, []string{"[3,4]"}},
		{"jevt.value[/nope]", podEvent, nil},
		{"jevt.rawtime", podEvent, []string{"1795168801000000500"}},
		{"json.rawtime", podEvent, []string{"1795168801000000500"}},
		{"jevt.obj", `{"a":[1,2]}`, []string{"{\n  \"a\": [\n    1,\n    2\n  ]\n}"}},
		{"evt.source", podEvent, []string{"k8s_audit"}},
		{"evt.pluginname", podEvent, []string{"k8saudit"}},
		{"evt.hostname", podEvent, []string{"node-1"}},
		{"evt.num", podEvent, []string{"uint"}},
		{"evt.rawtime", podEvent, []string{"time"}},
		{"evt.time.iso8601", podEvent, []string{"2026-11-20T10:00:01.000000500Z"}},
	} {
		if got := extract(t, tc.use, tc.doc); !cmp.Equal(tc.want, got) {
			t.Errorf("%s: %q, want %q", tc.use, got, tc.want)
		}
	}
}

// TestFieldsBind: every field of the k8s_audit catalog binds (the rules
// engine finds none missing), and an index that is not a number does not.
func TestFieldsBind(t *testing.T) {
	var cur docsrc.Cursor
	b := docsrc.NewBinder(k8saudit.Def(""), &cur, "")
	for _, f := range field.Default().Fields(field.SourceK8sAudit) {
		arg := field.Arg{}
		if f.Arg == field.ArgRequired {
			arg.Text = "/x"
		}
		if _, err := b.Bind(f, arg); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
	f, _, _ := field.Default().Lookup(field.SourceK8sAudit, "ka.req.pod.containers.image")
	if _, err := b.Bind(f, field.Arg{Text: "first"}); err == nil {
		t.Error("ka.req.pod.containers.image[first] binds")
	}
}
