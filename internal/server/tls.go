package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
)

// TLS configures HTTPS.
type TLS struct {
	Enabled bool
	// CertFile is a PEM file with the server's certificate chain, leaf
	// first. When KeyFile is empty it must hold the private key too, as
	// Falco's webserver.ssl_certificate does.
	CertFile string
	// KeyFile is a PEM file with the certificate's private key; empty
	// when CertFile holds it.
	KeyFile string
	// ClientCAFile, when set, is a PEM file of the CAs whose client
	// certificates the server verifies (mutual TLS). A client without a
	// certificate still connects (the health check needs none); handlers
	// that require one check the request's verified chains.
	ClientCAFile string
}

// clientCAs reads the PEM file of client CAs.
func clientCAs(file string) (*x509.CertPool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("tls: client CAs: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("tls: client CAs: no PEM certificate in %s", file)
	}
	return pool, nil
}

// certificate is the server's certificate, replaced whole on reload.
type certificate struct {
	certFile, keyFile string
	cur               atomic.Pointer[tls.Certificate]
}

func loadCertificate(t TLS) (*certificate, error) {
	if t.CertFile == "" {
		return nil, errors.New("tls: no certificate file")
	}
	c := &certificate{certFile: t.CertFile, keyFile: t.KeyFile}
	if c.keyFile == "" {
		c.keyFile = c.certFile
	}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload reads the files; the certificate in use stays when they do not
// hold a valid pair. LoadX509KeyPair takes the certificate blocks of the
// first file and the key block of the second, so one file holding both
// works as either.
func (c *certificate) reload() error {
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		if c.keyFile == c.certFile {
			return fmt.Errorf("tls: load certificate and key from %s: %w", c.certFile, err)
		}
		return fmt.Errorf("tls: load certificate %s and key %s: %w", c.certFile, c.keyFile, err)
	}
	c.cur.Store(&pair)
	return nil
}

func (c *certificate) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.cur.Load(), nil
}
