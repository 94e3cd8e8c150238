package testenv_test

import (
	"crypto/x509"
	"testing"

	"peregrine/internal/testenv"
)

// TestTLSCertificates: what the CA issues verifies against its pool for
// the use it was made for, and not for the other; a self-signed
// certificate verifies against its own pool.
func TestTLSCertificates(t *testing.T) {
	ca := testenv.NewCA(t)
	srv := ca.Issue(t, "server", true)
	cli := ca.Issue(t, "client", false)
	if srv.X509.SerialNumber.Cmp(cli.X509.SerialNumber) == 0 {
		t.Errorf("two certificates with serial %v", srv.X509.SerialNumber)
	}
	server := x509.VerifyOptions{Roots: ca.Pool, DNSName: "127.0.0.1", KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	client := x509.VerifyOptions{Roots: ca.Pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if _, err := srv.X509.Verify(server); err != nil {
		t.Errorf("server certificate: %v", err)
	}
	if _, err := cli.X509.Verify(client); err != nil {
		t.Errorf("client certificate: %v", err)
	}
	if _, err := cli.X509.Verify(server); err == nil {
		t.Errorf("a client certificate verifies as a server's")
	}
	self := testenv.SelfSigned(t, 7, "peregrine")
	if _, err := self.X509.Verify(x509.VerifyOptions{Roots: self.Pool(), DNSName: "127.0.0.1"}); err != nil {
		t.Errorf("self-signed: %v", err)
	}
	if _, err := self.X509.Verify(server); err == nil {
		t.Errorf("a self-signed certificate verifies against another CA")
	}
	if self.X509.SerialNumber.Int64() != 7 || len(self.TLS.Certificate) != 1 {
		t.Errorf("self-signed: serial %v, %d certificates in the pair", self.X509.SerialNumber, len(self.TLS.Certificate))
	}
}
