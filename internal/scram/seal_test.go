package scram_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/scram"
)

func fixedVerifier() scram.Verifier {
	return scram.Verifier{Iterations: 50_000, Salt: seq(0, 16), StoredKey: seq(0x40, 64), ServerKey: seq(0x80, 64)}
}

// TestSealOpen: a sealed verifier has the form of scram.md 9.2, opens with
// the pepper it names for the key it was sealed for, and says which
// pepper that was, so the caller can reseal after a rotation.
func TestSealOpen(t *testing.T) {
	old, cur := keys.Pepper{ID: "old", Key: seq(1, 32)}, keys.Pepper{ID: "cur", Key: seq(2, 32)}
	peppers := keys.Peppers{old, cur}
	v := fixedVerifier()
	t.Run("OK", func(t *testing.T) {
		for _, p := range peppers {
			s := scram.Seal(42, v, p)
			f := strings.Split(s, "$")
			if len(f) != 6 || f[1] != "scram-sha512" || f[2] != "50000" || f[3] != "AAECAwQFBgcICQoLDA0ODw==" || f[4] != p.ID {
				t.Fatalf("Seal = %q", s)
			}
			if sealed, err := base64.StdEncoding.DecodeString(f[5]); err != nil || len(sealed) != 12+128+16 {
				t.Fatalf("sealed part: %d bytes, %v", len(sealed), err)
			}
			if bytes.Contains([]byte(s), []byte(base64.StdEncoding.EncodeToString(v.StoredKey)[:20])) {
				t.Fatal("StoredKey visible in the sealed form")
			}
			got, id, err := scram.Open(42, s, peppers)
			if err != nil || id != p.ID || got.Iterations != v.Iterations || !bytes.Equal(got.Salt, v.Salt) ||
				!bytes.Equal(got.StoredKey, v.StoredKey) || !bytes.Equal(got.ServerKey, v.ServerKey) {
				t.Fatalf("Open = %+v, %q, %v", got, id, err)
			}
		}
		if scram.Seal(42, v, cur) == scram.Seal(42, v, cur) {
			t.Fatal("two seals share a nonce")
		}
	})
	s := scram.Seal(42, v, cur)
	f := strings.Split(s, "$")
	join := func(i int, val string) string {
		g := append([]string(nil), f...)
		g[i] = val
		return strings.Join(g, "$")
	}
	t.Run("ErrOtherKeyID", func(t *testing.T) {
		if _, _, err := scram.Open(43, s, peppers); !errors.Is(err, scram.ErrSealed) {
			t.Fatalf("Open for key 43 = %v", err)
		}
	})
	t.Run("ErrAAD", func(t *testing.T) {
		for _, tampered := range []string{join(2, "60000"), join(3, "AAECAwQFBgcICQoLDA0OEA==")} {
			if _, _, err := scram.Open(42, tampered, peppers); !errors.Is(err, scram.ErrSealed) {
				t.Errorf("Open(%q) = %v", tampered, err)
			}
		}
	})
	t.Run("ErrWrongPepper", func(t *testing.T) {
		other := keys.Peppers{{ID: "cur", Key: seq(3, 32)}}
		if _, _, err := scram.Open(42, s, other); !errors.Is(err, scram.ErrSealed) {
			t.Fatalf("Open with another pepper of the same id = %v", err)
		}
		if _, _, err := scram.Open(42, join(4, "old"), peppers); !errors.Is(err, scram.ErrSealed) {
			t.Fatalf("Open naming the other pepper = %v", err)
		}
	})
	t.Run("ErrUnknownPepper", func(t *testing.T) {
		if _, _, err := scram.Open(42, s, keys.Peppers{old}); !errors.Is(err, scram.ErrUnknownPepper) {
			t.Fatalf("Open without its pepper = %v", err)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		sealed, _ := base64.StdEncoding.DecodeString(f[5])
		sealed[20] ^= 1
		for _, bad := range []string{"", "$scram-sha512$", s + "$", strings.TrimPrefix(s, "$"), join(1, "scram-sha256"),
			join(2, "050000"), join(2, "49999"), join(2, "x"), join(3, "!"), join(3, ""), join(5, "AAAA"),
			join(5, base64.StdEncoding.EncodeToString(sealed)), keys.HashPBKDF2("x", seq(0, 16), 1)} {
			if _, _, err := scram.Open(42, bad, peppers); !errors.Is(err, scram.ErrSealed) {
				t.Errorf("Open(%q) = %v", bad, err)
			}
		}
	})
}
