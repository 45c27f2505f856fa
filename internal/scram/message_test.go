package scram_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/scram"
)

const nonce32 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" // 32 bytes

// TestParseClientFirst: the grammar of scram.md 2.4 and 9.7 step 1.
func TestParseClientFirst(t *testing.T) {
	ok := []struct {
		in, user string
		id       int64
		flag     scram.CBFlag
	}{
		{"n,,n=svc:7,r=" + nonce32, "svc", 7, scram.CBNone},
		{"y,,n=svc:7,r=" + nonce32, "svc", 7, scram.CBNotOffered},
		{"p=tls-server-end-point,,n=svc:7,r=" + nonce32, "svc", 7, scram.CBBound},
		{"n,,n=a:b:2147483647,r=" + nonce32, "a:b", 2147483647, scram.CBNone}, // split at the last ':'
		{"n,,n=x=2Cy=3Dz:1,r=" + nonce32, "x,y=z", 1, scram.CBNone},           // RFC 5802 escapes
		{"n,,n=Ölaf:10,r=" + nonce32, "Ölaf", 10, scram.CBNone},
	}
	for _, tc := range ok {
		cf, err := scram.ParseClientFirst(tc.in)
		if err != nil || cf.Username != tc.user || cf.KeyID != tc.id || cf.Flag != tc.flag || cf.Header+cf.Bare != tc.in {
			t.Errorf("ParseClientFirst(%q) = %+v, %v", tc.in, cf, err)
		}
	}
	bad := []string{
		"", "n,,", "n,,n=svc:7", "n,,r=" + nonce32 + ",n=svc:7", // order
		"n,n=svc:7,r=" + nonce32, "n,a=svc,n=svc:7,r=" + nonce32, // authzid
		"p=tls-unique,,n=svc:7,r=" + nonce32, "p=tls-exporter,,n=svc:7,r=" + nonce32, "N,,n=svc:7,r=" + nonce32,
		"n,,m=ext,n=svc:7,r=" + nonce32, "n,,n=svc:7,r=" + nonce32 + ",x=1", // extensions
		"n,,n=svc:0,r=" + nonce32, "n,,n=svc:07,r=" + nonce32, "n,,n=svc:+7,r=" + nonce32, "n,,n=svc:-7,r=" + nonce32,
		"n,,n=svc:2147483648,r=" + nonce32, "n,,n=svc:99999999999,r=" + nonce32, "n,,n=svc:,r=" + nonce32,
		"n,,n=svc: 7,r=" + nonce32, "n,,n=:7,r=" + nonce32, "n,,n=svc:7a,r=" + nonce32,
		"n,,n=s=2Xc:7,r=" + nonce32, "n,,n=s=c:7,r=" + nonce32, "n,,n=svc=:7,r=" + nonce32,
		"n,,n=svc:7,r=" + strings.TrimSuffix(nonce32, "="),              // no padding
		"n,,n=svc:7,r=" + nonce32[:42] + "9=",                           // non-canonical trailing bits
		"n,,n=svc:7,r=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==", // 34 bytes
		"n,,n=svc:7,r=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd",         // 30 bytes
		"n,,n=svc:7,r=" + strings.ReplaceAll(nonce32, "A", "-"),         // URL alphabet
		"n,,n=" + strings.Repeat("a", 1000) + ":7,r=" + nonce32,         // over 1,024 characters
		" n,,n=svc:7,r=" + nonce32, "n,,n=svc:7,r=" + nonce32 + "\n",
	}
	for _, in := range bad {
		if cf, err := scram.ParseClientFirst(in); !errors.Is(err, scram.ErrMalformed) {
			t.Errorf("ParseClientFirst(%q) = %+v, %v; want ErrMalformed", in, cf, err)
		}
	}
	cf, err := scram.ParseClientFirst("n,,n=svc,r=" + nonce32)
	if !errors.Is(err, scram.ErrNotAPIKey) || cf.Username != "svc" {
		t.Errorf("a name without ':' = %+v, %v; want ErrNotAPIKey with the name", cf, err)
	}
	if _, err := scram.ParseClientFirst("n,,n=svc,r=short"); !errors.Is(err, scram.ErrMalformed) {
		t.Errorf("a name without ':' and a bad nonce = %v; want ErrMalformed", err)
	}
}

// TestParseClientFinal: exactly c=,r=,p= (scram.md 2.4, 9.7 step 2).
func TestParseClientFinal(t *testing.T) {
	fin, err := scram.ParseClientFinal(vecFinal)
	if err != nil || string(fin.Binding) != "n,," || fin.Nonce != vecCombined || len(fin.Proof) != 64 ||
		fin.WithoutProof != "c=biws,r="+vecCombined {
		t.Fatalf("ParseClientFinal(vector) = %+v, %v", fin, err)
	}
	proof := vecFinal[strings.Index(vecFinal, ",p=")+3:]
	bad := []string{
		"", "c=biws", "c=biws,r=" + vecCombined, "r=" + vecCombined + ",c=biws,p=" + proof,
		"c=biws,r=" + vecCombined + ",p=" + proof + ",x=1", "c=biws,p=" + proof + ",r=" + vecCombined,
		"c=,r=" + vecCombined + ",p=" + proof, "c=biws,r=,p=" + proof, "c=bi!s,r=" + vecCombined + ",p=" + proof,
		"c=biws,r=" + vecCombined + ",p=" + proof[:44], // 32 bytes
		"c=biws,r=" + vecCombined + ",p=" + strings.TrimRight(proof, "="),
		"c=biws,r=" + vecCombined + ",p=" + proof + ",",
		"c=biws,r=" + strings.Repeat("A", 1000) + ",p=" + proof,
	}
	for _, in := range bad {
		if fin, err := scram.ParseClientFinal(in); !errors.Is(err, scram.ErrMalformed) {
			t.Errorf("ParseClientFinal(%q) = %+v, %v; want ErrMalformed", in, fin, err)
		}
	}
}
