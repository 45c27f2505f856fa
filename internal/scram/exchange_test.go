package scram_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/scram"
)

func mustFirst(t *testing.T, s string) scram.ClientFirst {
	t.Helper()
	cf, err := scram.ParseClientFirst(s)
	if err != nil {
		t.Fatal(err)
	}
	return cf
}

func mustFinal(t *testing.T, s string) scram.ClientFinal {
	t.Helper()
	fin, err := scram.ParseClientFinal(s)
	if err != nil {
		t.Fatal(err)
	}
	return fin
}

// TestBeginBinding: scram.md 9.7 step 1.2: "p" needs a binding, "y" is a
// downgrade when there is one, "n" always goes.
func TestBeginBinding(t *testing.T) {
	v := fixedVerifier()
	binding := seq(0x40, 32)
	for _, tc := range []struct {
		first   string
		binding []byte
		want    error
	}{
		{vecFirst, nil, nil}, {vecFirst, binding, nil},
		{vecBoundFirst, binding, nil}, {vecBoundFirst, nil, scram.ErrBindingUnavailable},
		{"y,,n=svc:7,r=" + nonce32, nil, nil}, {"y,,n=svc:7,r=" + nonce32, binding, scram.ErrDowngrade},
	} {
		x, err := scram.Begin(mustFirst(t, tc.first), tc.binding, v, time.Now())
		if !errors.Is(err, tc.want) || (err == nil) != (x != nil) {
			t.Errorf("Begin(%q, binding %v) = %v, want %v", tc.first, tc.binding != nil, err, tc.want)
		}
	}
}

// TestBeginNonce: the server nonce is 32 fresh random bytes after the
// client's, in canonical padded base64 (88 characters).
func TestBeginNonce(t *testing.T) {
	cf := mustFirst(t, vecFirst)
	now := time.Now()
	a, err1 := scram.Begin(cf, nil, fixedVerifier(), now)
	b, err2 := scram.Begin(cf, nil, fixedVerifier(), now)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	r := strings.TrimPrefix(strings.Split(a.ServerFirst(), ",")[0], "r=")
	raw, err := base64.StdEncoding.Strict().DecodeString(r)
	if err != nil || len(r) != 88 || len(raw) != 64 || string(raw[:32]) != string(seq(0, 32)) {
		t.Fatalf("server-first %q", a.ServerFirst())
	}
	if a.ServerFirst() == b.ServerFirst() {
		t.Fatal("two exchanges share a server nonce")
	}
	if !strings.HasSuffix(a.ServerFirst(), ",s=AAECAwQFBgcICQoLDA0ODw==,i=50000") {
		t.Fatalf("server-first %q", a.ServerFirst())
	}
	if !a.Deadline.Equal(now.Add(scram.Timeout)) || a.Expired(now.Add(scram.Timeout)) || !a.Expired(now.Add(scram.Timeout+1)) {
		t.Fatalf("deadline %v", a.Deadline)
	}
	if a.KeyID != 7 || a.Username != "svc" || a.StandIn != "" {
		t.Fatalf("exchange %+v", a)
	}
}

// TestCheckFinal: c= must carry the gs2 header and, when bound, exactly
// the connection's binding; r= the server-first's nonce.
func TestCheckFinal(t *testing.T) {
	v := vecVerifier(t)
	binding := seq(0x40, 32)
	begin := func(first string, binding []byte) *scram.Exchange {
		x, err := scram.BeginWithNonce(mustFirst(t, first), binding, v, time.Now(), seq(0x20, 32))
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	withC := func(final, header string, b []byte) string {
		c := base64.StdEncoding.EncodeToString(append([]byte(header), b...))
		return "c=" + c + final[strings.Index(final, ",r="):]
	}
	other := seq(0x41, 32)
	for _, tc := range []struct {
		name, first, final string
		binding            []byte
		want               error
	}{
		{"OK", vecFirst, vecFinal, nil, nil},
		{"OKBoundConnection", vecFirst, vecFinal, binding, nil}, // an unbound client on a TLS connection
		{"OKBound", vecBoundFirst, vecBoundFinal, binding, nil},
		{"ErrOtherBinding", vecBoundFirst, withC(vecBoundFinal, "p=tls-server-end-point,,", other), binding, scram.ErrBindingMismatch},
		{"ErrNoBindingBytes", vecBoundFirst, withC(vecBoundFinal, "p=tls-server-end-point,,", nil), binding, scram.ErrBindingMismatch},
		{"ErrUnboundFinal", vecBoundFirst, vecFinal, binding, scram.ErrBindingMismatch},
		{"ErrBoundFinal", vecFirst, vecBoundFinal, binding, scram.ErrBindingMismatch},
		{"ErrBindingBytesUnbound", vecFirst, withC(vecFinal, "n,,", binding), binding, scram.ErrBindingMismatch},
		{"ErrYHeader", vecFirst, withC(vecFinal, "y,,", nil), nil, scram.ErrBindingMismatch},
		{"ErrNonce", vecFirst, strings.Replace(vecFinal, "Pw==", "Pg==", 1), nil, scram.ErrMalformed},
		{"ErrClientNonceOnly", vecFirst, strings.Replace(vecFinal, vecCombined, nonce32, 1), nil, scram.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := begin(tc.first, tc.binding)
			if err := x.CheckFinal(mustFinal(t, tc.final)); !errors.Is(err, tc.want) {
				t.Fatalf("CheckFinal = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestVerify: only the key's own verifier, unchanged since the
// server-first, verifies the proof.
func TestVerify(t *testing.T) {
	v := vecVerifier(t)
	cf := mustFirst(t, vecFirst)
	fin := mustFinal(t, vecFinal)
	begin := func(v scram.Verifier) *scram.Exchange {
		x, err := scram.BeginWithNonce(cf, nil, v, time.Now(), seq(0x20, 32))
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	t.Run("OK", func(t *testing.T) {
		if got, err := begin(v).Verify(fin, v); err != nil || got != vecServerFinal {
			t.Fatalf("Verify = %q, %v", got, err)
		}
	})
	t.Run("ErrWrongSecret", func(t *testing.T) {
		w, _, err := scram.Derive(strings.ToUpper(vecSecret), seq(0, 16), vecIterations)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := begin(w).Verify(fin, w); !errors.Is(err, scram.ErrProof) {
			t.Fatalf("Verify = %v", err)
		}
	})
	t.Run("ErrProofBit", func(t *testing.T) {
		bad := fin
		bad.Proof = append([]byte(nil), fin.Proof...)
		bad.Proof[63] ^= 1
		if _, err := begin(v).Verify(bad, v); !errors.Is(err, scram.ErrProof) {
			t.Fatalf("Verify = %v", err)
		}
	})
	t.Run("ErrStandIn", func(t *testing.T) {
		s := scram.StandIn(seq(1, 32), "svc", 7, vecIterations)
		if _, err := begin(s).Verify(fin, s); !errors.Is(err, scram.ErrProof) {
			t.Fatalf("Verify = %v", err)
		}
	})
	t.Run("ErrResetMeanwhile", func(t *testing.T) {
		reset := v
		reset.Salt = seq(1, 16)
		if _, err := begin(v).Verify(fin, reset); !errors.Is(err, scram.ErrProof) {
			t.Fatalf("Verify = %v", err)
		}
	})
}
