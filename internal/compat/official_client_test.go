package compat_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// loginFailed is what midclt prints (and exits 0) when a login fails.
const loginFailed = "Failed to login:  "

// v26 is the path SCRAM is served on (scram.md 9.1).
const v26 = "v26.0.0"

func expectPong(t *testing.T, m *midclt, args ...string) {
	t.Helper()
	if out := m.run(append(args, "call", "core.ping")...); out != "pong" {
		t.Fatalf("midclt %s call core.ping printed %q, want pong", strings.Join(redactArgs(args), " "), out)
	}
}

func expectLoginFailure(t *testing.T, m *midclt, text string, args ...string) {
	t.Helper()
	out := m.run(append(args, "call", "core.ping")...)
	if !strings.HasPrefix(out, loginFailed+text) {
		t.Fatalf("midclt %s call core.ping printed %q, want %q", strings.Join(redactArgs(args), " "), out, loginFailed+text)
	}
}

// TestMasterClientSCRAMOverTLS is scram.md 9.13 item 1: the master-line
// midclt's default key login over wss:// is SCRAM bound to the
// certificate Keyward serves (self-signed, ECDSA-SHA256, not verified by
// the client: --insecure), and the session is a key session.
func TestMasterClientSCRAMOverTLS(t *testing.T) {
	m := officialClient(t, clientVar)
	f := newFixture(t)
	f.needSCRAM(t, v26)
	login := []string{"-u", f.url(true, v26), "--insecure", "-U", svcUser, "-K", f.key}
	expectPong(t, m, login...)

	me := result(t, m.run(append(login, "call", "auth.me")...))
	attrs, _ := me["account_attributes"].([]any)
	if me["pw_name"] != svcUser || !slices.Contains(attrs, any("SCRAM")) || !slices.Contains(attrs, any("API_KEY")) {
		t.Fatalf("auth.me on a SCRAM session: %s", apptest.String(me))
	}
	s := result(t, m.run(append(login, "call", "auth.sessions", `[["current", "=", true]]`, `{"get": true}`)...))
	data, _ := s["credentials_data"].(map[string]any)
	key, _ := data["api_key"].(map[string]any)
	if id, _ := apptest.Int(key["id"]); s["credentials"] != "API_KEY" || id != f.keyID || key["name"] != "midclt" {
		t.Fatalf("auth.sessions of a SCRAM session: %s", apptest.String(s))
	}
}

// TestMasterClientOverPlainWS is scram.md 9.13 item 2: over ws:// the
// master client refuses to log in unbound by default, and logs in with
// --no-channel-binding (unbound SCRAM) and with --plain (API_KEY_PLAIN,
// allowed on loopback).
func TestMasterClientOverPlainWS(t *testing.T) {
	m := officialClient(t, clientVar)
	f := newFixture(t)
	login := []string{"-u", f.url(false, v26), "-U", svcUser, "-K", f.key}
	t.Run("Plain", func(t *testing.T) { expectPong(t, m, append(login, "--plain")...) })
	t.Run("ChannelBindingRequired", func(t *testing.T) {
		f.needSCRAM(t, v26)
		expectLoginFailure(t, m, "channel binding is required but the connection is not TLS (wss://)", login...)
	})
	t.Run("NoChannelBinding", func(t *testing.T) {
		f.needSCRAM(t, v26)
		expectPong(t, m, append(login, "--no-channel-binding")...)
	})
}

// TestMasterClientWrongKeys is scram.md 9.13 item 5 as the master client
// sees it: a wrong secret, an unknown key id, another user's key
// and a revoked key all fail at the SCRAM proof (Keyward answers a
// stand-in server-first, difference S1); the plain login refuses a wrong
// secret.
func TestMasterClientWrongKeys(t *testing.T) {
	m := officialClient(t, clientVar)
	f := newFixture(t)
	url := f.url(true, v26)
	t.Run("PlainWrongSecret", func(t *testing.T) {
		expectLoginFailure(t, m, "Invalid API key", "-u", url, "--insecure", "-U", svcUser, "-K", apptest.WrongSecret(f.key), "--plain")
	})
	cases := map[string]string{
		"WrongSecret":  apptest.WrongSecret(f.key),
		"UnknownKeyID": "999999" + f.key[strings.IndexByte(f.key, '-'):],
		"OtherUsers":   f.otherKey,
		"Revoked":      f.revokedKey,
	}
	for name, key := range cases {
		t.Run("SCRAM"+name, func(t *testing.T) {
			f.needSCRAM(t, v26)
			expectLoginFailure(t, m, "Failed to authenticate with API key", "-u", url, "--insecure", "-U", svcUser, "-K", key)
		})
	}
	// The key still works: failures revoke nothing.
	expectPong(t, m, "-u", url, "--insecure", "-U", svcUser, "-K", f.key, "--plain")
}

// TestMasterClientPasswordLogin: -U/-P logs in with auth.login_ex
// PASSWORD_PLAIN over ws:// and wss://; a wrong password is refused.
func TestMasterClientPasswordLogin(t *testing.T) {
	m := officialClient(t, clientVar)
	f := newFixture(t)
	expectPong(t, m, "-u", f.url(false, v26), "-U", svcUser, "-P", svcPassword)
	expectPong(t, m, "-u", f.url(true, v26), "--insecure", "-U", svcUser, "-P", svcPassword)
	expectPong(t, m, "-u", f.url(false, "current"), "-U", svcUser, "-P", svcPassword)
	expectLoginFailure(t, m, "Invalid username or password", "-u", f.url(false, v26), "-U", svcUser, "-P", "wrong")
}

// TestMasterClientOn25Paths: on v25.x paths Keyward does not offer SCRAM
// (difference S3), so the master client's default key login stops with
// its "not supported" text, and --plain logs in.
func TestMasterClientOn25Paths(t *testing.T) {
	m := officialClient(t, clientVar)
	f := newFixture(t)
	for _, path := range []string{"v25.04.0", "v25.10.0", "v25.10.5"} {
		t.Run(path, func(t *testing.T) {
			login := []string{"-u", f.url(true, path), "--insecure", "-U", svcUser, "-K", f.key}
			expectLoginFailure(t, m, "SCRAM authentication is not supported on the remote server", login...)
			expectPong(t, m, append(login, "--plain")...)
		})
	}
}

// TestBeta2Client is scram.md 9.13 item 3: the TS-26.0.0-BETA.2 client
// knows no channel binding; with a username it logs in by unbound SCRAM
// where the server offers it (over ws:// and wss://) and falls back to
// auth.login_with_api_key where it does not; without a username it always
// uses auth.login_with_api_key.
func TestBeta2Client(t *testing.T) {
	m := officialClient(t, betaVar)
	f := newFixture(t)
	t.Run("KeyAlone", func(t *testing.T) {
		expectPong(t, m, "-u", f.url(false, v26), "-K", f.key)
		expectLoginFailure(t, m, "Invalid API key", "-u", f.url(false, v26), "-K", apptest.WrongSecret(f.key))
	})
	t.Run("FallbackOn25", func(t *testing.T) {
		expectPong(t, m, "-u", f.url(false, "v25.10.0"), "-U", svcUser, "-K", f.key)
	})
	t.Run("Password", func(t *testing.T) {
		expectPong(t, m, "-u", f.url(false, v26), "-U", svcUser, "-P", svcPassword)
	})
	t.Run("UnboundSCRAM", func(t *testing.T) {
		f.needSCRAM(t, v26)
		expectPong(t, m, "-u", f.url(false, v26), "-U", svcUser, "-K", f.key)
		expectPong(t, m, "-u", f.url(true, v26), "--insecure", "-U", svcUser, "-K", f.key)
		expectLoginFailure(t, m, "Failed to authenticate with API key", "-u", f.url(false, v26), "-U", svcUser, "-K", apptest.WrongSecret(f.key))
	})
}
