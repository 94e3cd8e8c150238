package testenv

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"testing"
	"time"
)

// CA is a certificate authority made for one test: its certificates are
// valid from an hour ago for a day, with P-256 keys.
type CA struct {
	Cert    *x509.Certificate
	CertPEM []byte         // Cert as a PEM block
	Pool    *x509.CertPool // a pool that trusts the CA alone
	key     *ecdsa.PrivateKey
	serial  int64
}

// Cert is a certificate and its key made for a test.
type Cert struct {
	X509    *x509.Certificate
	CertPEM []byte // a CERTIFICATE block
	KeyPEM  []byte // an EC PRIVATE KEY block
	TLS     tls.Certificate
}

// NewCA makes a certificate authority for t.
func NewCA(t testing.TB) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := certTemplate(1, "peregrine test CA")
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	c := makeCert(t, tmpl, tmpl, key, key)
	ca := &CA{Cert: c.X509, CertPEM: c.CertPEM, Pool: x509.NewCertPool(), key: key, serial: 1}
	ca.Pool.AddCert(c.X509)
	return ca
}

// Issue makes a certificate for cn signed by the CA: a server's, for
// 127.0.0.1, or a client's.
func (ca *CA) Issue(t testing.TB, cn string, server bool) *Cert {
	t.Helper()
	ca.serial++
	tmpl := certTemplate(ca.serial, cn)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	return makeCert(t, tmpl, ca.Cert, newKey(t), ca.key)
}

// SelfSigned makes a server certificate for 127.0.0.1 that signs itself
// (a client trusts it by adding it to its roots), with the given serial
// number and common name.
func SelfSigned(t testing.TB, serial int64, cn string) *Cert {
	t.Helper()
	key := newKey(t)
	tmpl := certTemplate(serial, cn)
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	return makeCert(t, tmpl, tmpl, key, key)
}

// Pool returns a pool that trusts c alone.
func (c *Cert) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.X509)
	return p
}

// WriteFile writes the parts, one after the other, to path (mode 0600):
// PEM blocks of a certificate and its key in one file or in two.
func WriteFile(t testing.TB, path string, parts ...[]byte) {
	t.Helper()
	var all []byte
	for _, p := range parts {
		all = append(all, p...)
	}
	if err := os.WriteFile(path, all, 0o600); err != nil {
		t.Fatal(err)
	}
}

func certTemplate(serial int64, cn string) *x509.Certificate {
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
	}
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// makeCert signs tmpl for key with parent and signer, and encodes it.
func makeCert(t testing.TB, tmpl, parent *x509.Certificate, key, signer *ecdsa.PrivateKey) *Cert {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	c := &Cert{
		X509:    cert,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
	}
	if c.TLS, err = tls.X509KeyPair(c.CertPEM, c.KeyPEM); err != nil {
		t.Fatal(err)
	}
	return c
}
