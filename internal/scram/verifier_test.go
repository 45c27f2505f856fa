package scram_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/scram"
)

// TestNewVerifier: a new verifier has a 16-byte random salt and the given
// count, and checks its own secret only.
func TestNewVerifier(t *testing.T) {
	v, clientKey, err := scram.NewVerifier(vecSecret, scram.MinIterations)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Salt) != 16 || v.Iterations != scram.MinIterations || len(v.StoredKey) != 64 || len(v.ServerKey) != 64 || len(clientKey) != 64 {
		t.Fatalf("NewVerifier = %+v", v)
	}
	w, _, _ := scram.NewVerifier(vecSecret, scram.MinIterations)
	if bytes.Equal(v.Salt, w.Salt) || bytes.Equal(v.StoredKey, w.StoredKey) {
		t.Fatal("two verifiers share a salt")
	}
	if !v.Check(vecSecret) || v.Check(strings.ToLower(vecSecret)) || (scram.Verifier{}).Check(vecSecret) {
		t.Fatal("Check")
	}
	for _, n := range []int{0, scram.MinIterations - 1, scram.MaxIterations + 1} {
		if _, _, err := scram.NewVerifier(vecSecret, n); !errors.Is(err, scram.ErrIterations) {
			t.Errorf("NewVerifier(%d iterations) = %v", n, err)
		}
	}
}

// TestParsePBKDF2: a TrueNAS 25.x keyhash (standard base64, as TrueNAS
// writes it, or passlib's alphabet without padding) becomes the verifier
// of the same secret with the decoded salt and the hash's count.
func TestParsePBKDF2(t *testing.T) {
	salt := []byte("Ab3./xYz09Qr+s/T") // 16 characters, as TrueNAS's salts
	hash := keys.HashPBKDF2(vecSecret, salt, keys.MinIterations)
	v, err := scram.ParsePBKDF2(hash)
	if err != nil {
		t.Fatal(err)
	}
	if v.Iterations != keys.MinIterations || !bytes.Equal(v.Salt, salt) || !v.Check(vecSecret) || v.Check("x") {
		t.Fatalf("ParsePBKDF2 = %+v", v)
	}
	// The vectors' SaltedPassword as a hash: the vectors' keys, no PBKDF2.
	f := strings.Split(hash, "$")
	vec := "$pbkdf2-sha512$500000$" + f[3] + "$" + vecSaltedPassword
	passlib := strings.TrimRight(strings.ReplaceAll(vec, "+", "."), "=")
	for _, s := range []string{vec, passlib} {
		v, err := scram.ParsePBKDF2(s)
		if err != nil || v.Iterations != 500_000 || !bytes.Equal(v.Salt, salt) || !bytes.Equal(v.StoredKey, b64(t, vecStoredKey)) {
			t.Fatalf("ParsePBKDF2(%q) = %+v, %v", s, v, err)
		}
	}
	short := "$pbkdf2-sha512$500000$" + f[3] + "$" + base64.StdEncoding.EncodeToString(seq(0, 32))
	for _, bad := range []string{"", "$pbkdf2-sha256$29000$" + f[3] + "$" + f[4], strings.Replace(hash, "$300000$", "$299999$", 1),
		strings.Replace(hash, "$300000$", "$1000001$", 1), short, hash + "$"} {
		if _, err := scram.ParsePBKDF2(bad); err == nil {
			t.Errorf("ParsePBKDF2(%q) accepted", bad)
		}
	}
}

// TestStandIn: the stand-in salt is HMAC-SHA256(pepper, label ‖ 0 ‖
// name:id)[:16] (scram.md 9.7 step 3), stable per pair, and different per
// name, id and pepper; the stand-in never verifies a proof.
func TestStandIn(t *testing.T) {
	p := seq(9, 32)
	a := scram.StandIn(p, "svc", 7, 60_000)
	// Computed independently: python3 -c 'import hmac,hashlib;
	// print(hmac.new(bytes(range(9,41)), b"keyward scram stand-in\0svc:7", hashlib.sha256).hexdigest()[:32])'
	if want := "675a4b40b2fe96d56bb45f648c3241ec"; a.Iterations != 60_000 || hex.EncodeToString(a.Salt) != want {
		t.Fatalf("StandIn = %x, %d; want %s", a.Salt, a.Iterations, want)
	}
	if !bytes.Equal(a.Salt, scram.StandIn(p, "svc", 7, 60_000).Salt) {
		t.Fatal("stand-in salt not stable")
	}
	for _, other := range []scram.Verifier{scram.StandIn(p, "svd", 7, 60_000), scram.StandIn(p, "svc", 8, 60_000),
		scram.StandIn(seq(10, 32), "svc", 7, 60_000), scram.StandIn(p, "svc:7", 0, 60_000)} {
		if bytes.Equal(a.Salt, other.Salt) {
			t.Fatal("stand-in salts collide")
		}
	}
}
