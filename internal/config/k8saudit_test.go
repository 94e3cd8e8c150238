package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The k8s_audit section: values, defaults and the checks that span keys,
// each error at its file:line:column.
func TestK8sAuditSection(t *testing.T) {
	for _, tc := range []struct {
		name      string
		yaml      string
		want      *K8sAudit
		wantErrs  []string
		wantWarns []string
	}{
		{name: "defaults", yaml: "priority: debug\n",
			want: &K8sAudit{Path: "/k8s-audit", MaxBodyBytes: 16 << 20, Queue: 64}},
		{name: "token",
			yaml: "webserver:\n  enabled: true\n  ssl_enabled: true\nk8s_audit:\n  enabled: true\n  token_file: /etc/peregrine/audit.token\n  path: /audit\n  max_body_bytes: 1048576\n  queue: 8\n",
			want: &K8sAudit{Enabled: true, Path: "/audit", TokenFile: "/etc/peregrine/audit.token", MaxBodyBytes: 1 << 20, Queue: 8}},
		{name: "plain HTTP",
			yaml:      "webserver:\n  enabled: true\nk8s_audit:\n  enabled: true\n  token_file: /t\n",
			wantWarns: []string{`peregrine.yaml:4:12: warning: k8s_audit: served over plain HTTP: the token and the audit events travel in clear; set webserver.ssl_enabled`}},
		{name: "no authentication",
			yaml:     "webserver:\n  enabled: true\nk8s_audit:\n  enabled: true\n",
			wantErrs: []string{`peregrine.yaml:4:12: k8s_audit: enabled without token_file or client_ca: the webhook must authenticate the API server`}},
		{name: "no webserver",
			yaml:     "k8s_audit:\n  enabled: true\n  token_file: /t\n",
			wantErrs: []string{`peregrine.yaml:2:12: k8s_audit: enabled without webserver.enabled: the webhook is served by the webserver`}},
		{name: "client ca without tls",
			yaml:     "webserver:\n  enabled: true\nk8s_audit:\n  enabled: true\n  client_ca: /ca.pem\n",
			wantErrs: []string{`peregrine.yaml:5:14: k8s_audit: client_ca without webserver.ssl_enabled: client certificates need TLS`}},
		{name: "bad path",
			yaml:     "k8s_audit:\n  path: audit\n",
			wantErrs: []string{`peregrine.yaml:2:9: k8s_audit.path: "audit" does not start with /`}},
		{name: "queue out of range",
			yaml:     "k8s_audit:\n  queue: 0\n",
			wantErrs: []string{`peregrine.yaml:2:10: k8s_audit.queue: 0 is out of range (1 to 65536)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := loadYAML(t, tc.yaml)
			if diff := cmp.Diff(tc.wantErrs, r.errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantWarns, r.warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if tc.want != nil && r.cfg != nil {
				if diff := cmp.Diff(*tc.want, r.cfg.K8sAudit); diff != "" {
					t.Errorf("k8s_audit (-want +got):\n%s", diff)
				}
			}
		})
	}
}
