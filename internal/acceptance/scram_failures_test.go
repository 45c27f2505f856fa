package acceptance_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/config"
)

// serverFirstParts splits a server-first "r=…,s=…,i=…" into the decoded
// nonce and salt and the count as sent.
func serverFirstParts(t *testing.T, msg string) (nonce, salt []byte, iterations string) {
	t.Helper()
	parts := strings.Split(msg, ",")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "r=") || !strings.HasPrefix(parts[1], "s=") || !strings.HasPrefix(parts[2], "i=") {
		t.Fatalf("server-first %q", msg)
	}
	return mustB64(t, parts[0][2:]), mustB64(t, parts[1][2:]), parts[2][2:]
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		t.Fatalf("base64 %q: %v", s, err)
	}
	return b
}

// TestSCRAMItem5Failures (item 5): a wrong secret, an unknown key id,
// another user's key and a revoked key each get a server-first, then
// AUTH_ERR; the server-first of a key that may not log in looks like a
// real one (16-byte salt, i = scram_iterations, the same salt every time
// for the same name and id).
func TestSCRAMItem5Failures(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t, trustLoopbackProxy, func(c *config.Config) { c.SCRAMIterations = 70_000 })
	apptest.MustUserWithRoles(t, f.admin, "eve", "pw-eve", "READONLY_ADMIN")
	// A key used in plain text from afar is revoked (api-keys.md 12).
	_, revokedRaw := apptest.MustCreateKey(t, f.admin, "revoked", "svc")
	if got := apptest.MustDialHeader(t, f.srv.WSURL("v26.0.0"), plainProxy).KeyLogin("svc", revokedRaw); got != "EXPIRED" {
		t.Fatalf("plain key login over an insecure transport: %s", got)
	}
	secret := f.raw[strings.IndexByte(f.raw, '-')+1:]
	for _, tc := range []struct{ name, user, key string }{
		{"ErrWrongSecret", "svc", apptest.WrongSecret(f.raw)},
		{"ErrUnknownID", "svc", "987654-" + secret},
		{"ErrOtherUsersKey", "eve", f.raw},
		{"ErrRevoked", "svc", revokedRaw},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.ws(t)
			s := c.SCRAM(tc.user, tc.key, false)
			a, err := c.SCRAMStep(client.SCRAMClientFirst, s.First())
			if err != nil || a.SCRAMType != "SERVER_FIRST_RESPONSE" {
				t.Fatalf("client-first: %+v %v", a, err)
			}
			_, salt, iters := serverFirstParts(t, a.RFCStr)
			if len(salt) != 16 || iters != "70000" {
				t.Fatalf("server-first %s: want a 16-byte salt and i=70000", a.RFCStr)
			}
			again, err := f.ws(t).SCRAMStep(client.SCRAMClientFirst, c.SCRAM(tc.user, tc.key, false).First())
			if _, salt2, _ := serverFirstParts(t, again.RFCStr); err != nil || string(salt2) != string(salt) {
				t.Fatalf("the same name and id show another salt: %s then %s", a.RFCStr, again.RFCStr)
			}
			final, err := s.Final(a.RFCStr)
			if err != nil {
				t.Fatal(err)
			}
			if a, err := c.SCRAMStep(client.SCRAMClientFinal, final); err != nil || a.ResponseType != "AUTH_ERR" {
				t.Fatalf("client-final: %+v %v, want AUTH_ERR", a, err)
			}
			if r := c.Call("auth.me"); r["error"] == nil {
				t.Fatal("the connection is logged in")
			}
		})
	}
}

// TestSCRAMItem6Expired (item 6, difference S2): an expired key with the
// right secret gets EXPIRED at the client-final, with a wrong one
// AUTH_ERR.
func TestSCRAMItem6Expired(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	expires := f.srv.Clock.Now().Add(time.Hour).UnixMilli()
	f.admin.MustResult("api_key.update", f.id, map[string]any{"expires_at": map[string]any{"$date": expires}})
	f.srv.Clock.Advance(2 * time.Hour)
	for _, tc := range []struct{ key, want string }{{f.raw, "EXPIRED"}, {apptest.WrongSecret(f.raw), "AUTH_ERR"}} {
		c := f.ws(t)
		_, err := c.LoginSCRAM(c.SCRAM("svc", tc.key, false))
		if resp, step := scramRefusal(err); resp != tc.want || step != client.SCRAMClientFinal {
			t.Fatalf("expired key: %v, want %s at the client-final", err, tc.want)
		}
	}
}

// TestSCRAMItem7Binding (item 7, difference S9): p= over plain ws:// is
// refused at step 1; over wss:// a client-final bound to other bytes is
// refused at step 2, and a "y" client-first (a downgrade) at step 1.
func TestSCRAMItem7Binding(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	t.Run("ErrBoundOverPlain", func(t *testing.T) {
		c := f.ws(t)
		s := c.SCRAM("svc", f.raw, false)
		s.Binding = make([]byte, 32)
		_, err := c.LoginSCRAM(s)
		if resp, step := scramRefusal(err); resp != "AUTH_ERR" || step != client.SCRAMClientFirst {
			t.Fatalf("%v, want AUTH_ERR at the client-first", err)
		}
	})
	t.Run("ErrOtherBinding", func(t *testing.T) {
		c := f.wss(t)
		s := c.SCRAM("svc", f.raw, true)
		s.Binding[0] ^= 1
		_, err := c.LoginSCRAM(s)
		if resp, step := scramRefusal(err); resp != "AUTH_ERR" || step != client.SCRAMClientFinal {
			t.Fatalf("%v, want AUTH_ERR at the client-final", err)
		}
	})
	t.Run("ErrDowngrade", func(t *testing.T) {
		c := f.wss(t)
		s := c.SCRAM("svc", f.raw, false)
		s.Flag = "y"
		_, err := c.LoginSCRAM(s)
		if resp, step := scramRefusal(err); resp != "AUTH_ERR" || step != client.SCRAMClientFirst {
			t.Fatalf("%v, want AUTH_ERR at the client-first", err)
		}
	})
	t.Run("OKNotOfferedOverPlain", func(t *testing.T) {
		c := f.ws(t)
		s := c.SCRAM("svc", f.raw, false)
		s.Flag = "y"
		if _, err := c.LoginSCRAM(s); err != nil {
			t.Fatalf("y over ws:// (no binding there): %v", err)
		}
	})
}

// TestSCRAMItem8Replay (item 8): an earlier client-final sent in a new
// exchange is refused; a client-final with no exchange pending is the
// EFAULT error, also once the exchange was used.
func TestSCRAMItem8Replay(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	c := f.ws(t)
	s := c.SCRAM("svc", f.raw, false)
	final, _ := c.MustSCRAMFirst(s)
	if a, err := c.SCRAMStep(client.SCRAMClientFinal, final); err != nil || a.SCRAMType != "SERVER_FINAL_RESPONSE" {
		t.Fatalf("first use: %+v %v", a, err)
	}
	expectNotInProgress(t, c, final)

	r := f.ws(t)
	replay := r.SCRAM("svc", f.raw, false)
	replay.Nonce = s.Nonce // even the same client nonce: the server's half is new
	if _, err := r.SCRAMStep(client.SCRAMClientFirst, replay.First()); err != nil {
		t.Fatal(err)
	}
	if a, err := r.SCRAMStep(client.SCRAMClientFinal, final); err != nil || a.ResponseType != "AUTH_ERR" {
		t.Fatalf("replayed client-final: %+v %v, want AUTH_ERR", a, err)
	}
	expectNotInProgress(t, f.ws(t), final)
}

// expectNotInProgress sends a client-final and expects -32001 EFAULT
// "[EFAULT] SCRAM authentication is not in progress".
func expectNotInProgress(t *testing.T, c *apptest.Client, final string) {
	t.Helper()
	_, err := c.SCRAMStep(client.SCRAMClientFinal, final)
	var e *client.Error
	if !errors.As(err, &e) || e.Code != -32001 || e.Errno() != 14 || !strings.Contains(e.Error(), "[EFAULT] SCRAM authentication is not in progress") {
		t.Fatalf("client-final without exchange: %v, want EFAULT SCRAM authentication is not in progress", err)
	}
}
