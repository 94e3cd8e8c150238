package k8saudit_test

import (
	"crypto/tls"
	"crypto/x509"
	"path/filepath"
	"testing"

	"peregrine/internal/testenv"
)

// testPKI is a CA made for a test, with a server certificate for
// 127.0.0.1 and a client certificate (the API server's), both written as
// PEM files.
type testPKI struct {
	caFile, serverFile string // CA certificate; server certificate and key
	pool               *x509.CertPool
	client             tls.Certificate
}

func newPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	ca := testenv.NewCA(t)
	p := &testPKI{caFile: filepath.Join(dir, "ca.pem"), serverFile: filepath.Join(dir, "server.pem"), pool: ca.Pool}
	testenv.WriteFile(t, p.caFile, ca.CertPEM)
	srv := ca.Issue(t, "peregrine", true)
	testenv.WriteFile(t, p.serverFile, srv.CertPEM, srv.KeyPEM)
	p.client = ca.Issue(t, "kube-apiserver", false).TLS
	return p
}
