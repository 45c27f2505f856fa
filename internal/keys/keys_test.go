package keys_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/keys"
)

func TestSecretFormat(t *testing.T) {
	seen := map[byte]bool{}
	for range 200 {
		s := keys.NewSecret()
		if len(s) != 64 {
			t.Fatalf("secret %q", s)
		}
		raw := keys.Format(7, s)
		id, secret, ok := keys.Parse(raw)
		if !ok || id != 7 || secret != s {
			t.Fatalf("parse %q", raw)
		}
		for i := range len(s) {
			seen[s[i]] = true
		}
	}
	if len(seen) != 62 {
		t.Fatalf("%d distinct characters in 12,800 draws, want all 62", len(seen))
	}
}

func TestParse(t *testing.T) {
	s := strings.Repeat("a", 64)
	for _, bad := range []string{"", "7", "7-", "-" + s, "x-" + s, "7-" + s + "a", "7-" + s[:63] + "!", "99999999999999999999-" + s} {
		if _, _, ok := keys.Parse(bad); ok {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if keys.Redact("7-abc") != "7-********" || keys.Redact("nodash") != "********" ||
		keys.Redact("MyVerySecretPassw0rd-2024") != "********" || keys.Redact("-x") != "********" ||
		keys.Redact("12345678901234567890-x") != "********" {
		t.Fatal("Redact")
	}
}

func TestVerify(t *testing.T) {
	old, cur := keys.Generate(), keys.Generate()
	v := keys.NewVerifier(keys.Peppers{old, cur}, nil)
	secret := keys.NewSecret()
	ctx := context.Background()
	t.Run("OKCurrent", func(t *testing.T) {
		if ok, rehash := v.Verify(ctx, keys.Hash(cur, secret), secret); !ok || rehash {
			t.Fatal(ok, rehash)
		}
	})
	t.Run("OKOlderPepperRehashes", func(t *testing.T) {
		if ok, rehash := v.Verify(ctx, keys.Hash(old, secret), secret); !ok || !rehash {
			t.Fatal(ok, rehash)
		}
	})
	t.Run("OKPBKDF2Rehashes", func(t *testing.T) {
		h := keys.HashPBKDF2(secret, []byte("salt-salt-salt!!"), keys.MinIterations)
		if ok, rehash := v.Verify(ctx, h, secret); !ok || !rehash {
			t.Fatal(ok, rehash)
		}
	})
	for name, h := range map[string]string{
		"ErrWrongSecret":   keys.Hash(cur, keys.NewSecret()),
		"ErrUnknownPepper": keys.Hash(keys.Generate(), secret),
		"ErrSHA256":        "$pbkdf2-sha256$29000$AAAA$BBBB",
		"ErrFewIterations": keys.HashPBKDF2(secret, []byte("s"), 1000),
		"ErrGarbage":       "garbage",
	} {
		t.Run(name, func(t *testing.T) {
			if ok, _ := v.Verify(ctx, h, secret); ok {
				t.Fatal("verified")
			}
		})
	}
}

func TestPepperFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pepper")
	p := keys.Generate()
	if err := keys.WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	ps, err := keys.ReadFile(path)
	if err != nil || len(ps) != 1 || ps.Current().ID != p.ID {
		t.Fatalf("read back: %v %v", ps, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.ReadFile(path); err == nil || err.Error() != path+" (mode 0644): pepper file must have mode 0600" {
		t.Fatalf("world-readable pepper file: %v", err)
	}
	if _, err := keys.ParseEnv("a1:" + strings.Repeat("A", 43) + "="); err != nil {
		t.Fatalf("env pepper: %v", err)
	}
	// One id twice: hashing would use one pepper and verifying the other.
	a, b := "a1:"+strings.Repeat("A", 43)+"=", "a1:"+strings.Repeat("B", 43)+"="
	if _, err := keys.ParseEnv(a + "," + b); err == nil || err.Error() != `KEYWARD_PEPPER: pepper id "a1" appears twice: give every pepper its own id` {
		t.Fatalf("env pepper id twice: %v", err)
	}
	twice := strings.ReplaceAll(a+"\n"+b+"\n", ":", " ")
	if err := os.WriteFile(path, []byte(twice), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.ReadFile(path); err == nil || err.Error() != path+` line 2: pepper id "a1" appears twice: give every pepper its own id` {
		t.Fatalf("pepper file id twice: %v", err)
	}
}

// BenchmarkVerify measures one key verification (HMAC-SHA256 with the
// pepper, constant-time compare) next to one TrueNAS-style PBKDF2-SHA512
// verification with 500,000 rounds, the anchor Keyward's design replaces.
func BenchmarkVerify(b *testing.B) {
	p := keys.Generate()
	v := keys.NewVerifier(keys.Peppers{p}, nil)
	secret := keys.NewSecret()
	ctx := context.Background()
	b.Run("hmac-sha256", func(b *testing.B) {
		h := keys.Hash(p, secret)
		for b.Loop() {
			if ok, _ := v.Verify(ctx, h, secret); !ok {
				b.Fatal("no match")
			}
		}
	})
	b.Run("pbkdf2-sha512-500000", func(b *testing.B) {
		h := keys.HashPBKDF2(secret, []byte("0123456789abcdef"), 500_000)
		for b.Loop() {
			if ok, _ := v.Verify(ctx, h, secret); !ok {
				b.Fatal("no match")
			}
		}
	})
}

// TestFastMACMatchesHMAC checks the precomputed-state MAC against
// crypto/hmac for keys of every length class.
func TestFastMACMatchesHMAC(t *testing.T) {
	for _, n := range []int{0, 1, 32, 64, 65, 200} {
		p := keys.Pepper{ID: "t", Key: make([]byte, n)}
		for i := range p.Key {
			p.Key[i] = byte(i * 7)
		}
		v := keys.NewVerifier(keys.Peppers{p}, nil)
		for _, secret := range []string{"", "x", keys.NewSecret(), strings.Repeat("y", 200)} {
			if ok, _ := v.Verify(context.Background(), keys.Hash(p, secret), secret); !ok {
				t.Fatalf("key length %d, secret %q: no match", n, secret)
			}
		}
	}
}

func TestPepperCompare(t *testing.T) {
	t.Parallel()
	a, b := keys.Generate(), keys.Generate()
	other := keys.Pepper{ID: a.ID, Key: b.Key}
	stored := map[string]string{a.ID: a.Check()}
	t.Run("OK", func(t *testing.T) {
		unrecorded, err := keys.Peppers{a, b}.Compare(stored)
		if err != nil || len(unrecorded) != 1 || unrecorded[b.ID] != b.Check() {
			t.Fatalf("Compare = %v, %v", unrecorded, err)
		}
	})
	t.Run("ErrOtherBytes", func(t *testing.T) {
		_, err := keys.Peppers{other}.Compare(stored)
		var mm *keys.MismatchError
		if !errors.As(err, &mm) || mm.ID != a.ID || !strings.Contains(err.Error(), "hashed with pepper "+a.ID+")") {
			t.Fatalf("Compare with other bytes: %v", err)
		}
	})
	// A node whose peppers the database knows none of belongs to another
	// cluster, keys or not (cluster acceptance 7).
	t.Run("ErrNoneKnown", func(t *testing.T) {
		_, err := keys.Peppers{b}.Compare(stored)
		var mm *keys.MismatchError
		if !errors.As(err, &mm) || mm.ID != a.ID {
			t.Fatalf("Compare with an unknown pepper only: %v", err)
		}
		if u, err := (keys.Peppers{b}).Compare(map[string]string{}); err != nil || len(u) != 1 {
			t.Fatalf("Compare on a database that knows none: %v, %v", u, err)
		}
	})
	if a.Check() == other.Check() || a.Check() != a.Check() {
		t.Fatal("check values do not depend on the pepper's bytes alone")
	}
}
