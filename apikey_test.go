package keyward_test

import (
	"testing"

	"github.com/keyward/keyward"
)

func TestSCRAMParams(t *testing.T) {
	for _, c := range []struct {
		in     string
		iters  int
		salt   string
		pepper string
	}{
		{"$scram-sha512$50000$AAECAw==$p1$c2VhbGVk", 50000, "AAECAw==", "p1"},
		{"$scram-sha512$500000$c2FsdA==$2026-a$eA==", 500000, "c2FsdA==", "2026-a"},
		{"", 0, "", ""},
		{"$hmac-sha256$p1$aGFzaA==", 0, "", ""},
		{"$scram-sha512$x$AAECAw==$p1$c2VhbGVk", 0, "", "p1"},
		{"$scram-sha512$-5$AAECAw==$p1$c2VhbGVk", 0, "", "p1"},
		{"$scram-sha512$50000$AAECAw==$p1", 0, "", ""},
	} {
		iters, salt := keyward.SCRAMParams(c.in)
		if iters != c.iters || salt != c.salt {
			t.Errorf("SCRAMParams(%q) = %d, %q; want %d, %q", c.in, iters, salt, c.iters, c.salt)
		}
		if p := keyward.SCRAMPepperID(c.in); p != c.pepper {
			t.Errorf("SCRAMPepperID(%q) = %q, want %q", c.in, p, c.pepper)
		}
	}
}
