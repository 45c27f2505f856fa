package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/keyward/keyward/internal/scram"
)

// tlsConfig loads the configured certificate, or the self-signed one in
// the data directory, made on first use, and returns the SCRAM channel
// binding of the leaf certificate it serves (nil, with a warning, when
// its signature algorithm gives none).
func (a *App) tlsConfig() (*tls.Config, []byte, error) {
	cert, key := a.cfg.TLSCert, a.cfg.TLSKey
	if a.cfg.TLSSelfSigned {
		cert, key = filepath.Join(a.cfg.DataDir, "tls.crt"), filepath.Join(a.cfg.DataDir, "tls.key")
		if err := selfSigned(cert, key); err != nil {
			return nil, nil, fmt.Errorf("tls_self_signed: %w", err)
		}
	}
	if info, err := os.Stat(key); err == nil && info.Mode().Perm()&0o004 != 0 {
		return nil, nil, fmt.Errorf("tls_key: %s must not be readable by every user", key)
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, nil, fmt.Errorf("tls_cert/tls_key: %w", err)
	}
	binding := a.endPoint("tls_cert", pair.Leaf)
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, binding, nil
}

// endPoint returns the tls-server-end-point binding of a served
// certificate, computed once when it is loaded (scram.md 9.8). A
// certificate whose signature algorithm has no single hash (Ed25519) gives
// none: the server starts, warning that bound SCRAM clients (the official
// client's default over wss://) will fail.
func (a *App) endPoint(option string, cert *x509.Certificate) []byte {
	binding, ok := scram.EndPoint(cert)
	if !ok {
		alg := "none"
		if cert != nil {
			alg = cert.SignatureAlgorithm.String()
		}
		a.log.Warn("the certificate gives no SCRAM channel binding: SCRAM clients that bind to the TLS channel will fail to log in",
			"option", option, "signature_algorithm", alg)
	}
	return binding
}

// proxyBinding loads the first certificate of scram_binding_cert, the one
// a trusted TLS proxy presents, and returns its channel binding (nil when
// the setting is empty). A file that cannot be read or holds no
// certificate refuses the start, naming the option.
func (a *App) proxyBinding() ([]byte, error) {
	path := a.cfg.SCRAMBindingCert
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scram_binding_cert: %w", err)
	}
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("scram_binding_cert: %s: %w", path, err)
		}
		return a.endPoint("scram_binding_cert", cert), nil
	}
	return nil, fmt.Errorf("scram_binding_cert: %s holds no PEM certificate", path)
}

// selfSigned writes a self-signed certificate for localhost, the loopback
// addresses and the host name, unless the files exist. It is ECDSA P-256
// signed with ECDSA-SHA256, never Ed25519: SCRAM's tls-server-end-point
// binding is then the SHA-256 of its DER (scram.md 9.8).
func selfSigned(certPath, keyPath string) error {
	if _, err := os.Stat(certPath); err == nil {
		return nil
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: "Keyward self-signed"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(10, 0, 0),
		SignatureAlgorithm: x509.ECDSAWithSHA256,
		KeyUsage:           x509.KeyUsageDigitalSignature,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:           []string{"localhost", host},
		IPAddresses:        []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	return errors.Join(
		writePEM(keyPath, "PRIVATE KEY", keyDER),
		writePEM(certPath, "CERTIFICATE", der))
}

func writePEM(path, kind string, der []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	return errors.Join(pem.Encode(f, &pem.Block{Type: kind, Bytes: der}), f.Close())
}
