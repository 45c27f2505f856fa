package client_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/client"
)

// The test vectors of scram.md 2.8 (computed with the official client's
// py_scram), written out again here: the client is tested against them,
// never against Keyward's server code.
const (
	vecRawKey    = "7-nO471l9gbNAQr74El9W8CITOJoOBq3BnieW69XweU0fAOMK7AUQnWikaTvt534oE"
	vecClientKey = "O9OIG10YbArb7sqX7DSuo7sjABO0PPlbfxD/61gG4kI4a+TT1gxxCI4dS/R66QDKOAbm3g6zu8vBem3rEebNQw=="
	vecStoredKey = "620hr+8KPmxgtMk1XClXp8wpq7IN65DyhHftnqnFRa+vZEiLBpDMfPe9KxgsfcYfQQtIiZgEIUeZZnHQYbMJXQ=="
	vecServerKey = "mHgQKeONW+a16nklnAenNveJ2UARpeTxdZOiv6II3R/9PVWv/fJMwBbqM34Rk1cTdI3IG/bn1b76Q/77zv+0XA=="

	vecCombined    = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
	vecServerFirst = "r=" + vecCombined + ",s=AAECAwQFBgcICQoLDA0ODw==,i=50000"

	vecFirst       = "n,,n=svc:7,r=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	vecFinal       = "c=biws,r=" + vecCombined + ",p=bUgG4+tU7WBIdTeozHgF6vbmsuDpShC/6q1kkYn+CcUl1ljZ/hEuT4bj6GODAVAY4MCENU419pSe4CnWWN0b9g=="
	vecServerFinal = "v=UbmvJxOiKjJLp1tqZyVLhaS4T3pWS0DbQRlU7QIgSq+uHaRpDGoQVVSexX29GR3Tjl/ZigYF9qAzagdUk8rj8A=="

	vecBoundFirst       = "p=tls-server-end-point,,n=svc:7,r=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	vecBoundFinal       = "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsQEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=,r=" + vecCombined + ",p=nqYLQWi7JEKm1caF/sCDKr+PTMGidXiKuFL4jzSP4cQaWY/trXhbjwcVV2c8Ze/AUDLBVox2COYNeSZLt4oKSQ=="
	vecBoundServerFinal = "v=A3ApGwKXZsjxJ4dFV1++Sqbnfs/BMH/NnnlldZKb2ti1LSYOG82FJWnFlzMeTioeoqkmrZMHj99nH6GyZ1HsDA=="
)

func seq(from byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = from + byte(i)
	}
	return b
}

func rawKey(t *testing.T) client.SCRAMKey {
	t.Helper()
	k, err := client.ParseSCRAMKey(vecRawKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func precomputed(t *testing.T) client.SCRAMKey {
	t.Helper()
	k, err := client.ParseSCRAMKey(`{"api_key_id": 7, "client_key": "` + vecClientKey + `", "stored_key": "` + vecStoredKey +
		`", "server_key": "` + vecServerKey + `", "iterations": 50000}`)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSCRAMClientVectors: the client makes every message of scram.md 2.8
// from the raw key and from a precomputed key file, bound and unbound, and
// accepts exactly the vectors' server signature.
func TestSCRAMClientVectors(t *testing.T) {
	for _, tc := range []struct {
		name                            string
		key                             func(*testing.T) client.SCRAMKey
		binding                         []byte
		first, final, serverFinal, flag string
	}{
		{"RawUnbound", rawKey, nil, vecFirst, vecFinal, vecServerFinal, ""},
		{"RawBound", rawKey, seq(0x40, 32), vecBoundFirst, vecBoundFinal, vecBoundServerFinal, ""},
		{"PrecomputedUnbound", precomputed, nil, vecFirst, vecFinal, vecServerFinal, ""},
		{"PrecomputedBound", precomputed, seq(0x40, 32), vecBoundFirst, vecBoundFinal, vecBoundServerFinal, ""},
		{"BindingWithFlagN", rawKey, seq(0x40, 32), vecFirst, vecFinal, vecServerFinal, "n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &client.SCRAM{User: "svc", Key: tc.key(t), Binding: tc.binding, Flag: tc.flag, Nonce: seq(0, 32)}
			if got := s.First(); got != tc.first {
				t.Fatalf("client-first = %q", got)
			}
			final, err := s.Final(vecServerFirst)
			if err != nil || final != tc.final {
				t.Fatalf("client-final = %q, %v", final, err)
			}
			other := vecServerFinal
			if other == tc.serverFinal {
				other = vecBoundServerFinal
			}
			for _, bad := range []string{other, strings.TrimPrefix(tc.serverFinal, "v="), "v=", "", "e=invalid-proof"} {
				if err := s.CheckServerFinal(bad); !errors.Is(err, client.ErrServerSignature) {
					t.Fatalf("CheckServerFinal(%q) = %v", bad, err)
				}
			}
			if err := s.CheckServerFinal(tc.serverFinal); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSCRAMClientFlagY: a "y" client-first and its c= ("y,,").
func TestSCRAMClientFlagY(t *testing.T) {
	s := &client.SCRAM{User: "svc", Key: precomputed(t), Flag: "y", Nonce: seq(0, 32)}
	if got := s.First(); got != "y"+vecFirst[1:] {
		t.Fatalf("client-first = %q", got)
	}
	final, err := s.Final(vecServerFirst)
	if err != nil || !strings.HasPrefix(final, "c="+base64.StdEncoding.EncodeToString([]byte("y,,"))+",r="+vecCombined+",p=") {
		t.Fatalf("client-final = %q, %v", final, err)
	}
}

// TestSCRAMClientRandomNonce: without a fixed nonce each exchange draws 32
// random bytes.
func TestSCRAMClientRandomNonce(t *testing.T) {
	a, b := &client.SCRAM{User: "svc", Key: rawKey(t)}, &client.SCRAM{User: "svc", Key: rawKey(t)}
	fa, fb := a.First(), b.First()
	r := fa[strings.Index(fa, ",r=")+3:]
	if raw, err := base64.StdEncoding.DecodeString(r); err != nil || len(raw) != 32 || fa == fb {
		t.Fatalf("client-firsts %q, %q", fa, fb)
	}
}

// TestSCRAMClientChecksServerFirst: the client refuses server-firsts the
// TrueNAS clients refuse (scram.md 2.4, 8).
func TestSCRAMClientChecksServerFirst(t *testing.T) {
	salt := ",s=AAECAwQFBgcICQoLDA0ODw=="
	otherNonce := base64.StdEncoding.EncodeToString(seq(1, 64))
	for _, bad := range []string{
		"r=" + vecCombined + salt + ",i=49999", "r=" + vecCombined + salt + ",i=5000001", "r=" + vecCombined + salt + ",i=x",
		"r=" + otherNonce + salt + ",i=50000",
		"r=" + base64.StdEncoding.EncodeToString(seq(0, 32)) + salt + ",i=50000", // no server part
		"r=" + vecCombined + ",s=,i=50000", "r=" + vecCombined + ",s=" + base64.StdEncoding.EncodeToString(make([]byte, 1025)) + ",i=50000",
		"s=AAECAwQFBgcICQoLDA0ODw==,r=" + vecCombined + ",i=50000", vecServerFirst + ",x=1", "m=1," + vecServerFirst, "",
	} {
		s := &client.SCRAM{User: "svc", Key: precomputed(t), Nonce: seq(0, 32)}
		s.First()
		if final, err := s.Final(bad); err == nil {
			t.Errorf("Final(%q) = %q", bad, final)
		}
	}
}

// TestParseSCRAMKey: raw keys and precomputed JSON key files.
func TestParseSCRAMKey(t *testing.T) {
	k := rawKey(t)
	if k.ID != 7 || k.Secret != vecRawKey[2:] || k.ClientKey != nil {
		t.Fatalf("raw key = %+v", k)
	}
	p := precomputed(t)
	if p.ID != 7 || p.Secret != "" || len(p.ClientKey) != 64 || len(p.StoredKey) != 64 || len(p.ServerKey) != 64 {
		t.Fatalf("precomputed key = %+v", p)
	}
	for _, bad := range []string{"", "7", "-x", "x-abc", "0-abc", "{}", `{"api_key_id": 7}`, "{",
		`{"api_key_id": 7, "client_key": "AA==", "stored_key": "` + vecStoredKey + `", "server_key": "` + vecServerKey + `"}`,
		`{"client_key": "` + vecClientKey + `", "stored_key": "` + vecStoredKey + `", "server_key": "` + vecServerKey + `"}`} {
		if k, err := client.ParseSCRAMKey(bad); err == nil {
			t.Errorf("ParseSCRAMKey(%q) = %+v", bad, k)
		}
	}
}

// TestServerEndPointHash: RFC 5929 4.1 per signature algorithm: MD5 and
// SHA-1 become SHA-256, others keep their hash, EdDSA has no binding.
func TestServerEndPointHash(t *testing.T) {
	raw := []byte("DER")
	s256, s384, s512 := sha256.Sum256(raw), sha512.Sum384(raw), sha512.Sum512(raw)
	for alg, want := range map[x509.SignatureAlgorithm][]byte{
		x509.MD5WithRSA: s256[:], x509.SHA1WithRSA: s256[:], x509.ECDSAWithSHA1: s256[:], x509.ECDSAWithSHA256: s256[:],
		x509.SHA256WithRSAPSS: s256[:], x509.ECDSAWithSHA384: s384[:], x509.SHA384WithRSA: s384[:],
		x509.SHA512WithRSAPSS: s512[:], x509.ECDSAWithSHA512: s512[:], x509.PureEd25519: nil, x509.UnknownSignatureAlgorithm: nil,
	} {
		cs := &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Raw: raw, SignatureAlgorithm: alg}}}
		got, err := client.ServerEndPoint(cs)
		if (err == nil) != (want != nil) || !bytes.Equal(got, want) {
			t.Errorf("%v: ServerEndPoint = %x, %v", alg, got, err)
		}
	}
}
