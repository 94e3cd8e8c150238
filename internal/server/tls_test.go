package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"peregrine/internal/testenv"
)

// selfSigned makes a certificate for 127.0.0.1 with the given serial and
// returns its PEM blocks and the certificate.
func selfSigned(t *testing.T, serial int64) (certPEM, keyPEM []byte, cert *x509.Certificate) {
	t.Helper()
	c := testenv.SelfSigned(t, serial, "peregrine test")
	return c.CertPEM, c.KeyPEM, c.X509
}

func writeFile(t *testing.T, path string, parts ...[]byte) {
	t.Helper()
	testenv.WriteFile(t, path, parts...)
}

// tlsClient is a client that trusts cert alone.
func tlsClient(cert *x509.Certificate) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM, cert := selfSigned(t, 1)
	combined := filepath.Join(dir, "peregrine.pem")
	writeFile(t, combined, keyPEM, certPEM) // key first: the order does not matter
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeFile(t, certFile, certPEM)
	writeFile(t, keyFile, keyPEM)

	tests := []struct {
		name string
		tls  TLS
	}{
		{"one file with both, as Falco's ssl_certificate", TLS{Enabled: true, CertFile: combined}},
		{"separate files", TLS{Enabled: true, CertFile: certFile, KeyFile: keyFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{Address: "127.0.0.1", TLS: tt.tls})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Start(); err != nil {
				t.Fatal(err)
			}
			defer s.Shutdown(context.Background())
			status, _, body := get(t, tlsClient(cert), "GET", "https://"+s.Addr().String()+"/healthz")
			if status != 200 || body != healthBody {
				t.Errorf("https healthz: %d %q", status, body)
			}
			// Plain HTTP to the HTTPS port is refused.
			status, _, _ = get(t, http.DefaultClient, "GET", "http://"+s.Addr().String()+"/healthz")
			if status != http.StatusBadRequest {
				t.Errorf("plain http to the https port: %d, want 400", status)
			}
		})
	}
}

func TestTLSBadFiles(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM, _ := selfSigned(t, 1)
	_, otherKey, _ := selfSigned(t, 2)
	certOnly := filepath.Join(dir, "cert-only.pem")
	writeFile(t, certOnly, certPEM)
	mismatched := filepath.Join(dir, "mismatched.pem")
	writeFile(t, mismatched, certPEM, otherKey)
	keyOnly := filepath.Join(dir, "key-only.pem")
	writeFile(t, keyOnly, keyPEM)
	tests := []struct {
		name string
		tls  TLS
	}{
		{"certificate without its key", TLS{Enabled: true, CertFile: certOnly}},
		{"key of another certificate", TLS{Enabled: true, CertFile: mismatched}},
		{"key without certificate", TLS{Enabled: true, CertFile: keyOnly}},
		{"missing key file", TLS{Enabled: true, CertFile: certOnly, KeyFile: filepath.Join(dir, "none.pem")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Config{TLS: tt.tls})
			if err == nil || !strings.Contains(err.Error(), tt.tls.CertFile) {
				t.Errorf("New: %v, want an error naming %s", err, tt.tls.CertFile)
			}
		})
	}
}

func TestReloadCertificate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "peregrine.pem")
	certPEM, keyPEM, cert1 := selfSigned(t, 1)
	writeFile(t, file, certPEM, keyPEM)
	s, err := New(Config{Address: "127.0.0.1", TLS: TLS{Enabled: true, CertFile: file}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	serial := func() int64 {
		t.Helper()
		conn, err := tls.Dial("tcp", s.Addr().String(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	}
	if got := serial(); got != cert1.SerialNumber.Int64() {
		t.Fatalf("serial %d, want %d", got, cert1.SerialNumber.Int64())
	}

	// A broken file keeps the old certificate.
	writeFile(t, file, []byte("not a certificate"))
	if err := s.ReloadCertificate(); err == nil {
		t.Error("ReloadCertificate of a broken file: no error")
	}
	if got := serial(); got != 1 {
		t.Errorf("after a failed reload: serial %d, want 1", got)
	}

	certPEM, keyPEM, _ = selfSigned(t, 2)
	writeFile(t, file, certPEM, keyPEM)
	if err := s.ReloadCertificate(); err != nil {
		t.Fatal(err)
	}
	if got := serial(); got != 2 {
		t.Errorf("after a reload: serial %d, want 2", got)
	}
}
