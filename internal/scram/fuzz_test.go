package scram_test

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/scram"
)

// firstRE is scram.md 2.4's client-first, written independently of the
// parser: a greedy name group splits at the last ':'.
var firstRE = regexp.MustCompile(`^(n|y|p=tls-server-end-point),,n=((?:[^,=]|=2C|=3D)+):([1-9][0-9]{0,9}),r=([A-Za-z0-9+/]{43}=)$`)

// canonical reports whether s is the canonical padded encoding of n bytes.
func canonical(s string, n int) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	return err == nil && len(b) == n && base64.StdEncoding.EncodeToString(b) == s
}

// FuzzParseClientFirst checks ParseClientFirst against the grammar: it
// never panics; it accepts exactly the texts of at most 1,024 bytes that
// match it with an id up to 2147483647 and a canonical 32-byte nonce; an
// accepted message is rebuilt from its parts; a refusal is ErrMalformed, or
// ErrNotAPIKey with the name when the name has no ':'.
func FuzzParseClientFirst(f *testing.F) {
	for _, seed := range []string{
		vecFirst, vecBoundFirst, "y,,n=svc:7,r=" + nonce32, "n,,n=svc,r=" + nonce32, "n,,n=a:b:1,r=" + nonce32,
		"n,,n=x=2Cy=3D:1,r=" + nonce32, "n,,n=svc:2147483648,r=" + nonce32, "n,,n=svc:07,r=" + nonce32,
		"p=tls-unique,,n=svc:7,r=" + nonce32, "n,a,n=svc:7,r=" + nonce32, "n,,n=svc:7,r=" + nonce32[:42] + "9=", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cf, err := scram.ParseClientFirst(s)
		m := firstRE.FindStringSubmatch(s)
		want := m != nil && len(s) <= scram.MaxMessageLen && canonical(m[4], 32)
		if want {
			id, _ := strconv.ParseInt(m[3], 10, 64)
			want = id <= 2147483647
		}
		switch {
		case err == nil && !want, err != nil && want && !errors.Is(err, scram.ErrNotAPIKey):
			t.Fatalf("ParseClientFirst(%q) = %v, grammar says %v", s, err, want)
		case err == nil:
			name := strings.NewReplacer("=", "=3D", ",", "=2C").Replace(cf.Username)
			rebuilt := cf.Header + "n=" + name + ":" + strconv.FormatInt(cf.KeyID, 10) + ",r=" + base64.StdEncoding.EncodeToString(cf.Nonce)
			if rebuilt != s || cf.Header != m[1]+",," || cf.Header[0] != byte(cf.Flag) {
				t.Fatalf("ParseClientFirst(%q) = %+v: rebuilt %q", s, cf, rebuilt)
			}
		case errors.Is(err, scram.ErrNotAPIKey):
			if cf.Username == "" || strings.Contains(cf.Username, ":") || len(cf.Nonce) != 32 {
				t.Fatalf("ParseClientFirst(%q) = %+v, %v", s, cf, err)
			}
		case !errors.Is(err, scram.ErrMalformed):
			t.Fatalf("ParseClientFirst(%q) = %v", s, err)
		}
	})
}

var finalRE = regexp.MustCompile(`^c=([A-Za-z0-9+/]+={0,2}),r=([^,]+),p=([A-Za-z0-9+/]{86}==)$`)

// FuzzParseClientFinal checks ParseClientFinal against the grammar: it
// never panics; it accepts exactly the texts of at most 1,024 bytes of the
// form c=,r=,p= with a c= that decodes and a canonical 64-byte proof; an
// accepted message is rebuilt from its parts; a refusal is ErrMalformed.
func FuzzParseClientFinal(f *testing.F) {
	for _, seed := range []string{
		vecFinal, vecBoundFinal, "c=biws,r=x,p=" + strings.Repeat("A", 86) + "==", "c=biws", "",
		"c=biws,r=x,p=" + strings.Repeat("A", 85) + "B==", "c=bi,r=x,p=" + strings.Repeat("A", 86) + "==",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fin, err := scram.ParseClientFinal(s)
		m := finalRE.FindStringSubmatch(s)
		want := m != nil && len(s) <= scram.MaxMessageLen && canonical(m[3], 64)
		if want {
			_, cerr := base64.StdEncoding.Strict().DecodeString(m[1])
			want = cerr == nil
		}
		if (err == nil) != want || (err != nil && !errors.Is(err, scram.ErrMalformed)) {
			t.Fatalf("ParseClientFinal(%q) = %v, grammar says %v", s, err, want)
		}
		if err == nil {
			rebuilt := "c=" + base64.StdEncoding.EncodeToString(fin.Binding) + ",r=" + fin.Nonce
			if rebuilt != fin.WithoutProof || rebuilt+",p="+base64.StdEncoding.EncodeToString(fin.Proof) != s {
				t.Fatalf("ParseClientFinal(%q) = %+v", s, fin)
			}
		}
	})
}
