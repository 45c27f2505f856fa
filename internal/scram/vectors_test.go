package scram_test

import (
	"bytes"
	"encoding/base64"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/scram"
)

// The test vectors of scram.md 2.8.
const (
	vecSecret         = "nO471l9gbNAQr74El9W8CITOJoOBq3BnieW69XweU0fAOMK7AUQnWikaTvt534oE" // of raw key 7-…
	vecIterations     = 50_000
	vecSaltedPassword = "8ea3tJM1O3TD2LOrh2nwJmMTMJm7zxMSL8XFVNm3Syn5N0KZXPUhYLBU8ZLObpDYOPnC/Y1UIYYLeZ2LwBhczg=="
	vecClientKey      = "O9OIG10YbArb7sqX7DSuo7sjABO0PPlbfxD/61gG4kI4a+TT1gxxCI4dS/R66QDKOAbm3g6zu8vBem3rEebNQw=="
	vecStoredKey      = "620hr+8KPmxgtMk1XClXp8wpq7IN65DyhHftnqnFRa+vZEiLBpDMfPe9KxgsfcYfQQtIiZgEIUeZZnHQYbMJXQ=="
	vecServerKey      = "mHgQKeONW+a16nklnAenNveJ2UARpeTxdZOiv6II3R/9PVWv/fJMwBbqM34Rk1cTdI3IG/bn1b76Q/77zv+0XA=="

	vecCombined    = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
	vecServerFirst = "r=" + vecCombined + ",s=AAECAwQFBgcICQoLDA0ODw==,i=50000"

	vecFirst       = "n,,n=svc:7,r=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	vecFinal       = "c=biws,r=" + vecCombined + ",p=bUgG4+tU7WBIdTeozHgF6vbmsuDpShC/6q1kkYn+CcUl1ljZ/hEuT4bj6GODAVAY4MCENU419pSe4CnWWN0b9g=="
	vecServerFinal = "v=UbmvJxOiKjJLp1tqZyVLhaS4T3pWS0DbQRlU7QIgSq+uHaRpDGoQVVSexX29GR3Tjl/ZigYF9qAzagdUk8rj8A=="

	vecBoundFirst       = "p=tls-server-end-point,,n=svc:7,r=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	vecBoundFinal       = "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsQEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=,r=" + vecCombined + ",p=nqYLQWi7JEKm1caF/sCDKr+PTMGidXiKuFL4jzSP4cQaWY/trXhbjwcVV2c8Ze/AUDLBVox2COYNeSZLt4oKSQ=="
	vecBoundServerFinal = "v=A3ApGwKXZsjxJ4dFV1++Sqbnfs/BMH/NnnlldZKb2ti1LSYOG82FJWnFlzMeTioeoqkmrZMHj99nH6GyZ1HsDA=="
)

// seq returns the bytes from, from+1, … (n of them).
func seq(from byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = from + byte(i)
	}
	return b
}

func b64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vecVerifier derives the vectors' verifier from the secret (one PBKDF2).
func vecVerifier(t testing.TB) scram.Verifier {
	t.Helper()
	v, clientKey, err := scram.Derive(vecSecret, seq(0, 16), vecIterations)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(clientKey, b64(t, vecClientKey)) {
		t.Fatalf("ClientKey = %s", base64.StdEncoding.EncodeToString(clientKey))
	}
	return v
}

// TestVectors (scram.md 9.13 acceptance 4): a verifier of salt 00…0f and
// 50,000 iterations, with the fixed nonces, reproduces every message of
// scram.md 2.8, unbound and bound.
func TestVectors(t *testing.T) {
	v := vecVerifier(t)
	if !bytes.Equal(v.StoredKey, b64(t, vecStoredKey)) || !bytes.Equal(v.ServerKey, b64(t, vecServerKey)) {
		t.Fatalf("StoredKey/ServerKey = %x / %x", v.StoredKey, v.ServerKey)
	}
	for _, tc := range []struct {
		name, first, final, serverFinal string
		binding                         []byte
	}{
		{"Unbound", vecFirst, vecFinal, vecServerFinal, nil},
		{"Bound", vecBoundFirst, vecBoundFinal, vecBoundServerFinal, seq(0x40, 32)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cf, err := scram.ParseClientFirst(tc.first)
			if err != nil || cf.Username != "svc" || cf.KeyID != 7 || !bytes.Equal(cf.Nonce, seq(0, 32)) {
				t.Fatalf("ParseClientFirst = %+v, %v", cf, err)
			}
			x, err := scram.BeginWithNonce(cf, tc.binding, v, time.Now(), seq(0x20, 32))
			if err != nil {
				t.Fatal(err)
			}
			if x.ServerFirst() != vecServerFirst {
				t.Fatalf("server-first = %s", x.ServerFirst())
			}
			fin, err := scram.ParseClientFinal(tc.final)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.CheckFinal(fin); err != nil {
				t.Fatal(err)
			}
			got, err := x.Verify(fin, v)
			if err != nil || got != tc.serverFinal {
				t.Fatalf("server-final = %q, %v", got, err)
			}
		})
	}
}

// TestFromSaltedPassword: the vectors' SaltedPassword gives the vectors'
// verifier, as a TrueNAS 25.x PBKDF2 hash becomes one (scram.md 5.6).
func TestFromSaltedPassword(t *testing.T) {
	v, err := scram.FromSaltedPassword(seq(0, 16), vecIterations, b64(t, vecSaltedPassword))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v.StoredKey, b64(t, vecStoredKey)) || !bytes.Equal(v.ServerKey, b64(t, vecServerKey)) ||
		v.Iterations != vecIterations || !bytes.Equal(v.Salt, seq(0, 16)) {
		t.Fatalf("verifier = %+v", v)
	}
	if _, err := scram.FromSaltedPassword(seq(0, 16), vecIterations, b64(t, vecSaltedPassword)[:32]); err == nil {
		t.Fatal("a 32-byte SaltedPassword was accepted")
	}
	if _, err := scram.FromSaltedPassword(seq(0, 16), scram.MinIterations-1, b64(t, vecSaltedPassword)); err == nil {
		t.Fatal("49,999 iterations were accepted")
	}
}
