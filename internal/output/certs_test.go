package output

import (
	"crypto/tls"
	"crypto/x509"
	"path/filepath"
	"testing"

	"peregrine/internal/testenv"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	*testenv.CA
	cert *x509.Certificate
}

func newTestCA(t *testing.T) *testCA {
	ca := testenv.NewCA(t)
	return &testCA{CA: ca, cert: ca.Cert}
}

// pemFile writes the CA's certificate to a file and returns its path.
func (ca *testCA) pemFile(t *testing.T, dir string) string {
	path := filepath.Join(dir, "ca.pem")
	testenv.WriteFile(t, path, ca.CertPEM)
	return path
}

// issue makes a certificate for cn, a server's (for 127.0.0.1) or a
// client's, and writes it and its key to dir as cn.crt and cn.key.
func (ca *testCA) issue(t *testing.T, dir, cn string, server bool) (tls.Certificate, string, string) {
	c := ca.Issue(t, cn, server)
	crt, key := filepath.Join(dir, cn+".crt"), filepath.Join(dir, cn+".key")
	testenv.WriteFile(t, crt, c.CertPEM)
	testenv.WriteFile(t, key, c.KeyPEM)
	return c.TLS, crt, key
}
