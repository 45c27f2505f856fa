package scram

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
)

// EndPoint returns the RFC 5929 tls-server-end-point binding of a server
// certificate: its DER hashed with the hash of its signature algorithm,
// MD5 and SHA-1 promoted to SHA-256 (scram.md 9.8). Algorithms without a
// single hash (Ed25519) and unknown ones have no binding: ok is false.
func EndPoint(cert *x509.Certificate) (binding []byte, ok bool) {
	if cert == nil {
		return nil, false
	}
	switch cert.SignatureAlgorithm {
	case x509.MD5WithRSA, x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1,
		x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256, x509.DSAWithSHA256:
		sum := sha256.Sum256(cert.Raw)
		return sum[:], true
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		sum := sha512.Sum384(cert.Raw)
		return sum[:], true
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		sum := sha512.Sum512(cert.Raw)
		return sum[:], true
	}
	return nil, false
}
