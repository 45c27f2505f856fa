package scram_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/scram"
)

// TestEndPointTable: the hash of scram.md 9.8 per signature algorithm.
func TestEndPointTable(t *testing.T) {
	raw := []byte("certificate DER")
	s256, s384, s512 := sha256.Sum256(raw), sha512.Sum384(raw), sha512.Sum512(raw)
	for alg, want := range map[x509.SignatureAlgorithm][]byte{
		x509.MD5WithRSA: s256[:], x509.SHA1WithRSA: s256[:], x509.ECDSAWithSHA1: s256[:], x509.DSAWithSHA1: s256[:],
		x509.SHA256WithRSA: s256[:], x509.SHA256WithRSAPSS: s256[:], x509.ECDSAWithSHA256: s256[:], x509.DSAWithSHA256: s256[:],
		x509.SHA384WithRSA: s384[:], x509.SHA384WithRSAPSS: s384[:], x509.ECDSAWithSHA384: s384[:],
		x509.SHA512WithRSA: s512[:], x509.SHA512WithRSAPSS: s512[:], x509.ECDSAWithSHA512: s512[:],
		x509.PureEd25519: nil, x509.UnknownSignatureAlgorithm: nil, x509.MD2WithRSA: nil,
	} {
		got, ok := scram.EndPoint(&x509.Certificate{Raw: raw, SignatureAlgorithm: alg})
		if ok != (want != nil) || !bytes.Equal(got, want) {
			t.Errorf("%v: EndPoint = %x, %v", alg, got, ok)
		}
	}
	if _, ok := scram.EndPoint(nil); ok {
		t.Error("EndPoint(nil) has a binding")
	}
}

// TestEndPointCertificates: real certificates get the binding of their
// own signature algorithm; an Ed25519 one gets none.
func TestEndPointCertificates(t *testing.T) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		alg  x509.SignatureAlgorithm
		sum  func([]byte) []byte
	}{
		{"ECDSAP256", p256, x509.ECDSAWithSHA256, func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }},
		{"ECDSAP384", p384, x509.ECDSAWithSHA384, func(b []byte) []byte { s := sha512.Sum384(b); return s[:] }},
		{"RSASHA512", rsaKey, x509.SHA512WithRSA, func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }},
		{"RSAPSSSHA384", rsaKey, x509.SHA384WithRSAPSS, func(b []byte) []byte { s := sha512.Sum384(b); return s[:] }},
		{"Ed25519", edKey, x509.PureEd25519, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert := selfSign(t, tc.key, tc.alg)
			got, ok := scram.EndPoint(cert)
			if tc.sum == nil {
				if ok {
					t.Fatalf("binding %x for %v", got, cert.SignatureAlgorithm)
				}
				return
			}
			if !ok || !bytes.Equal(got, tc.sum(cert.Raw)) {
				t.Fatalf("EndPoint = %x, %v", got, ok)
			}
		})
	}
}

func selfSign(t *testing.T, key crypto.Signer, alg x509.SignatureAlgorithm) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "t"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), SignatureAlgorithm: alg}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil || cert.SignatureAlgorithm != alg {
		t.Fatalf("certificate: %v, %v", cert.SignatureAlgorithm, err)
	}
	return cert
}
