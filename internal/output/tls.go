package output

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// TLSOptions are the TLS settings of the [HTTP] sink, Falco's http_output
// keys. Without CACert, CABundle or CAPath the system's roots verify the
// server.
type TLSOptions struct {
	// Insecure skips verifying the server's certificate (insecure).
	Insecure bool
	// CACert is a PEM file of one CA certificate (ca_cert), CABundle a
	// PEM file of several (ca_bundle), CAPath a directory of PEM files
	// (ca_path). The ones given are all trusted, and only they.
	CACert, CABundle, CAPath string
	// MTLS presents ClientCert and ClientKey (PEM files) to the server
	// (mtls, client_cert, client_key).
	MTLS                  bool
	ClientCert, ClientKey string
}

// config builds the client's TLS configuration, loading the files.
func (o TLSOptions) config() (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: o.Insecure, MinVersion: tls.VersionTLS12}
	if o.CACert != "" || o.CABundle != "" || o.CAPath != "" {
		pool := x509.NewCertPool()
		for _, f := range []struct{ key, path string }{{"ca_cert", o.CACert}, {"ca_bundle", o.CABundle}} {
			if f.path == "" {
				continue
			}
			pem, err := os.ReadFile(f.path)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.key, err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("%s %s: no PEM certificate in it", f.key, f.path)
			}
		}
		if o.CAPath != "" {
			n, err := addCertDir(pool, o.CAPath)
			if err != nil {
				return nil, fmt.Errorf("ca_path: %w", err)
			}
			if n == 0 {
				return nil, fmt.Errorf("ca_path %s: no PEM certificate in it", o.CAPath)
			}
		}
		cfg.RootCAs = pool
	}
	if o.MTLS {
		if o.ClientCert == "" || o.ClientKey == "" {
			return nil, errors.New("mtls: client_cert and client_key are both needed")
		}
		cert, err := tls.LoadX509KeyPair(o.ClientCert, o.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("mtls: client_cert %s, client_key %s: %w", o.ClientCert, o.ClientKey, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// addCertDir adds the certificates of the PEM files in dir (files that
// hold none, and subdirectories, are skipped) and returns how many files
// had some.
func addCertDir(pool *x509.CertPool, dir string) (int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		pem, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // a dangling link, a file we may not read
		}
		if pool.AppendCertsFromPEM(pem) {
			n++
		}
	}
	return n, nil
}
