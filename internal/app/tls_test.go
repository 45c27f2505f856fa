package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/scram"
)

// TestSelfSignedCertificateBinding (scram.md 9.13 acceptance 14, second
// half): tls_self_signed makes an ECDSA P-256 certificate signed with
// ECDSA-SHA256, the TLS listener serves exactly it, and its
// tls-server-end-point binding is the SHA-256 of its DER, for the server's
// code and the independent client's alike.
func TestSelfSignedCertificateBinding(t *testing.T) {
	srv := apptest.MustStart(t, func(c *config.Config) { c.TLSListen, c.TLSSelfSigned = "127.0.0.1:0", true })
	data, err := os.ReadFile(filepath.Join(srv.DataDir, "tls.crt"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("tls.crt holds no PEM block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if cert.SignatureAlgorithm != x509.ECDSAWithSHA256 {
		t.Fatalf("signature algorithm %v, want ECDSA-SHA256", cert.SignatureAlgorithm)
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		t.Fatalf("public key %T, want ECDSA P-256", cert.PublicKey)
	}
	want := sha256.Sum256(cert.Raw)
	if got, ok := scram.EndPoint(cert); !ok || string(got) != string(want[:]) {
		t.Fatalf("scram.EndPoint = %x, %v; want SHA-256 of the DER", got, ok)
	}

	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	c, err := client.DialConn(context.Background(), "wss://"+srv.TLSAddr+"/api/current",
		&websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if served := c.TLS().PeerCertificates[0]; string(served.Raw) != string(cert.Raw) {
		t.Fatal("the TLS listener serves another certificate than tls.crt")
	}
	if got, err := client.ServerEndPoint(c.TLS()); err != nil || string(got) != string(want[:]) {
		t.Fatalf("client.ServerEndPoint = %x, %v", got, err)
	}
}
