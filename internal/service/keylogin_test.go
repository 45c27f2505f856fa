package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/service"
)

// TestLoginAPIKey checks the steps of api-keys.md 11.1 and 12: the first
// failure decides, EXPIRED only ever answers a correct secret, and every
// attempt makes exactly one secret check, real or dummy.
func TestLoginAPIKey(t *testing.T) {
	t.Parallel()
	other := keys.NewSecret()
	tests := []struct {
		name   string
		reject bool // insecure_key_policy "reject"
		setup  func(e *env, k *keyward.APIKey, raw string)
		user   string
		raw    func(k *keyward.APIKey, raw string) string
		origin keyward.Origin
		want   keyward.LoginResponse
		reason string // the audit record's error
	}{
		{name: "OK", want: service.Success},
		{name: "OKPasswordDisabled", setup: func(e *env, k *keyward.APIKey, _ string) {
			update(e, k.UserID, service.UserUpdate{PasswordDisabled: keyward.Opt[bool]{Set: true, Value: true}})
		}, want: service.Success},
		{name: "OKUnixSocket", origin: keyward.Origin{Unix: true, Secure: true}, want: service.Success},
		{name: "ErrMalformed", raw: func(*keyward.APIKey, string) string { return "not a key" },
			want: service.AuthErr, reason: "Invalid API key"},
		{name: "ErrShortSecret", raw: func(k *keyward.APIKey, _ string) string { return keys.Format(k.ID, "abc") },
			want: service.AuthErr, reason: "Invalid API key"},
		{name: "ErrUnknownID", raw: func(*keyward.APIKey, string) string { return keys.Format(999, other) },
			want: service.AuthErr, reason: "Invalid API key"},
		{name: "ErrUnknownUser", user: "nobody", want: service.AuthErr, reason: "Invalid API key"},
		{name: "ErrWrongOwner", user: "bob", want: service.AuthErr, reason: "Invalid API key"},
		{name: "ErrRevoked", setup: revokeInsecurely, want: service.AuthErr, reason: "API key is revoked."},
		{name: "ErrRevokedWrongSecret", setup: revokeInsecurely, raw: wrongSecret,
			want: service.AuthErr, reason: "API key is revoked."},
		{name: "ErrWrongSecret", raw: wrongSecret, want: service.AuthErr, reason: "Invalid API key"},
		{name: "ErrExpired", setup: expire, want: service.Expired, reason: "Api key is expired."},
		{name: "ErrExpiredWrongSecret", setup: expire, raw: wrongSecret, want: service.AuthErr, reason: "Invalid API key"},
		{name: "ErrInsecureRevoke", origin: insecure, want: service.Expired, reason: "API key revoked due to insecure transport."},
		{name: "ErrInsecureReject", reject: true, origin: insecure, want: service.Expired,
			reason: "API key rejected due to insecure transport."},
		{name: "ErrInsecureWrongSecret", origin: insecure, raw: wrongSecret, want: service.AuthErr, reason: "Invalid API key"},
		{name: "ErrLocked", setup: func(e *env, k *keyward.APIKey, _ string) {
			update(e, k.UserID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: true}})
		}, want: service.AuthErr, reason: "Account is locked."},
		{name: "ErrInsecureBeforeLocked", origin: insecure, setup: func(e *env, k *keyward.APIKey, _ string) {
			update(e, k.UserID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: true}})
		}, want: service.Expired, reason: "API key revoked due to insecure transport."},
		{name: "ErrNoRoles", setup: func(e *env, k *keyward.APIKey, _ string) {
			update(e, k.UserID, service.UserUpdate{Group: keyward.Opt[int64]{Set: true, Value: e.admin.GroupID}})
		}, want: service.Denied, reason: "Account has no privileges."}, // AUTH_ERR before v26.0.0: the acceptance tests
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustOpen(t, func(c *service.Config) {
				if tt.reject {
					c.InsecureKeyPolicy = "reject"
				}
			})
			e.user("alice", "READONLY_ADMIN")
			e.user("bob", "READONLY_ADMIN")
			k, raw := e.key("alice", "k1")
			if tt.setup != nil {
				tt.setup(e, k, raw)
			}
			user, origin := "alice", secure
			if tt.user != "" {
				user = tt.user
			}
			if tt.origin != (keyward.Origin{}) {
				origin = tt.origin
			}
			if tt.raw != nil {
				raw = tt.raw(k, raw)
			}
			_, checked0, timed0 := e.obs.counts("", "")
			before := len(e.audit([]any{"event", "=", "AUTHENTICATION"}))
			sess, resp := e.loginKey(user, raw, origin)
			if resp != tt.want {
				t.Fatalf("response = %s, want %s", resp, tt.want)
			}
			_, checked, timed := e.obs.counts("", "")
			if checked-checked0 != 1 || (timed-timed0 == 1) != (resp == service.Success) {
				t.Errorf("key checks %d, timed %d; want 1 check, timed iff SUCCESS", checked-checked0, timed-timed0)
			}
			recs := e.audit([]any{"event", "=", "AUTHENTICATION"})
			if len(recs) != before+1 {
				t.Fatalf("%d new audit records, want 1", len(recs)-before)
			}
			if got := recs[before]["event_data"].(map[string]any)["error"]; tt.reason != "" && got != tt.reason {
				t.Errorf("audit error = %v, want %q", got, tt.reason)
			}
			if resp == service.Success {
				if sess.Credential != keyward.CredAPIKey || sess.APIKeyID != k.ID || sess.APIKeyName != "k1" {
					t.Errorf("session = %+v", sess)
				}
				if !e.refreshes(sess) {
					t.Error("the key session is refused at its first call")
				}
			}
		})
	}
}

func wrongSecret(k *keyward.APIKey, _ string) string { return keys.Format(k.ID, keys.NewSecret()) }

// revokeInsecurely revokes k by presenting it over an insecure transport.
func revokeInsecurely(e *env, _ *keyward.APIKey, raw string) {
	e.tb.Helper()
	if _, resp := e.loginKey("alice", raw, insecure); resp != service.Expired {
		e.tb.Fatalf("insecure use: %s", resp)
	}
}

// expire gives k an expiry an hour away, then moves the clock two hours on.
func expire(e *env, k *keyward.APIKey, _ string) {
	e.tb.Helper()
	at := e.clock.Now().Add(time.Hour)
	if _, _, err := e.svc.UpdateKey(e.ctx, k.ID, service.KeyUpdate{
		ExpiresAt: keyward.Opt[*time.Time]{Set: true, Value: &at}}); err != nil {
		e.tb.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
}

// TestLoginAPIKeyInsecure checks what a correct secret over an insecure
// transport changes under each policy (api-keys.md 12).
func TestLoginAPIKeyInsecure(t *testing.T) {
	t.Parallel()
	for _, policy := range []string{"revoke", "reject"} {
		t.Run("OK"+strings.ToUpper(policy[:1])+policy[1:], func(t *testing.T) {
			t.Parallel()
			e := mustOpen(t, func(c *service.Config) { c.InsecureKeyPolicy = policy })
			e.user("alice", "READONLY_ADMIN")
			k, raw := e.key("alice", "k1")
			open, resp := e.loginKey("alice", raw, secure)
			if resp != service.Success {
				t.Fatal(resp)
			}
			if _, resp := e.loginKey("alice", raw, insecure); resp != service.Expired {
				t.Fatalf("insecure use: %s", resp)
			}
			got, err := e.svc.GetKey(e.ctx, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			alerts, err := e.svc.Alerts(e.ctx)
			if err != nil || len(alerts) != 1 {
				t.Fatalf("alerts = %v, %v; want one", alerts, err)
			}
			klass := alerts[0].(map[string]any)["klass"]
			_, again := e.loginKey("alice", raw, secure)
			if policy == "reject" {
				if got.Revoked || open.Ended() || !e.refreshes(open) || klass != "ApiKeyInsecureUse" || again != service.Success {
					t.Fatalf("reject: revoked %v, session ended %v, alert %v, secure login %s", got.Revoked, open.Ended(), klass, again)
				}
				return
			}
			if !got.Revoked || got.RevokedReason != keyward.ReasonInsecureTransport || !open.Ended() || e.refreshes(open) {
				t.Fatalf("revoke: key %+v, session ended %v", got, open.Ended())
			}
			if klass != "ApiKeyRevoked" || again != service.AuthErr {
				t.Fatalf("revoke: alert %v, secure login %s", klass, again)
			}
			if ev := e.events.msgs(); ev[len(ev)-1] != "changed 1" {
				t.Errorf("events = %v, want a changed event last", ev)
			}
		})
	}
}

// TestLoginAPIKeyOnly checks auth.login_with_api_key: the owner is the
// key's, and refusals record a redacted key.
func TestLoginAPIKeyOnly(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice", "READONLY_ADMIN")
	k, raw := e.key("alice", "k1")
	tests := []struct {
		name, raw string
		want      keyward.LoginResponse
		recorded  any // credentials_data.api_key of a refusal
	}{
		{"OK", raw, service.Success, nil},
		{"ErrNoDash", "garbage", service.AuthErr, "********"},
		{"ErrUnknownID", "999-" + keys.NewSecret(), service.AuthErr, "999-********"},
		{"ErrBadSecret", keys.Format(k.ID, "short"), service.AuthErr, nil},
		{"ErrWrongSecret", keys.Format(k.ID, keys.NewSecret()), service.AuthErr, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &keyward.Caller{ConnID: "c-" + tt.name, Origin: secure}
			sess, resp := e.svc.LoginAPIKeyOnly(e.ctx, c, &conn{}, tt.raw)
			if resp != tt.want {
				t.Fatalf("response = %s, want %s", resp, tt.want)
			}
			if resp == service.Success {
				if sess.UserID != k.UserID || sess.APIKeyID != k.ID {
					t.Fatalf("session = %+v", sess)
				}
				return
			}
			if tt.recorded == nil {
				return
			}
			recs := e.audit([]any{"event", "=", "AUTHENTICATION"}, []any{"success", "=", false})
			data := recs[len(recs)-1]["event_data"].(map[string]any)["credentials"].(map[string]any)["credentials_data"].(map[string]any)
			if data["api_key"] != tt.recorded || data["username"] != nil {
				t.Errorf("credentials_data = %v, want api_key %v and no username", data, tt.recorded)
			}
		})
	}
}
